// Conv1D: C_out filters of k x C_in slid along a sequence [steps, C_in] (an
// audio frame's features, a sensor window's axes), with stride, dilation and
// zero padding ("valid" or "same", window.ts), then an activation:
//   z[b, t, o] = b_o + sum_{j, c} W[o, j, c] x[b, t s - p + j d, c]
//   y = act(z)
// It is Conv2D over a [1, steps, C_in] image with a 1 x k window (W stored
// [C_out, k, C_in], TFLite's CONV_2D layout without its height of 1), so it
// runs on the same im2col rows and GEMM kernels:
//   forward:  cols = im2col(x)            [B out, k C_in]
//             z = cols W^T + b            [B out, C_out]
//   backward: dz = dy act'(z)
//             dW = dz^T cols,  db = sum over rows of dz
//             dcols = dz W,  dx = col2im(dcols)
// TFLite has no 1-D convolution; the export writes what TensorFlow's
// converter does: the sequence reshaped to [1, 1, steps, C_in], CONV_2D with
// a [C_out, 1, k, C_in] filter (stride and dilation along the width), and the
// result reshaped back to [1, out, C_out].
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import { definedFields, foldIntoOutputs, type Layer, type Param } from "./layer.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import { windowAlong, describeWindow1d, paddingField, convArgs, type Window } from "./window.ts";
import {
  activateBuffers,
  activationGradientBuffers,
  activationField,
  activationOptionFields,
  activationOptionsApply,
  activationJsonSchemaRules,
  type ActivationName,
} from "../activations.ts";
import { initialize, defaultInitializer, initializerField } from "../initializers.ts";
import { BuiltinOperator, Padding } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";
import { hardThresholdProblem } from "./dense.ts";

const OPTIONS = {
  filters: positiveInt,
  kernelSize: positiveInt.meta({ description: "the filter's length in steps" }),
  strides: positiveInt.optional().meta({ description: "the stride in steps (default 1)" }),
  dilation: positiveInt.optional().meta({ description: "the dilation in steps (default 1)" }),
  padding: paddingField,
  activation: activationField.optional().meta({ description: "default identity (linear)" }),
  ...activationOptionFields,
  initializer: initializerField("heNormal for ReLU-like activations, glorotUniform otherwise"),
};
export type Conv1DOptions = LayerOptions<typeof OPTIONS>;

export class Conv1D implements Layer {
  readonly kind = "conv1d";
  name = "conv1d";
  outputShape: number[] = [];
  readonly options: CheckedOptions<typeof OPTIONS>;
  readonly activation: ActivationName;
  /** The window over the sequence as a [1, steps, C_in] image. */
  g!: Window;
  w!: Param; // [C_out, k, C_in]
  b!: Param;
  #ws!: Workspace;
  #taps = 0; // k C_in: one column row
  #cols!: Buf;
  #dcols!: Buf;
  #z!: Buf;
  #y!: Buf;
  #dz!: Buf;
  #dx!: Buf;

  /** Options checked by conv1dLayer (below): build layers with conv1d() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
    this.activation = options.activation ?? "identity";
  }

  get filters(): number {
    return this.options.filters;
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    const o = this.options;
    const g = windowAlong(
      inputShape,
      { size: o.kernelSize, strides: o.strides, dilation: o.dilation, padding: o.padding },
      this.name,
    );
    this.g = g;
    this.#ws = ws;
    this.#taps = g.kw * g.c;
    this.outputShape = [g.outW, this.filters];
    const n = this.filters * this.#taps;
    this.w = {
      name: `${this.name}/kernel`,
      value: ws.alloc(n),
      grad: ws.alloc(n),
      shape: [this.filters, g.kw, g.c],
      regularized: true,
    };
    this.b = {
      name: `${this.name}/bias`,
      value: ws.alloc(this.filters),
      grad: ws.alloc(this.filters),
      shape: [this.filters],
      regularized: false,
    };
    const initializer = o.initializer ?? defaultInitializer(this.activation);
    initialize(initializer, ws.f32(this.w.value), this.#taps, g.kw * this.filters, rng);
  }

  allocate(ws: Workspace, batch: number): void {
    const rows = batch * this.g.outW;
    this.#cols = ws.alloc(rows * this.#taps);
    this.#dcols = ws.alloc(rows * this.#taps);
    this.#z = ws.alloc(rows * this.filters);
    this.#y = ws.alloc(rows * this.filters);
    this.#dz = ws.alloc(rows * this.filters);
    this.#dx = ws.alloc(batch * this.g.w * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    const ws = this.#ws;
    const rows = batch * this.g.outW;
    ws.kernels.im2col(x, this.#cols, batch, ...convArgs(this.g));
    ws.kernels.gemmNT(this.#cols, this.w.value, this.#z, rows, this.filters, this.#taps, 0);
    ws.kernels.addBiasRows(this.#z, this.b.value, rows, this.filters);
    activateBuffers(ws, this.activation, this.#z, this.#y, rows * this.filters, this.filters, this.options);
    return this.#y;
  }

  backward(dy: Buf, batch: number, inputGradient = true): Buf {
    const n = batch * this.g.outW * this.filters;
    activationGradientBuffers(this.#ws, this.activation, this.#z, this.#y, dy, this.#dz, n, this.filters, this.options);
    return this.backwardFromLogits(this.#dz, batch, inputGradient);
  }

  /** The backward pass from dL/dz (a loss fused with a softmax over the channels). */
  backwardFromLogits(dz: Buf, batch: number, inputGradient = true): Buf {
    const ws = this.#ws;
    const rows = batch * this.g.outW;
    ws.kernels.gemmTN(dz, this.#cols, this.w.grad, this.filters, this.#taps, rows, 0);
    ws.kernels.sumRows(dz, this.b.grad, rows, this.filters);
    if (inputGradient) {
      ws.kernels.gemmNN(dz, this.w.value, this.#dcols, rows, this.#taps, this.filters, 0);
      ws.kernels.col2im(this.#dcols, this.#dx, batch, ...convArgs(this.g));
    }
    return this.#dx;
  }

  get outputActivation(): ActivationName {
    return this.activation;
  }

  logits(): Buf {
    return this.#z;
  }

  calibrationValues(batch: number): Record<string, Buf> {
    return { preactivation: { offset: this.#z.offset, length: batch * this.g.outW * this.filters } };
  }

  params(): Param[] {
    return [this.w, this.b];
  }

  config() {
    return definedFields({ type: this.kind, ...this.options, activation: this.activation });
  }

  describe(): string {
    return `${this.filters}@${describeWindow1d(this.g, this.options.padding)}, ${this.activation}`;
  }

  /** outputs: y' = s y + t per output channel (a batch normalisation after it); no fold on its inputs. */
  foldAffine(
    side: "output" | "input",
    map: { scale: Float32Array; shift: Float32Array },
  ): Map<Buf, Float32Array> | string {
    if (side === "input") return `${this.name} takes no fold of its inputs (only a dense layer does)`;
    return foldIntoOutputs(this, this.#ws, { ...map, channelsLast: false });
  }

  exportProblems(): string[] {
    return hardThresholdProblem(this.name, this.activation);
  }

  /** RESHAPE to [1, 1, steps, C_in], CONV_2D with a 1 x k window (ReLU fused), RESHAPE to [1, out, C_out]. */
  exportTo(e: LayerExport): void {
    const g = this.g;
    e.reshape(`${this.name}/as_image`, [1, 1, g.w, g.c]);
    e.addWeighted({
      op: BuiltinOperator.CONV_2D,
      weightsShape: [this.filters, 1, g.kw, g.c],
      weights: e.values(this.w),
      bias: e.values(this.b),
      outputShape: [1, 1, g.outW, this.filters],
      activation: this.activation,
      activationOptions: this.options,
      options: (activation) => ({
        type: "Conv2DOptions",
        padding: this.options.padding === "same" ? Padding.SAME : Padding.VALID,
        strideH: 1,
        strideW: g.strideW,
        dilationH: 1,
        dilationW: g.dilationW,
        activation,
      }),
    });
    e.reshape(`${this.name}/as_sequence`, [1, g.outW, this.filters]);
  }
}

export const conv1dLayer = defineLayer({
  type: "conv1d",
  what: "a conv1d layer",
  options: OPTIONS,
  refine: activationOptionsApply,
  jsonSchemaRules: activationJsonSchemaRules,
  build: (o) => new Conv1D(o),
});

/** A 1-D convolution along [steps, channels] sequences. */
export const conv1d = (options: Conv1DOptions) => conv1dLayer.build(options);
