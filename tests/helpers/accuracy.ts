// Accuracy targets in whole test samples, as the export check counts them.
// Accuracies are ratios of counts; subtracting two of them in floating point
// is not exact (0.9843 - 0.9813 = 0.0030000000000000027 > 0.003), so a target
// stated in points is turned into a count of samples and compared as integers.
import { expect } from "vitest";

interface Counted {
  /** Test samples classified correctly. */
  correct?: number;
  /** Test samples in all. */
  samples: number;
}

/** Whole samples in `tenths` tenths of a percentage point of n (rounded down): 3 tenths of 10,000 is 30. */
function samplesIn(tenthsOfAPoint: number, n: number): number {
  return Math.floor((n * tenthsOfAPoint) / 1000);
}

/** Points (a percentage with at most one decimal) as integer tenths, refusing anything finer. */
function tenths(points: number): number {
  const t = Math.round(points * 10);
  if (Math.abs(t - points * 10) > 1e-9) throw new Error(`${points} has more than one decimal`);
  return t;
}

/** At least `percent` of the test samples right: correct >= ceil(n x percent / 100). */
export function expectAccuracyAtLeast(r: Counted, percent: number): void {
  const needed = Math.ceil((r.samples * tenths(percent)) / 1000);
  expect(r.correct, `correct samples of ${r.samples} (need ${needed}, ${percent}%)`).toBeGreaterThanOrEqual(needed);
}

/** `quantised` gets at most `points` percentage points fewer samples right than `float` (in whole samples). */
export function expectWithinPoints(float: Counted, quantised: Counted, points: number): void {
  expect(quantised.samples).toBe(float.samples);
  const allowed = samplesIn(tenths(points), float.samples);
  expect(float.correct! - quantised.correct!, `samples lost to quantisation (allowed ${allowed})`).toBeLessThanOrEqual(
    allowed,
  );
}
