// RELU: float32, int8 and int16 (which rescales between its input's and
// output's quantisation).
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { unary } from "../../helpers/models.ts";

const RELU = BuiltinOperator.RELU;

export function cases(): Case[] {
  return [
    randomCase(unary({ op: RELU, inKind: "float32", outKind: "float32", shape: [3, 11], seed: 20 }), EXACT),
    randomCase(unary({ op: RELU, inKind: "int8", outKind: "int8", shape: [3, 11], seed: 21 }), EXACT),
    randomCase(unary({ op: RELU, inKind: "int16", outKind: "int16", shape: [4, 33], seed: 70 }), EXACT),
  ];
}
