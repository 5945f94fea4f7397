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

// @ts-ignore: decorator
@inline
function expF32x4(v: v128): v128 {
  const x = f32x4.min(f32x4.max(v, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
  const scale = i32x4.shl(f32x4.add(n, f32x4.splat(EXPONENT_BIAS_MAGIC)), 23);
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

/** y[i] = sigmoid(x[i]) for i < n; x and y may be the same row. */
export function sigmoidRowF32(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(y + at, f32x4.div(one, f32x4.add(one, expF32x4(f32x4.neg(v128.load(x + at))))));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, sigmoidF32(load<f32>(x + at)));
  }
}

/** y[i] = tanh(x[i]) for i < n; x and y may be the same row. */
export function tanhRowF32(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0);
    const two = f32x4.splat(2.0);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(y + at, f32x4.sub(one, f32x4.div(two, f32x4.add(expF32x4(f32x4.mul(two, v128.load(x + at))), one))));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, tanhF32(load<f32>(x + at)));
  }
}
