// What the 2-D layers' suites share: random NHWC images, one layer run
// alone, and window cases covering same and valid padding, strides and
// dilations.
import { sequential, type Layer, type Dataset } from "@wasmlite/trainer";
import type { WindowOptions } from "../../trainer/layers/window.ts";
import { data } from "./gradients.ts";

/** Random NHWC images and one-hot targets. */
export function images(n: number, shape: [number, number, number], classes: number, seed: number): Dataset {
  const d = data(n, shape[0] * shape[1] * shape[2], classes, "categoricalCrossentropy", seed);
  return { ...d, inputShape: shape };
}

/** The output of one layer alone, from the trainer (inference mode). */
export function run(layer: Layer, input: Float32Array, shape: [number, number, number]): Float32Array {
  const m = sequential([layer], { inputShape: shape, seed: 1 });
  return m.predict(input);
}

/** Windows over small images: same and valid padding, strides, dilations, one and several channels. */
export const WINDOW_CASES: { name: string; shape: [number, number, number]; o: WindowOptions; filters: number }[] = [
  { name: "5x5 same, one channel", shape: [12, 11, 1], o: { size: 5, padding: "same" }, filters: 3 },
  { name: "3x3 valid, stride 2, five channels", shape: [9, 10, 5], o: { size: 3, strides: 2 }, filters: 7 },
  {
    name: "3x2 same, stride 2x3, dilation 2x1",
    shape: [8, 9, 3],
    o: { size: [3, 2], strides: [2, 3], dilation: [2, 1], padding: "same" },
    filters: 4,
  },
];
