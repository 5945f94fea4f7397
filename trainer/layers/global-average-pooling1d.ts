// GlobalAveragePooling1D: the mean of each channel over the whole sequence,
// [steps, c] -> [c] (an average pool whose window is the sequence; the
// kernels of kernels/pooling.ts). No parameters:
//   y_c = (1 / T) sum_t x_t,c        dx_t,c = dy_c / T
// Exported as TensorFlow's converter writes it: MEAN over the steps axis;
// int8 takes its calibrated output range (TFLite's MEAN rescales).
import type { Workspace, Buf } from "../workspace.ts";
import type { Layer, Param } from "./layer.ts";
import { defineLayer } from "./options.ts";
import { windowAlong, poolArgs, type Window } from "./window.ts";
import { BuiltinOperator } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

export class GlobalAveragePooling1D implements Layer {
  readonly kind = "globalAveragePooling1d";
  name = "globalAveragePooling1d";
  outputShape: number[] = [];
  g!: Window;
  #ws!: Workspace;
  #y!: Buf;
  #dx!: Buf;

  build(inputShape: number[], ws: Workspace): void {
    if (inputShape.length !== 2)
      throw new Error(`${this.name}: expects sequences [steps, channels], got shape [${inputShape}]`);
    this.g = windowAlong(inputShape, { size: inputShape[0]! }, this.name);
    this.#ws = ws;
    this.outputShape = [this.g.c];
  }

  allocate(ws: Workspace, batch: number): void {
    this.#y = ws.alloc(batch * this.g.c);
    this.#dx = ws.alloc(batch * this.g.w * this.g.c);
  }

  forward(x: Buf, batch: number): Buf {
    this.#ws.kernels.averagePoolForward(x, this.#y, batch, ...poolArgs(this.g));
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    this.#ws.kernels.averagePoolBackward(dy, this.#dx, batch, ...poolArgs(this.g));
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
    const axes = e.addConstant(`${this.name}/axes`, [1], Int32Array.from([1]));
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

export const globalAveragePooling1dLayer = defineLayer({
  type: "globalAveragePooling1d",
  what: "a global average pooling layer over sequences",
  options: {},
  build: () => new GlobalAveragePooling1D(),
});

/** The mean of each channel over the whole sequence. */
export const globalAveragePooling1d = () => globalAveragePooling1dLayer.build({});
