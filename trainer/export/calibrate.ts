// Activation ranges for int8 post-training quantisation: the float model
// runs over the calibration set and every layer's output (and each dense
// layer's pre-activation) records its min and max. Ranges always include 0,
// so zero is exactly representable.
import type { Sequential } from "../model.ts";
import type { Dataset } from "../data/dataset.ts";

export interface Range {
  min: number;
  max: number;
}

export interface Ranges {
  input: Range;
  layers: { output: Range; preactivation?: Range }[];
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
  const layers: Ranges["layers"] = model.layers.map(() => ({ output: { min: 0, max: 0 } }));
  model.trace(data.x, (i, output, pre) => {
    const l = layers[i]!;
    widen(l.output, output);
    if (pre) widen((l.preactivation ??= { min: 0, max: 0 }), pre);
  });
  return { input, layers };
}
