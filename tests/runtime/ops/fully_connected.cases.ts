// FULLY_CONNECTED: small MLPs (FC, RELU fused, SOFTMAX head) in every type,
// per-tensor and per-channel weights, batches above 1.
import { EXACT, XNNPACK_QS8, RUY_FC, randomCase, type Case } from "../../helpers/cases.ts";
import { mlp } from "../../helpers/models.ts";

export function cases(): Case[] {
  return [
    randomCase(mlp({ kind: "float32", sizes: [784, 128, 10], seed: 1, head: "softmax" }), EXACT),
    randomCase(mlp({ kind: "float32", sizes: [33, 17, 5], batch: 3, seed: 2 }), EXACT),
    randomCase(mlp({ kind: "int8", sizes: [784, 128, 10], seed: 3 }), XNNPACK_QS8),
    randomCase(mlp({ kind: "int8", sizes: [784, 128, 10], perChannel: true, seed: 4 }), RUY_FC),
    randomCase(mlp({ kind: "int8", sizes: [37, 19, 3], perChannel: true, batch: 4, seed: 5 }), RUY_FC),
    randomCase(mlp({ kind: "int16", sizes: [64, 24, 8], perChannel: true, seed: 6 }), EXACT),
  ];
}
