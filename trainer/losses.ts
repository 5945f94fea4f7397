// Losses, each returning the batch's mean loss and writing its gradient.
//   mse                      mean over all outputs of (p - y)^2;  dL/dp = 2 (p - y) / (B n)
//   binaryCrossentropy       with a sigmoid output, from the logits z (stable):
//                            max(z, 0) - z y + log(1 + exp(-|z|));  dL/dz = (sigmoid(z) - y) / (B n)
//   categoricalCrossentropy  with a softmax output, from the logits z, with
//                            log-sum-exp: lse(z) sum(y) - sum(y z);  dL/dz = softmax(z) - y (the
//                            seed's fused gradient f(x) - e(y)), divided by B
// The two cross-entropies are only defined fused with their output activation;
// the model checks that pairing at compile().
import { sigmoid } from "./activations.ts";

export type LossName = "mse" | "binaryCrossentropy" | "categoricalCrossentropy";
export const LOSSES: readonly LossName[] = ["mse", "binaryCrossentropy", "categoricalCrossentropy"];

/** The output activation a loss is fused with, if any. */
export function fusedActivation(loss: LossName): "sigmoid" | "softmax" | undefined {
  return loss === "binaryCrossentropy" ? "sigmoid" : loss === "categoricalCrossentropy" ? "softmax" : undefined;
}

/**
 * Mean loss of `batch` rows of width `width`. `out` is the prediction (mse)
 * or the logits (cross-entropies); `grad` receives dL/d(out).
 */
export function lossAndGradient(
  loss: LossName,
  out: Float32Array,
  target: Float32Array,
  batch: number,
  width: number,
  grad: Float32Array,
): number {
  const n = batch * width;
  let total = 0;
  switch (loss) {
    case "mse": {
      const scale = 2 / n;
      for (let i = 0; i < n; i++) {
        const d = out[i]! - target[i]!;
        total += d * d;
        grad[i] = scale * d;
      }
      return total / n;
    }
    case "binaryCrossentropy": {
      for (let i = 0; i < n; i++) {
        const z = out[i]!,
          y = target[i]!;
        total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
        grad[i] = (sigmoid(z) - y) / n;
      }
      return total / n;
    }
    case "categoricalCrossentropy": {
      for (let r = 0; r < n; r += width) {
        let max = -Infinity;
        for (let j = 0; j < width; j++) max = Math.max(max, out[r + j]!);
        let sum = 0;
        for (let j = 0; j < width; j++) sum += Math.exp(out[r + j]! - max);
        const lse = max + Math.log(sum);
        for (let j = 0; j < width; j++) {
          const y = target[r + j]!;
          total += y * (lse - out[r + j]!);
          grad[r + j] = (Math.exp(out[r + j]! - lse) - y) / batch;
        }
      }
      return total / batch;
    }
  }
}
