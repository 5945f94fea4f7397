// LEAKY_RELU: float32, int8 and int16, each with its own alpha.
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, XNNPACK_QS8, randomCase, type Case, type Rounding } from "../../helpers/cases.ts";
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
