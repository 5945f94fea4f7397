// exp, sigmoid and tanh over float32 rows (float LOGISTIC, TANH and the LSTM
// gates), four lanes at a time in the SIMD
// build and one at a time in the MVP build, with the same bits in both: each
// lane runs exactly the scalar sequence of IEEE operations below (no fused
// multiply-add in WebAssembly), so the two builds cannot drift apart.
//
// exp(x) = 2^n * e^r with n = nearest(x / ln 2) and r = x - n ln 2 (ln 2 split
// in two so r keeps its low bits), e^r by a degree-6 polynomial on
// |r| <= ln(2)/2 (coefficients of the Cephes library's expf): within 2 ulp of
// the true exp. x is clamped to [-87, 88] so 2^n stays a normal float; exp(-87)
// and exp(88) are far beyond where sigmoid and tanh saturate in float32.
// 2^n is built without a float-to-int conversion (which would trap on NaN in
// the MVP build): adding 2^23 + 127 puts n + 127 in the mantissa's low bits.

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
const EXP_MIN: f32 = -87.0;
const EXP_MAX: f32 = 88.0;
const EXPONENT_BIAS_MAGIC: f32 = 8388735.0; // 2^23 + 127

// @ts-ignore: decorator
@inline
export function expF32(v: f32): f32 {
  const x = min(max(v, EXP_MIN), EXP_MAX);
  const n = nearest<f32>(x * LOG2E);
  const r = (x - n * LN2_HI) - n * LN2_LO;
  const r2 = r * r;
  const p = (((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5) * r2 + r + <f32>1.0;
  const scale = reinterpret<f32>(reinterpret<i32>(n + EXPONENT_BIAS_MAGIC) << 23);
  return p * scale;
}

// The SIMD constants, loaded (not written as v128 constants) before each row
// loop: V8 rematerialises a v128 constant at every use inside the loop, and
// loads keep them in registers instead (measured ~20% of sigmoid's time).
const CONSTANTS = memory.data<f32>([
  EXP_MIN, EXP_MAX, LOG2E, LN2_HI, LN2_LO, P0, P1, P2, P3, P4, P5, EXPONENT_BIAS_MAGIC, 1.0, 2.0,
]);

// @ts-ignore: decorator
@inline
function expF32x4(
  v: v128,
  lo: v128,
  hi: v128,
  log2e: v128,
  ln2Hi: v128,
  ln2Lo: v128,
  p0: v128,
  p1: v128,
  p2: v128,
  p3: v128,
  p4: v128,
  p5: v128,
  magic: v128,
  one: v128,
): v128 {
  // pmin/pmax are one instruction each; min/max add NaN and -0 fix-ups. For
  // any non-NaN input both clamp alike, and a NaN stays NaN (the scalar path
  // uses min/max), so the builds still agree.
  const x = f32x4.pmin(f32x4.pmax(v, lo), hi);
  const n = f32x4.nearest(f32x4.mul(x, log2e));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, ln2Hi)), f32x4.mul(n, ln2Lo));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(p0, r), p1);
  p = f32x4.add(f32x4.mul(p, r), p2);
  p = f32x4.add(f32x4.mul(p, r), p3);
  p = f32x4.add(f32x4.mul(p, r), p4);
  p = f32x4.add(f32x4.mul(p, r), p5);
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), one);
  const scale = i32x4.shl(f32x4.add(n, magic), 23);
  return f32x4.mul(p, scale);
}

/** 1 / (1 + e^-x) */
// @ts-ignore: decorator
@inline
export function sigmoidF32(x: f32): f32 {
  return <f32>1.0 / (<f32>1.0 + expF32(-x));
}

/** tanh(x) = 1 - 2 / (e^(2x) + 1): one exp, saturates cleanly to +-1. */
// @ts-ignore: decorator
@inline
export function tanhF32(x: f32): f32 {
  return <f32>1.0 - <f32>2.0 / (expF32(<f32>2.0 * x) + <f32>1.0);
}

/**
 * sigmoid (tanh false) or tanh (tanh true) of x[i] into y[i] four lanes at
 * a time (SIMD build); returns how many elements it did (n rounded down to 4).
 */
function sigmoidOrTanhF32x4(x: usize, y: usize, n: i32, tanh: bool): i32 {
  const lo = v128.load32_splat(CONSTANTS), hi = v128.load32_splat(CONSTANTS, 4);
  const log2e = v128.load32_splat(CONSTANTS, 8);
  const ln2Hi = v128.load32_splat(CONSTANTS, 12), ln2Lo = v128.load32_splat(CONSTANTS, 16);
  const p0 = v128.load32_splat(CONSTANTS, 20), p1 = v128.load32_splat(CONSTANTS, 24);
  const p2 = v128.load32_splat(CONSTANTS, 28), p3 = v128.load32_splat(CONSTANTS, 32);
  const p4 = v128.load32_splat(CONSTANTS, 36), p5 = v128.load32_splat(CONSTANTS, 40);
  const magic = v128.load32_splat(CONSTANTS, 44);
  const one = v128.load32_splat(CONSTANTS, 48), two = v128.load32_splat(CONSTANTS, 52);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    if (tanh) {
      // 1 - 2 / (e^(2x) + 1)
      const e = expF32x4(f32x4.mul(two, v), lo, hi, log2e, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, magic, one);
      v128.store(y + at, f32x4.sub(one, f32x4.div(two, f32x4.add(e, one))));
    } else {
      // 1 / (1 + e^-x)
      const e = expF32x4(f32x4.neg(v), lo, hi, log2e, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, magic, one);
      v128.store(y + at, f32x4.div(one, f32x4.add(one, e)));
    }
  }
  return i;
}

/** y[i] = sigmoid(x[i]) for i < n; x and y may be the same row. */
export function sigmoidRowF32(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) i = sigmoidOrTanhF32x4(x, y, n, false);
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, sigmoidF32(load<f32>(x + at)));
  }
}

/** y[i] = tanh(x[i]) for i < n; x and y may be the same row. */
export function tanhRowF32(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) i = sigmoidOrTanhF32x4(x, y, n, true);
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, tanhF32(load<f32>(x + at)));
  }
}
