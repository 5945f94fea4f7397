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
import type { AffineFold } from "../layers/layer.ts";

export interface ExportOptions {
  kind: "float32" | "int8";
  /** int8: samples whose activation ranges set the scales (a few hundred are enough). */
  calibration?: Dataset;
  /** Stored as the "wasmlite" metadata entry: labels, preprocessing, provenance. */
  metadata?: Record<string, unknown>;
}

/**
 * Why `model` cannot be exported (one line per problem), or nothing: checked
 * before training (for both kinds of file), so a run never ends in an export
 * that was never possible.
 */
export function exportProblems(model: Sequential): string[] {
  const own = model.layers.flatMap((layer) => layer.exportProblems?.() ?? []);
  // An int8 file's normalisation runs in float on the file's input (Layer.takesFloatInput).
  const floatInputs = model.layers.flatMap((layer, i) =>
    layer.takesFloatInput && i > 0
      ? [
          `${layer.name}: an int8 file normalises its float input, so this must be the first layer (it is layer ${i + 1})`,
        ]
      : [],
  );
  const folds = (["float32", "int8"] as const).flatMap((kind) =>
    model.layers.flatMap((layer, i) => {
      const fold = layer.foldsInto?.(kind);
      const into = fold && foldTarget(model, i, fold);
      return typeof into === "string" ? [into] : [];
    }),
  );
  return [...own, ...floatInputs, ...new Set(folds)];
}

/**
 * Where layer i's fold goes (Layer.foldsInto): the nearest layer before or
 * after it that is not a pass-through (flatten, dropout), and what the fold
 * makes of that layer's weights; or why it cannot be done.
 */
function foldTarget(
  model: Sequential,
  i: number,
  fold: AffineFold,
): { at: number; values: Map<Buf, Float32Array> } | string {
  const layer = model.layers[i]!;
  const step = fold.into === "previous" ? -1 : 1;
  let at = i + step;
  while (model.layers[at]?.passesValuesThrough) at += step;
  const target = model.layers[at];
  const where = fold.into === "previous" ? "before" : "after";
  const result = target?.foldAffine?.(fold.into === "previous" ? "output" : "input", fold);
  if (result === undefined)
    return `${layer.name}: is exported folded into the ${fold.into === "previous" ? "convolution or dense" : "dense"} layer ${where} it, and ${target ? target.name : "nothing"} is there`;
  return typeof result === "string" ? `${layer.name}: ${result}` : { at, values: result };
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
  // Layers folded into a neighbour: the neighbour exports the folded
  // weights; folded into the layer before, its output is theirs (so are its
  // calibrated ranges).
  const rangesOf = model.layers.map((_, i) => ranges?.layers[i]);
  const folded = model.layers.map((layer, i) => {
    const fold = layer.foldsInto?.(options.kind);
    if (!fold) return false;
    const into = foldTarget(model, i, fold);
    if (typeof into === "string") throw new Error(into);
    for (const [buf, values] of into.values) e.overrides.set(buf, values);
    // int8 files: only batch normalisation folds (into the layer before it, which has no activation of its
    // own), so that layer's output is the normalisation's, as calibrated.
    const r = ranges?.layers[i];
    if (r) rangesOf[into.at] = { output: r.output, values: {} };
    return true;
  });
  model.layers.forEach((layer, i) => {
    if (folded[i]) return;
    e.layer = layer.name;
    e.index = i;
    e.ranges = rangesOf[i];
    layer.exportTo(e);
  });
  e.builder.setInputs([input]);
  e.builder.setOutputs([e.tensor]);
  if (options.metadata) e.builder.addMetadata("wasmlite", options.metadata);
  return e.builder.finish();
}
