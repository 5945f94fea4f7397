// DepthwiseConv2D against independent references: forward against a direct
// loop from its definition, every multiplier; gradients against central
// finite differences; a separable CNN exported float32 and int8 and run in
// the runtime (tests/runtime/tflite-oracle.test.ts runs it in real TFLite).
import { describe, it, expect } from "vitest";
import { sequential, conv2d, depthwiseConv2d, globalAveragePooling2d, dense } from "@wasmlite/trainer";
import { windowOver } from "../../../trainer/layers/window.ts";
import { exportTflite } from "../../../trainer/export/tflite.ts";
import { verifyExport } from "../../../trainer/export/verify.ts";
import { gradientCheck } from "../../helpers/gradients.ts";
import { mnistDepthwise } from "../../helpers/trained.ts";
import { slice } from "@wasmlite/trainer";
import { mnistSplit } from "../../../cli/data/mnist.ts";
import { images, WINDOW_CASES as cases } from "../../helpers/images.ts";

/** DepthwiseConv2D from its definition: output channel c m + j filters input channel c alone. */
function directDepthwise(
  x: Float32Array,
  n: number,
  g: ReturnType<typeof windowOver>,
  m: number,
  w: Float32Array,
  b: Float32Array,
) {
  const oc = g.c * m;
  const y = new Float32Array(n * g.outH * g.outW * oc);
  let at = 0;
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let o = 0; o < oc; o++) {
          let sum = b[o]!;
          for (let ky = 0; ky < g.kh; ky++)
            for (let kx = 0; kx < g.kw; kx++) {
              const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
              const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              sum += w[(ky * g.kw + kx) * oc + o]! * x[((s * g.h + iy) * g.w + ix) * g.c + Math.floor(o / m)]!;
            }
          y[at++] = sum;
        }
  return y;
}

describe("DepthwiseConv2D forward against its definition", () => {
  for (const [m, c] of [
    [1, cases[1]!],
    [2, cases[2]!],
    [3, cases[0]!],
  ] as const) {
    it(`DepthwiseConv2D x${m}, ${c.name}`, () => {
      const layer = depthwiseConv2d({
        kernelSize: c.o.size,
        depthMultiplier: m,
        strides: c.o.strides,
        dilation: c.o.dilation,
        padding: c.o.padding,
      });
      const model = sequential([layer], { inputShape: c.shape, seed: 4 });
      const bias = model.ws.f32(layer.b.value);
      bias.set(Float32Array.from(bias, (_, i) => 0.05 * i - 0.1));
      const d = images(3, c.shape, 2, 11);
      const g = windowOver(c.shape, c.o, "t");
      const expected = directDepthwise(d.x, 3, g, m, model.ws.f32(layer.w.value), model.ws.f32(layer.b.value));
      const got = model.predict(d.x);
      expect(got.length).toBe(expected.length);
      // Float32 sums of at most 25 products in another order: observed worst 2.4e-7.
      got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `output ${i}`).toBeLessThanOrEqual(2e-6));
    });
  }
});

describe("gradients against central finite differences", () => {
  it("conv -> depthwise (x1, five channels: four lanes and a tail) -> depthwise (x2, strided, same) -> global average pool -> dense", () => {
    const m = sequential(
      [
        conv2d({ filters: 5, kernelSize: 2, activation: "tanh" }),
        depthwiseConv2d({ kernelSize: 3, padding: "same", activation: "sigmoid" }),
        depthwiseConv2d({ kernelSize: [2, 3], depthMultiplier: 2, strides: 2, dilation: [1, 2], padding: "same" }),
        globalAveragePooling2d(),
        dense({ units: 3, activation: "softmax" }),
      ],
      { inputShape: [9, 8, 2], seed: 18 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    expect(gradientCheck(m, images(4, [9, 8, 2], 3, 19)).checked).toBeGreaterThanOrEqual(60);
  });
});

describe("export", () => {
  it("depthwise convolutions and global average pooling: float32 within 1e-5 in the runtime, int8 within 0.3 points", async () => {
    const { model, digits } = mnistDepthwise(1000, 8);
    const test = slice(mnistSplit().test, 0, 500);
    const f = await verifyExport(exportTflite(model, { kind: "float32" }), "float32", model, test);
    expect(f.maxAbsDifference).toBeLessThanOrEqual(1e-5);
    // A small separable net on 1,000 digits learns slowly (60% after 8 epochs): this only shows it learns (chance: 10%).
    expect(f.floatAccuracy).toBeGreaterThan(0.5);
    const calibration = slice(digits, 0, 200);
    const q = await verifyExport(exportTflite(model, { kind: "int8", calibration }), "int8", model, test);
    expect(q.failure).toBeUndefined();
  }, 120_000);
});
