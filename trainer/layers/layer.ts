// What every layer provides: the whole of what the trainer, the summary, the
// config files, the export and the int8 calibration need to know about it.
// A layer owns its parameters and its activation buffers (all in the
// workspace) and writes out its own forward and backward pass next to each
// other, the formulas in the file's header. Adding a layer is adding its file
// (its options declared once with defineLayer, options.ts), its line in
// registry.ts, its export from index.ts and its tests.
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import type { ActivationName } from "../activations.ts";
import type { LayerExport } from "../export/layer-export.ts";

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
  /** Its name in config files and the registry ("dense", "conv2d"). */
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
  /**
   * Buffers that are part of the trained model but not trained by gradient
   * (batch normalisation's running statistics): saved and restored with the
   * weights (checkpoints, early stopping's best epoch).
   */
  state?(): { name: string; value: Buf }[];
  /** `{ type: kind, ...options }`: registry.ts's layerFromConfig() builds the same layer from it. */
  config(): { type: string } & Record<string, unknown>;
  /** What the summary prints after the name ("120 units, relu"), or "". */
  describe(): string;
  /** Appends this layer's operators and tensors to the .tflite file being written. */
  exportTo(e: LayerExport): void;
  /** Why this layer cannot be exported, found before training ([] when it can). */
  exportProblems?(): string[];
  /**
   * Values besides the output whose ranges int8 calibration must record, by
   * name, for the last forward pass of `batch` rows (a dense layer: its
   * pre-activation; an LSTM: its gates and cell state).
   */
  calibrationValues?(batch: number): Record<string, Buf>;
  /**
   * Set by a layer whose output ends in an activation a loss can fuse with
   * (softmax, sigmoid): the loss then reads logits() and hands
   * backwardFromLogits() dL/dlogits directly.
   */
  readonly outputActivation?: ActivationName;
  logits?(): Buf;
  backwardFromLogits?(dz: Buf, batch: number, inputGradient: boolean): Buf;
  /**
   * A layer exported inside a neighbour instead of as operators of its own,
   * in a file of `kind`: the per-channel affine map s x + t it applies, and
   * which neighbour takes it (export/tflite.ts). Batch normalisation folds
   * into the layer before it (that layer's output channels); input
   * normalisation into the layer after it (its input features), in float32
   * files. Undefined: the layer exports its own operators.
   */
  foldsInto?(kind: "float32" | "int8"): AffineFold | undefined;
  /**
   * For a neighbour folding into this layer: this layer's weight and bias
   * values with the map applied to its outputs (channel o: s[o] y + t[o])
   * or to its inputs (feature i: s[i] x + t[i]), or why it cannot take it.
   */
  foldAffine?(
    side: "output" | "input",
    map: { scale: Float32Array; shift: Float32Array },
  ): Map<Buf, Float32Array> | string;
  /** Its output is its input's values in the same order at inference (flatten, dropout): a fold passes through it. */
  readonly passesValuesThrough?: boolean;
  /** int8 export: this layer, placed first, takes the file's float input itself (normalisation). */
  readonly takesFloatInput?: boolean;
  /**
   * This layer reads token ids (embedding): it must come first, and the
   * file's input is then int32 ids (float32 and int8 files alike).
   */
  readonly takesTokenIds?: boolean;
}

export function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `o` without its undefined fields (a config() that round-trips through JSON and the schema). */
export function definedFields<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A layer's per-channel affine map s x + t, exported folded into a neighbour (Layer.foldsInto). */
export interface AffineFold {
  into: "previous" | "next";
  scale: Float32Array;
  shift: Float32Array;
}

/**
 * What a convolution or dense layer (weights w, bias b, output channel on
 * axis 0 or, `channelsLast`, the last axis) becomes with an affine map on
 * its outputs folded into it: w scaled by s per output channel, b s + t;
 * or why it cannot be (an activation of its own comes before the map).
 */
export function foldIntoOutputs(
  layer: { name: string; activation: string; w: Param; b: Param },
  ws: Workspace,
  fold: { scale: Float32Array; shift: Float32Array; channelsLast: boolean },
): Map<Buf, Float32Array> | string {
  if (layer.activation !== "identity")
    return `${layer.name} has its own ${layer.activation} activation before the fold; give it none and put the activation after the batch normalisation`;
  const { scale, shift, channelsLast } = fold;
  const w = ws.f32(layer.w.value),
    b = ws.f32(layer.b.value);
  const c = b.length;
  if (scale.length !== c) return `${layer.name} has ${c} output channels, the fold ${scale.length}`;
  const per = w.length / c;
  return new Map([
    [layer.w.value, Float32Array.from(w, (v, i) => v * scale[channelsLast ? i % c : Math.floor(i / per)]!)],
    [layer.b.value, Float32Array.from(b, (v, o) => v * scale[o]! + shift[o]!)],
  ]);
}
