// MaxPool2D and AveragePool2D: a window (pool size, stride, padding) slid
// over each channel of an [h, w, c] image, as the seed describes pooling
// (2x2 windows at stride 2 halve the width and height). The kernels are in
// kernels/pooling.ts:
//   max:     y = max over the window's taps inside the image
//            dx = dy at the tap that held the maximum, 0 at the others
//   average: y = the mean of the window's taps inside the image
//            dx = dy / (that count) at each of them
// No parameters. Exported as MAX_POOL_2D / AVERAGE_POOL_2D; int8 keeps the
// input's scale and zero point, as TFLite's pools require.
import type { Workspace, Buf } from "../workspace.ts";
import { definedFields, type Layer, type Param } from "./layer.ts";
import { windowOver, type PaddingName, type Window } from "./window.ts";
import { BuiltinOperator, Padding, ActivationFunctionType } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

export interface Pool2DOptions {
  /** Window size: k (square) or [k_h, k_w]; default 2. */
  poolSize?: number | [number, number];
  /** Default: the pool size. */
  strides?: number | [number, number];
  padding?: PaddingName;
}

abstract class Pool2D implements Layer {
  abstract readonly kind: "maxPool2d" | "averagePool2d";
  name = "pool";
  outputShape: number[] = [];
  readonly options: Pool2DOptions;
  g!: Window;
  protected ws!: Workspace;
  protected y!: Buf;
  protected dx!: Buf;

  constructor(options: Pool2DOptions = {}) {
    this.options = options;
  }

  build(inputShape: number[], ws: Workspace): void {
    const size = this.options.poolSize ?? 2;
    const o = { size, strides: this.options.strides ?? size, padding: this.options.padding };
    this.g = windowOver(inputShape, o, this.name);
    this.ws = ws;
    this.outputShape = [this.g.outH, this.g.outW, this.g.c];
  }

  allocate(ws: Workspace, batch: number): void {
    this.y = ws.alloc(batch * this.g.outH * this.g.outW * this.g.c);
    this.dx = ws.alloc(batch * this.g.h * this.g.w * this.g.c);
  }

  abstract forward(x: Buf, batch: number): Buf;
  abstract backward(dy: Buf, batch: number): Buf;

  params(): Param[] {
    return [];
  }

  config() {
    return definedFields({ type: this.kind, ...this.options });
  }

  describe(): string {
    const g = this.g;
    return `${g.kh}x${g.kw}, stride ${g.strideH}x${g.strideW}, ${this.options.padding ?? "valid"}`;
  }

  exportTo(e: LayerExport): void {
    const g = this.g;
    const shape = [1, ...this.outputShape];
    const out = e.addActivationTensor(this.name, shape, e.quant);
    e.addOperator({
      op: this.kind === "maxPool2d" ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D,
      inputs: [e.tensor],
      outputs: [out],
      options: {
        type: "Pool2DOptions",
        padding: this.options.padding === "same" ? Padding.SAME : Padding.VALID,
        strideH: g.strideH,
        strideW: g.strideW,
        filterH: g.kh,
        filterW: g.kw,
        activation: ActivationFunctionType.NONE,
      },
    });
    e.setOutput(out, shape, e.quant);
  }
}

export class MaxPool2D extends Pool2D {
  readonly kind = "maxPool2d";
  #argmax!: Buf; // i32: the input index of each output's maximum

  override allocate(ws: Workspace, batch: number): void {
    super.allocate(ws, batch);
    this.#argmax = ws.alloc(batch * this.g.outH * this.g.outW * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    this.ws.maxPoolForward(x, this.y, this.#argmax, batch, this.g);
    return this.y;
  }

  backward(dy: Buf, batch: number): Buf {
    const g = this.g;
    this.ws.maxPoolBackward(dy, this.#argmax, this.dx, batch * g.outH * g.outW * g.c, batch * g.h * g.w * g.c);
    return this.dx;
  }
}

export class AveragePool2D extends Pool2D {
  readonly kind = "averagePool2d";

  forward(x: Buf, batch: number): Buf {
    this.ws.averagePoolForward(x, this.y, batch, this.g);
    return this.y;
  }

  backward(dy: Buf, batch: number): Buf {
    this.ws.averagePoolBackward(dy, this.dx, batch, this.g);
    return this.dx;
  }
}

/**
 * GlobalAveragePooling2D: the mean of each channel over the whole image,
 * [h, w, c] -> [c] (an average pool whose window is the image). Exported as
 * MEAN over the height and width axes; int8 takes its calibrated output
 * range (TFLite's MEAN rescales; with the input's own scale it would
 * truncate its division).
 */
export class GlobalAveragePooling2D implements Layer {
  readonly kind = "globalAveragePooling2d";
  name = "globalAveragePooling2d";
  outputShape: number[] = [];
  g!: Window;
  #ws!: Workspace;
  #y!: Buf;
  #dx!: Buf;

  build(inputShape: number[], ws: Workspace): void {
    if (inputShape.length !== 3)
      throw new Error(`${this.name}: expects [height, width, channels] images, got shape [${inputShape}]`);
    this.g = windowOver(inputShape, { size: [inputShape[0]!, inputShape[1]!] }, this.name);
    this.#ws = ws;
    this.outputShape = [this.g.c];
  }

  allocate(ws: Workspace, batch: number): void {
    this.#y = ws.alloc(batch * this.g.c);
    this.#dx = ws.alloc(batch * this.g.h * this.g.w * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    this.#ws.averagePoolForward(x, this.#y, batch, this.g);
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    this.#ws.averagePoolBackward(dy, this.#dx, batch, this.g);
    return this.#dx;
  }

  params(): Param[] {
    return [];
  }

  config() {
    return { type: this.kind };
  }

  describe(): string {
    return "";
  }

  exportTo(e: LayerExport): void {
    const axes = e.addConstant(`${this.name}/axes`, [2], Int32Array.from([1, 2]));
    const shape = [1, this.g.c];
    const quant = e.quantOf(e.range());
    const out = e.addActivationTensor(this.name, shape, quant);
    e.addOperator({
      op: BuiltinOperator.MEAN,
      inputs: [e.tensor, axes],
      outputs: [out],
      options: { type: "ReducerOptions", keepDims: false },
    });
    e.setOutput(out, shape, quant);
  }
}

/** Max pooling over 2-D windows. */
export const maxPool2d = (options: Pool2DOptions = {}) => new MaxPool2D(options);
/** Average pooling over 2-D windows. */
export const averagePool2d = (options: Pool2DOptions = {}) => new AveragePool2D(options);
/** The mean of each channel over the whole image. */
export const globalAveragePooling2d = () => new GlobalAveragePooling2D();
