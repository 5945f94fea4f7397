// BatchNormalization: gradients in training mode against central finite
// differences, its running statistics, and its fold into the layer before it
// at export.
import { describe, it, expect } from "vitest";
import {
  sequential,
  conv2d,
  depthwiseConv2d,
  maxPool2d,
  batchNormalization,
  flatten,
  dense,
  activation,
} from "@wasmlite/trainer";
import { exportTflite, exportProblems } from "../../../trainer/export/tflite.ts";
import { verifyExport } from "../../../trainer/export/verify.ts";
import { gradientCheck, data } from "../../helpers/gradients.ts";
import { slice } from "@wasmlite/trainer";
import { mnistSplit } from "../../../cli/data/mnist.ts";
import { readModel } from "@wasmlite/format";
import { images } from "../../helpers/images.ts";

describe("batch normalisation", () => {
  it("gradients in training mode (the batch's own statistics) through conv and dense layers", () => {
    const m = sequential(
      [
        conv2d({ filters: 3, kernelSize: 3 }),
        batchNormalization(),
        activation("tanh"),
        flatten(),
        dense({ units: 4 }),
        batchNormalization({ momentum: 0.9 }),
        dense({ units: 3, activation: "softmax" }),
      ],
      { inputShape: [6, 5, 2], seed: 23 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const g = m.layers[1]! as ReturnType<typeof batchNormalization>;
    m.ws.f32(g.gamma.value).set([1.5, 0.7, 1.1]);
    m.ws.f32(g.beta.value).set([0.2, -0.1, 0.05]);
    expect(gradientCheck(m, images(6, [6, 5, 2], 3, 24), 1e-3, { trainingMode: true }).checked).toBeGreaterThanOrEqual(
      50,
    );
  });

  it("training mode outputs gamma (x - batch mean) / sqrt(batch variance + eps) + beta, per channel over the batch and every pixel", () => {
    const bn = batchNormalization({ momentum: 0.8, epsilon: 0.01 });
    const m = sequential([bn], { inputShape: [3, 2, 4], seed: 3 });
    const [batch, pixels, channels] = [5, 6, 4];
    const gamma = m.ws.f32(bn.gamma.value);
    const beta = m.ws.f32(bn.beta.value);
    for (let c = 0; c < channels; c++) {
      gamma[c] = 0.5 + c;
      beta[c] = c - 1.5;
    }
    const d = data(batch, pixels * channels, 1, "mse", 31);
    const layer = m.layers[0]!;
    layer.allocate(m.ws, batch);
    const x = m.ws.alloc(d.x.length);
    m.ws.f32(x).set(d.x);
    const y = m.ws.f32(layer.forward(x, batch, true));
    let worst = 0;
    for (let c = 0; c < channels; c++) {
      const values = Array.from({ length: batch * pixels }, (_, r) => d.x[r * channels + c]!);
      const mean = values.reduce((a, v) => a + v, 0) / values.length;
      const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length; // the batch's (biased)
      for (let r = 0; r < batch * pixels; r++) {
        const want = (gamma[c]! * (d.x[r * channels + c]! - mean)) / Math.sqrt(variance + 0.01) + beta[c]!;
        worst = Math.max(worst, Math.abs(y[r * channels + c]! - want));
      }
    }
    // float32 statistics and arithmetic against double: about one ulp of the largest outputs
    // (below 8, whose ulp is 9.5e-7; observed worst 7.5e-7).
    expect(worst).toBeLessThan(9.5e-7);
  });

  it("running statistics: momentum times the old plus the rest times the batch's; used in inference; saved with the weights", () => {
    const bn = batchNormalization({ momentum: 0.8 });
    const m = sequential([bn], { inputShape: [3] });
    m.compile({ optimizer: "sgd", loss: "mse" });
    const d = data(5, 3, 3, "mse", 25);
    m.trainBatch(d, null, 0, 5, 0, "one batch");
    for (let c = 0; c < 3; c++) {
      const column = Array.from({ length: 5 }, (_, r) => d.x[r * 3 + c]!);
      const mean = column.reduce((a, v) => a + v, 0) / 5;
      const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / 5;
      expect(m.ws.f32(bn.runningMean)[c]).toBeCloseTo(0.2 * mean, 6);
      expect(m.ws.f32(bn.runningVar)[c]).toBeCloseTo(0.8 + 0.2 * variance, 6);
    }
    // Inference: (x - running mean) / sqrt(running var + eps), gamma 1, beta 0.
    const y = m.predict(d.x);
    y.forEach((v, i) => {
      const c = i % 3;
      const want = (d.x[i]! - m.ws.f32(bn.runningMean)[c]!) / Math.sqrt(m.ws.f32(bn.runningVar)[c]! + 1e-3);
      expect(v).toBeCloseTo(want, 5);
    });
    const saved = m.getWeights();
    expect(saved.length).toBe(4); // gamma, beta, moving mean, moving variance
    m.trainBatch(d, null, 0, 5, 0, "another");
    m.setWeights(saved);
    expect(Array.from(m.ws.f32(bn.runningVar))).toEqual(Array.from(saved[3]!));
  });

  it("folded into the convolution or dense layer before it at export: float32 within 1e-5, int8 within 0.3 points, no operator of its own", async () => {
    const digits = slice(mnistSplit().train, 0, 600);
    const m = sequential(
      [
        conv2d({ filters: 6, kernelSize: 3, strides: 2 }),
        batchNormalization({ momentum: 0.9 }),
        activation("relu"),
        depthwiseConv2d({ kernelSize: 3, padding: "same" }),
        batchNormalization({ momentum: 0.9 }),
        activation("relu"),
        maxPool2d(),
        flatten(),
        dense({ units: 24 }),
        batchNormalization({ momentum: 0.9 }),
        activation("relu"),
        dense({ units: 10, activation: "softmax" }),
      ],
      { inputShape: [28, 28, 1], seed: 26 },
    );
    m.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "categoricalCrossentropy" });
    m.fit(digits, { epochs: 3, batchSize: 32 });
    const test = slice(mnistSplit().test, 0, 300);
    const f32 = exportTflite(m, { kind: "float32" });
    expect(readModel(f32).operators.map((o) => o.op)).toEqual([
      "CONV_2D",
      "RELU",
      "DEPTHWISE_CONV_2D",
      "RELU",
      "MAX_POOL_2D",
      "RESHAPE",
      "FULLY_CONNECTED",
      "RELU",
      "FULLY_CONNECTED",
      "SOFTMAX",
    ]);
    const f = await verifyExport(f32, "float32", m, test);
    expect(f.maxAbsDifference).toBeLessThanOrEqual(1e-5);
    // 600 digits, 3 epochs: this only shows the folded model learned (chance: 10%).
    expect(f.floatAccuracy).toBeGreaterThan(0.6);
    const q = await verifyExport(exportTflite(m, { kind: "int8", calibration: digits }), "int8", m, test);
    expect(q.failure).toBeUndefined();
  }, 120_000);

  it("cannot fold after an activation, or with nothing before it: said before training", () => {
    const afterRelu = sequential([conv2d({ filters: 2, kernelSize: 2, activation: "relu" }), batchNormalization()], {
      inputShape: [4, 4, 1],
    });
    expect(exportProblems(afterRelu)).toEqual([
      "batchNormalization_1: conv2d_1 has its own relu activation before the fold; give it none and put the activation after the batch normalisation",
    ]);
    const first = sequential([batchNormalization(), dense({ units: 2 })], { inputShape: [3] });
    expect(exportProblems(first)[0]).toMatch(
      /folded into the convolution or dense layer before it, and nothing is there/,
    );
    expect(() => exportTflite(first, { kind: "float32" })).toThrow(/nothing is there/);
  });
});
