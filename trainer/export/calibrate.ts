// Activation ranges for int8 post-training quantisation: the float model
// runs over the calibration set and every layer's output, and each value a
// layer names in calibrationValues() (a dense layer's pre-activation, an
// LSTM's gates), records its min and max. Ranges always include 0, so zero
// is exactly representable.
import type { Sequential } from "../model.ts";
import type { Dataset } from "../data/dataset.ts";
import type { Range, LayerRanges } from "./layer-export.ts";

export type { Range, LayerRanges };

export interface Ranges {
  input: Range;
  layers: LayerRanges[];
}

function widen(r: Range, values: Float32Array): void {
  for (const v of values) {
    if (v < r.min) r.min = v;
    if (v > r.max) r.max = v;
  }
}

export function calibrate(model: Sequential, data: Dataset): Ranges {
  if (data.n < 1) throw new Error("calibration set is empty");
  const input = { min: 0, max: 0 };
  widen(input, data.x);
  const layers: LayerRanges[] = model.layers.map(() => ({ output: { min: 0, max: 0 }, values: {} }));
  model.trace(data.x, (i, output, values) => {
    const l = layers[i]!;
    widen(l.output, output);
    for (const [name, v] of Object.entries(values)) widen((l.values[name] ??= { min: 0, max: 0 }), v);
  });
  return { input, layers };
}
