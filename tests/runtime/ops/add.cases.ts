// ADD: equal shapes and broadcasting (a trailing vector, both operands
// stretched), fused RELU, RELU6 and RELU_N1_TO_1, float32, int8 and int16.
import { ActivationFunctionType, BuiltinOperator } from "@wasmlite/format";
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { binary } from "../../helpers/models.ts";

const ADD = BuiltinOperator.ADD;
const { RELU, RELU6, RELU_N1_TO_1 } = ActivationFunctionType;

export function cases(): Case[] {
  return [
    randomCase(
      binary({ op: ADD, kind: "float32", shapeA: [2, 3, 4], shapeB: [4], activation: RELU6, seed: 10 }),
      EXACT,
    ),
    randomCase(binary({ op: ADD, kind: "int8", shapeA: [2, 3, 5], shapeB: [2, 3, 5], seed: 11 }), EXACT),
    randomCase(
      binary({ op: ADD, kind: "int8", shapeA: [4, 1, 3], shapeB: [1, 5, 3], activation: RELU, seed: 12 }),
      EXACT,
    ),
    randomCase(
      binary({ op: ADD, kind: "int8", shapeA: [3, 9], shapeB: [3, 9], activation: RELU_N1_TO_1, seed: 76 }),
      EXACT,
    ),
    randomCase(
      binary({ op: ADD, kind: "int16", shapeA: [3, 1, 6], shapeB: [4, 6], activation: RELU, seed: 74 }),
      EXACT,
    ),
  ];
}
