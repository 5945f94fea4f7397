// Export a trained Sequential as a .tflite file, float32 or int8, with our
// format writer. Each layer writes its own operators (its exportTo(), with
// the helpers of layer-export.ts); this file sets up the input, calibrates
// an int8 export and walks the layers.
// int8 files take int8 input, except behind a normalisation layer, which
// takes float input and quantises after normalising (one int8 scale cannot
// cover features of different ranges).
import type { Sequential } from "../model.ts";
import { calibrate, type Ranges } from "./calibrate.ts";
import { LayerExport } from "./layer-export.ts";
import { TensorType } from "../../format/index.ts";
import type { Dataset } from "../data/dataset.ts";

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
  return model.layers.flatMap((layer) => layer.exportProblems?.() ?? []);
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
  const quant = floatInput ? undefined : e.quantOf(ranges?.input);
  const input = e.builder.addTensor({
    name: "input",
    shape,
    type: floatInput ? TensorType.FLOAT32 : e.activationType,
    quantization: quant,
  });
  e.setOutput(input, shape, quant);
  model.layers.forEach((layer, i) => {
    e.layer = layer.name;
    e.index = i;
    e.ranges = ranges?.layers[i];
    layer.exportTo(e);
  });
  e.finish();
  e.builder.setInputs([input]);
  e.builder.setOutputs([e.tensor]);
  if (options.metadata) e.builder.addMetadata("wasmlite", options.metadata);
  return e.builder.finish();
}
