// The window geometry the convolutions and pools share (layers/window.ts):
// TensorFlow's output sizes and padding for valid and same, refusals by name.
import { describe, it, expect } from "vitest";
import {
  windowOver,
  windowAlong,
  describeWindow,
  describeWindow1d,
  type WindowOptions,
} from "../../../trainer/layers/window.ts";

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
    // Either axis alone too small.
    expect(() => windowOver([4, 9, 1], { size: 5 }, "a")).toThrow(
      "a: a 5x5 window (dilation 1x1) does not fit a 4x9 image",
    );
    expect(() => windowOver([9, 4, 1], { size: [1, 3], dilation: 2 }, "b")).toThrow(
      "b: a 1x3 window (dilation 2x2) does not fit a 9x4 image",
    );
    // Sizes, strides and dilations are checked with the layer's options (tests/trainer/layers/options.test.ts).
  });

  it("describes a window by what differs from 1: stride and dilation per axis, padding", () => {
    const g = (o: WindowOptions) => describeWindow(windowOver([9, 9, 1], o, "t"), o.padding);
    expect(g({ size: 3 })).toBe("3x3, valid");
    expect(g({ size: [3, 2], strides: [1, 2], padding: "same" })).toBe("3x2, stride 1x2, same");
    expect(g({ size: 3, strides: [2, 1] })).toBe("3x3, stride 2x1, valid");
    expect(g({ size: 3, dilation: [1, 2] })).toBe("3x3, dilation 1x2, valid");
    expect(g({ size: 3, dilation: [2, 1] })).toBe("3x3, dilation 2x1, valid");
    const g1 = (o: { size: number; strides?: number; dilation?: number; padding?: "same" }) =>
      describeWindow1d(windowAlong([12, 2], o, "t"), o.padding);
    expect(g1({ size: 3 })).toBe("3, valid");
    expect(g1({ size: 3, strides: 2, padding: "same" })).toBe("3, stride 2, same");
    expect(g1({ size: 2, dilation: 3 })).toBe("2, dilation 3, valid");
    expect(() => windowAlong([12], { size: 2 }, "c")).toThrow("c: expects sequences [steps, channels], got shape [12]");
  });
});
