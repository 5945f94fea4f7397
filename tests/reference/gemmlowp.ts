// gemmlowp's fixed-point functions (fixedpoint/fixedpoint.h) on raw 32-bit
// or 16-bit integers, as TFLite's integer LOGISTIC, TANH, SOFTMAX (32-bit)
// and the integer LSTM's gates (16-bit) call them. A value in format Q(m)
// has m integer bits and (bits - 1 - m) fractional bits. Written from the
// C++ templates, one function per template, for both widths at once.

import { roundingDivideByPOT } from "./fixedpoint.ts";

/** The raw integer type's arithmetic: C++ int32_t or int16_t, wrapping where the C++ wraps. */
export class RawType {
  readonly min: number;
  readonly max: number;
  constructor(readonly bits: 16 | 32) {
    this.min = -(2 ** (bits - 1));
    this.max = 2 ** (bits - 1) - 1;
  }

  /** static_cast to the raw type. */
  wrap(x: number): number {
    return Number(BigInt.asIntN(this.bits, BigInt(x)));
  }

  add(a: number, b: number): number {
    return this.wrap(a + b);
  }

  sub(a: number, b: number): number {
    return this.wrap(a - b);
  }

  neg(a: number): number {
    return this.wrap(-a);
  }

  /** SaturatingRoundingDoublingHighMul for this width. */
  mul(a: number, b: number): number {
    if (a === this.min && b === this.min) return this.max;
    const ab = BigInt(a) * BigInt(b);
    const half = 1n << BigInt(this.bits - 2);
    const nudge = ab >= 0n ? half : 1n - half;
    return Number((ab + nudge) / (1n << BigInt(this.bits - 1)));
  }

  /** SaturatingRoundingMultiplyByPOT<exponent>: saturating left shift or rounding right shift. */
  mulByPOT(x: number, exponent: number): number {
    if (exponent === 0) return x;
    if (exponent < 0) return roundingDivideByPOT(x, -exponent);
    const threshold = 2 ** (this.bits - 1 - exponent) - 1;
    if (x > threshold) return this.max;
    if (x < -threshold) return this.min;
    return x * 2 ** exponent;
  }

  /** Rescale<dst>(FixedPoint<src>). */
  rescale(x: number, srcIntegerBits: number, dstIntegerBits: number): number {
    return this.mulByPOT(x, srcIntegerBits - dstIntegerBits);
  }

  /** RoundingHalfSum: (a + b) / 2 rounded half away from zero, in the wider type. */
  roundingHalfSum(a: number, b: number): number {
    const sum = a + b;
    return this.wrap(Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2));
  }

  /** AddSaturatingIf16Bit. */
  addSaturatingIf16Bit(a: number, b: number): number {
    return this.bits === 16 ? Math.min(this.max, Math.max(this.min, a + b)) : this.add(a, b);
  }

  fractionalBits(integerBits: number): number {
    return this.bits - 1 - integerBits;
  }

  /** FixedPoint<raw, integerBits>::One(). */
  one(integerBits: number): number {
    return integerBits === 0 ? this.max : 2 ** this.fractionalBits(integerBits);
  }

  /** ConstantPOT<exponent>. */
  constantPOT(integerBits: number, exponent: number): number {
    return 2 ** (this.fractionalBits(integerBits) + exponent);
  }

  /** A constant written as its int32 raw value, as GEMMLOWP_CHECKED_FIXEDPOINT_CONSTANT narrows it. */
  constant(int32Raw: number): number {
    return roundingDivideByPOT(int32Raw, 32 - this.bits);
  }

  /** a & b on the two's complement bits. */
  and(a: number, b: number): number {
    return this.wrap(Number(BigInt.asIntN(this.bits, BigInt(a) & BigInt(b))));
  }
}

export const INT32 = new RawType(32);
export const INT16 = new RawType(16);

/** exp(a) for a in [-1/4, 0): Q0 -> Q0. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(t: RawType, a: number): number {
  const constantTerm = t.constant(1895147668); // exp(-1/8)
  const constantOneOver3 = t.constant(715827883);
  const x = t.add(a, t.constantPOT(0, -3));
  const x2 = t.mul(x, x);
  const x3 = t.mul(x2, x);
  const x4 = t.mul(x2, x2);
  const x4Over4 = t.mulByPOT(x4, -2);
  const poly = t.mulByPOT(t.add(t.mul(t.add(x4Over4, x3), constantOneOver3), x2), -1);
  return t.addSaturatingIf16Bit(constantTerm, t.mul(constantTerm, t.add(x, poly)));
}

/** exp_on_negative_values: exp(a) for a <= 0, Q(integerBits) -> Q0. */
export function expOnNegativeValues(t: RawType, a: number, integerBits: number): number {
  const fractionalBits = t.fractionalBits(integerBits);
  const oneQuarter = t.constantPOT(integerBits, -2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = t.sub(t.and(a, mask), oneQuarter);
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(t, t.rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = t.sub(aModQuarterMinusOneQuarter, a);
  const barrel: [number, number][] = [
    [-2, 1672461947],
    [-1, 1302514674],
    [0, 790015084],
    [1, 290630308],
    [2, 39332535],
    [3, 720401],
    [4, 242],
  ];
  for (const [exponent, multiplier] of barrel) {
    if (integerBits > exponent && t.and(remainder, 2 ** (fractionalBits + exponent)) !== 0) {
      result = t.mul(result, t.constant(multiplier));
    }
  }
  if (integerBits > 5) {
    const clamp = t.constant(-(2 ** (36 - integerBits))); // -32 in Q(integerBits)
    if (a < clamp) result = 0;
  }
  if (a === 0) result = t.one(0);
  return result;
}

/** Newton-Raphson 1 / halfDenominator in Q2, as both one_over_one_plus_x and one_minus_x_over_one_plus_x do it. */
function newtonRaphsonReciprocal(t: RawType, halfDenominator: number): number {
  const constant48Over17 = t.constant(1515870810);
  const constantNeg32Over17 = t.constant(-1010580540);
  let x = t.add(constant48Over17, t.mul(halfDenominator, constantNeg32Over17));
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = t.mul(halfDenominator, x);
    const oneMinus = t.sub(t.one(2), halfDenominatorTimesX);
    x = t.add(x, t.rescale(t.mul(x, oneMinus), 4, 2));
  }
  return x;
}

/** one_over_one_plus_x_for_x_in_0_1: Q0 -> Q0. */
export function oneOverOnePlusXForXIn01(t: RawType, a: number): number {
  const x = newtonRaphsonReciprocal(t, t.roundingHalfSum(a, t.one(0)));
  return t.rescale(x, 1, 0); // ExactMulByPot<-1> reads the Q2 raw value as Q1
}

/** one_minus_x_over_one_plus_x_for_x_in_0_1: Q0 -> Q0. */
export function oneMinusXOverOnePlusXForXIn01(t: RawType, a: number): number {
  const x = newtonRaphsonReciprocal(t, t.roundingHalfSum(a, t.one(0)));
  return t.rescale(t.sub(x, t.one(2)), 2, 0);
}

/** gemmlowp::logistic: Q(integerBits) -> Q0. */
export function logistic(t: RawType, a: number, integerBits: number): number {
  const positive = a > 0;
  const absInput = positive ? a : t.neg(a);
  const resultIfPositive = oneOverOnePlusXForXIn01(t, expOnNegativeValues(t, t.neg(absInput), integerBits));
  const resultIfNegative = t.sub(t.one(0), resultIfPositive);
  if (a === 0) return t.constant(1 << 30); // one half
  return positive ? resultIfPositive : resultIfNegative;
}

/** gemmlowp::tanh: Q(integerBits) -> Q0. */
export function tanh(t: RawType, a: number, integerBits: number): number {
  const negative = a < 0;
  const n = negative ? a : t.neg(a);
  // neg_tanh_on_negative_values: ExactMulByPot<1> reads n with one more integer bit.
  const result = oneMinusXOverOnePlusXForXIn01(t, expOnNegativeValues(t, n, integerBits + 1));
  if (a === 0) return 0;
  return negative ? t.neg(result) : result;
}
