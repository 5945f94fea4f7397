// TFLite's fixed-point arithmetic, reproduced bit for bit: the rounding rules
// here decide whether our integer outputs equal TFLite Micro's reference
// kernels exactly. Names follow TFLite's so the correspondence is easy to check.
//
// Default TFLite builds use "double rounding" (TFLITE_SINGLE_ROUNDING off):
// MultiplyByQuantizedMultiplier = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(...)).

const INT32_MIN: i32 = -2147483648;
const INT32_MAX: i32 = 2147483647;

/**
 * gemmlowp's SaturatingRoundingDoublingHighMul: round(a * b / 2^31), saturating the one overflow case.
 * gemmlowp adds a nudge of 2^30 (ab >= 0) or 1 - 2^30 (ab < 0) and divides by 2^31 truncating toward
 * zero. That equals adding 2^30 and shifting right (flooring) for every ab: for ab >= 0 the two are the
 * same; for ab < 0 the numerator ab + 1 - 2^30 is negative, and truncating it is flooring
 * ab + 1 - 2^30 + (2^31 - 1) = ab + 2^30. The shift is two instructions on a 32-bit core where the
 * signed division and the sign test were a dozen
 * (tests/runtime/arithmetic/requantize.test.ts holds it to gemmlowp's form).
 */
export function saturatingRoundingDoublingHighMul(a: i32, b: i32): i32 {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const ab: i64 = <i64>a * <i64>b;
  return <i32>((ab + (<i64>1 << 30)) >> 31);
}

/** gemmlowp's RoundingDivideByPOT: x / 2^exponent, rounding half away from zero. */
export function roundingDivideByPOT(x: i32, exponent: i32): i32 {
  const mask: i32 = (1 << exponent) - 1;
  const remainder: i32 = x & mask;
  const threshold: i32 = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLite MultiplyByQuantizedMultiplier (int32 accumulator). */
// @ts-ignore: decorator
@inline
export function multiplyByQuantizedMultiplier(x: i32, multiplier: i32, shift: i32): i32 {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  // x * 2^leftShift wraps like the C++ it mirrors.
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x << leftShift, multiplier), rightShift);
}

/** TFLite MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
export function multiplyByQuantizedMultiplierSmallerThanOneExp(x: i32, multiplier: i32, shift: i32): i32 {
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), -shift);
}

/** TFLite MultiplyByQuantizedMultiplier for int64 accumulators (16x8 kernels). */
export function multiplyByQuantizedMultiplier64(x: i64, multiplier: i32, shift: i32): i32 {
  const reduced: i64 = multiplier < 0x7fff0000 ? <i64>((multiplier + (1 << 15)) >> 16) : 0x7fff;
  const totalShift: i64 = <i64>(15 - shift);
  const rounded: i64 = x * reduced + (<i64>1 << (totalShift - 1));
  return <i32>(rounded >> totalShift);
}

/** C's round(): half away from zero (JavaScript's Math.round rounds half up, which differs). */
export function roundHalfAwayF64(x: f64): f64 {
  const t = Math.trunc(x);
  // x - trunc(x) is exact in binary floating point.
  if (Math.abs(x - t) >= 0.5) return t + (x < 0 ? -1.0 : 1.0);
  return t;
}

/** C's roundf() on a float32 value. */
export function roundHalfAwayF32(x: f32): f32 {
  const t = Mathf.trunc(x);
  if (Mathf.abs(x - t) >= <f32>0.5) return t + (x < 0 ? <f32>-1.0 : <f32>1.0);
  return t;
}

/**
 * Float to int32 without trapping, identical on every build: NaN gives 0,
 * out-of-range values saturate. (The MVP build has no non-trapping conversions.)
 */
export function saturatingF32ToI32(x: f32): i32 {
  if (x != x) return 0;
  if (x >= <f32>2147483648.0) return INT32_MAX;
  if (x <= <f32>-2147483648.0) return INT32_MIN;
  return <i32>x;
}

export function saturatingF64ToI32(x: f64): i32 {
  if (x != x) return 0;
  if (x >= 2147483648.0) return INT32_MAX;
  if (x <= -2147483648.0) return INT32_MIN;
  return <i32>x;
}

/**
 * TFLite CheckedLog2: is log2(x) within 1e-3 of an integer? Sets log2Rounded.
 * Read from the float's bits: x = m * 2^e with m in [1, 2); the nearest
 * power of two is 2^e or 2^(e+1), and "within 1e-3 in log2" means the ratio
 * to it lies in (2^-0.001, 2^0.001).
 */
export let log2Rounded: i32 = 0;
const LOWER: f64 = 0.9993070929904525; // 2^-0.001
const UPPER: f64 = 1.0006933874625807; // 2^0.001
export function checkedLog2(x: f32): bool {
  const bits = reinterpret<u32>(x);
  const e = <i32>((bits >> 23) & 0xff) - 127;
  const m = <f64>reinterpret<f32>((bits & 0x7fffff) | (127 << 23)); // in [1, 2)
  if (m < Math.SQRT2) {
    log2Rounded = e;
    return m < UPPER;
  }
  log2Rounded = e + 1;
  return m / 2 > LOWER;
}

/** Result of quantizeMultiplier(): TFLite's (significand, exponent) pair. */
export let qmMultiplier: i32 = 0;
export let qmShift: i32 = 0;

/**
 * TFLite QuantizeMultiplier: m = q * 2^shift with q in [0.5, 1) as a Q31 integer.
 * Writes qmMultiplier / qmShift. Returns false for a non-finite multiplier
 * and for one of 2^30 or more (shift above 30): TFLite's kernels scale by
 * `1 << shift`, undefined in C past 30, and WebAssembly's shifts take the
 * count modulo 32, so such a model would give a silent wrong answer.
 */
export function quantizeMultiplier(m: f64): bool {
  if (m == 0.0) {
    qmMultiplier = 0;
    qmShift = 0;
    return true;
  }
  if (!isFinite(m)) return false;
  // frexp: m = fraction * 2^exponent, |fraction| in [0.5, 1).
  const bits = reinterpret<u64>(m);
  let exponent = <i32>((bits >> 52) & 0x7ff);
  let fraction: f64;
  if (exponent == 0) {
    // Subnormal: scale into the normal range first.
    const scaled = m * 18014398509481984.0; // 2^54
    const sbits = reinterpret<u64>(scaled);
    exponent = <i32>((sbits >> 52) & 0x7ff) - 54;
    fraction = reinterpret<f64>((sbits & 0x800fffffffffffff) | (<u64>1022 << 52));
  } else {
    fraction = reinterpret<f64>((bits & 0x800fffffffffffff) | (<u64>1022 << 52));
  }
  let shift = exponent - 1022;
  let qFixed = <i64>roundHalfAwayF64(fraction * 2147483648.0);
  if (qFixed == (<i64>1 << 31)) {
    qFixed /= 2;
    shift++;
  }
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  if (shift > 30) return false;
  qmMultiplier = <i32>qFixed;
  qmShift = shift;
  return true;
}

/** TFLite CalculateInputRadius: the largest input that does not saturate after rescaling. */
export function calculateInputRadius(integerBits: i32, leftShift: i32, totalSignedBits: i32): i32 {
  const maxInputRescaled: f64 =
    (<f64>((1 << integerBits) - 1) * <f64>(<i64>1 << (totalSignedBits - integerBits))) / powerOfTwo(leftShift);
  // A tiny input scale makes this huge; saturate (the SIMD build's conversion does, the MVP build's would trap).
  return maxInputRescaled >= 2147483647.0 ? i32.MAX_VALUE : <i32>Math.floor(maxInputRescaled);
}

/** 2^k exactly, built from the exponent bits (k is a shift count, far inside double's range). */
function powerOfTwo(k: i32): f64 {
  return reinterpret<f64>(<u64>(k + 1023) << 52);
}

/**
 * multiplyByQuantizedMultiplier on four int32 lanes (SIMD build only), the
 * same bits lane by lane for any multiplier quantizeMultiplier gives (0 or
 * in [2^30, 2^31): never INT32_MIN, so the doubling high multiply cannot
 * saturate).
 */
// @ts-ignore: decorator
@inline
export function multiplyByQuantizedMultiplierX4(x: v128, multiplier: i32, shift: i32): v128 {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOTX4(doublingHighMulX4(i32x4.shl(x, leftShift), i32x4.splat(multiplier)), rightShift);
}

/**
 * saturatingRoundingDoublingHighMul of four int32 lanes by four multipliers
 * (SIMD build only), none of them INT32_MIN (so nothing saturates).
 * gemmlowp's rounded (ab + nudge) / 2^31, truncating toward zero, equals
 * (ab + 2^30) >> 31 for either sign of ab, which SIMD has.
 */
// @ts-ignore: decorator
@inline
export function doublingHighMulX4(x: v128, m: v128): v128 {
  const nudge = i64x2.splat(1 << 30);
  // Only the low 32 bits of each lane are kept, and there logical and
  // arithmetic shifts agree (x64 has no 64-bit arithmetic vector shift).
  const low = i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), nudge), 31);
  const high = i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), nudge), 31);
  return i8x16.shuffle(low, high, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
}

/** roundingDivideByPOT on four int32 lanes (SIMD build only), the same bits lane by lane. */
export function roundingDivideByPOTX4(x: v128, exponent: i32): v128 {
  const mask = (1 << exponent) - 1;
  return roundingDivideByPOTMasked(x, exponent, i32x4.splat(mask), i32x4.splat(mask >> 1));
}

/**
 * roundingDivideByPOTX4 with its masks given as vectors (made once per
 * exponent): mask = 2^exponent - 1 and half = mask >> 1 in every lane.
 */
// @ts-ignore: decorator
@inline
export function roundingDivideByPOTMasked(x: v128, exponent: i32, mask: v128, half: v128): v128 {
  // threshold = mask / 2, plus 1 for negative x (shr_s by 31 is -1 there);
  // the comparison's all-ones lanes are -1, so subtracting adds the 1.
  const threshold = i32x4.sub(half, i32x4.shr_s(x, 31));
  return i32x4.sub(i32x4.shr_s(x, exponent), i32x4.gt_s(v128.and(x, mask), threshold));
}
