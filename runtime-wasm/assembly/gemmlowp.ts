// gemmlowp's fixed-point transcendental functions on raw int32 values, as
// TFLite Micro's integer LOGISTIC, TANH and SOFTMAX use them. A value of
// "Q(i)" has i integer bits and 31 - i fractional bits. Each function says
// the formats it takes and returns. Arithmetic wraps like the C++ it mirrors.

import { saturatingRoundingDoublingHighMul, roundingDivideByPOT } from "./fixedpoint";

const INT32_MIN: i32 = -2147483648;
const INT32_MAX: i32 = 2147483647;

/** Fixed-point product: Q(a) * Q(b) -> Q(a + b). */
// @ts-ignore: decorator
@inline
function mul(a: i32, b: i32): i32 {
  return saturatingRoundingDoublingHighMul(a, b);
}

/** x * 2^exponent with saturation (exponent > 0) or rounding (exponent < 0). */
export function saturatingRoundingMultiplyByPOT(x: i32, exponent: i32): i32 {
  if (exponent == 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold: i32 = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/** Rescale from Q(srcBits) to Q(dstBits). */
// @ts-ignore: decorator
@inline
function rescale(x: i32, srcBits: i32, dstBits: i32): i32 {
  return saturatingRoundingMultiplyByPOT(x, srcBits - dstBits);
}

/** round((a + b) / 2) computed in 64 bits, half away from zero. */
export function roundingHalfSum(a: i32, b: i32): i32 {
  const sum: i64 = <i64>a + <i64>b;
  const sign: i64 = sum >= 0 ? 1 : -1;
  return <i32>((sum + sign) / 2);
}

/** exp(a) for a in [-1/4, 0): Q0 -> Q0, a Taylor expansion around -1/8. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: i32): i32 {
  const constantTerm: i32 = 1895147668; // exp(-1/8) in Q0
  const constantOneOver3: i32 = 715827883; // 1/3 in Q0
  const x = a + (1 << 28); // a + 1/8
  const x2 = mul(x, x);
  const x3 = mul(x2, x);
  const x4 = mul(x2, x2);
  const x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2);
  const poly = saturatingRoundingMultiplyByPOT(mul(x4Over4 + x3, constantOneOver3) + x2, -1);
  return constantTerm + mul(constantTerm, x + poly);
}

/** exp(a) for a <= 0: Q(integerBits) -> Q0. */
export function expOnNegativeValues(a: i32, integerBits: i32): i32 {
  const fractionalBits = 31 - integerBits;
  const oneQuarter: i32 = 1 << (fractionalBits - 2);
  const mask: i32 = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = aModQuarterMinusOneQuarter - a;
  // Multiply in exp(-2^k) for every bit k set in the remainder (a barrel shifter).
  if (integerBits > -2 && (remainder & (1 << (fractionalBits - 2))) != 0) result = mul(result, 1672461947); // exp(-1/4)
  if (integerBits > -1 && (remainder & (1 << (fractionalBits - 1))) != 0) result = mul(result, 1302514674); // exp(-1/2)
  if (integerBits > 0 && (remainder & (1 << fractionalBits)) != 0) result = mul(result, 790015084); // exp(-1)
  if (integerBits > 1 && (remainder & (1 << (fractionalBits + 1))) != 0) result = mul(result, 290630308); // exp(-2)
  if (integerBits > 2 && (remainder & (1 << (fractionalBits + 2))) != 0) result = mul(result, 39332535); // exp(-4)
  if (integerBits > 3 && (remainder & (1 << (fractionalBits + 3))) != 0) result = mul(result, 720401); // exp(-8)
  if (integerBits > 4 && (remainder & (1 << (fractionalBits + 4))) != 0) result = mul(result, 242); // exp(-16)
  if (integerBits > 5) {
    const clamp: i32 = -(1 << (36 - integerBits)); // -32 in Q(integerBits)
    if (a < clamp) result = 0;
  }
  if (a == 0) result = INT32_MAX; // One() in Q0
  return result;
}

/** Newton-Raphson 1 / half_denominator in Q2, three iterations (shared by the two functions below). */
function reciprocalOfHalfDenominator(halfDenominator: i32): i32 {
  const constant48Over17: i32 = 1515870810; // Q2
  const constantNeg32Over17: i32 = -1010580540; // Q2
  let x = constant48Over17 + mul(halfDenominator, constantNeg32Over17);
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = mul(halfDenominator, x); // Q2
    const oneMinus = (1 << 29) - halfDenominatorTimesX; // Q2: One() - ...
    x = x + rescale(mul(x, oneMinus), 4, 2);
  }
  return x;
}

/** 1 / (1 + a) for a in [0, 1]: Q0 -> Q0. */
export function oneOverOnePlusXForXIn01(a: i32): i32 {
  const x = reciprocalOfHalfDenominator(roundingHalfSum(a, INT32_MAX));
  // ExactMulByPot<-1> turns Q2 into Q1 with the same raw bits; then Q1 -> Q0.
  return rescale(x, 1, 0);
}

/** (1 - a) / (1 + a) for a in [0, 1]: Q0 -> Q0. */
export function oneMinusXOverOnePlusXForXIn01(a: i32): i32 {
  const x = reciprocalOfHalfDenominator(roundingHalfSum(a, INT32_MAX));
  return rescale(x - (1 << 29), 2, 0);
}

/** logistic(a): Q(integerBits) -> Q0. */
export function logistic(a: i32, integerBits: i32): i32 {
  if (a == 0) return 1 << 30; // 0.5
  const absA = a > 0 ? a : -a;
  const positive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absA, integerBits));
  return a > 0 ? positive : INT32_MAX - positive;
}

/** tanh(a): Q(integerBits) -> Q0. */
export function tanh(a: i32, integerBits: i32): i32 {
  if (a == 0) return 0;
  const negative = a < 0 ? a : -a;
  // exp(2 * negative): ExactMulByPot<1> reinterprets the raw bits with one more integer bit.
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(negative, integerBits + 1));
  return a < 0 ? -t : t;
}
