// Conv2D: C_out filters of k_h x k_w x C_in slid over an [h, w, C_in] image
// (Keras's kernel of shape (k, k, C_i, C_o), stored as TFLite's CONV_2D
// lays it out: W [C_out, k_h, k_w, C_in]), with stride, dilation and zero
// padding ("valid" or "same", window.ts), then an activation:
//   z[b, oy, ox, o] = b_o + sum_{ky, kx, c} W[o, ky, kx, c] x[b, oy s_h - p_t + ky d_h, ox s_w - p_l + kx d_w, c]
//   y = act(z)
// Written as matrix products over im2col's rows (one per output pixel, its
// receptive field in the filter's order), on the dense layer's GEMM kernels:
//   forward:  cols = im2col(x)            [B oh ow, k_h k_w C_in]
//             z = cols W^T + b            [B oh ow, C_out]  (NHWC already)
//   backward: dz = dy act'(z)
//             dW = dz^T cols,  db = sum over rows of dz
//             dcols = dz W,  dx = col2im(dcols) (each tap's gradient back at the pixel it read)
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import { definedFields, foldIntoOutputs, type Layer, type Param } from "./layer.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import { windowOver, describeWindow, filterFields, convArgs, type Window } from "./window.ts";
import {
  activateBuffers,
  activationGradientBuffers,
  activationOptionsApply,
  activationJsonSchemaRules,
  type ActivationName,
} from "../activations.ts";
import { initialize, defaultInitializer } from "../initializers.ts";
import { BuiltinOperator, Padding } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";
import { hardThresholdProblem } from "./dense.ts";

const OPTIONS = { filters: positiveInt, ...filterFields };
export type Conv2DOptions = LayerOptions<typeof OPTIONS>;

export class Conv2D implements Layer {
  readonly kind: string = "conv2d";
  name = "conv2d";
  outputShape: number[] = [];
  readonly options: CheckedOptions<typeof OPTIONS>;
  readonly activation: ActivationName;
  g!: Window;
  w!: Param;
  b!: Param;
  #ws!: Workspace;
  #taps = 0; // k_h k_w C_in: one column row
  #pixels = 0; // oh ow: column rows per sample
  #cols!: Buf;
  #dcols!: Buf;
  #z!: Buf;
  #y!: Buf;
  #dz!: Buf;
  #dx!: Buf;

  /** Options checked by conv2dLayer (below): build layers with conv2d() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
    this.activation = options.activation ?? "identity";
  }

  get filters(): number {
    return this.options.filters;
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    const o = this.options;
    const g = windowOver(
      inputShape,
      { size: o.kernelSize, strides: o.strides, dilation: o.dilation, padding: o.padding },
      this.name,
    );
    this.buildOver(g, ws, rng);
    this.outputShape = [g.outH, g.outW, this.filters];
  }

  /** The filters and bias for window g, initialised (Conv1D's window is 1 x k). */
  protected buildOver(g: Window, ws: Workspace, rng: Rng): void {
    this.g = g;
    this.#ws = ws;
    this.#taps = g.kh * g.kw * g.c;
    this.#pixels = g.outH * g.outW;
    const n = this.filters * this.#taps;
    const shape = [this.filters, g.kh, g.kw, g.c];
    this.w = { name: `${this.name}/kernel`, value: ws.alloc(n), grad: ws.alloc(n), shape, regularized: true };
    this.b = {
      name: `${this.name}/bias`,
      value: ws.alloc(this.filters),
      grad: ws.alloc(this.filters),
      shape: [this.filters],
      regularized: false,
    };
    const initializer = this.options.initializer ?? defaultInitializer(this.activation);
    initialize(initializer, ws.f32(this.w.value), this.#taps, g.kh * g.kw * this.filters, rng);
  }

  allocate(ws: Workspace, batch: number): void {
    const rows = batch * this.#pixels;
    this.#cols = ws.alloc(rows * this.#taps);
    this.#dcols = ws.alloc(rows * this.#taps);
    this.#z = ws.alloc(rows * this.filters);
    this.#y = ws.alloc(rows * this.filters);
    this.#dz = ws.alloc(rows * this.filters);
    this.#dx = ws.alloc(batch * this.g.h * this.g.w * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    const ws = this.#ws;
    const rows = batch * this.#pixels;
    ws.kernels.im2col(x, this.#cols, batch, ...convArgs(this.g));
    ws.kernels.gemmNT(this.#cols, this.w.value, this.#z, rows, this.filters, this.#taps, 0);
    ws.kernels.addBiasRows(this.#z, this.b.value, rows, this.b.value.length);
    activateBuffers(ws, this.activation, this.#z, this.#y, rows * this.filters, this.filters, this.options);
    return this.#y;
  }

  backward(dy: Buf, batch: number, inputGradient: boolean): Buf {
    const n = batch * this.#pixels * this.filters;
    activationGradientBuffers(this.#ws, this.activation, this.#z, this.#y, dy, this.#dz, n, this.filters, this.options);
    return this.backwardFromLogits(this.#dz, batch, inputGradient);
  }

  /** The backward pass from dL/dz (a loss fused with a softmax over the channels). */
  backwardFromLogits(dz: Buf, batch: number, inputGradient: boolean): Buf {
    const ws = this.#ws;
    const rows = batch * this.#pixels;
    ws.kernels.gemmTN(dz, this.#cols, this.w.grad, this.filters, this.#taps, rows, 0);
    ws.kernels.sumRows(dz, this.b.grad, rows, this.b.grad.length);
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
    return { preactivation: { offset: this.#z.offset, length: batch * this.#pixels * this.filters } };
  }

  params(): Param[] {
    return [this.w, this.b];
  }

  config() {
    const { filters, kernelSize, strides, dilation, padding, alpha, beta, initializer } = this.options;
    const activation = this.activation;
    return definedFields({
      type: this.kind,
      filters,
      kernelSize,
      strides,
      dilation,
      padding,
      activation,
      alpha,
      beta,
      initializer,
    });
  }

  describe(): string {
    return `${this.filters}@${describeWindow(this.g, this.options.padding)}, ${this.activation}`;
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

  /** CONV_2D (filter [C_out, k_h, k_w, C_in], per-channel int8 scales on axis 0), ReLU fused; NHWC in and out. */
  exportTo(e: LayerExport): void {
    const g = this.g;
    e.addWeighted({
      op: BuiltinOperator.CONV_2D,
      weightsShape: [this.filters, g.kh, g.kw, g.c],
      weights: e.values(this.w),
      bias: e.values(this.b),
      outputShape: [1, g.outH, g.outW, this.filters],
      activation: this.activation,
      activationOptions: this.options,
      options: (activation) => ({
        type: "Conv2DOptions",
        padding: this.options.padding === "same" ? Padding.SAME : Padding.VALID,
        strideH: g.strideH,
        strideW: g.strideW,
        dilationH: g.dilationH,
        dilationW: g.dilationW,
        activation,
      }),
    });
  }
}

export const conv2dLayer = defineLayer({
  type: "conv2d",
  what: "a conv2d layer",
  options: OPTIONS,
  refine: activationOptionsApply,
  jsonSchemaRules: activationJsonSchemaRules,
  build: (o) => new Conv2D(o),
});

/** A 2-D convolution over NHWC images. */
export const conv2d = (options: Conv2DOptions) => conv2dLayer.build(options);
