// PRELU: a per-channel alpha broadcast over the input, float32, int8 (also
// with a nonzero alpha zero point) and int16.
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { prelu } from "../../helpers/models.ts";

export function cases(): Case[] {
  return [
    randomCase(prelu({ kind: "float32", shape: [1, 4, 6], seed: 27 }), EXACT),
    randomCase(prelu({ kind: "int8", shape: [1, 4, 6], seed: 28 }), EXACT),
    randomCase(prelu({ kind: "int8", shape: [2, 5, 6], alphaZeroPoint: -20, seed: 83 }), EXACT),
    randomCase(prelu({ kind: "int16", shape: [2, 3, 7], seed: 72 }), EXACT, {
      tfliteRefuses: "TFLite's PRELU has no int16 kernel (inference fails)",
    }),
  ];
}
