// Synthetic sequences for next-value regression (the sine-rnn preset): each
// sample is `steps` observations of a sine wave with its own amplitude
// A in [0.5, 1], angular frequency w in [0.1, 0.6] rad per step and phase,
// observed with Gaussian noise of standard deviation 0.02:
//   x_k = A sin(w k + phase) + noise,  k = 0 .. steps - 1
// and the target is the next clean value, A sin(w steps + phase). Seeded:
// the training and test sets come from one generator, drawn in that order.
import { Rng, type Dataset } from "@wasmlite/trainer";

export const NOISE = 0.02;

export function sineSequences(o: { train: number; test: number; steps: number; seed: number }): {
  train: Dataset;
  test: Dataset;
} {
  for (const [k, v] of Object.entries(o))
    if (!Number.isInteger(v) || v < (k === "seed" ? 0 : 1))
      throw new Error(`sineSequences: ${k} must be a positive whole number, got ${v}`);
  const rng = new Rng(o.seed);
  const make = (n: number, what: string): Dataset => {
    const x = new Float32Array(n * o.steps);
    const y = new Float32Array(n);
    for (let s = 0; s < n; s++) {
      const amplitude = rng.uniform(0.5, 1);
      const w = rng.uniform(0.1, 0.6);
      const phase = rng.uniform(0, 2 * Math.PI);
      for (let k = 0; k < o.steps; k++) x[s * o.steps + k] = amplitude * Math.sin(w * k + phase) + NOISE * rng.normal();
      y[s] = amplitude * Math.sin(w * o.steps + phase);
    }
    const source = `${n} noisy sine sequences of ${o.steps} steps (${what}), seed ${o.seed}`;
    return { x, y, n, inputShape: [o.steps, 1], targetSize: 1, source };
  };
  return { train: make(o.train, "training"), test: make(o.test, "test") };
}

/**
 * The linear baseline the RNN is compared with: least squares over the
 * training sequences of y = c + sum_k a_k x_k (every step a feature), by the
 * normal equations with a tiny ridge (1e-6) so they are always solvable;
 * returns its mean squared error on the test set.
 */
export function linearBaselineMse(train: Dataset, test: Dataset): number {
  const width = train.x.length / train.n;
  const m = width + 1; // the constant, then each step
  const ata = new Float64Array(m * m);
  const aty = new Float64Array(m);
  const row = new Float64Array(m);
  for (let s = 0; s < train.n; s++) {
    row[0] = 1;
    for (let k = 0; k < width; k++) row[k + 1] = train.x[s * width + k]!;
    for (let i = 0; i < m; i++) {
      aty[i] = aty[i]! + row[i]! * train.y[s]!;
      for (let j = 0; j < m; j++) ata[i * m + j] = ata[i * m + j]! + row[i]! * row[j]!;
    }
  }
  for (let i = 0; i < m; i++) ata[i * m + i] = ata[i * m + i]! + 1e-6;
  const coef = solve(ata, aty, m);
  let sum = 0;
  for (let s = 0; s < test.n; s++) {
    let p = coef[0]!;
    for (let k = 0; k < width; k++) p += coef[k + 1]! * test.x[s * width + k]!;
    sum += (p - test.y[s]!) ** 2;
  }
  return sum / test.n;
}

/** Gaussian elimination with partial pivoting (a is m x m, row-major; both are overwritten). */
function solve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  for (let c = 0; c < m; c++) {
    let pivot = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r * m + c]!) > Math.abs(a[pivot * m + c]!)) pivot = r;
    if (pivot !== c) {
      for (let k = 0; k < m; k++) [a[c * m + k], a[pivot * m + k]] = [a[pivot * m + k]!, a[c * m + k]!];
      [b[c], b[pivot]] = [b[pivot]!, b[c]!];
    }
    for (let r = c + 1; r < m; r++) {
      const f = a[r * m + c]! / a[c * m + c]!;
      for (let k = c; k < m; k++) a[r * m + k] = a[r * m + k]! - f * a[c * m + k]!;
      b[r] = b[r]! - f * b[c]!;
    }
  }
  const x = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let v = b[r]!;
    for (let k = r + 1; k < m; k++) v -= a[r * m + k]! * x[k]!;
    x[r] = v / a[r * m + r]!;
  }
  return x;
}
