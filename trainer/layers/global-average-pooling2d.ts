// GlobalAveragePooling2D: the mean of each channel over the whole image,
// [h, w, c] -> [c] (an average pool whose window is the image; the kernels
// of kernels/pooling.ts). No parameters. Exported as MEAN over the height
// and width axes; int8 takes its calibrated output range (TFLite's MEAN
// rescales; with the input's own scale it would truncate its division).
import type { Workspace, Buf } from "../workspace.ts";
import type { Layer, Param } from "./layer.ts";
import { defineLayer } from "./options.ts";
import { windowOver, poolArgs, type Window } from "./window.ts";
import { BuiltinOperator } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

export class GlobalAveragePooling2D implements Layer {
  readonly kind: string = "globalAveragePooling2d";
  name = "globalAveragePooling2d";
  outputShape: number[] = [];
  g!: Window;
  /** The axes MEAN averages over in the export: height and width. */
  protected readonly axes = [1, 2];
  protected ws!: Workspace;
  #y!: Buf;
  #dx!: Buf;

  build(inputShape: number[], ws: Workspace): void {
    if (inputShape.length !== 3)
      throw new Error(`${this.name}: expects [height, width, channels] images, got shape [${inputShape}]`);
    this.g = windowOver(inputShape, { size: [inputShape[0]!, inputShape[1]!] }, this.name);
    this.ws = ws;
    this.outputShape = [this.g.c];
  }

  allocate(ws: Workspace, batch: number): void {
    this.#y = ws.alloc(batch * this.g.c);
    this.#dx = ws.alloc(batch * this.g.h * this.g.w * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    this.ws.kernels.averagePoolForward(x, this.#y, batch, ...poolArgs(this.g));
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    this.ws.kernels.averagePoolBackward(dy, this.#dx, batch, ...poolArgs(this.g));
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
    const axes = e.addConstant(`${this.name}/axes`, [this.axes.length], Int32Array.from(this.axes));
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

export const globalAveragePooling2dLayer = defineLayer({
  type: "globalAveragePooling2d",
  what: "a global average pooling layer",
  options: {},
  build: () => new GlobalAveragePooling2D(),
});

/** The mean of each channel over the whole image. */
export const globalAveragePooling2d = () => globalAveragePooling2dLayer.build({});
