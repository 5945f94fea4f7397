// gemmlowp's fixed-point logistic and tanh on 16-bit raw values, as TFLite's
// integer LSTM applies them to its int16 gates (tensor_utils ApplySigmoid /
// ApplyTanh: gemmlowp::FixedPoint<int16_t, IntegerBits>). The int32 versions
// are in gemmlowp.ts; these differ in more than width: constants are the
// int32 ones rounded down 16 bits, additions wrap to int16 (the C++ casts
// each result back), and one addition saturates (AddSaturatingIf16Bit).
// Values are int16 held in i32; "Q(i)" has i integer and 15 - i fractional bits.
//
// Two paths, bit for bit the same: the scalar functions (the reference, and
// the MVP build) and, with SIMD, the same steps on eight lanes at a time
// (logisticRow16 / tanhRow16). The lane versions rely on two identities:
// SaturatingRoundingDoublingHighMul<int16> is i16x8.q15mulr_sat_s (both are
// floor((a b + 2^14) / 2^15), saturating only -1 x -1), and the C++ int16
// additions that wrap are i16x8.add / sub.

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

/**
 * Fixed-point product Q(a) * Q(b) -> Q(a + b): SaturatingRoundingDoublingHighMul<int16>,
 * whose (a b + nudge) / 2^15 with truncation equals floor((a b + 2^14) / 2^15);
 * only -32768 x -32768 exceeds int16 and saturates.
 */
// @ts-ignore: decorator
@inline
function mul(a: i32, b: i32): i32 {
  return min((a * b + (1 << 14)) >> 15, INT16_MAX);
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

// ---- Eight lanes at a time (SIMD build) ----

// @ts-ignore: decorator
@inline
function splat(x: i32): v128 {
  return i16x8.splat(<i16>x);
}

/** multiplyByPOT on lanes: saturating left shift (exponent > 0) or rounding right shift (< 0). */
function multiplyByPOTx8(x: v128, exponent: i32): v128 {
  if (exponent == 0) return x;
  if (exponent < 0) {
    const e = -exponent;
    const mask = (1 << e) - 1;
    // roundingDivideByPOT: + 1 where the remainder exceeds half (half rounds away from zero).
    const threshold = i16x8.sub(splat(mask >> 1), i16x8.lt_s(x, splat(0)));
    const up = i16x8.gt_s(v128.and(x, splat(mask)), threshold);
    return i16x8.sub(i16x8.shr_s(x, e), up);
  }
  const threshold = (1 << (15 - exponent)) - 1;
  let r = i16x8.shl(x, exponent);
  r = v128.bitselect(splat(INT16_MAX), r, i16x8.gt_s(x, splat(threshold)));
  return v128.bitselect(splat(INT16_MIN), r, i16x8.lt_s(x, splat(-threshold)));
}

function expOnIntervalx8(a: v128): v128 {
  const constantTerm = splat(constant(1895147668));
  const x = i16x8.add(a, splat(1 << 12));
  const x2 = i16x8.q15mulr_sat_s(x, x);
  const x3 = i16x8.q15mulr_sat_s(x2, x);
  const x4 = i16x8.q15mulr_sat_s(x2, x2);
  const x4Over4 = multiplyByPOTx8(x4, -2);
  const poly = multiplyByPOTx8(
    i16x8.add(i16x8.q15mulr_sat_s(i16x8.add(x4Over4, x3), splat(constant(715827883))), x2),
    -1,
  );
  return i16x8.add_sat_s(constantTerm, i16x8.q15mulr_sat_s(constantTerm, i16x8.add(x, poly)));
}

// @ts-ignore: decorator
@inline
function barrelx8(result: v128, remainder: v128, bit: i32, multiplier: i32): v128 {
  const set = i16x8.ne(v128.and(remainder, splat(bit)), splat(0));
  return v128.bitselect(i16x8.q15mulr_sat_s(result, splat(constant(multiplier))), result, set);
}

function expOnNegativeValuesx8(a: v128, integerBits: i32): v128 {
  const fractionalBits = 15 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const aMod = i16x8.sub(v128.and(a, splat(oneQuarter - 1)), splat(oneQuarter));
  let result = expOnIntervalx8(multiplyByPOTx8(aMod, integerBits));
  const remainder = i16x8.sub(aMod, a);
  result = barrelx8(result, remainder, 1 << (fractionalBits - 2), 1672461947);
  result = barrelx8(result, remainder, 1 << (fractionalBits - 1), 1302514674);
  if (integerBits > 0) result = barrelx8(result, remainder, wrap(1 << fractionalBits), 790015084);
  if (integerBits > 1) result = barrelx8(result, remainder, wrap(1 << (fractionalBits + 1)), 290630308);
  if (integerBits > 2) result = barrelx8(result, remainder, wrap(1 << (fractionalBits + 2)), 39332535);
  if (integerBits > 3) result = barrelx8(result, remainder, wrap(1 << (fractionalBits + 3)), 720401);
  if (integerBits > 4) result = barrelx8(result, remainder, wrap(1 << (fractionalBits + 4)), 242);
  if (integerBits > 5)
    result = v128.bitselect(splat(0), result, i16x8.lt_s(a, splat(constant(-(1 << (36 - integerBits))))));
  return v128.bitselect(splat(INT16_MAX), result, i16x8.eq(a, splat(0)));
}

/** reciprocalOnePlusQ2 for lanes in [0, 32767] (exp results), where RoundingHalfSum(a, 1) is avgr_u. */
function reciprocalOnePlusQ2x8(a: v128): v128 {
  const halfDenominator = i16x8.avgr_u(a, splat(INT16_MAX));
  const one = splat(1 << 13);
  let x = i16x8.add(splat(constant(1515870810)), i16x8.q15mulr_sat_s(halfDenominator, splat(constant(-1010580540))));
  for (let i = 0; i < 3; i++) {
    const oneMinusDx = i16x8.sub(one, i16x8.q15mulr_sat_s(halfDenominator, x));
    x = i16x8.add(x, multiplyByPOTx8(i16x8.q15mulr_sat_s(x, oneMinusDx), 2));
  }
  return x;
}

function logisticx8(a: v128, integerBits: i32): v128 {
  const positive = i16x8.gt_s(a, splat(0));
  const magnitude = v128.bitselect(a, i16x8.neg(a), positive);
  const ifPositive = multiplyByPOTx8(
    reciprocalOnePlusQ2x8(expOnNegativeValuesx8(i16x8.neg(magnitude), integerBits)),
    1,
  );
  const r = v128.bitselect(ifPositive, i16x8.sub(splat(INT16_MAX), ifPositive), positive);
  return v128.bitselect(splat(constant(1 << 30)), r, i16x8.eq(a, splat(0)));
}

function tanhx8(a: v128, integerBits: i32): v128 {
  const negative = i16x8.lt_s(a, splat(0));
  const n = v128.bitselect(a, i16x8.neg(a), negative);
  const t = multiplyByPOTx8(
    i16x8.sub(reciprocalOnePlusQ2x8(expOnNegativeValuesx8(n, integerBits + 1)), splat(1 << 13)),
    2,
  );
  const r = v128.bitselect(i16x8.neg(t), t, negative);
  return v128.bitselect(splat(0), r, i16x8.eq(a, splat(0)));
}

/**
 * dst[i] = logistic16(src[i], integerBits) over n int16 values (src may be
 * dst). In the SIMD build n must be a multiple of 8: its one caller fills
 * half tables of whole vectors, and without a scalar tail the scalar
 * functions (~1.2 KB) stay out of that build.
 */
export function logisticRow16(src: usize, dst: usize, n: i32, integerBits: i32): void {
  if (ASC_FEATURE_SIMD) {
    for (let i = 0; i < n; i += 8)
      v128.store(dst + (<usize>i << 1), logisticx8(v128.load(src + (<usize>i << 1)), integerBits));
    return;
  }
  for (let i = 0; i < n; i++)
    store<i16>(dst + (<usize>i << 1), <i16>logistic16(<i32>load<i16>(src + (<usize>i << 1)), integerBits));
}

/** dst[i] = tanh16(src[i], integerBits) over n int16 values (src may be dst; SIMD build: n a multiple of 8). */
export function tanhRow16(src: usize, dst: usize, n: i32, integerBits: i32): void {
  if (ASC_FEATURE_SIMD) {
    for (let i = 0; i < n; i += 8)
      v128.store(dst + (<usize>i << 1), tanhx8(v128.load(src + (<usize>i << 1)), integerBits));
    return;
  }
  for (let i = 0; i < n; i++)
    store<i16>(dst + (<usize>i << 1), <i16>tanh16(<i32>load<i16>(src + (<usize>i << 1)), integerBits));
}

// ---- As tables (the integer LSTM in the SIMD build) ----
//
// Both functions are odd-symmetric around their value at 0 in gemmlowp's
// formulation: logistic16(m) = 32767 - logistic16(-m) and tanh16(m) =
// wrap(-tanh16(-m)) for m in 1..32767 (each is computed from -|a| and
// mirrored). So a table of f(-m) for m in 0..32768 (32,769 int16 values,
// ~64 KB) gives every input exactly: a <= 0 reads entry -a, a > 0 mirrors
// entry a. The table is filled by the row functions themselves.

/** Entries of a half table: the 32,769 read, rounded up to whole vectors (the last 7 are never read). */
export const HALF_TABLE_LENGTH: i32 = 32776;

/** Fills `table` (HALF_TABLE_LENGTH int16) with f(-m), m = 0..32768, f = tanh16 (tanh) or logistic16. */
export function fillHalfTable16(table: usize, tanh: bool, integerBits: i32): void {
  for (let m = 0; m < HALF_TABLE_LENGTH; m++) store<i16>(table + (<usize>m << 1), <i16>-m);
  if (tanh) tanhRow16(table, table, HALF_TABLE_LENGTH, integerBits);
  else logisticRow16(table, table, HALF_TABLE_LENGTH, integerBits);
}

/** dst[i] = f(src[i]) over n int16 values from a half table of f (src may be dst). */
export function lookupRow16(table: usize, tanh: bool, src: usize, dst: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Eight at a time: |a| (abs(-32768) wraps to 32768 read unsigned, the
    // right entry), eight scalar table reads, the mirror as one select.
    for (; i + 8 <= n; i += 8) {
      const at = <usize>i << 1;
      const a = v128.load(src + at);
      const index = i16x8.abs(a);
      let e = i16x8.splat(0);
      e = i16x8.replace_lane(e, 0, load<i16>(table + (<usize>i16x8.extract_lane_u(index, 0) << 1)));
      e = i16x8.replace_lane(e, 1, load<i16>(table + (<usize>i16x8.extract_lane_u(index, 1) << 1)));
      e = i16x8.replace_lane(e, 2, load<i16>(table + (<usize>i16x8.extract_lane_u(index, 2) << 1)));
      e = i16x8.replace_lane(e, 3, load<i16>(table + (<usize>i16x8.extract_lane_u(index, 3) << 1)));
      e = i16x8.replace_lane(e, 4, load<i16>(table + (<usize>i16x8.extract_lane_u(index, 4) << 1)));
      e = i16x8.replace_lane(e, 5, load<i16>(table + (<usize>i16x8.extract_lane_u(index, 5) << 1)));
      e = i16x8.replace_lane(e, 6, load<i16>(table + (<usize>i16x8.extract_lane_u(index, 6) << 1)));
      e = i16x8.replace_lane(e, 7, load<i16>(table + (<usize>i16x8.extract_lane_u(index, 7) << 1)));
      const mirror = tanh ? i16x8.neg(e) : i16x8.sub(i16x8.splat(<i16>INT16_MAX), e);
      v128.store(dst + at, v128.bitselect(mirror, e, i16x8.gt_s(a, i16x8.splat(0))));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 1;
    const a = <i32>load<i16>(src + at);
    const mirrored = a > 0;
    const entry = <i32>load<i16>(table + (<usize>(mirrored ? a : -a) << 1));
    store<i16>(dst + at, <i16>(!mirrored ? entry : tanh ? -entry : INT16_MAX - entry));
  }
}
