// The activations computed by loops rather than kernels (trainer/activations.ts),
// against their definitions: leakyRelu f(x) = x for x > 0, alpha x otherwise;
// hardThreshold f(x) = 1[x >= beta] with the straight-through gradient;
// softmax per row, y_j = e^(x_j) / sum_k e^(x_k), and its Jacobian-vector
// product dx_j = y_j (dy_j - sum_k dy_k y_k); and the scalar sigmoid the
// fused loss uses, at the extremes where a naive form overflows.
import { describe, it, expect } from "vitest";
import { activation, dense, sequential } from "@wasmlite/trainer";
import { activationBackward, activationForward, sigmoid, type LoopActivation } from "../../trainer/activations.ts";

const X = Float32Array.from([-2, -0.5, 0, 0.25, 3]);
const DY = Float32Array.from([0.5, -1, 2, 0.75, -3]);

function forward(name: LoopActivation, x: Float32Array, width: number, o = {}): number[] {
  const y = new Float32Array(x.length);
  activationForward(name, x, y, width, o);
  return [...y];
}

function backward(name: LoopActivation, x: Float32Array, dy: Float32Array, width: number, o = {}): number[] {
  const y = new Float32Array(x.length);
  activationForward(name, x, y, width, o);
  const dx = new Float32Array(x.length);
  activationBackward(name, x, y, dy, dx, width, o);
  return [...dx];
}

const f32 = (values: number[]) => [...Float32Array.from(values)];

describe("the loop activations against their definitions", () => {
  it("identity: y = x, dx = dy", () => {
    expect(forward("identity", X, 5)).toEqual([...X]);
    expect(backward("identity", X, DY, 5)).toEqual([...DY]);
  });

  it("leakyRelu: alpha x below 0 (0 included), x above; the gradient alpha dy or dy; alpha 0.01 by default", () => {
    expect(forward("leakyRelu", X, 5, { alpha: 0.2 })).toEqual(f32([-0.4, -0.1, 0, 0.25, 3]));
    expect(backward("leakyRelu", X, DY, 5, { alpha: 0.2 })).toEqual(f32([0.1, -0.2, 0.4, 0.75, -3]));
    expect(forward("leakyRelu", X, 5)).toEqual(f32([-0.02, -0.005, 0, 0.25, 3]));
    expect(backward("leakyRelu", X, DY, 5)).toEqual(f32([0.005, -0.01, 0.02, 0.75, -3]));
  });

  it("hardThreshold: 1 from beta up (beta itself included), 0 below; beta 0 by default; the gradient passes unchanged", () => {
    expect(forward("hardThreshold", X, 5)).toEqual([0, 0, 1, 1, 1]);
    expect(forward("hardThreshold", X, 5, { beta: 0.25 })).toEqual([0, 0, 0, 1, 1]);
    expect(forward("hardThreshold", X, 5, { beta: -0.5 })).toEqual([0, 1, 1, 1, 1]);
    expect(backward("hardThreshold", X, DY, 5, { beta: 0.25 })).toEqual([...DY]);
  });

  it("softmax: each row of `width` on its own, and the Jacobian-vector product per row", () => {
    const x = Float32Array.from([1, 2, 3, -1, 0, 1000]);
    const rows = [
      [1, 2, 3],
      [-1, 0, 1000],
    ];
    const expected = rows.flatMap((r) => {
      const m = Math.max(...r);
      const e = r.map((v) => Math.exp(v - m));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    });
    const y = forward("softmax", x, 3);
    y.forEach((v, i) => expect(v, `y[${i}]`).toBeCloseTo(expected[i]!, 7));
    const dy = Float32Array.from([1, -2, 0.5, 3, 1, -1]);
    const dx = backward("softmax", x, dy, 3);
    for (const r of [0, 3]) {
      const dot = [0, 1, 2].reduce((s, j) => s + dy[r + j]! * y[r + j]!, 0);
      for (let j = 0; j < 3; j++) expect(dx[r + j], `dx[${r + j}]`).toBeCloseTo(y[r + j]! * (dy[r + j]! - dot), 6);
    }
  });

  it("sigmoid: 1/2 at 0, and exactly 1 and 0 far out (no overflow to NaN)", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(sigmoid(-2)).toBeCloseTo(1 / (1 + Math.exp(2)), 15);
  });

  it("alpha and beta are refused with another activation, naming the layer's", () => {
    expect(() => dense({ units: 1, activation: "relu", alpha: 0.1 })).toThrow(
      'dense: alpha: applies to activation "leakyRelu" only, this layer\'s is "relu"',
    );
    expect(() => dense({ units: 1, beta: 0.5 })).toThrow(
      'dense: beta: applies to activation "hardThreshold" only, this layer\'s is "identity"',
    );
  });

  it("activation layers give f(x) forward, through the kernels for relu, sigmoid and tanh and the loops for the rest", () => {
    // A gradient check cannot see a wrong forward value its backward pass is consistent with; this can.
    const x = Float32Array.from([-3, -0.5, 0, 0.5, 3, -20, 20, 0.1]);
    const cases: [Parameters<typeof activation>[0], (v: number) => number][] = [
      ["relu", (v) => Math.max(v, 0)],
      ["sigmoid", (v) => 1 / (1 + Math.exp(-v))],
      ["tanh", Math.tanh],
      ["identity", (v) => v],
    ];
    for (const [name, f] of cases) {
      const m = sequential([activation(name)], { inputShape: [8], seed: 1 });
      const y = m.predict(x);
      // 1e-6: the kernels compute exp and tanh in float32 (observed worst 8.7e-8, tanh).
      y.forEach((v, i) => expect(Math.abs(v - f(x[i]!)), `${name}(${x[i]})`).toBeLessThan(1e-6));
    }
  });
});
