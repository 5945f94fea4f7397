// SUB: broadcasting along either operand, float32, int8 and int16.
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { binary } from "../../helpers/models.ts";

const SUB = BuiltinOperator.SUB;

export function cases(): Case[] {
  return [
    randomCase(binary({ op: SUB, kind: "int8", shapeA: [3, 7], shapeB: [1, 7], seed: 13 }), EXACT),
    randomCase(binary({ op: SUB, kind: "float32", shapeA: [5, 1], shapeB: [1, 6], seed: 14 }), EXACT),
    randomCase(binary({ op: SUB, kind: "int16", shapeA: [5, 4], shapeB: [4], seed: 75 }), EXACT),
  ];
}
