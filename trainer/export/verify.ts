// Every export is checked before it is written: the file is loaded into the
// wasmlite runtime and run on the test split, one sample per invoke, and
// compared with the trainer's own float predictions.
//   float32: every output within 1e-5 of the trainer's (else an error: a bug)
//   int8, classification: at most maxAccuracyDrop (default 0.3 percentage
//     points) fewer correct test samples than the float model, counted in
//     whole samples (floor(n * drop / 100), at least 1) so float rounding
//     cannot decide it; a failure is reported in the result (`failure`), not
//     thrown, so the caller can keep the files
//   int8, regression: the mean squared error against the targets, reported
import { createNodeRuntime } from "@wasmlite/runtime/node";
import type { Sequential } from "../model.ts";
import { correctCount } from "../model.ts";
import type { Dataset } from "../data/dataset.ts";

export interface Verification {
  kind: "float32" | "int8";
  samples: number;
  /** Largest |runtime - trainer| over all outputs. */
  maxAbsDifference: number;
  /** Classification: accuracy of the file in the runtime, and of the trainer's float model. */
  accuracy?: number;
  floatAccuracy?: number;
  /** Classification: test samples classified correctly by the file, and by the trainer's float model. */
  correct?: number;
  floatCorrect?: number;
  /** int8 classification: how many fewer correct samples than float are allowed. */
  allowedDrop?: number;
  /** Why the file fails its check (int8 accuracy too far below float); absent when it passes. */
  failure?: string;
  /** Regression: mean squared error of the file's outputs against the targets. */
  mse?: number;
  floatMse?: number;
  arenaBytes: number;
  memoryBytes: number;
  /** Median microseconds per invoke in the runtime (SIMD build, Node). */
  latencyUs: number;
}

export const FLOAT_TOLERANCE = 1e-5;

/** The check's figures, and the file's outputs on the test split (for confusion matrices). */
export async function verifyExport(
  bytes: Uint8Array,
  kind: "float32" | "int8",
  model: Sequential,
  test: Dataset,
  options: { maxAccuracyDrop?: number } = {},
): Promise<Verification & { outputs: Float32Array }> {
  const runtime = await createNodeRuntime();
  const m = runtime.load(bytes);
  const width = test.x.length / test.n;
  const outWidth = test.targetSize;
  const got = new Float32Array(test.n * outWidth);
  for (let i = 0; i < test.n; i++) {
    m.resetState(); // each sample is a sequence of its own (a no-op without recurrent layers)
    got.set(m.predict(test.x.subarray(i * width, (i + 1) * width))[0]!, i * outWidth);
  }
  const expected = model.predict(test.x);
  let maxAbsDifference = 0;
  for (let i = 0; i < got.length; i++) maxAbsDifference = Math.max(maxAbsDifference, Math.abs(got[i]! - expected[i]!));
  if (kind === "float32" && !(maxAbsDifference <= FLOAT_TOLERANCE)) {
    throw new Error(
      `export check failed: the float32 file's outputs differ from the trainer's by up to ${maxAbsDifference} (allowed ${FLOAT_TOLERANCE})`,
    );
  }
  const result: Verification & { outputs: Float32Array } = {
    outputs: got,
    kind,
    samples: test.n,
    maxAbsDifference,
    arenaBytes: m.arenaBytes,
    memoryBytes: m.memoryBytes,
    latencyUs: medianLatencyUs(() => m.invoke()),
  };
  if (test.labels) {
    result.correct = correctCount(got, test.y, outWidth);
    result.floatCorrect = correctCount(expected, test.y, outWidth);
    result.accuracy = result.correct / test.n;
    result.floatAccuracy = result.floatCorrect / test.n;
    if (kind === "int8") {
      const percent = options.maxAccuracyDrop ?? 0.3;
      // In whole samples, in integer arithmetic (the drop in hundredths of a point, i.e.
      // 1/10,000ths): 0.3 points of 10,000 samples allows 30, of 80 samples 1 (never less).
      const allowed = Math.max(1, Math.floor((test.n * Math.round(percent * 100)) / 10_000));
      result.allowedDrop = allowed;
      const lost = result.floatCorrect - result.correct;
      if (lost > allowed) {
        result.failure = `int8 accuracy ${(result.accuracy * 100).toFixed(2)}% is ${lost} of ${test.n} test samples below float (${(result.floatAccuracy * 100).toFixed(2)}%); at most ${allowed} allowed (${percent} points)`;
      }
    }
  } else {
    result.mse = meanSquaredError(got, test.y);
    result.floatMse = meanSquaredError(expected, test.y);
  }
  return result;
}

function meanSquaredError(p: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / p.length;
}

/**
 * Microseconds per call: 50 calls to warm up (compile, caches), then the
 * number of calls per round doubled from 1 until a round takes over 5 ms (so
 * the clock's resolution is small beside it), then the median of 15 such
 * rounds. `now` is the clock in milliseconds.
 */
export function medianLatencyUs(invoke: () => void, now: () => number = () => performance.now()): number {
  for (let i = 0; i < 50; i++) invoke();
  let calls = 1;
  for (;;) {
    const t = now();
    for (let i = 0; i < calls; i++) invoke();
    if (now() - t > 5) break;
    calls *= 2;
  }
  const rounds: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t = now();
    for (let i = 0; i < calls; i++) invoke();
    rounds.push(((now() - t) * 1000) / calls);
  }
  rounds.sort((a, b) => a - b);
  return rounds[7]!;
}
