// The window geometry the convolutions and pools share (layers/window.ts):
// TensorFlow's output sizes and padding for valid and same, refusals by name.
import { describe, it, expect } from "vitest";
import { windowOver, type WindowOptions } from "../../../trainer/layers/window.ts";

describe("window geometry (TensorFlow's valid and same)", () => {
  it("output sizes and padding before, including the odd extra row after", () => {
    const g = (shape: number[], o: WindowOptions) => {
      const w = windowOver(shape, o, "t");
      return [w.outH, w.outW, w.padTop, w.padLeft];
    };
    expect(g([28, 28, 1], { size: 5, padding: "same" })).toEqual([28, 28, 2, 2]);
    expect(g([28, 28, 1], { size: 5 })).toEqual([24, 24, 0, 0]);
    expect(g([10, 9, 1], { size: 2, strides: 2, padding: "same" })).toEqual([5, 5, 0, 0]); // 9 -> 5: one column after
    expect(g([7, 8, 1], { size: [3, 2], strides: [2, 3], padding: "same" })).toEqual([4, 3, 1, 0]);
    expect(g([9, 9, 2], { size: 3, dilation: 2 })).toEqual([5, 5, 0, 0]);
    expect(() => windowOver([4, 4, 1], { size: 5 }, "conv2d_1")).toThrow(
      /conv2d_1: a 5x5 window .* does not fit a 4x4 image/,
    );
    expect(() => windowOver([16], { size: 2 }, "p")).toThrow(/expects \[height, width, channels\] images/);
    // Sizes, strides and dilations are checked with the layer's options (tests/trainer/layers/options.test.ts).
  });
});
