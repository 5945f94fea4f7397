// DEPTHWISE_CONV_2D in float32 and int8: depth multipliers 1 and 2, strides,
// dilations (also only vertical, with batch 2 and 4 + 4 + 2 channels: the MVP
// build's int8 path steps rows by the dilation and does channels in fours,
// then one at a time), 3x3 to 5x5, fused RELU and RELU_N1_TO_1.
import { ActivationFunctionType } from "@wasmlite/format";
import { EXACT, XNNPACK_QS8, randomCase, type Case } from "../../helpers/cases.ts";
import { depthwise } from "../../helpers/cnn.ts";

const { RELU, RELU_N1_TO_1 } = ActivationFunctionType;

export function cases(): Case[] {
  const list: Case[] = [];
  for (const kind of ["float32", "int8"] as const) {
    const r = kind === "int8" ? XNNPACK_QS8 : EXACT;
    list.push(
      randomCase(depthwise({ kind, input: [1, 9, 9, 3], multiplier: 2, kernel: [3, 3], padding: "SAME", seed: 6 }), r),
      randomCase(
        depthwise({
          kind,
          input: [1, 12, 10, 17],
          multiplier: 1,
          kernel: [3, 3],
          stride: [2, 2],
          dilation: [1, 2],
          padding: "VALID",
          seed: 7,
        }),
        r,
      ),
      randomCase(
        depthwise({
          kind,
          input: [1, 8, 8, 16],
          multiplier: 1,
          kernel: [5, 5],
          padding: "SAME",
          activation: RELU,
          seed: 8,
        }),
        r,
      ),
    );
  }
  list.push(
    randomCase(
      depthwise({
        kind: "int8",
        input: [1, 7, 7, 4],
        multiplier: 2,
        kernel: [3, 3],
        padding: "VALID",
        activation: RELU_N1_TO_1,
        seed: 52,
      }),
      XNNPACK_QS8,
    ),
    randomCase(
      depthwise({
        kind: "int8",
        input: [2, 9, 7, 10],
        multiplier: 1,
        kernel: [3, 2],
        dilation: [2, 1],
        padding: "SAME",
        seed: 63,
      }),
      XNNPACK_QS8,
    ),
  );
  return list;
}
