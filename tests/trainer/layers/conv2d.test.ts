// Conv2D against independent references: forward against a direct loop
// from its definition (no im2col, no GEMM); its gradients, and through it
// and the pools the input's, against central finite differences; summary
// lines; a CNN trained on MNIST exported float32 and int8 and run in the
// runtime (tests/runtime/tflite-oracle.test.ts runs it in real TFLite).
import { describe, it, expect } from "vitest";
import { sequential, conv2d, maxPool2d, averagePool2d, flatten, dense } from "@wasmlite/trainer";
import { windowOver } from "../../../trainer/layers/window.ts";
import { exportTflite } from "../../../trainer/export/tflite.ts";
import { verifyExport } from "../../../trainer/export/verify.ts";
import { gradientCheck, data } from "../../helpers/gradients.ts";
import { mnistCnn } from "../../helpers/trained.ts";
import { slice } from "@wasmlite/trainer";
import { mnistSplit } from "../../../cli/data/mnist.ts";
import { images, WINDOW_CASES as cases } from "../../helpers/images.ts";

/** Conv2D from its definition: a sum over the filter's taps inside the image, plus the bias. */
function directConv(x: Float32Array, n: number, g: ReturnType<typeof windowOver>, w: Float32Array, b: Float32Array) {
  const filters = b.length;
  const y = new Float32Array(n * g.outH * g.outW * filters);
  let at = 0;
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let o = 0; o < filters; o++) {
          let sum = b[o]!;
          for (let ky = 0; ky < g.kh; ky++)
            for (let kx = 0; kx < g.kw; kx++)
              for (let c = 0; c < g.c; c++) {
                const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
                const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                sum += w[((o * g.kh + ky) * g.kw + kx) * g.c + c]! * x[((s * g.h + iy) * g.w + ix) * g.c + c]!;
              }
          y[at++] = sum;
        }
  return y;
}

describe("Conv2D forward against its definition", () => {
  for (const c of cases) {
    it(`Conv2D ${c.name}`, () => {
      const layer = conv2d({
        filters: c.filters,
        kernelSize: c.o.size,
        strides: c.o.strides,
        dilation: c.o.dilation,
        padding: c.o.padding,
      });
      const m = sequential([layer], { inputShape: c.shape, seed: 2 });
      const bias = m.ws.f32(layer.b.value);
      bias.set(Float32Array.from(bias, (_, i) => 0.1 * i - 0.2));
      const d = images(3, c.shape, 2, 9);
      const expected = directConv(
        d.x,
        3,
        windowOver(c.shape, c.o, "t"),
        m.ws.f32(layer.w.value),
        m.ws.f32(layer.b.value),
      );
      const got = m.predict(d.x);
      expect(got.length).toBe(expected.length);
      // Float32 sums in another order: the observed worst is 4.8e-7 on sums of magnitude ~2.
      got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `output ${i}`).toBeLessThanOrEqual(2e-6));
    });
  }
});

describe("gradients against central finite differences", () => {
  it("conv (same, ReLU) -> max pool -> conv (stride 2, dilation, tanh) -> average pool (same, ragged) -> dense softmax", () => {
    const m = sequential(
      [
        conv2d({ filters: 3, kernelSize: 3, padding: "same", activation: "leakyRelu", alpha: 0.1 }),
        maxPool2d({ poolSize: 2 }),
        conv2d({
          filters: 4,
          kernelSize: [2, 3],
          strides: [1, 2],
          dilation: [2, 1],
          padding: "same",
          activation: "tanh",
        }),
        averagePool2d({ poolSize: 3, strides: 2, padding: "same" }),
        flatten(),
        dense({ units: 3, activation: "softmax" }),
      ],
      { inputShape: [10, 9, 2], seed: 13 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", l2: 1e-3 });
    const d = images(5, [10, 9, 2], 3, 14);
    expect(gradientCheck(m, d).checked).toBeGreaterThanOrEqual(46); // 12 entries of each larger parameter, all of the smaller
  });

  it("a one-channel feature map between convolutions, mean squared error on a feature map", () => {
    const m = sequential(
      [
        conv2d({ filters: 3, kernelSize: 2, activation: "sigmoid" }),
        conv2d({ filters: 1, kernelSize: 2, strides: 1, activation: "tanh" }),
        conv2d({ filters: 4, kernelSize: 3, padding: "same" }),
      ],
      { inputShape: [6, 6, 2], seed: 15 },
    );
    m.compile({ optimizer: "sgd", loss: "mse" });
    const d = data(4, 6 * 6 * 2, 4 * 4 * 4, "mse", 16);
    gradientCheck(m, { ...d, inputShape: [6, 6, 2] });
  });

  it("a softmax over a feature map's channels cannot feed the cross-entropy (it takes one distribution per sample)", () => {
    const m = sequential([conv2d({ filters: 3, kernelSize: 2, activation: "softmax" })], { inputShape: [4, 4, 1] });
    expect(() => m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" })).toThrow(
      /conv2d_1's output is \[3, 3, 3\]: the loss takes one distribution per sample; add flatten\(\) and a dense softmax layer/,
    );
  });
});

describe("summary and export", () => {
  it("summary lines describe the convolution and pools", () => {
    const m = sequential(
      [
        conv2d({ filters: 6, kernelSize: 5, padding: "same", activation: "relu" }),
        maxPool2d(),
        flatten(),
        dense({ units: 10 }),
      ],
      { inputShape: [28, 28, 1] },
    );
    const s = m.summary();
    expect(s).toMatch(/conv2d_1 6@5x5, same, relu\s+\[28, 28, 6\]\s+156/);
    expect(s).toMatch(/maxPool2d_1 2x2, stride 2x2, valid\s+\[14, 14, 6\]\s+0/);
  });

  it("a CNN trained on MNIST digits: float32 within 1e-5 of the trainer in the runtime, int8 within 0.3 points", async () => {
    const { model, digits } = mnistCnn(1000, 2);
    const test = slice(mnistSplit().test, 0, 500);
    const f = await verifyExport(exportTflite(model, { kind: "float32" }), "float32", model, test);
    expect(f.maxAbsDifference).toBeLessThanOrEqual(1e-5);
    expect(f.floatAccuracy).toBeGreaterThan(0.8);
    const calibration = slice(digits, 0, 200);
    const q = await verifyExport(exportTflite(model, { kind: "int8", calibration }), "int8", model, test);
    expect(q.failure).toBeUndefined();
  }, 120_000);

  it("unexportable activations are found before training", () => {
    const m = sequential([conv2d({ filters: 2, kernelSize: 2, activation: "hardThreshold" })], {
      inputShape: [4, 4, 1],
    });
    expect(() => exportTflite(m, { kind: "float32" })).toThrow(/hard threshold/);
  });
});
