// The losses' gradients against central finite differences: mean squared
// error, and the binary cross-entropy fused with a sigmoid output.
import { describe, it } from "vitest";
import { sequential, dense } from "@wasmlite/trainer";
import { data, gradientCheck } from "../helpers/gradients.ts";

describe("loss gradients against central finite differences", () => {
  it("mean squared error through tanh and identity layers", () => {
    const m = sequential([dense({ units: 5, activation: "tanh" }), dense({ units: 3 })], { inputShape: [4], seed: 4 });
    m.compile({ optimizer: "sgd", loss: "mse" });
    gradientCheck(m, data(6, 4, 3, "mse", 2));
  });

  it("binary cross-entropy fused with a sigmoid output", () => {
    const m = sequential([dense({ units: 5, activation: "relu" }), dense({ units: 2, activation: "sigmoid" })], {
      inputShape: [3],
      seed: 5,
    });
    m.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
    gradientCheck(m, data(8, 3, 2, "binaryCrossentropy", 3));
  });
});
