// MaxPool1D and AveragePool1D against independent references: forward
// against direct loops from their definitions, gradients (through the layer
// before them) against central finite differences, configs through the
// registry and the config schema. Their export (the 2-D pools with a 1 x k
// window between RESHAPEs) runs in tests/trainer/layers/conv1d.test.ts's
// 1-D CNN, in the runtime and (tests/runtime/tflite-oracle.test.ts) in real TFLite.
import { describe, it, expect } from "vitest";
import { sequential, conv1d, maxPool1d, averagePool1d, flatten, dense } from "@wasmlite/trainer";
import { gradientCheck } from "../../helpers/gradients.ts";
import { expectConfigRoundTrip } from "../../helpers/layer-config.ts";
import { sequences, along } from "../../helpers/sequences.ts";

/** A 1-D pool from its definition: max or mean over the window's steps inside the sequence. */
function directPool1d(
  x: Float32Array,
  n: number,
  steps: number,
  c: number,
  o: { k: number; stride: number; padding: "valid" | "same" },
  kind: "max" | "mean",
): number[] {
  const { out, before } = along(steps, o.k, o.stride, 1, o.padding);
  const y: number[] = [];
  for (let s = 0; s < n; s++)
    for (let t = 0; t < out; t++)
      for (let ch = 0; ch < c; ch++) {
        const taps: number[] = [];
        for (let j = 0; j < o.k; j++) {
          const at = t * o.stride - before + j;
          if (at >= 0 && at < steps) taps.push(x[(s * steps + at) * c + ch]!);
        }
        y.push(kind === "max" ? Math.max(...taps) : taps.reduce((a, v) => a + v, 0) / taps.length);
      }
  return y;
}

describe("MaxPool1D and AveragePool1D", () => {
  const cases = [
    { name: "2, valid (the defaults)", steps: 9, c: 3, o: { k: 2, stride: 2, padding: "valid" as const }, given: {} },
    {
      name: "3, stride 2, same (ragged at the end)",
      steps: 10,
      c: 2,
      o: { k: 3, stride: 2, padding: "same" as const },
      given: { poolSize: 3, strides: 2, padding: "same" as const },
    },
    {
      name: "4, stride 1, valid",
      steps: 7,
      c: 4,
      o: { k: 4, stride: 1, padding: "valid" as const },
      given: { poolSize: 4, strides: 1 },
    },
  ];
  for (const [kind, make] of [
    ["max", maxPool1d],
    ["mean", averagePool1d],
  ] as const) {
    for (const c of cases) {
      it(`${kind === "max" ? "MaxPool1D" : "AveragePool1D"} ${c.name}: the definition's values`, () => {
        const d = sequences(3, c.steps, c.c, 2, 7);
        const layer = make(c.given);
        const m = sequential([layer], { inputShape: [c.steps, c.c], seed: 1 });
        const expected = directPool1d(d.x, 3, c.steps, c.c, c.o, kind);
        expect(layer.outputShape).toEqual([along(c.steps, c.o.k, c.o.stride, 1, c.o.padding).out, c.c]);
        const got = m.predict(d.x);
        expect(got.length).toBe(expected.length);
        // Max is exact. The mean sums at most 4 taps in [-1, 1] in float32 (the definition in double):
        // bound 4 x 2^-24 = 2.4e-7; observed worst 3.0e-8.
        got.forEach((v, i) =>
          expect(Math.abs(v - expected[i]!), `output ${i}`).toBeLessThanOrEqual(kind === "max" ? 0 : 2.4e-7),
        );
      });
    }
  }

  it("gradients through both pools, and through them of the convolution before, against central differences", () => {
    const m = sequential(
      [
        conv1d({ filters: 3, kernelSize: 2, activation: "tanh" }),
        maxPool1d({ poolSize: 2 }),
        conv1d({ filters: 2, kernelSize: 2, padding: "same", activation: "tanh" }),
        averagePool1d({ poolSize: 3, strides: 2, padding: "same" }),
        flatten(),
        dense({ units: 3, activation: "softmax" }),
      ],
      { inputShape: [11, 2], seed: 19 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    expect(gradientCheck(m, sequences(6, 11, 2, 3, 29)).checked).toBeGreaterThan(25);
  });

  it("configs round-trip through the registry and the config schema; bad options and inputs are refused by name", () => {
    for (const layer of [maxPool1d({ poolSize: 3, strides: 1, padding: "same" }), averagePool1d()]) {
      sequential([layer], { inputShape: [6, 2] });
      expectConfigRoundTrip(layer);
    }
    expect(() => maxPool1d({ poolSize: 0 })).toThrow(/maxPool1d: poolSize: must be >= 1, got 0/);
    expect(() => averagePool1d({ size: 2 } as never)).toThrow(
      /averagePool1d: size: not a field of an averagePool1d layer/,
    );
    expect(() => sequential([maxPool1d()], { inputShape: [12] })).toThrow(
      /maxPool1d_1: expects sequences \[steps, channels\], got shape \[12\]/,
    );
  });
});
