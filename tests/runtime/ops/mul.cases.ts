// MUL: equal shapes and a broadcast vector, fused RELU_N1_TO_1, float32,
// int8 and int16.
import { ActivationFunctionType, BuiltinOperator } from "@wasmlite/format";
import { EXACT, XNNPACK_QS8, randomCase, type Case, type Rounding } from "../../helpers/cases.ts";
import { binary } from "../../helpers/models.ts";

const MUL = BuiltinOperator.MUL;
const { RELU_N1_TO_1 } = ActivationFunctionType;

// TFLite's MUL prepares its multiplier s1 * s2 / s_out in float32 arithmetic,
// TFLM (and wasmlite) in double: on the int16 case a multiplier 14 units
// lower (of 2^31), which moves a product that lies next to a rounding
// boundary across it (one element of 1,440 here).
const MULTIPLIER_IN_FLOAT: Rounding = {
  lsb: 1,
  why: "TFLite computes MUL's requantisation multiplier s1 * s2 / s_out in float32, TFLM in double",
};

export function cases(): Case[] {
  return [
    randomCase(
      binary({ op: MUL, kind: "float32", shapeA: [2, 8], shapeB: [2, 8], activation: RELU_N1_TO_1, seed: 15 }),
      EXACT,
    ),
    randomCase(binary({ op: MUL, kind: "int8", shapeA: [6, 5], shapeB: [5], seed: 16 }), XNNPACK_QS8),
    randomCase(
      binary({ op: MUL, kind: "int8", shapeA: [2, 3, 4], shapeB: [4], activation: RELU_N1_TO_1, seed: 77 }),
      XNNPACK_QS8,
    ),
    randomCase(binary({ op: MUL, kind: "int16", shapeA: [4, 9], shapeB: [4, 9], seed: 17 }), MULTIPLIER_IN_FLOAT),
  ];
}
