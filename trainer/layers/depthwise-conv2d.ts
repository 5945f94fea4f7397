// DepthwiseConv2D: each input channel filtered on its own by `depthMultiplier`
// k_h x k_w filters (no sum across channels), then an activation:
//   z[b, oy, ox, c m + j] = b_{cm+j} + sum_{ky, kx} W[ky, kx, c m + j] x[b, oy s_h - p_t + ky d_h, ox s_w - p_l + kx d_w, c]
//   y = act(z)
//   backward: dz = dy act'(z)
//             dW[ky, kx, o] = sum over (b, oy, ox) of dz[.., o] x[.., o / m] at the tap's pixel
//             db = sum over (b, oy, ox) of dz,  dx[.., c] = sum over taps and j of dz[.., c m + j] W[ky, kx, c m + j]
// The kernels (kernels/depthwise.ts) loop over output pixels and taps, four
// channels at a time; W is stored [k_h, k_w, C m], TFLite's
// DEPTHWISE_CONV_2D filter without its leading 1.
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import { definedFields, foldIntoOutputs, type Layer, type Param } from "./layer.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import { windowOver, describeWindow, filterFields, depthwiseArgs, type Window } from "./window.ts";
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

const OPTIONS = {
  depthMultiplier: positiveInt.optional().meta({ description: "filters per input channel (default 1)" }),
  ...filterFields,
};
export type DepthwiseConv2DOptions = LayerOptions<typeof OPTIONS>;

export class DepthwiseConv2D implements Layer {
  readonly kind = "depthwiseConv2d";
  name = "depthwiseConv2d";
  outputShape: number[] = [];
  readonly options: CheckedOptions<typeof OPTIONS>;
  readonly activation: ActivationName;
  readonly multiplier: number;
  g!: Window;
  w!: Param;
  b!: Param;
  #ws!: Workspace;
  #channels = 0; // C m
  #x!: Buf;
  #z!: Buf;
  #y!: Buf;
  #dz!: Buf;
  #dx!: Buf;

  /** Options checked by depthwiseConv2dLayer (below): build layers with depthwiseConv2d() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
    this.multiplier = options.depthMultiplier ?? 1;
    this.activation = options.activation ?? "identity";
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    const o = this.options;
    this.g = windowOver(
      inputShape,
      { size: o.kernelSize, strides: o.strides, dilation: o.dilation, padding: o.padding },
      this.name,
    );
    const g = this.g;
    this.#ws = ws;
    this.#channels = g.c * this.multiplier;
    this.outputShape = [g.outH, g.outW, this.#channels];
    const n = g.kh * g.kw * this.#channels;
    const shape = [g.kh, g.kw, this.#channels];
    this.w = { name: `${this.name}/kernel`, value: ws.alloc(n), grad: ws.alloc(n), shape, regularized: true };
    const c = this.#channels;
    this.b = { name: `${this.name}/bias`, value: ws.alloc(c), grad: ws.alloc(c), shape: [c], regularized: false };
    // Each output sums k_h k_w inputs and each input feeds k_h k_w m outputs.
    const initializer = o.initializer ?? defaultInitializer(this.activation);
    initialize(initializer, ws.f32(this.w.value), g.kh * g.kw, g.kh * g.kw * this.multiplier, rng);
  }

  allocate(ws: Workspace, batch: number): void {
    const n = batch * this.g.outH * this.g.outW * this.#channels;
    this.#z = ws.alloc(n);
    this.#y = ws.alloc(n);
    this.#dz = ws.alloc(n);
    this.#dx = ws.alloc(batch * this.g.h * this.g.w * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    const ws = this.#ws;
    this.#x = x;
    ws.kernels.depthwiseForward(
      x,
      this.w.value,
      this.b.value,
      this.#z,
      batch,
      ...depthwiseArgs(this.g, this.multiplier),
    );
    const n = batch * this.g.outH * this.g.outW * this.#channels;
    activateBuffers(ws, this.activation, this.#z, this.#y, n, this.#channels, this.options);
    return this.#y;
  }

  backward(dy: Buf, batch: number, inputGradient: boolean): Buf {
    const ws = this.#ws;
    const rows = batch * this.g.outH * this.g.outW;
    const n = rows * this.#channels;
    activationGradientBuffers(ws, this.activation, this.#z, this.#y, dy, this.#dz, n, this.#channels, this.options);
    const dx = inputGradient ? this.#dx : null;
    ws.kernels.depthwiseBackward(
      this.#dz,
      this.#x,
      this.w.value,
      this.w.grad,
      dx,
      batch,
      ...depthwiseArgs(this.g, this.multiplier),
    );
    ws.kernels.sumRows(this.#dz, this.b.grad, rows, this.b.grad.length);
    return this.#dx;
  }

  calibrationValues(batch: number): Record<string, Buf> {
    return { preactivation: { offset: this.#z.offset, length: batch * this.g.outH * this.g.outW * this.#channels } };
  }

  params(): Param[] {
    return [this.w, this.b];
  }

  config() {
    const { kernelSize, depthMultiplier, strides, dilation, padding, alpha, beta, initializer } = this.options;
    const activation = this.activation;
    return definedFields({
      type: this.kind,
      kernelSize,
      depthMultiplier,
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
    const multiplier = this.multiplier === 1 ? "" : `x${this.multiplier} `;
    return `${multiplier}${describeWindow(this.g, this.options.padding)}, ${this.activation}`;
  }

  /** outputs: y' = s y + t per output channel (a batch normalisation after it); no fold on its inputs. */
  foldAffine(
    side: "output" | "input",
    map: { scale: Float32Array; shift: Float32Array },
  ): Map<Buf, Float32Array> | string {
    if (side === "input") return `${this.name} takes no fold of its inputs (only a dense layer does)`;
    return foldIntoOutputs(this, this.#ws, { ...map, channelsLast: true });
  }

  exportProblems(): string[] {
    return hardThresholdProblem(this.name, this.activation);
  }

  /** DEPTHWISE_CONV_2D (filter [1, k_h, k_w, C m], int8 scales per channel on axis 3), ReLU fused. */
  exportTo(e: LayerExport): void {
    const g = this.g;
    e.addWeighted({
      op: BuiltinOperator.DEPTHWISE_CONV_2D,
      weightsShape: [1, g.kh, g.kw, this.#channels],
      weights: e.values(this.w),
      weightsAxis: 3,
      bias: e.values(this.b),
      outputShape: [1, ...this.outputShape],
      activation: this.activation,
      activationOptions: this.options,
      options: (activation) => ({
        type: "DepthwiseConv2DOptions",
        padding: this.options.padding === "same" ? Padding.SAME : Padding.VALID,
        strideH: g.strideH,
        strideW: g.strideW,
        depthMultiplier: this.multiplier,
        dilationH: g.dilationH,
        dilationW: g.dilationW,
        activation,
      }),
    });
  }
}

export const depthwiseConv2dLayer = defineLayer({
  type: "depthwiseConv2d",
  what: "a depthwiseConv2d layer",
  options: OPTIONS,
  refine: activationOptionsApply,
  jsonSchemaRules: activationJsonSchemaRules,
  build: (o) => new DepthwiseConv2D(o),
});

/** A depthwise 2-D convolution: each input channel with its own filters. */
export const depthwiseConv2d = (options: DepthwiseConv2DOptions) => depthwiseConv2dLayer.build(options);
