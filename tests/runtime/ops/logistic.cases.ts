// LOGISTIC: float32, int8 (its fixed output quantisation, every int8 input
// in one tensor) and int16 on every int16 input at once, at a power-of-two
// input scale and at another (each segment of the sigmoid table is read).
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, XNNPACK_QS8, randomCase, type Case, type Rounding } from "../../helpers/cases.ts";
import { unary } from "../../helpers/models.ts";

const LOGISTIC = BuiltinOperator.LOGISTIC;

// A different algorithm, not a rounding difference: for power-of-two int16
// input scales TFLite evaluates gemmlowp's 16-bit fixed-point function, TFLM
// (and wasmlite) always read the sigmoid table. The bound is the worst
// difference over every int16 input (TFLM's own tests allow 16).
export const OPT_INT16_POT_LOGISTIC: Rounding = {
  lsb: 7,
  why: "for power-of-two int16 input scales TFLite switches to its optimized gemmlowp int16 kernel; TFLM (and wasmlite) always read the sigmoid table; worst over every input: 7",
};

/** One tensor holding every int16 value once. */
export const EVERY_INT16 = [Array.from({ length: 65536 }, (_, i) => i - 32768)];

export function cases(): Case[] {
  const list = [
    randomCase(unary({ op: LOGISTIC, inKind: "float32", outKind: "float32", shape: [100], seed: 37 }), EXACT),
    randomCase(
      unary({
        op: LOGISTIC,
        inKind: "int8",
        outKind: "int8",
        shape: [256],
        outQuant: { scale: [1 / 256], zeroPoint: [-128] },
        seed: 40,
      }),
      XNNPACK_QS8,
    ),
  ];
  for (const scale of [2 ** -12, 3.1e-4]) {
    const model = unary({
      op: LOGISTIC,
      inKind: "int16",
      outKind: "int16",
      shape: [65536],
      seed: 50,
      label: `LOGISTIC int16, input scale ${scale}, every int16 input`,
      inQuant: { scale: [scale], zeroPoint: [0] },
      outQuant: { scale: [2 ** -15], zeroPoint: [0] },
    });
    const tflite = Number.isInteger(Math.log2(scale)) ? OPT_INT16_POT_LOGISTIC : EXACT;
    list.push({ model, tflite, inputs: [EVERY_INT16] });
  }
  return list;
}
