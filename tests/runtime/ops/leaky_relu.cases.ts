// LEAKY_RELU: float32, int8 and int16, each with its own alpha.
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, XNNPACK_QS8, randomCase, type Case, type RefusalCase, type Rounding } from "../../helpers/cases.ts";
import { unary } from "../../helpers/models.ts";

export function cases(): Case[] {
  const leaky = (kind: "float32" | "int8" | "int16", alpha: number, seed: number, tflite: Rounding) =>
    randomCase(
      unary({
        op: BuiltinOperator.LEAKY_RELU,
        inKind: kind,
        outKind: kind,
        shape: [50],
        options: { type: "LeakyReluOptions", alpha },
        seed,
      }),
      tflite,
    );
  return [leaky("float32", 0.2, 24, EXACT), leaky("int8", 0.1, 25, XNNPACK_QS8), leaky("int16", 0.3, 26, EXACT)];
}

export function refusals(): RefusalCase[] {
  // alpha x input scale / output scale is small, input scale / output scale is
  // 2^31: no multiplier with a shift of 30 or less holds it (fixedpoint.ts).
  const model = unary({
    op: BuiltinOperator.LEAKY_RELU,
    inKind: "int8",
    outKind: "int8",
    shape: [4],
    options: { type: "LeakyReluOptions", alpha: 0.001 },
    inQuant: { scale: [2 ** 11], zeroPoint: [0] },
    outQuant: { scale: [2 ** -20], zeroPoint: [0] },
    seed: 27,
  });
  return [
    {
      name: "an input scale 2^31 times the output's",
      bytes: model.bytes,
      code: "INVALID_MODEL",
      message: "operator 0 (LEAKY_RELU): quantization scales give a multiplier of 2^30 or more",
    },
  ];
}
