// int8 LOGISTIC and TANH, shared (TFLM's reference kernels for both): the
// input difference from the zero point is mapped to Q4.27 by a multiplier
// taken straight from frexp (no 2^31 fix-up, as in TFLM), inputs beyond the
// radius saturate without evaluating the function, the rest go through
// gemmlowp's fixed-point logistic or tanh.

import {
  roundHalfAwayF64,
  calculateInputRadius,
  multiplyByQuantizedMultiplier,
  roundingDivideByPOT,
} from "../fixedpoint";
import { logistic, tanh } from "../gemmlowp";
import { SigmoidInput } from "./sigmoid_input";

export const INPUT_INTEGER_BITS: i32 = 4;

/** TFLM's int8 prepare: the input's zero point, multiplier, shift and range radius, into `into`. */
export function prepareSigmoidInput(inputScale: f32, inputZeroPoint: i32, into: SigmoidInput): void {
  const real: f64 = <f64>inputScale * <f64>(1 << (31 - INPUT_INTEGER_BITS));
  // frexp(real): real = q * 2^exponent, q in [0.5, 1).
  const bits = reinterpret<u64>(real);
  const exponent = <i32>((bits >> 52) & 0x7ff) - 1022;
  const q = reinterpret<f64>((bits & 0x800fffffffffffff) | ((<u64>1022) << 52));
  into.zeroPoint = inputZeroPoint;
  into.multiplier = <i32>(<i64>roundHalfAwayF64(q * 2147483648.0));
  // Below 2^-31 the rescaled input rounds to 0 for every int8 difference: a shift of -31 gives that 0,
  // where a larger right shift would wrap around in the 32-bit shifts (tiny or subnormal input scales).
  into.leftShift = exponent < -31 ? -31 : exponent;
  into.rangeRadius = calculateInputRadius(INPUT_INTEGER_BITS, exponent, 31);
}

/**
 * Runs the int8 kernel over n elements: LOGISTIC (output scale 1/256, zero
 * point -128) or, with `isTanh`, TANH (scale 1/128, zero point 0).
 */
export function sigmoidLikeInt8(
  x: usize,
  y: usize,
  n: i32,
  zeroPoint: i32,
  multiplier: i32,
  leftShift: i32,
  radius: i32,
  isTanh: bool,
): void {
  for (let i = 0; i < n; i++) {
    const v = <i32>load<i8>(x + <usize>i) - zeroPoint;
    let out: i32;
    if (v <= -radius) {
      out = -128;
    } else if (v >= radius) {
      out = 127;
    } else {
      const inQ4 = multiplyByQuantizedMultiplier(v, multiplier, leftShift);
      out = isTanh
        ? roundingDivideByPOT(tanh(inQ4, INPUT_INTEGER_BITS), 31 - 7)
        : roundingDivideByPOT(logistic(inQ4, INPUT_INTEGER_BITS), 31 - 8) - 128;
      out = min(max(out, -128), 127);
    }
    store<i8>(y + <usize>i, <i8>out);
  }
}
