// GlobalAveragePooling1D: the mean of each channel over the whole sequence,
// [steps, c] -> [c] (an average pool whose window is the sequence; the
// kernels of kernels/pooling.ts). No parameters:
//   y_c = (1 / T) sum_t x_t,c        dx_t,c = dy_c / T
// Exported as TensorFlow's converter writes it: MEAN over the steps axis;
// int8 takes its calibrated output range (TFLite's MEAN rescales).
import type { Workspace } from "../workspace.ts";
import { defineLayer } from "./options.ts";
import { windowAlong } from "./window.ts";
import { GlobalAveragePooling2D } from "./global-average-pooling2d.ts";

/** GlobalAveragePooling2D's passes over a [1, steps, c] image whose window is the sequence; MEAN over the steps. */
export class GlobalAveragePooling1D extends GlobalAveragePooling2D {
  override readonly kind = "globalAveragePooling1d";
  protected override readonly axes = [1];

  override build(inputShape: number[], ws: Workspace): void {
    if (inputShape.length !== 2)
      throw new Error(`${this.name}: expects sequences [steps, channels], got shape [${inputShape}]`);
    this.g = windowAlong(inputShape, { size: inputShape[0]! }, this.name);
    this.ws = ws;
    this.outputShape = [this.g.c];
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
