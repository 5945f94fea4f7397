// GlobalAveragePooling1D against independent references: each channel's mean
// over the sequence, in double; the gradient through it against central
// finite differences; its config through the registry and the config
// schema. Its export (MEAN over the steps axis) runs in
// tests/trainer/layers/conv1d.test.ts's 1-D CNN, in the runtime and
// (tests/runtime/tflite-oracle.test.ts) in real TFLite.
import { describe, it, expect } from "vitest";
import { sequential, conv1d, globalAveragePooling1d, dense } from "@wasmlite/trainer";
import { gradientCheck } from "../../helpers/gradients.ts";
import { expectConfigRoundTrip } from "../../helpers/layer-config.ts";
import { sequences } from "../../helpers/sequences.ts";

describe("GlobalAveragePooling1D", () => {
  it("each channel's mean over the whole sequence", () => {
    const d = sequences(3, 13, 5, 2, 31);
    const m = sequential([globalAveragePooling1d()], { inputShape: [13, 5], seed: 1 });
    const got = m.predict(d.x);
    expect(got.length).toBe(3 * 5);
    for (let s = 0; s < 3; s++)
      for (let ch = 0; ch < 5; ch++) {
        let sum = 0;
        for (let t = 0; t < 13; t++) sum += d.x[(s * 13 + t) * 5 + ch]!;
        // 13 float32 additions against a double sum: bound 13 x 2^-24 = 7.7e-7, observed 4.2e-8.
        expect(Math.abs(got[s * 5 + ch]! - sum / 13)).toBeLessThanOrEqual(7.7e-7);
      }
  });

  it("the gradient through it, of the convolution before it, against central differences", () => {
    const m = sequential(
      [
        conv1d({ filters: 4, kernelSize: 3, activation: "tanh" }),
        globalAveragePooling1d(),
        dense({ units: 2, activation: "softmax" }),
      ],
      { inputShape: [9, 3], seed: 37 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    expect(gradientCheck(m, sequences(6, 9, 3, 2, 41)).checked).toBeGreaterThan(20);
  });

  it("its config round-trips through the registry and the config schema; an image is refused by name", () => {
    const layer = globalAveragePooling1d();
    sequential([layer], { inputShape: [4, 2] });
    expectConfigRoundTrip(layer);
    expect(() => sequential([globalAveragePooling1d()], { inputShape: [4, 4, 1] })).toThrow(
      /globalAveragePooling1d_1: expects sequences \[steps, channels\], got shape \[4,4,1\]/,
    );
  });
});
