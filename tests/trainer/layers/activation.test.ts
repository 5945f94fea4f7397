// Standalone activation layers (a softmax mid-network through its Jacobian,
// a softmax output fused with the cross-entropy) and PReLU's learned slopes:
// gradients against central finite differences.
import { describe, it, expect } from "vitest";
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

  it("softmax on sequences or images normalises each position's last axis on its own", () => {
    const m = sequential([activation("softmax")], { inputShape: [2, 3] });
    const y = m.predict(Float32Array.of(0, 0, 0, 1, 2, 3, 5, 5, 5, 0, 0, Math.log(2)));
    const e = [1, Math.E, Math.E ** 2];
    const expected = [1 / 3, 1 / 3, 1 / 3, ...e.map((v) => v / (1 + Math.E + Math.E ** 2)), 1 / 3, 1 / 3, 1 / 3];
    expected.push(0.25, 0.25, 0.5);
    y.forEach((v, i) => expect(v, `y[${i}]`).toBeCloseTo(expected[i]!, 6));
  });

  it("PReLU: alpha x for x <= 0 (0 included, as PyTorch's gradient takes it), the gradient alpha dy there and dy above", () => {
    const m = sequential([prelu()], { inputShape: [3] });
    const layer = m.layers[0]!;
    m.setWeights([Float32Array.of(0.5, 0.25, 0.125)]);
    layer.allocate(m.ws, 1);
    const x = m.ws.alloc(3);
    m.ws.f32(x).set([0, 2, -4]);
    expect(Array.from(m.ws.f32(layer.forward(x, 1, true)))).toEqual([0, 2, -0.5]);
    const dy = m.ws.alloc(3);
    m.ws.f32(dy).set([1, 1, 2]);
    expect(Array.from(m.ws.f32(layer.backward(dy, 1, true)))).toEqual([0.5, 1, 0.25]);
    expect(Array.from(m.ws.f32(layer.params()[0]!.grad))).toEqual([0, 0, -8]); // dalpha = sum dy x where x <= 0
  });
});
