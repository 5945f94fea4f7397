// MaxPool1D and AveragePool1D: a window (pool size, stride, padding) slid
// along each channel of a sequence [steps, c]; the 2-D pools over a
// [1, steps, c] image with a 1 x k window, on the same kernels
// (kernels/pooling.ts):
//   max:     y = max over the window's steps inside the sequence
//            dx = dy at the step that held the maximum, 0 at the others
//   average: y = the mean of the window's steps inside the sequence
//            dx = dy / (that count) at each of them
// No parameters. TFLite has no 1-D pooling: exported as TensorFlow's
// converter writes it, RESHAPE to [1, 1, steps, c], MAX_POOL_2D /
// AVERAGE_POOL_2D with a 1 x k window, RESHAPE back; int8 keeps the input's
// scale and zero point, as TFLite's pools require.
import type { Workspace, Buf } from "../workspace.ts";
import { definedFields, type Layer, type Param } from "./layer.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import { windowAlong, describeWindow1d, paddingField, poolArgs, type Window } from "./window.ts";
import { BuiltinOperator, Padding, ActivationFunctionType } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

const OPTIONS = {
  poolSize: positiveInt.optional().meta({ description: "the window in steps (default 2)" }),
  strides: positiveInt.optional().meta({ description: "the stride in steps (default: the window)" }),
  padding: paddingField,
};
export type Pool1DOptions = LayerOptions<typeof OPTIONS>;

abstract class Pool1D implements Layer {
  abstract readonly kind: "maxPool1d" | "averagePool1d";
  name = "pool";
  outputShape: number[] = [];
  readonly options: CheckedOptions<typeof OPTIONS>;
  /** The window over the sequence as a [1, steps, c] image. */
  g!: Window;
  protected ws!: Workspace;
  protected y!: Buf;
  protected dx!: Buf;

  /** Options checked by maxPool1dLayer or averagePool1dLayer (below). */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
  }

  build(inputShape: number[], ws: Workspace): void {
    const size = this.options.poolSize ?? 2;
    const o = { size, strides: this.options.strides ?? size, padding: this.options.padding };
    this.g = windowAlong(inputShape, o, this.name);
    this.ws = ws;
    this.outputShape = [this.g.outW, this.g.c];
  }

  allocate(ws: Workspace, batch: number): void {
    this.y = ws.alloc(batch * this.g.outW * this.g.c);
    this.dx = ws.alloc(batch * this.g.w * this.g.c);
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
    return describeWindow1d(this.g, this.options.padding);
  }

  /** RESHAPE to [1, 1, steps, c], the 2-D pool with a 1 x k window, RESHAPE to [1, out, c]. */
  exportTo(e: LayerExport): void {
    const g = this.g;
    e.reshape(`${this.name}/as_image`, [1, 1, g.w, g.c]);
    const shape = [1, 1, g.outW, g.c];
    const out = e.addActivationTensor(this.name, shape, e.quant);
    e.addOperator({
      op: this.kind === "maxPool1d" ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D,
      inputs: [e.tensor],
      outputs: [out],
      options: {
        type: "Pool2DOptions",
        padding: this.options.padding === "same" ? Padding.SAME : Padding.VALID,
        strideH: 1,
        strideW: g.strideW,
        filterH: 1,
        filterW: g.kw,
        activation: ActivationFunctionType.NONE,
      },
    });
    e.setOutput(out, shape, e.quant);
    e.reshape(`${this.name}/as_sequence`, [1, g.outW, g.c]);
  }
}

export class MaxPool1D extends Pool1D {
  readonly kind = "maxPool1d";
  #argmax!: Buf; // i32: the input index of each output's maximum

  override allocate(ws: Workspace, batch: number): void {
    super.allocate(ws, batch);
    this.#argmax = ws.alloc(batch * this.g.outW * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    this.ws.kernels.maxPoolForward(x, this.y, this.#argmax, batch, ...poolArgs(this.g));
    return this.y;
  }

  backward(dy: Buf, batch: number): Buf {
    const g = this.g;
    this.ws.kernels.maxPoolBackward(dy, this.#argmax, this.dx, batch * g.outW * g.c, batch * g.w * g.c);
    return this.dx;
  }
}

export class AveragePool1D extends Pool1D {
  readonly kind = "averagePool1d";

  forward(x: Buf, batch: number): Buf {
    this.ws.kernels.averagePoolForward(x, this.y, batch, ...poolArgs(this.g));
    return this.y;
  }

  backward(dy: Buf, batch: number): Buf {
    this.ws.kernels.averagePoolBackward(dy, this.dx, batch, ...poolArgs(this.g));
    return this.dx;
  }
}

export const maxPool1dLayer = defineLayer({
  type: "maxPool1d",
  what: "a maxPool1d layer",
  options: OPTIONS,
  build: (o) => new MaxPool1D(o),
});
export const averagePool1dLayer = defineLayer({
  type: "averagePool1d",
  what: "an averagePool1d layer",
  options: OPTIONS,
  build: (o) => new AveragePool1D(o),
});

/** Max pooling along sequences. */
export const maxPool1d = (options: Pool1DOptions = {}) => maxPool1dLayer.build(options);
/** Average pooling along sequences. */
export const averagePool1d = (options: Pool1DOptions = {}) => averagePool1dLayer.build(options);
