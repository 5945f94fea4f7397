// Standalone activation layers (a softmax mid-network through its Jacobian,
// a softmax output fused with the cross-entropy) and PReLU's learned slopes:
// gradients against central finite differences.
import { describe, it } from "vitest";
import { sequential, dense, activation, prelu } from "@wasmlite/trainer";
import { data, gradientCheck } from "../../helpers/gradients.ts";

describe("activation and PReLU layers: gradients against central finite differences", () => {
  it("standalone activation layers (softmax mid-network, its Jacobian) and a PReLU's learned slopes", () => {
    const m = sequential(
      [
        dense({ units: 6 }),
        prelu(),
        dense({ units: 5 }),
        activation("softmax"),
        dense({ units: 3 }),
        activation("sigmoid"),
        dense({ units: 2 }),
      ],
      { inputShape: [4], seed: 6 },
    );
    m.compile({ optimizer: "sgd", loss: "mse" });
    gradientCheck(m, data(5, 4, 2, "mse", 4));
  });

  it("a softmax activation layer as the output, with categorical cross-entropy", () => {
    const m = sequential([dense({ units: 4 }), activation("softmax")], { inputShape: [3], seed: 7 });
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    gradientCheck(m, data(6, 3, 4, "categoricalCrossentropy", 5));
  });
});
