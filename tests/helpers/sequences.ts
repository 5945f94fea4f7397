// What the 1-D layers' suites share: random sequences, and TensorFlow's
// window along one axis written out independently of the trainer's.
import type { Dataset } from "@wasmlite/trainer";
import { data } from "./gradients.ts";

/** Random sequences [steps, channels] and one-hot targets. */
export function sequences(n: number, steps: number, channels: number, classes: number, seed: number): Dataset {
  return { ...data(n, steps * channels, classes, "categoricalCrossentropy", seed), inputShape: [steps, channels] };
}

/** TensorFlow's window along one axis: the output length and the padding before the first step. */
export function along(steps: number, k: number, stride: number, dilation: number, padding: "valid" | "same") {
  const span = (k - 1) * dilation + 1;
  if (padding === "valid") return { out: Math.ceil((steps - span + 1) / stride), before: 0 };
  const out = Math.ceil(steps / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + span - steps, 0) / 2) };
}
