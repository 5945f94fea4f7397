// MaxPool1D and AveragePool1D: a window (pool size, stride, padding) slid
// along each channel of a sequence [steps, c]; the 2-D pools over a
// [1, steps, c] image with a 1 x k window (this file gives them that window,
// their options, summary and export; the passes are theirs, on the kernels
// of kernels/pooling.ts):
//   max:     y = max over the window's steps inside the sequence
//            dx = dy at the step that held the maximum, 0 at the others
//   average: y = the mean of the window's steps inside the sequence
//            dx = dy / (that count) at each of them
// No parameters. TFLite has no 1-D pooling: exported as TensorFlow's
// converter writes it, RESHAPE to [1, 1, steps, c], MAX_POOL_2D /
// AVERAGE_POOL_2D with a 1 x k window, RESHAPE back; int8 keeps the input's
// scale and zero point, as TFLite's pools require.
import type { Workspace } from "../workspace.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import { windowAlong, describeWindow1d, paddingField, type Window } from "./window.ts";
import { MaxPool2D, AveragePool2D } from "./pooling.ts";
import type { LayerExport } from "../export/layer-export.ts";

const OPTIONS = {
  poolSize: positiveInt.optional().meta({ description: "the window in steps (default 2)" }),
  strides: positiveInt.optional().meta({ description: "the stride in steps (default: the window)" }),
  padding: paddingField,
};
export type Pool1DOptions = LayerOptions<typeof OPTIONS>;

/** What both 1-D pools add to their 2-D kind: the window along the steps, the summary, the RESHAPEs around the export. */
interface Along {
  g: Window;
  name: string;
  /** The 2-D pool's options type; a 1-D pool's definition has checked them as OPTIONS. */
  readonly options: object;
}

function windowOf(inputShape: number[], layer: Along): Window {
  const { poolSize, strides, padding } = layer.options as CheckedOptions<typeof OPTIONS>;
  const size = poolSize ?? 2;
  return windowAlong(inputShape, { size, strides: strides ?? size, padding }, layer.name);
}

/** RESHAPE to [1, 1, steps, c], the 2-D pool's operator (`pool2d`), RESHAPE to [1, out, c]. */
function exportAlong(e: LayerExport, layer: Along, pool2d: () => void): void {
  e.reshape(`${layer.name}/as_image`, [1, 1, layer.g.w, layer.g.c]);
  pool2d();
  e.reshape(`${layer.name}/as_sequence`, [1, layer.g.outW, layer.g.c]);
}

export class MaxPool1D extends MaxPool2D {
  override readonly kind = "maxPool1d";

  /** Options checked by maxPool1dLayer (below): build layers with maxPool1d() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    super(options);
  }

  override build(inputShape: number[], ws: Workspace): void {
    this.buildAlong(windowOf(inputShape, this), ws);
  }

  override describe(): string {
    return describeWindow1d(this.g, this.options.padding);
  }

  override exportTo(e: LayerExport): void {
    exportAlong(e, this, () => super.exportTo(e));
  }
}

export class AveragePool1D extends AveragePool2D {
  override readonly kind = "averagePool1d";

  /** Options checked by averagePool1dLayer (below): build layers with averagePool1d() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    super(options);
  }

  override build(inputShape: number[], ws: Workspace): void {
    this.buildAlong(windowOf(inputShape, this), ws);
  }

  override describe(): string {
    return describeWindow1d(this.g, this.options.padding);
  }

  override exportTo(e: LayerExport): void {
    exportAlong(e, this, () => super.exportTo(e));
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
