// What several trainer suites share: small random data sets, the analytic
// gradients a training step computes, and the finite-difference check of
// them.
import { expect } from "vitest";
import { oneHot, type Sequential, type Dataset, type LossName } from "@wasmlite/trainer";
import { Rng } from "../../trainer/rng.ts";

/** A small random data set: features in [-1, 1], targets to suit the loss. */
export function data(n: number, features: number, outputs: number, loss: LossName, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * features }, () => rng.uniform(-1, 1));
  let y: Float32Array;
  if (loss === "categoricalCrossentropy")
    y = oneHot(
      Array.from({ length: n }, () => rng.nextU32() % outputs),
      outputs,
      "test",
    );
  else if (loss === "binaryCrossentropy")
    y = Float32Array.from({ length: n * outputs }, () => (rng.next() < 0.5 ? 0 : 1));
  else y = Float32Array.from({ length: n * outputs }, () => rng.uniform(-1, 1));
  return { x, y, n, inputShape: [features], targetSize: outputs };
}

/** Analytic gradients (one SGD step at learning rate 0 leaves the weights as they are). */
export function analyticGradients(m: Sequential, d: Dataset): Float32Array[] {
  m.trainBatch(d, null, 0, d.n, 0, "gradient check");
  return m.params().map((p) => Float32Array.from(m.ws.f32(p.grad)));
}

/**
 * Central differences of the batch loss, (L(w + h) - L(w - h)) / 2h, for a
 * sample of each parameter's entries; compared with the analytic gradient
 * within 2% of the larger magnitude plus 2e-4 (float32 forward passes).
 */
export function gradientCheck(
  m: Sequential,
  d: Dataset,
  h = 1e-3,
  options: { trainingMode?: boolean } = {},
): { checked: number; worst: number } {
  const grads = analyticGradients(m, d);
  // The loss the gradient is of: inference mode, or (batch normalisation) training mode, by a step at learning rate 0.
  const lossAt = () =>
    options.trainingMode ? m.trainBatch(d, null, 0, d.n, 0, "gradient check") : m.evaluate(d, { batchSize: d.n }).loss!;
  const rng = new Rng(99);
  let checked = 0;
  let worst = 0;
  m.params().forEach((p, k) => {
    const w = m.ws.f32(p.value);
    const picks = Math.min(w.length, 12);
    for (let s = 0; s < picks; s++) {
      const i = w.length <= 12 ? s : rng.nextU32() % w.length;
      const original = w[i]!;
      m.ws.f32(p.value)[i] = original + h;
      const up = lossAt();
      m.ws.f32(p.value)[i] = original - h;
      const down = lossAt();
      m.ws.f32(p.value)[i] = original;
      const numeric = (up - down) / (2 * h);
      const analytic = grads[k]![i]!;
      const err = Math.abs(numeric - analytic);
      worst = Math.max(worst, err / (Math.max(Math.abs(numeric), Math.abs(analytic)) + 1e-2));
      expect(err, `${p.name}[${i}]: analytic ${analytic}, numeric ${numeric}`).toBeLessThanOrEqual(
        0.02 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 2e-4,
      );
      checked++;
    }
  });
  return { checked, worst };
}

/** n random sequences [steps, features] in [-1, 1] and regression targets of width `outputs`. */
export function sequenceData(n: number, steps: number, features: number, outputs: number, seed: number): Dataset {
  const d = data(n, steps * features, outputs, "mse", seed);
  return { ...d, inputShape: [steps, features] };
}

/** Each analytic gradient within `tolerance` of a reference's (a plain BPTT in double precision). */
export function expectGradientsMatch(
  m: Sequential,
  got: Float32Array[],
  want: ArrayLike<number>[],
  tolerance: number,
): void {
  got.forEach((g, k) =>
    g.forEach((v, i) =>
      expect(Math.abs(v - want[k]![i]!), `${m.params()[k]!.name}[${i}]`).toBeLessThanOrEqual(tolerance),
    ),
  );
}
