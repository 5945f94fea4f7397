// The check every export gets before it is written (trainer/export/verify.ts),
// on models whose every output is known: a float32 file that disagrees with
// the trainer is an error; an int8 file's accuracy drop is counted in whole
// samples against its allowance; a regression's mean squared error; and the
// latency figure's procedure, on a clock the test controls.
import { describe, it, expect } from "vitest";
import { sequential, dense, type Dataset } from "@wasmlite/trainer";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { verifyExport, medianLatencyUs } from "../../trainer/export/verify.ts";

/** One input, two classes: class 1 when x > threshold (softmax over [0, 4x - 4 threshold]). */
function thresholdClassifier(threshold: number) {
  const m = sequential([dense({ units: 2, activation: "softmax" })], { inputShape: [1] });
  m.setWeights([Float32Array.of(0, 4), Float32Array.of(0, -4 * threshold)]);
  return m;
}

/** Samples at x, labelled as `labeller` classifies them (one-hot, with class names). */
function labelled(xs: number[], labeller: (x: number) => number): Dataset {
  const y = new Float32Array(xs.length * 2);
  xs.forEach((x, i) => (y[i * 2 + labeller(x)] = 1));
  return { x: Float32Array.from(xs), y, n: xs.length, inputShape: [1], targetSize: 2, labels: ["no", "yes"] };
}

describe("verifyExport", () => {
  it("a float32 file that is not the trainer's model is an error naming the difference", async () => {
    const file = exportTflite(thresholdClassifier(0), { kind: "float32" });
    const test = labelled([-1, -0.5, 0.5, 1], (x) => (x > 0 ? 1 : 0));
    const same = await verifyExport(file, "float32", thresholdClassifier(0), test);
    expect(same.maxAbsDifference).toBeLessThanOrEqual(1e-7); // the same arithmetic, but for exp's last bit
    expect(same.allowedDrop).toBeUndefined(); // float32 files have no accuracy allowance
    expect([same.correct, same.floatCorrect, same.accuracy, same.floatAccuracy]).toEqual([4, 4, 1, 1]);
    // Shifted by 0.25: at x = 0.5 the softmax output moves from 1/(1+e^-2) to 1/(1+e^-1), by 0.1497.
    await expect(verifyExport(file, "float32", thresholdClassifier(0.25), test)).rejects.toThrow(
      /^export check failed: the float32 file's outputs differ from the trainer's by up to 0\.14\d+ \(allowed 0\.00001\)$/,
    );
  });

  it("int8: the samples lost against the float model, allowed up to the drop in whole samples", async () => {
    // The file classifies x > 0, the trainer's model x > 0.5: samples in (0, 0.5) are right for
    // the model (the labels are its answers) and wrong for the file.
    const far = Array.from({ length: 190 }, (_, i) => (i % 2 ? -1 - i / 100 : 1 + i / 100));
    const test = (lost: number) =>
      labelled([...far, ...Array.from({ length: lost }, (_, i) => 0.2 + i * 0.01)], (x) => (x > 0.5 ? 1 : 0));
    const file = exportTflite(thresholdClassifier(0), { kind: "int8", calibration: test(10) });
    // 2 points of 194 samples: floor(194 * 200 / 10,000) = 3 samples.
    const within = await verifyExport(file, "int8", thresholdClassifier(0.5), test(4), { maxAccuracyDrop: 2 });
    expect(within.allowedDrop).toBe(3);
    expect([within.floatCorrect, within.correct]).toEqual([194, 190]);
    expect(within.failure).toBe(
      "int8 accuracy 97.94% is 4 of 194 test samples below float (100.00%); at most 3 allowed (2 points)",
    );
    const three = await verifyExport(file, "int8", thresholdClassifier(0.5), test(3), { maxAccuracyDrop: 2 });
    expect([three.allowedDrop, three.correct, three.failure]).toEqual([3, 190, undefined]);
    expect(three.accuracy).toBe(190 / 193);
    expect(three.floatAccuracy).toBe(1);
    // The default, 0.3 points: floor(193 * 30 / 10,000) = 0, raised to 1 sample.
    const byDefault = await verifyExport(file, "int8", thresholdClassifier(0.5), test(1));
    expect([byDefault.allowedDrop, byDefault.failure]).toEqual([1, undefined]);
  });

  it("a regression (no class names): the mean squared error of the file and of the model against the targets", async () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [1] });
    m.setWeights([Float32Array.of(2), Float32Array.of(1)]); // y = 2x + 1
    const test = { x: Float32Array.of(0, 1, 2), y: Float32Array.of(1, 4, 4), n: 3, inputShape: [1], targetSize: 1 };
    const v = await verifyExport(exportTflite(m, { kind: "float32" }), "float32", m, test);
    // Predictions 1, 3, 5 against 1, 4, 4: (0 + 1 + 1) / 3.
    expect(v.mse).toBe(2 / 3);
    expect(v.floatMse).toBe(2 / 3);
    expect(v.accuracy).toBeUndefined();
    expect(Array.from(v.outputs)).toEqual([1, 3, 5]);
    expect(v.latencyUs).toBeGreaterThan(0);
  });
});

describe("medianLatencyUs", () => {
  it("warms up with 50 calls, doubles the calls until a round takes over 5 ms, and gives the median of 15 rounds", () => {
    // A clock advanced only by the calls: 5/4096 ms each while probing, so 4,096 calls take
    // exactly 5 ms (not over) and 8,192 are a round; then each round's cost per call (µs)
    // from a list whose median is 8 (a 16th round would cost 0.5 and move it).
    const roundCosts = [14, 3, 9, 1, 12, 8, 5, 15, 2, 11, 7, 13, 4, 10, 6, 0.5];
    let clock = 0;
    let calls = 0;
    let callsBeforeClock = -1;
    let reads = 0;
    let cost = 5 / 4096;
    const probeReads = 2 * 14; // 1, 2, ..., 8,192 calls: 14 rounds of two reads
    const now = () => {
      if (callsBeforeClock < 0) callsBeforeClock = calls;
      reads++;
      if (reads > probeReads && reads % 2 === 1) cost = roundCosts[(reads - probeReads - 1) / 2]! / 1000;
      return clock;
    };
    const perCall = medianLatencyUs(() => {
      calls++;
      clock += cost;
    }, now);
    expect(callsBeforeClock).toBe(50);
    expect(calls).toBe(50 + (2 * 8192 - 1) + 15 * 8192);
    expect(perCall).toBeCloseTo(8, 9);
  });
});
