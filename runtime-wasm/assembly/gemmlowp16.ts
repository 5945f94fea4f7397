// gemmlowp's fixed-point logistic and tanh on 16-bit raw values, as TFLite's
// integer LSTM applies them to its int16 gates (tensor_utils ApplySigmoid /
// ApplyTanh: gemmlowp::FixedPoint<int16_t, IntegerBits>). The int32 versions
// are in gemmlowp.ts; these differ in more than width: constants are the
// int32 ones rounded down 16 bits, additions wrap to int16 (the C++ casts
// each result back), and one addition saturates (AddSaturatingIf16Bit).
// Values are int16 held in i32; "Q(i)" has i integer and 15 - i fractional bits.

import { roundingDivideByPOT } from "./fixedpoint";

const INT16_MIN: i32 = -32768;
const INT16_MAX: i32 = 32767;

/** Truncates to int16 like a C++ static_cast<int16_t>. */
// @ts-ignore: decorator
@inline
function wrap(x: i32): i32 {
  return <i32><i16>x;
}

/** gemmlowp's RescaleConstantInitializer: a Q31 constant rounded to Q15. */
// @ts-ignore: decorator
@inline
function constant(q31: i32): i32 {
  return wrap(roundingDivideByPOT(q31, 16));
}

/** Fixed-point product Q(a) * Q(b) -> Q(a + b): SaturatingRoundingDoublingHighMul<int16>. */
function mul(a: i32, b: i32): i32 {
  if (a == b && a == INT16_MIN) return INT16_MAX;
  const ab = a * b;
  const nudge: i32 = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  // C++ division truncates toward zero, as i32.div_s does.
  return wrap((ab + nudge) / (1 << 15));
}

/** x * 2^exponent: saturating for exponent > 0, rounding for exponent < 0. */
function multiplyByPOT(x: i32, exponent: i32): i32 {
  if (exponent == 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold: i32 = (1 << (15 - exponent)) - 1;
  if (x > threshold) return INT16_MAX;
  if (x < -threshold) return INT16_MIN;
  return x << exponent;
}

/** exp(a) for a in [-1/4, 0): Q0 -> Q0. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: i32): i32 {
  const constantTerm = constant(1895147668); // exp(-1/8)
  const oneThird = constant(715827883);
  const x = wrap(a + (1 << 12)); // a + 1/8
  const x2 = mul(x, x);
  const x3 = mul(x2, x);
  const x4 = mul(x2, x2);
  const x4Over4 = multiplyByPOT(x4, -2);
  const poly = multiplyByPOT(wrap(mul(wrap(x4Over4 + x3), oneThird) + x2), -1);
  const sum = constantTerm + mul(constantTerm, wrap(x + poly));
  return min(max(sum, INT16_MIN), INT16_MAX); // AddSaturatingIf16Bit
}

/** exp(a) for a <= 0: Q(integerBits) -> Q0. */
function expOnNegativeValues(a: i32, integerBits: i32): i32 {
  const fractionalBits = 15 - integerBits;
  const oneQuarter: i32 = 1 << (fractionalBits - 2);
  const aModQuarterMinusOneQuarter = wrap((a & (oneQuarter - 1)) - oneQuarter);
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(multiplyByPOT(aModQuarterMinusOneQuarter, integerBits));
  const remainder = wrap(aModQuarterMinusOneQuarter - a);
  // Barrel shifter: multiply by exp(-2^k) for each bit k of the remainder.
  if (integerBits > -2 && (remainder & (1 << (fractionalBits - 2))) != 0) result = mul(result, constant(1672461947));
  if (integerBits > -1 && (remainder & (1 << (fractionalBits - 1))) != 0) result = mul(result, constant(1302514674));
  if (integerBits > 0 && (remainder & wrap(1 << fractionalBits)) != 0) result = mul(result, constant(790015084));
  if (integerBits > 1 && (remainder & wrap(1 << (fractionalBits + 1))) != 0) result = mul(result, constant(290630308));
  if (integerBits > 2 && (remainder & wrap(1 << (fractionalBits + 2))) != 0) result = mul(result, constant(39332535));
  if (integerBits > 3 && (remainder & wrap(1 << (fractionalBits + 3))) != 0) result = mul(result, constant(720401));
  if (integerBits > 4 && (remainder & wrap(1 << (fractionalBits + 4))) != 0) result = mul(result, constant(242));
  if (integerBits > 5 && a < constant(-(1 << (36 - integerBits)))) result = 0; // below -32
  if (a == 0) result = INT16_MAX;
  return result;
}

/** Newton-Raphson 1 / (1 + a) for a in (0, 1), left as Q2. */
function reciprocalOnePlusQ2(a: i32): i32 {
  const sum = a + INT16_MAX;
  const halfDenominator = wrap((sum + (sum >= 0 ? 1 : -1)) / 2); // RoundingHalfSum(a, 1)
  const one = 1 << 13; // 1 in Q2
  let x = wrap(constant(1515870810) + mul(halfDenominator, constant(-1010580540))); // 48/17 - 32/17 d
  for (let i = 0; i < 3; i++) {
    const oneMinusDx = wrap(one - mul(halfDenominator, x));
    x = wrap(x + multiplyByPOT(mul(x, oneMinusDx), 2));
  }
  return x;
}

/** logistic(a): Q(integerBits) -> Q0 (gemmlowp::logistic). */
export function logistic16(a: i32, integerBits: i32): i32 {
  if (a == 0) return constant(1 << 30); // 1/2
  const positive = a > 0;
  const magnitude = positive ? a : wrap(-a);
  // 1 / (1 + exp(-|a|)): the Q2 reciprocal halved (ExactMulByPot<-1>) is Q1.
  const ifPositive = multiplyByPOT(reciprocalOnePlusQ2(expOnNegativeValues(wrap(-magnitude), integerBits)), 1);
  return positive ? ifPositive : wrap(INT16_MAX - ifPositive);
}

/** tanh(a): Q(integerBits) -> Q0 (gemmlowp::tanh). */
export function tanh16(a: i32, integerBits: i32): i32 {
  if (a == 0) return 0;
  const negative = a < 0;
  const n = negative ? a : wrap(-a);
  // -tanh(n) = (1 - exp(2n)) / (1 + exp(2n)); 2n is n read as Q(integerBits + 1).
  const t = multiplyByPOT(wrap(reciprocalOnePlusQ2(expOnNegativeValues(n, integerBits + 1)) - (1 << 13)), 2);
  return negative ? wrap(-t) : t;
}
