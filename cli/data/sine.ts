// Synthetic regression: y = sin(x) for x uniform in [0, 2 pi), seeded.
import { Rng, type Dataset } from "@wasmlite/trainer";

export function sine(n: number, seed: number): Dataset {
  if (!Number.isInteger(n) || n < 1) throw new Error(`sine: n must be a positive whole number, got ${n}`);
  const rng = new Rng(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.uniform(0, 2 * Math.PI);
    y[i] = Math.sin(x[i]!);
  }
  return { x, y, n, inputShape: [1], targetSize: 1, source: `sin(x), x uniform in [0, 2 pi), seed ${seed}` };
}
