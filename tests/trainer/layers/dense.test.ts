// Dense: every parameter's gradient, with each hidden activation and the
// fused softmax and cross-entropy after it, against central finite
// differences of the loss (L1 and L2 included); the hard threshold's
// straight-through estimator, and its refusal to export.
import { describe, it, expect } from "vitest";
import { sequential, dense, type ActivationName } from "@wasmlite/trainer";
import { exportTflite } from "../../../trainer/export/tflite.ts";
import { data, analyticGradients, gradientCheck } from "../../helpers/gradients.ts";

describe("Dense: gradients against central finite differences", () => {
  const hidden: ActivationName[] = ["identity", "sigmoid", "tanh", "relu", "leakyRelu"];
  for (const act of hidden) {
    it(`dense with ${act}, then dense + softmax with categorical cross-entropy (fused f(x) - e(y)), L2 and L1 on weights`, () => {
      const m = sequential(
        [
          dense({ units: 6, activation: act, ...(act === "leakyRelu" ? { alpha: 0.1 } : {}) }),
          dense({ units: 4, activation: "softmax" }),
        ],
        { inputShape: [5], seed: 3 },
      );
      m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", l2: 1e-2, l1: 1e-3 });
      expect(gradientCheck(m, data(7, 5, 4, "categoricalCrossentropy", 1)).checked).toBeGreaterThan(20);
    });
  }

  it("the hard threshold trains through a straight-through estimator and refuses to export", () => {
    const m = sequential([dense({ units: 3, activation: "hardThreshold", beta: 0.1 }), dense({ units: 1 })], {
      inputShape: [2],
      seed: 8,
    });
    m.compile({ optimizer: "sgd", loss: "mse" });
    const d = data(4, 2, 1, "mse", 6);
    const g = analyticGradients(m, d);
    expect(g[0]!.some((v) => v !== 0)).toBe(true); // the gradient passes through
    expect(() => exportTflite(m, { kind: "float32" })).toThrow(/hard threshold activation cannot be exported/);
  });
});
