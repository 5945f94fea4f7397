// Conv1D against independent references: forward against a direct loop from
// its definition (no im2col, no GEMM), every parameter's and the input's
// gradient against central finite differences, its config through the
// registry and the config schema, and its export (CONV_2D with a 1 x k
// window between RESHAPEs) in the runtime: float32 within the float rule,
// int8 within 0.3 points. (tests/runtime/tflite-oracle.test.ts runs the same model in
// real TFLite.)
import { describe, it, expect } from "vitest";
import { sequential, conv1d, dense, flatten, slice, exportTflite, verifyExport } from "@wasmlite/trainer";
import { readModel } from "@wasmlite/format";
import { gradientCheck } from "../../helpers/gradients.ts";
import { expectConfigRoundTrip } from "../../helpers/layer-config.ts";
import { mnistConv1d } from "../../helpers/trained.ts";
import { sequences, along } from "../../helpers/sequences.ts";
import { mnistSplit } from "../../../cli/data/mnist.ts";

/** Conv1D from its definition, in double: a sum over the filter's taps inside the sequence, plus the bias. */
function directConv1d(
  x: Float32Array,
  n: number,
  steps: number,
  c: number,
  w: Float32Array,
  b: Float32Array,
  o: { k: number; stride: number; dilation: number; padding: "valid" | "same" },
): number[] {
  const filters = b.length;
  const { out, before } = along(steps, o.k, o.stride, o.dilation, o.padding);
  const y: number[] = [];
  for (let s = 0; s < n; s++)
    for (let t = 0; t < out; t++)
      for (let f = 0; f < filters; f++) {
        let sum = b[f]!;
        for (let j = 0; j < o.k; j++) {
          const at = t * o.stride - before + j * o.dilation;
          if (at < 0 || at >= steps) continue;
          for (let ch = 0; ch < c; ch++) sum += w[(f * o.k + j) * c + ch]! * x[(s * steps + at) * c + ch]!;
        }
        y.push(sum);
      }
  return y;
}

describe("Conv1D", () => {
  const cases = [
    { name: "k3 valid", steps: 9, c: 2, filters: 3, o: { k: 3, stride: 1, dilation: 1, padding: "valid" as const } },
    {
      name: "k4 same, stride 2",
      steps: 11,
      c: 3,
      filters: 2,
      o: { k: 4, stride: 2, dilation: 1, padding: "same" as const },
    },
    {
      name: "k3 same, dilation 3",
      steps: 10,
      c: 1,
      filters: 4,
      o: { k: 3, stride: 1, dilation: 3, padding: "same" as const },
    },
    {
      name: "k2 valid, stride 3, dilation 2",
      steps: 13,
      c: 2,
      filters: 2,
      o: { k: 2, stride: 3, dilation: 2, padding: "valid" as const },
    },
  ];
  for (const c of cases) {
    it(`forward, ${c.name}: the definition's sums`, () => {
      const layer = conv1d({
        filters: c.filters,
        kernelSize: c.o.k,
        strides: c.o.stride,
        dilation: c.o.dilation,
        padding: c.o.padding,
      });
      const m = sequential([layer], { inputShape: [c.steps, c.c], seed: 3 });
      const bias = m.ws.f32(layer.b.value);
      bias.set(Float32Array.from(bias, (_, i) => 0.1 * i - 0.15));
      const d = sequences(3, c.steps, c.c, 2, 5);
      const expected = directConv1d(d.x, 3, c.steps, c.c, m.ws.f32(layer.w.value), bias, c.o);
      const got = m.predict(d.x);
      expect(layer.outputShape).toEqual([along(c.steps, c.o.k, c.o.stride, c.o.dilation, c.o.padding).out, c.filters]);
      expect(got.length).toBe(expected.length);
      // Float32 sums of at most 12 products of magnitude < 1, in another order than the double sum: bound
      // 12 x 2^-24 x 2 = 1.4e-6; observed worst 1.1e-7.
      got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `output ${i}`).toBeLessThanOrEqual(1.4e-6));
    });
  }

  it("gradients of every parameter and, through the layer before it, of its input, against central differences", () => {
    const m = sequential(
      [
        conv1d({ filters: 3, kernelSize: 3, padding: "same", activation: "leakyRelu", alpha: 0.1 }),
        conv1d({ filters: 4, kernelSize: 2, strides: 2, dilation: 2, activation: "tanh" }),
        flatten(),
        dense({ units: 3, activation: "softmax" }),
      ],
      { inputShape: [10, 2], seed: 17 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", l2: 1e-3 });
    expect(gradientCheck(m, sequences(5, 10, 2, 3, 23)).checked).toBeGreaterThan(40);
  });

  it("its config round-trips through the registry and the config schema; bad options and inputs are refused by name", () => {
    const layer = conv1d({ filters: 2, kernelSize: 3, strides: 2, dilation: 1, padding: "same", activation: "relu" });
    sequential([layer], { inputShape: [8, 3] });
    expectConfigRoundTrip(layer);
    expect(() => conv1d({ filters: 2, kernelSize: [3, 3] as unknown as number })).toThrow(
      /conv1d: kernelSize: must be a number, got \[3,3\]/,
    );
    expect(() => conv1d({ filters: 0, kernelSize: 3 })).toThrow(/conv1d: filters: must be >= 1, got 0/);
    expect(() => sequential([conv1d({ filters: 2, kernelSize: 3 })], { inputShape: [8, 3, 1] })).toThrow(
      /conv1d_1: expects sequences \[steps, channels\], got shape \[8,3,1\]/,
    );
    expect(() => sequential([conv1d({ filters: 2, kernelSize: 9 })], { inputShape: [8, 3] })).toThrow(/does not fit/);
  });

  it("a 1-D CNN on MNIST's rows exports as CONV_2D between RESHAPEs: float32 within 1e-5 of the trainer, int8 within 0.3 points", async () => {
    const { model, digits } = mnistConv1d(1000, 5);
    const test = { ...slice(mnistSplit().test, 0, 500), inputShape: [28, 28] };
    const f32 = exportTflite(model, { kind: "float32" });
    expect(readModel(f32).operators.map((o) => o.op)).toEqual([
      "RESHAPE",
      "CONV_2D",
      "RESHAPE",
      "RESHAPE",
      "MAX_POOL_2D",
      "RESHAPE",
      "RESHAPE",
      "CONV_2D",
      "TANH",
      "RESHAPE",
      "RESHAPE",
      "AVERAGE_POOL_2D",
      "RESHAPE",
      "MEAN",
      "FULLY_CONNECTED",
      "SOFTMAX",
    ]);
    const f = await verifyExport(f32, "float32", model, test);
    expect(f.maxAbsDifference).toBeLessThanOrEqual(1e-5);
    // 1,000 digits, 5 epochs (78% seen): this shows the model learned (chance: 10%).
    expect(f.floatAccuracy).toBeGreaterThan(0.6);
    const calibration = slice(digits, 0, 200);
    const q = await verifyExport(exportTflite(model, { kind: "int8", calibration }), "int8", model, test);
    expect(q.failure).toBeUndefined();
  }, 120_000);
});
