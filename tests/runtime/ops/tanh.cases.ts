// TANH: float32, int8 (every int8 input in one tensor) and int16 on every
// int16 input at once, at power-of-two input scales and at another.
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, LUT, randomCase, type Case, type Rounding } from "../../helpers/cases.ts";
import { unary } from "../../helpers/models.ts";
import { EVERY_INT16 } from "./logistic.cases.ts";

const TANH = BuiltinOperator.TANH;

// As for LOGISTIC (logistic.cases.ts): TFLite's gemmlowp int16 function on
// power-of-two input scales, where TFLM reads the table; tanh doubles the
// table's error.
const OPT_INT16_POT_TANH: Rounding = {
  lsb: 12,
  why: "for power-of-two int16 input scales TFLite switches to its optimized gemmlowp int16 kernel; TFLM (and wasmlite) always read the sigmoid table; worst over every input: 12 (tanh doubles the table's error)",
};

export function cases(): Case[] {
  const list = [
    randomCase(unary({ op: TANH, inKind: "float32", outKind: "float32", shape: [100], seed: 38 }), EXACT),
    randomCase(
      unary({
        op: TANH,
        inKind: "int8",
        outKind: "int8",
        shape: [256],
        outQuant: { scale: [1 / 128], zeroPoint: [0] },
        seed: 41,
      }),
      LUT,
    ),
  ];
  for (const scale of [2 ** -12, 2 ** -11, 5.3e-4]) {
    const model = unary({
      op: TANH,
      inKind: "int16",
      outKind: "int16",
      shape: [65536],
      seed: 50,
      label: `TANH int16, input scale ${scale}, every int16 input`,
      inQuant: { scale: [scale], zeroPoint: [0] },
      outQuant: { scale: [2 ** -15], zeroPoint: [0] },
    });
    const tflite = Number.isInteger(Math.log2(scale)) ? OPT_INT16_POT_TANH : EXACT;
    list.push({ model, tflite, inputs: [EVERY_INT16] });
  }
  return list;
}
