// SOFTMAX: float32 with a beta, int8 (fixed output quantisation) and int16
// at several input scales and betas (TFLM's int16 lookup tables).
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, LUT, randomCase, type Case, type RefusalCase, type Rounding } from "../../helpers/cases.ts";
import { unary } from "../../helpers/models.ts";

const SOFTMAX = BuiltinOperator.SOFTMAX;

const LUT_DOUBLE: Rounding = {
  lsb: 1,
  why: "TFLite builds the int16 SOFTMAX tables in double (and scale x beta in float first); TFLM (and wasmlite) build them in float",
};

export function cases(): Case[] {
  const list = [
    randomCase(
      unary({
        op: SOFTMAX,
        inKind: "float32",
        outKind: "float32",
        shape: [4, 25],
        options: { type: "SoftmaxOptions", beta: 0.7 },
        seed: 39,
      }),
      EXACT,
    ),
    randomCase(
      unary({
        op: SOFTMAX,
        inKind: "int8",
        outKind: "int8",
        shape: [8, 10],
        options: { type: "SoftmaxOptions", beta: 1 },
        outQuant: { scale: [1 / 256], zeroPoint: [-128] },
        seed: 42,
      }),
      LUT,
    ),
  ];
  for (const [scale, beta] of [
    [3e-4, 1],
    [1e-3, 0.5],
    [2 ** -10, 1],
  ] as const) {
    const model = unary({
      op: SOFTMAX,
      inKind: "int16",
      outKind: "int16",
      shape: [16, 24],
      seed: 60,
      label: `SOFTMAX int16, input scale ${scale}, beta ${beta}`,
      options: { type: "SoftmaxOptions", beta },
      inQuant: { scale: [scale], zeroPoint: [0] },
      outQuant: { scale: [1 / 32768], zeroPoint: [0] },
    });
    list.push(randomCase(model, LUT_DOUBLE));
  }
  return list;
}

export function refusals(): RefusalCase[] {
  const int8ToInt16 = (scale: number, zeroPoint: number) =>
    unary({
      op: SOFTMAX,
      inKind: "int8",
      outKind: "int16",
      shape: [2, 10],
      options: { type: "SoftmaxOptions", beta: 1 },
      outQuant: { scale: [scale], zeroPoint: [zeroPoint] },
      seed: 61,
    }).bytes;
  const message = "operator 0 (SOFTMAX): int16 output of an int8 softmax must have scale 1/65536 and zero point -32768";
  return [
    // Each clause of the int16 output's check on its own.
    { name: "int8 to int16, zero point 0", bytes: int8ToInt16(1 / 65536, 0), code: "INVALID_MODEL", message },
    { name: "int8 to int16, scale 1/32768", bytes: int8ToInt16(1 / 32768, -32768), code: "INVALID_MODEL", message },
  ];
}
