// Each layer's initial weights: one draw per weight from the model's generator, in the order the layer
// builds them, from U[-c, c] with c = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010) and each
// matrix's own fans. A convolution's fans count its window: k_h k_w C_in in, k_h k_w filters out; a
// depthwise convolution's k_h k_w in and k_h k_w m out (m: its depth multiplier); the LSTM's four gates
// count as 4H outputs; the Jordan network's recurrent kernel reads its O outputs into H units.
import { describe, it, expect } from "vitest";
import { sequential, conv2d, depthwiseConv2d, lstm, simpleRnn, jordanRnn, Rng, type Layer } from "@wasmlite/trainer";

/** The weights a seed-7 Glorot draw gives for matrices of [count, fanIn, fanOut], one after another. */
function glorotDraws(matrices: [number, number, number][]): number[][] {
  const rng = new Rng(7);
  return matrices.map(([count, fanIn, fanOut]) => {
    const c = Math.sqrt(6 / (fanIn + fanOut));
    return Array.from({ length: count }, () => Math.fround(rng.uniform(-c, c)));
  });
}

/** The model's initial value of each of the given parameters (indices into getWeights()). */
function initial(layer: Layer, inputShape: number[], indices: number[]): number[][] {
  const weights = sequential([layer], { inputShape, seed: 7 }).getWeights();
  return indices.map((i) => Array.from(weights[i]!));
}

describe("initial weights: Glorot's uniform draw with each matrix's fans", () => {
  it("conv2d: 3x3 over 2 channels to 4 filters", () => {
    const layer = conv2d({ filters: 4, kernelSize: 3, initializer: "glorotUniform" });
    expect(initial(layer, [5, 5, 2], [0])).toEqual(glorotDraws([[9 * 2 * 4, 9 * 2, 9 * 4]]));
  });

  it("depthwiseConv2d: 3x3, depth multiplier 2 over 3 channels", () => {
    const layer = depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, initializer: "glorotUniform" });
    expect(initial(layer, [5, 5, 3], [0])).toEqual(glorotDraws([[9 * 3 * 2, 9, 9 * 2]]));
  });

  it("simpleRnn: input kernel (F, H), recurrent kernel (H, H)", () => {
    expect(initial(simpleRnn({ units: 3 }), [4, 2], [0, 1])).toEqual(
      glorotDraws([
        [3 * 2, 2, 3],
        [3 * 3, 3, 3],
      ]),
    );
  });

  it("lstm: the four gates stacked, 4H outputs for both kernels", () => {
    expect(initial(lstm({ units: 3 }), [4, 2], [0, 1])).toEqual(
      glorotDraws([
        [12 * 2, 2, 12],
        [12 * 3, 3, 12],
      ]),
    );
  });

  it("jordanRnn: input (F, H), recurrent from the outputs (O, H), output (H, O)", () => {
    // getWeights order: kernel, recurrent kernel, bias, output kernel, output bias.
    expect(initial(jordanRnn({ units: 3, outputs: 2 }), [4, 5], [0, 1, 3])).toEqual(
      glorotDraws([
        [3 * 5, 5, 3],
        [3 * 2, 2, 3],
        [2 * 3, 3, 2],
      ]),
    );
  });
});
