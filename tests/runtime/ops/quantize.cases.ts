// QUANTIZE: float32 to int8 and int16, requantising between every integer
// type TFLM has (int8/int16 to int8/int16/int32), and float32 inputs on
// exact rounding ties.
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, XNNPACK_QS8, randomCase, type Case, type Rounding } from "../../helpers/cases.ts";
import { unary, type Kind } from "../../helpers/models.ts";

const OPT_QUANTIZE: Rounding = { lsb: 1, why: "TFLite optimized AffineQuantize divides by a double scale" };

export function cases(): Case[] {
  const quantize = (inKind: Kind, outKind: Kind | "int32", seed: number, tflite: Rounding, tfliteRefuses?: string) =>
    randomCase(
      unary({ op: BuiltinOperator.QUANTIZE, inKind, outKind, shape: [64], seed }),
      tflite,
      tfliteRefuses ? { tfliteRefuses } : {},
    );
  const list = [
    quantize("float32", "int8", 30, EXACT),
    quantize("float32", "int16", 31, OPT_QUANTIZE),
    quantize("int8", "int8", 32, XNNPACK_QS8),
    quantize("int16", "int8", 33, EXACT),
    quantize(
      "int8",
      "int16",
      78,
      EXACT,
      "TFLite's QUANTIZE requantises int8 only to int8 (the model does not initialise); TFLM does int8 -> int16",
    ),
    quantize("int16", "int16", 79, EXACT),
    quantize(
      "int8",
      "int32",
      80,
      EXACT,
      "TFLite's QUANTIZE has no int8 -> int32 (the model does not initialise); TFLM has",
    ),
    quantize("int16", "int32", 81, EXACT),
  ];
  // Exact ties: x / scale = k + 1/2 (scale 0.5, x a multiple of 0.25), which TFLM rounds away
  // from zero. (TFLite hands float -> int8 to XNNPACK, which rounds ties to even.)
  for (const outKind of ["int8", "int16"] as const) {
    const model = unary({
      op: BuiltinOperator.QUANTIZE,
      inKind: "float32",
      outKind,
      shape: [401],
      seed: 84,
      label: `QUANTIZE float32 -> ${outKind} on rounding ties`,
      outQuant: { scale: [0.5], zeroPoint: [outKind === "int8" ? 3 : 0] },
    });
    list.push({
      model,
      tflite: outKind === "int8" ? XNNPACK_QS8 : EXACT,
      inputs: [[Array.from({ length: 401 }, (_, k) => (k - 200) * 0.25)]],
    });
  }
  return list;
}
