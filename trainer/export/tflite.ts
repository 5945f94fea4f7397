// Export a trained Sequential as a .tflite file, float32 or int8, with our
// format writer. Each layer writes its own operators (its exportTo(), with
// the helpers of layer-export.ts); this file sets up the input, calibrates
// an int8 export and walks the layers.
// int8 files take int8 input, except behind a normalisation layer, which
// takes float input and quantises after normalising (one int8 scale cannot
// cover features of different ranges). A model starting with an embedding
// takes int32 token ids in both kinds of file.
import type { Sequential } from "../model.ts";
import { calibrate, type Ranges } from "./calibrate.ts";
import { LayerExport } from "./layer-export.ts";
import { TensorType } from "@wasmlite/format";
import type { Dataset } from "../data/dataset.ts";
import type { Buf } from "../workspace.ts";

export interface ExportOptions {
  kind: "float32" | "int8";
  /** int8: samples whose activation ranges set the scales (a few hundred are enough). */
  calibration?: Dataset;
  /** Stored as the "wasmlite" metadata entry: labels, preprocessing, provenance. */
  metadata?: Record<string, unknown>;
}

/**
 * Why `model` cannot be exported (one line per problem), or nothing: checked
 * before training, so a run never ends in an export that was never possible.
 */
export function exportProblems(model: Sequential): string[] {
  const own = model.layers.flatMap((layer) => layer.exportProblems?.() ?? []);
  const folds = model.layers.flatMap((layer, i) => {
    const fold = layer.foldsIntoPrevious?.();
    if (!fold) return [];
    const into = foldTarget(model, i, fold);
    return typeof into === "string" ? [into] : [];
  });
  return [...own, ...folds];
}

/** What folding layer i into the layer before it makes of that layer's weights, or why it cannot be done. */
function foldTarget(
  model: Sequential,
  i: number,
  fold: { scale: Float32Array; shift: Float32Array },
): Map<Buf, Float32Array> | string {
  const layer = model.layers[i]!;
  const before = model.layers[i - 1];
  if (!before?.foldOutputScale)
    return `${layer.name}: batch normalisation is exported folded into a convolution or dense layer right before it, and ${before ? before.name : "nothing"} is there`;
  const result = before.foldOutputScale(fold.scale, fold.shift);
  return typeof result === "string" ? `${layer.name}: ${result}` : result;
}

export function exportTflite(model: Sequential, options: ExportOptions): Uint8Array {
  const int8 = options.kind === "int8";
  let ranges: Ranges | undefined;
  if (int8) {
    if (!options.calibration) throw new Error("int8 export needs a calibration set");
    ranges = calibrate(model, options.calibration);
  }
  const e = new LayerExport(int8, model.ws);
  const shape = [1, ...model.inputShape];
  const floatInput = int8 && model.layers[0]?.takesFloatInput === true;
  const tokenIds = model.layers[0]?.takesTokenIds === true;
  const quant = floatInput || tokenIds ? undefined : e.quantOf(ranges?.input);
  const input = e.builder.addTensor({
    name: "input",
    shape,
    type: tokenIds ? TensorType.INT32 : floatInput ? TensorType.FLOAT32 : e.activationType,
    quantization: quant,
  });
  e.setOutput(input, shape, quant);
  // Layers folded into the one before them: that layer exports the folded
  // weights, and its output is theirs (so are its calibrated ranges).
  const rangesOf = model.layers.map((_, i) => ranges?.layers[i]);
  model.layers.forEach((layer, i) => {
    const fold = layer.foldsIntoPrevious?.();
    if (!fold) return;
    const into = foldTarget(model, i, fold);
    if (typeof into === "string") throw new Error(into);
    for (const [buf, values] of into) e.overrides.set(buf, values);
    const r = ranges?.layers[i];
    rangesOf[i - 1] = r && { output: r.output, values: { preactivation: r.output } };
  });
  model.layers.forEach((layer, i) => {
    e.layer = layer.name;
    e.index = i;
    e.ranges = rangesOf[i];
    layer.exportTo(e);
  });
  e.finish();
  e.builder.setInputs([input]);
  e.builder.setOutputs([e.tensor]);
  if (options.metadata) e.builder.addMetadata("wasmlite", options.metadata);
  return e.builder.finish();
}
