// MAX_POOL_2D in float32, int8 and int16: SAME and VALID, 2x2 and 3x3
// windows, fused RELU and RELU6 (8 + 8 + 1 channels and batch 2: the SIMD
// build's int8 chunks and tail).
import { ActivationFunctionType } from "@wasmlite/format";
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { pool } from "../../helpers/cnn.ts";

export function cases(): Case[] {
  const list: Case[] = [];
  for (const kind of ["float32", "int8"] as const) {
    list.push(
      randomCase(
        pool({ kind, max: true, input: [1, 7, 9, 3], window: [2, 2], stride: [2, 2], padding: "SAME", seed: 9 }),
        EXACT,
      ),
      randomCase(
        pool({
          kind,
          max: true,
          input: [2, 9, 8, 17],
          window: [3, 3],
          stride: [2, 2],
          padding: "VALID",
          activation: ActivationFunctionType.RELU6,
          seed: 24,
        }),
        EXACT,
      ),
    );
  }
  list.push(
    randomCase(
      pool({
        kind: "int16",
        max: true,
        input: [1, 7, 9, 5],
        window: [3, 3],
        stride: [2, 2],
        padding: "SAME",
        activation: ActivationFunctionType.RELU,
        seed: 57,
      }),
      EXACT,
    ),
  );
  return list;
}
