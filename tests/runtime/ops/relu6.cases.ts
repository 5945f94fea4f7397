// RELU6: float32, int8 and int16, the integer forms with the input's
// quantisation on the output.
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { unary } from "../../helpers/models.ts";

const RELU6 = BuiltinOperator.RELU6;

export function cases(): Case[] {
  return [
    randomCase(unary({ op: RELU6, inKind: "float32", outKind: "float32", shape: [40], seed: 22 }), EXACT),
    randomCase(unary({ op: RELU6, inKind: "int8", outKind: "int8", shape: [40], sameQuant: true, seed: 23 }), EXACT),
    randomCase(
      unary({
        op: RELU6,
        inKind: "int16",
        outKind: "int16",
        shape: [70],
        sameQuant: true,
        inQuant: { scale: [3e-4], zeroPoint: [0] },
        seed: 71,
      }),
      EXACT,
    ),
  ];
}
