// Input rescaling shared by int8 LOGISTIC and TANH (TFLM's prepare for both):
// the input difference from the zero point is mapped to Q4.27 by a multiplier
// taken straight from frexp (no 2^31 fix-up, as in TFLM), and inputs beyond
// the radius saturate without evaluating the function.

import { roundHalfAwayF64 } from "../fixedpoint";

export const INPUT_INTEGER_BITS: i32 = 4;

export let inputMultiplier: i32 = 0;
export let inputLeftShift: i32 = 0;
export let inputRangeRadius: i32 = 0;

/** Computes the three values above for an input scale. */
export function prepareSigmoidInput(inputScale: f32): void {
  const real: f64 = <f64>inputScale * <f64>(1 << (31 - INPUT_INTEGER_BITS));
  // frexp(real): real = q * 2^exponent, q in [0.5, 1).
  const bits = reinterpret<u64>(real);
  const exponent = <i32>((bits >> 52) & 0x7ff) - 1022;
  const q = reinterpret<f64>((bits & 0x800fffffffffffff) | (<u64>1022 << 52));
  inputMultiplier = <i32><i64>roundHalfAwayF64(q * 2147483648.0);
  inputLeftShift = exponent;
  inputRangeRadius = calculateInputRadius(INPUT_INTEGER_BITS, inputLeftShift, 31);
}

/** TFLite CalculateInputRadius: the largest input that does not saturate after rescaling. */
export function calculateInputRadius(integerBits: i32, leftShift: i32, totalSignedBits: i32): i32 {
  const maxInputRescaled: f64 =
    (<f64>((1 << integerBits) - 1) * <f64>(<i64>1 << (totalSignedBits - integerBits))) / powerOfTwo(leftShift);
  return <i32>Math.floor(maxInputRescaled);
}

/** 2^k exactly, built from the exponent bits (k is a shift count, far inside double's range). */
function powerOfTwo(k: i32): f64 {
  return reinterpret<f64>(<u64>(k + 1023) << 52);
}
