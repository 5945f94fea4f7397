// Sequential's guarantees: the same seed gives bit-identical weights; bad
// data refused up front, saying what and where; a diverging run stopped with
// its epoch and batch named.
import { describe, it, expect } from "vitest";
import { sequential, dense, dropout, oneHot, DivergedError } from "@wasmlite/trainer";
import { data } from "../helpers/gradients.ts";

describe("determinism, bad data, divergence", () => {
  it("the same seed and data give bit-identical weights (shuffling and dropout included)", () => {
    const d = data(200, 10, 3, "categoricalCrossentropy", 8);
    const run = () => {
      const m = sequential(
        [dense({ units: 16, activation: "relu" }), dropout(0.3), dense({ units: 3, activation: "softmax" })],
        { inputShape: [10], seed: 42 },
      );
      m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
      m.fit(d, { epochs: 3, batchSize: 16 });
      return m.getWeights().map((w) => Array.from(w));
    };
    expect(run()).toEqual(run());
    const other = sequential(
      [dense({ units: 16, activation: "relu" }), dropout(0.3), dense({ units: 3, activation: "softmax" })],
      { inputShape: [10], seed: 43 },
    );
    expect(other.getWeights().map((w) => Array.from(w))).not.toEqual(run());
  });

  it("bad data is refused up front, saying what and where", () => {
    const m = sequential([dense({ units: 2, activation: "softmax" })], { inputShape: [3], seed: 1 });
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const good = data(5, 3, 2, "categoricalCrossentropy", 9);
    const nan = { ...good, x: good.x.slice() };
    nan.x[7] = NaN;
    expect(() => m.fit(nan, { epochs: 1 })).toThrow(/sample 2, feature 1 is NaN/);
    expect(() => m.fit({ ...good, x: good.x.subarray(1) }, { epochs: 1 })).toThrow(
      /14 feature values, expected 5 samples x 3/,
    );
    expect(() => m.fit({ ...good, inputShape: [4], x: new Float32Array(20) }, { epochs: 1 })).toThrow(
      /samples have shape \[4\], the model takes \[3\]/,
    );
    expect(() => m.fit({ ...good, n: 0, x: new Float32Array(0), y: new Float32Array(0) }, { epochs: 1 })).toThrow(
      /empty data set/,
    );
    expect(() => oneHot([0, 1, 2], 2, "labels")).toThrow(/sample 2 has label 2, outside 0..1/);
    expect(() => m.fit(good, { epochs: 0 })).toThrow(/epochs must be a positive whole number/);
    expect(() => m.compile({ optimizer: "sgd", loss: "mse" })).toThrow(
      /softmax output needs loss 'categoricalCrossentropy'/,
    );
  });

  it("a diverging run stops with the epoch and batch named and a hint", () => {
    const d = data(64, 4, 1, "mse", 10);
    d.y.forEach((_, i) => (d.y[i] = 1e30));
    const m = sequential([dense({ units: 4, activation: "relu" }), dense({ units: 1 })], { inputShape: [4], seed: 1 });
    m.compile({ optimizer: { name: "sgd", learningRate: 10 }, loss: "mse" });
    expect(() => m.fit(d, { epochs: 5, batchSize: 16 })).toThrow(DivergedError);
    expect(() => m.fit(d, { epochs: 5, batchSize: 16 })).toThrow(
      /training diverged at epoch \d+, batch \d+: .*try a lower learning rate/,
    );
  });
});
