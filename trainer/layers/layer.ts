// What every layer provides. A layer owns its parameters and its activation
// buffers (all in the workspace), and writes out its own forward and
// backward pass next to each other, as the seed course derives them.
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";

/** A trainable tensor and its gradient (same shape). */
export interface Param {
  name: string;
  value: Buf;
  grad: Buf;
  shape: number[];
  /** L1/L2 penalties apply to weights, not to biases. */
  regularized: boolean;
}

export interface Layer {
  readonly kind: string;
  /** Set by sequential(): "dense_1", "dropout_2", ... */
  name: string;
  /** Per-sample output shape, known after build(). */
  outputShape: number[];
  /** Checks the input shape, creates and initialises parameters. */
  build(inputShape: number[], ws: Workspace, rng: Rng): void;
  /** Activation buffers for batches of up to `batch` samples. */
  allocate(ws: Workspace, batch: number): void;
  /** y = layer(x) for the first `batch` rows; keeps what backward needs. */
  forward(x: Buf, batch: number, training: boolean): Buf;
  /**
   * Given dL/dy, writes the parameter gradients (overwriting them) and
   * returns dL/dx; the first layer is told no one needs dL/dx.
   */
  backward(dy: Buf, batch: number, inputGradient: boolean): Buf;
  params(): Param[];
  /** Options to rebuild the layer (summary, checkpoints, export). */
  config(): Record<string, unknown>;
}

export function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
