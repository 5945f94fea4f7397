// Conv1D: C_out filters of k x C_in slid along a sequence [steps, C_in] (an
// audio frame's features, a sensor window's axes), with stride, dilation and
// zero padding ("valid" or "same", window.ts), then an activation:
//   z[b, t, o] = b_o + sum_{j, c} W[o, j, c] x[b, t s - p + j d, c]
//   y = act(z)
// It is Conv2D over a [1, steps, C_in] image with a 1 x k window (W stored
// [C_out, k, C_in], TFLite's CONV_2D layout without its height of 1): this
// file gives Conv2D that window, and its own options, summary and export;
// the passes are Conv2D's, on the same im2col rows and GEMM kernels:
//   forward:  cols = im2col(x)            [B out, k C_in]
//             z = cols W^T + b            [B out, C_out]
//   backward: dz = dy act'(z)
//             dW = dz^T cols,  db = sum over rows of dz
//             dcols = dz W,  dx = col2im(dcols)
// TFLite has no 1-D convolution; the export writes what TensorFlow's
// converter does: the sequence reshaped to [1, 1, steps, C_in], CONV_2D with
// a [C_out, 1, k, C_in] filter (stride and dilation along the width), and the
// result reshaped back to [1, out, C_out].
import type { Workspace } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import { windowAlong, describeWindow1d, paddingField } from "./window.ts";
import {
  activationField,
  activationOptionFields,
  activationOptionsApply,
  activationJsonSchemaRules,
} from "../activations.ts";
import { initializerField } from "../initializers.ts";
import type { LayerExport } from "../export/layer-export.ts";
import { Conv2D } from "./conv2d.ts";

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

export class Conv1D extends Conv2D {
  override readonly kind = "conv1d";

  /** Options checked by conv1dLayer (below): build layers with conv1d() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    super(options);
  }

  override build(inputShape: number[], ws: Workspace, rng: Rng): void {
    const o = this.options as CheckedOptions<typeof OPTIONS>;
    const g = windowAlong(
      inputShape,
      { size: o.kernelSize, strides: o.strides, dilation: o.dilation, padding: o.padding },
      this.name,
    );
    this.buildOver(g, ws, rng);
    this.w.shape = [this.filters, g.kw, g.c];
    this.outputShape = [g.outW, this.filters];
  }

  override describe(): string {
    return `${this.filters}@${describeWindow1d(this.g, this.options.padding)}, ${this.activation}`;
  }

  /** RESHAPE to [1, 1, steps, C_in], Conv2D's CONV_2D with a 1 x k window (ReLU fused), RESHAPE to [1, out, C_out]. */
  override exportTo(e: LayerExport): void {
    e.reshape(`${this.name}/as_image`, [1, 1, this.g.w, this.g.c]);
    super.exportTo(e);
    e.reshape(`${this.name}/as_sequence`, [1, this.g.outW, this.filters]);
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
