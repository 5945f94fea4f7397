// TFLite's integer arithmetic (tensorflow/lite/kernels/internal/common.{h,cc},
// quantization_util.cc, gemmlowp's fixedpoint.h), written from the C++
// source's definitions in exact arithmetic: BigInt where a product needs 64
// bits, float64 where every value is an integer below 2^53. Shares no code
// with the runtime (runtime-wasm/assembly/fixedpoint.ts), so a rounding
// mistake in one shows up as a difference from the other.
//
// TFLM builds with TFLITE_SINGLE_ROUNDING off: requantisation rounds twice
// (a doubling high multiply, then a rounding right shift).

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

const TWO_POW_31 = 2n ** 31n;

/** C++ static_cast<int32_t> of an integer: wraps modulo 2^32. */
export function wrap32(x: number): number {
  if (!Number.isSafeInteger(x)) throw new Error(`reference: ${x} is not an exact integer`);
  return Number(BigInt.asIntN(32, BigInt(x)));
}

/** int32 * int32 with C++'s wrap-around (what x * (1 << shift) does in the kernels). */
export function mulWrap32(a: number, b: number): number {
  return Number(BigInt.asIntN(32, BigInt(a) * BigInt(b)));
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** TfLiteRound / std::round: half away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: the high 32 bits of 2ab,
 * rounded (nudge 2^30, or 1 - 2^30 for a negative product, then C++'s
 * truncating division by 2^31); saturates only for INT32_MIN * INT32_MIN.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / TWO_POW_31); // BigInt division truncates toward zero, as C++'s does
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent < 0 || exponent > 31) throw new Error(`reference: RoundingDivideByPOT exponent ${exponent}`);
  if (exponent === 0) return x;
  const mask = 2 ** exponent - 1;
  const shifted = Math.floor(x / 2 ** exponent); // x >> exponent (arithmetic)
  const remainder = x - shifted * 2 ** exponent; // x & mask
  const threshold = Math.floor(mask / 2) + (x < 0 ? 1 : 0);
  return shifted + (remainder > threshold ? 1 : 0);
}

/** MultiplyByQuantizedMultiplier(int32, multiplier, shift), double rounding. */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(mulWrap32(x, 2 ** leftShift), multiplier), rightShift);
}

/** MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
export function multiplyByQuantizedMultiplierSmallerThanOneExp(
  x: number,
  multiplier: number,
  leftShift: number,
): number {
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), -leftShift);
}

/** MultiplyByQuantizedMultiplierGreaterThanOne (shift >= 0). */
export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, leftShift: number): number {
  return saturatingRoundingDoublingHighMul(mulWrap32(x, 2 ** leftShift), multiplier);
}

/**
 * MultiplyByQuantizedMultiplier(int64 x, ...), used by the 16x8 kernels: the
 * multiplier is reduced to 16 bits, then one rounding shift by 15 - shift.
 */
export function multiplyByQuantizedMultiplier64(x: bigint, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const totalShift = BigInt(15 - shift);
  const result = (x * BigInt(reduced) + (1n << (totalShift - 1n))) >> totalShift; // BigInt >> floors, as C++'s does
  return Number(BigInt.asIntN(32, result));
}

export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/**
 * std::frexp: m * 2^e with |m| in [0.5, 1). Exact: scaling by powers of two
 * does not round (subnormals are first brought into the normal range).
 */
export function frexp(x: number): { fraction: number; exponent: number } {
  if (x === 0 || !Number.isFinite(x)) return { fraction: x, exponent: 0 };
  let fraction = x;
  let exponent = 0;
  if (Math.abs(fraction) < 2 ** -1000) {
    fraction *= 2 ** 64;
    exponent -= 64;
  }
  const e = Math.floor(Math.log2(Math.abs(fraction))) + 1;
  fraction *= 2 ** -e;
  exponent += e;
  while (Math.abs(fraction) >= 1) {
    fraction /= 2;
    exponent++;
  }
  while (Math.abs(fraction) < 0.5) {
    fraction *= 2;
    exponent--;
  }
  return { fraction, exponent };
}

/** QuantizeMultiplier (quantization_util.cc): real = multiplier * 2^(shift - 31). */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  const { fraction, exponent } = frexp(real);
  let q = roundHalfAway(fraction * 2 ** 31);
  let shift = exponent;
  if (q > 2 ** 31) throw new Error("reference: QuantizeMultiplier overflow");
  if (q === 2 ** 31) {
    q /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: q, shift };
}

/** CalculateInputRadius: the largest input difference whose rescaled value stays in range. */
export function calculateInputRadius(integerBits: number, leftShift: number, totalSignedBits = 31): number {
  const maxRescaled = ((2 ** integerBits - 1) * 2 ** (totalSignedBits - integerBits)) / 2 ** leftShift;
  return Math.floor(maxRescaled);
}

/** CheckedLog2: log2 of x rounded, and whether x is within 1e-3 (in log2) of that power of two. Float32 as TFLite. */
export function checkedLog2(x: number): { log2: number; exact: boolean } {
  const log2 = Math.fround(Math.fround(Math.log(Math.fround(x))) * Math.fround(1 / Math.fround(Math.log(2))));
  const rounded = roundHalfAway(log2);
  return { log2: rounded, exact: Math.abs(Math.fround(log2 - rounded)) < Math.fround(1e-3) };
}

/** CountLeadingZeros of a uint32. */
export function countLeadingZeros32(x: number): number {
  return Math.clz32(x >>> 0);
}
