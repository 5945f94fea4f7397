// Input normalisation: fitted on the training data, its gradient against
// central finite differences, and its fold into a float32 export (through a
// flatten; refused before training where it cannot go).
import { describe, it, expect } from "vitest";
import { sequential, dense, flatten, activation, normalization, exportProblems, Rng } from "@wasmlite/trainer";
import { exportTflite } from "../../../trainer/export/tflite.ts";
import { verifyExport } from "../../../trainer/export/verify.ts";
import { gradientCheck } from "../../helpers/gradients.ts";

describe("normalisation", () => {
  it("normalisation is fitted on the training data and folded into the export: raw inputs give the trainer's outputs", async () => {
    const rng = new Rng(4);
    const n = 64;
    const x = Float32Array.from({ length: n * 3 }, (_, i) =>
      i % 3 === 0 ? 1000 + 50 * rng.normal() : i % 3 === 1 ? 0.01 * rng.normal() : 7,
    );
    const y = Float32Array.from({ length: n }, (_, i) => Math.tanh(x[i * 3 + 1]! * 100));
    const train = { x, y, n, inputShape: [3], targetSize: 1 };
    const norm = normalization(train);
    expect(norm.mean[0]).toBeCloseTo(1000, -1);
    expect(norm.std[2]).toBe(1); // a constant feature is only centred
    const m = sequential([norm, dense({ units: 8, activation: "tanh" }), dense({ units: 1 })], {
      inputShape: [3],
      seed: 2,
    });
    m.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse" });
    const before = m.evaluate(train).loss!;
    m.fit(train, { epochs: 60, batchSize: 8 });
    // Learnable only through the tiny-scaled feature, which normalisation brings to unit scale.
    expect(m.evaluate(train).loss!).toBeLessThan(0.1 * before);
    const v = await verifyExport(exportTflite(m, { kind: "float32" }), "float32", m, train);
    expect(v.maxAbsDifference).toBeLessThanOrEqual(1e-5);
  });

  it("a float32 export folds normalisation into the dense layer after it, through a flatten; anything else is said before training", async () => {
    const rng = new Rng(6);
    const n = 16;
    const x = Float32Array.from({ length: n * 4 }, (_, i) => (i % 2 ? 300 : -2) + rng.normal() * (i % 2 ? 20 : 0.1));
    const train = {
      x,
      y: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
      n,
      inputShape: [2, 2],
      targetSize: 1,
    };
    const flat = sequential([normalization(train), flatten(), dense({ units: 1 })], { inputShape: [2, 2], seed: 1 });
    flat.compile({ optimizer: "sgd", loss: "mse" });
    expect(exportProblems(flat)).toEqual([]);
    const v = await verifyExport(exportTflite(flat, { kind: "float32" }), "float32", flat, train);
    expect(v.maxAbsDifference).toBeLessThanOrEqual(1e-5); // FLOAT_TOLERANCE: the fold reorders float sums
    const blocked = sequential([normalization(train), flatten(), activation("tanh"), dense({ units: 1 })], {
      inputShape: [2, 2],
    });
    expect(exportProblems(blocked)).toEqual([
      "normalization_1: is exported folded into the dense layer after it, and activation_1 is there",
    ]);
  });

  it("gradients through a normalisation layer match central differences of the loss", () => {
    const rng = new Rng(8);
    const n = 12;
    const x = Float32Array.from({ length: n * 3 }, (_, i) =>
      i % 3 === 0 ? 500 + 40 * rng.normal() : i % 3 === 1 ? 0.02 * rng.normal() : rng.normal(),
    );
    const y = Float32Array.from({ length: n * 2 }, () => rng.uniform(-1, 1));
    const train = { x, y, n, inputShape: [3], targetSize: 2 };
    const m = sequential([normalization(train), dense({ units: 5, activation: "tanh" }), dense({ units: 2 })], {
      inputShape: [3],
      seed: 9,
    });
    m.compile({ optimizer: "sgd", loss: "mse" });
    expect(gradientCheck(m, train).checked).toBeGreaterThan(20);
  });
});

describe("normalisation: fit, values, gradient and refusals", () => {
  it("adapt: each feature's mean and population standard deviation; std 1 where a feature does not vary", () => {
    // Features: varying (1, 3, 5, 7); constant 0; 1000 varying by 2 float32 steps (std 6.1e-8 of
    // its mean: below 1e-6, so 1); 1000 varying by 64 steps (1.95e-6 of its mean: kept).
    const rows = [
      [1, 0, 1000, 1000],
      [3, 0, 1000.0001220703125, 1000.00390625],
      [5, 0, 1000, 1000],
      [7, 0, 1000.0001220703125, 1000.00390625],
    ];
    const norm = normalization({
      x: Float32Array.from(rows.flat()),
      y: new Float32Array(4),
      n: 4,
      inputShape: [4],
      targetSize: 1,
    });
    expect(Array.from(norm.mean)).toEqual([4, 0, Math.fround(1000.00006103515625), Math.fround(1000.001953125)]);
    expect(Array.from(norm.std)).toEqual([Math.fround(Math.sqrt(5)), 1, 1, Math.fround(0.001953125)]);
  });

  it("forward: (x - mean) / std per feature, every row of a batch", () => {
    const norm = normalization({ mean: Float32Array.of(1, -2), std: Float32Array.of(2, 0.5) });
    const m = sequential([norm], { inputShape: [2] });
    expect(Array.from(m.predict(Float32Array.of(3, -2, -1, 0, 1, -3)))).toEqual([1, 0, -1, 4, 0, -2]);
    expect(m.summary()).toContain("normalization_1 2 features");
  });

  it("placed after a trained layer: gradients through it match central differences; an int8 file refuses it", () => {
    const rng = new Rng(3);
    const n = 10;
    const train = {
      x: Float32Array.from({ length: n * 2 }, () => rng.normal()),
      y: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
      n,
      inputShape: [2],
      targetSize: 1,
    };
    const norm = normalization({ mean: Float32Array.of(0.5, -1, 2), std: Float32Array.of(0.25, 4, 1) });
    const m = sequential([dense({ units: 3, activation: "tanh" }), norm, dense({ units: 1 })], {
      inputShape: [2],
      seed: 3,
    });
    m.compile({ optimizer: "sgd", loss: "mse" });
    expect(gradientCheck(m, train).checked).toBeGreaterThan(10);
    expect(exportProblems(m)).toEqual([
      "normalization_1: an int8 file normalises its float input, so this must be the first layer (it is layer 2)",
    ]);
    expect(() => exportTflite(m, { kind: "int8", calibration: train })).toThrow(
      "normalization_1: normalisation must be the first layer to export",
    );
  });

  it("refuses means and deviations that do not pair, a deviation not above 0, and an input of another width", () => {
    const f = (...v: number[]) => Float32Array.from(v);
    expect(() => normalization({ mean: f(0, 1), std: f(1) })).toThrow("normalization: 2 means for 1 deviations");
    for (const bad of [0, -1, NaN])
      expect(() => normalization({ mean: f(0, 1), std: f(1, bad) })).toThrow(
        "normalization: standard deviations must be positive",
      );
    expect(() => sequential([normalization({ mean: f(0, 1, 2), std: f(1, 1, 1) })], { inputShape: [2] })).toThrow(
      "normalization_1: fitted on 3 features, the input has 2",
    );
  });
});
