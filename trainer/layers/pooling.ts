// MaxPool2D and AveragePool2D: a window (pool size, stride, padding) slid
// over each channel of an [h, w, c] image
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
import { defineLayer, type CheckedOptions, type LayerOptions } from "./options.ts";
import { windowOver, windowPair, paddingField, poolArgs, type Window } from "./window.ts";
import { BuiltinOperator, Padding, ActivationFunctionType } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

const OPTIONS = {
  poolSize: windowPair("the window (default 2)").optional(),
  strides: windowPair("the stride (default: the window)").optional(),
  padding: paddingField,
};
export type Pool2DOptions = LayerOptions<typeof OPTIONS>;

abstract class Pool2D implements Layer {
  abstract readonly kind: string;
  /** The operator it exports as. */
  protected abstract readonly op: BuiltinOperator;
  name = "pool";
  outputShape: number[] = [];
  readonly options: CheckedOptions<typeof OPTIONS>;
  g!: Window;
  protected ws!: Workspace;
  protected y!: Buf;
  protected dx!: Buf;

  /** Options checked by maxPool2dLayer or averagePool2dLayer (below). */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
  }

  build(inputShape: number[], ws: Workspace): void {
    const size = this.options.poolSize ?? 2;
    const o = { size, strides: this.options.strides ?? size, padding: this.options.padding };
    this.g = windowOver(inputShape, o, this.name);
    this.ws = ws;
    this.outputShape = [this.g.outH, this.g.outW, this.g.c];
  }

  /** For the 1-D pools: window g over a [1, steps, c] image, its output [out, c]. */
  protected buildAlong(g: Window, ws: Workspace): void {
    this.g = g;
    this.ws = ws;
    this.outputShape = [g.outW, g.c];
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

  /** MAX_POOL_2D or AVERAGE_POOL_2D, NHWC in and out. */
  exportTo(e: LayerExport): void {
    const g = this.g;
    const shape = [1, g.outH, g.outW, g.c];
    const out = e.addActivationTensor(this.name, shape, e.quant);
    e.addOperator({
      op: this.op,
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
  readonly kind: string = "maxPool2d";
  protected readonly op = BuiltinOperator.MAX_POOL_2D;
  #argmax!: Buf; // i32: the input index of each output's maximum

  override allocate(ws: Workspace, batch: number): void {
    super.allocate(ws, batch);
    this.#argmax = ws.alloc(batch * this.g.outH * this.g.outW * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    this.ws.kernels.maxPoolForward(x, this.y, this.#argmax, batch, ...poolArgs(this.g));
    return this.y;
  }

  backward(dy: Buf, batch: number): Buf {
    const g = this.g;
    this.ws.kernels.maxPoolBackward(dy, this.#argmax, this.dx, batch * g.outH * g.outW * g.c, batch * g.h * g.w * g.c);
    return this.dx;
  }
}

export class AveragePool2D extends Pool2D {
  readonly kind: string = "averagePool2d";
  protected readonly op = BuiltinOperator.AVERAGE_POOL_2D;

  forward(x: Buf, batch: number): Buf {
    this.ws.kernels.averagePoolForward(x, this.y, batch, ...poolArgs(this.g));
    return this.y;
  }

  backward(dy: Buf, batch: number): Buf {
    this.ws.kernels.averagePoolBackward(dy, this.dx, batch, ...poolArgs(this.g));
    return this.dx;
  }
}

export const maxPool2dLayer = defineLayer({
  type: "maxPool2d",
  what: "a maxPool2d layer",
  options: OPTIONS,
  build: (o) => new MaxPool2D(o),
});
export const averagePool2dLayer = defineLayer({
  type: "averagePool2d",
  what: "an averagePool2d layer",
  options: OPTIONS,
  build: (o) => new AveragePool2D(o),
});

/** Max pooling over 2-D windows. */
export const maxPool2d = (options: Pool2DOptions = {}) => maxPool2dLayer.build(options);
/** Average pooling over 2-D windows. */
export const averagePool2d = (options: Pool2DOptions = {}) => averagePool2dLayer.build(options);
