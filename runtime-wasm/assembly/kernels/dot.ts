// Dot products, the inner loop of FULLY_CONNECTED (and later the conv GEMM).
//
// Each kernel has a SIMD path (wasmlite.wasm) and a scalar path
// (wasmlite-mvp.wasm), chosen at compile time by ASC_FEATURE_SIMD. Both paths
// must give identical bits:
// - integer dot products are exact, so any summation order agrees;
// - float dot products keep four partial sums (lane j sums elements j, j+4,
//   j+8, ...) and combine them as (s0 + s1) + (s2 + s3) before the tail, in
//   both paths. WebAssembly has no fused multiply-add here, so every product
//   and sum rounds the same way on every host.

import { byte0, byte1, byte2, byte3 } from "./int8_word";

/** sum a[i] * b[i] over int8 vectors of length n. */
export function dotI8(a: usize, b: usize, n: i32): i32 {
  let i = 0;
  let sum: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = i32x4.splat(0);
    // load8x8_s loads eight int8 and widens them to int16 in one step.
    for (; i + 8 <= n; i += 8) {
      acc = i32x4.add(acc, i32x4.dot_i16x8_s(v128.load8x8_s(a + <usize>i), v128.load8x8_s(b + <usize>i)));
    }
    sum =
      i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  } else {
    for (; i + 4 <= n; i += 4) {
      const va = load<u32>(a + <usize>i);
      const vb = load<u32>(b + <usize>i);
      sum += byte0(va) * byte0(vb) + byte1(va) * byte1(vb) + byte2(va) * byte2(vb) + byte3(va) * byte3(vb);
    }
  }
  for (; i < n; i++) sum += <i32>load<i8>(a + <usize>i) * <i32>load<i8>(b + <usize>i);
  return sum;
}

/** Four int8 dot products sharing the vector b (rows a0..a3), written to out[0..3]. */
export function dotI8x4(a0: usize, a1: usize, a2: usize, a3: usize, b: usize, n: i32, out: usize): void {
  let i = 0;
  let s0: i32 = 0,
    s1: i32 = 0,
    s2: i32 = 0,
    s3: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    let c0 = i32x4.splat(0),
      c1 = i32x4.splat(0),
      c2 = i32x4.splat(0),
      c3 = i32x4.splat(0);
    // load8x8_s loads eight int8 and widens them to int16 in one step.
    for (; i + 16 <= n; i += 16) {
      const bl = v128.load8x8_s(b + <usize>i),
        bh = v128.load8x8_s(b + <usize>i, 8);
      c0 = i32x4.add(
        c0,
        i32x4.add(
          i32x4.dot_i16x8_s(v128.load8x8_s(a0 + <usize>i), bl),
          i32x4.dot_i16x8_s(v128.load8x8_s(a0 + <usize>i, 8), bh),
        ),
      );
      c1 = i32x4.add(
        c1,
        i32x4.add(
          i32x4.dot_i16x8_s(v128.load8x8_s(a1 + <usize>i), bl),
          i32x4.dot_i16x8_s(v128.load8x8_s(a1 + <usize>i, 8), bh),
        ),
      );
      c2 = i32x4.add(
        c2,
        i32x4.add(
          i32x4.dot_i16x8_s(v128.load8x8_s(a2 + <usize>i), bl),
          i32x4.dot_i16x8_s(v128.load8x8_s(a2 + <usize>i, 8), bh),
        ),
      );
      c3 = i32x4.add(
        c3,
        i32x4.add(
          i32x4.dot_i16x8_s(v128.load8x8_s(a3 + <usize>i), bl),
          i32x4.dot_i16x8_s(v128.load8x8_s(a3 + <usize>i, 8), bh),
        ),
      );
    }
    if (i + 8 <= n) {
      const bl = v128.load8x8_s(b + <usize>i);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load8x8_s(a0 + <usize>i), bl));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(v128.load8x8_s(a1 + <usize>i), bl));
      c2 = i32x4.add(c2, i32x4.dot_i16x8_s(v128.load8x8_s(a2 + <usize>i), bl));
      c3 = i32x4.add(c3, i32x4.dot_i16x8_s(v128.load8x8_s(a3 + <usize>i), bl));
      i += 8;
    }
    s0 = i32x4.extract_lane(c0, 0) + i32x4.extract_lane(c0, 1) + i32x4.extract_lane(c0, 2) + i32x4.extract_lane(c0, 3);
    s1 = i32x4.extract_lane(c1, 0) + i32x4.extract_lane(c1, 1) + i32x4.extract_lane(c1, 2) + i32x4.extract_lane(c1, 3);
    s2 = i32x4.extract_lane(c2, 0) + i32x4.extract_lane(c2, 1) + i32x4.extract_lane(c2, 2) + i32x4.extract_lane(c2, 3);
    s3 = i32x4.extract_lane(c3, 0) + i32x4.extract_lane(c3, 1) + i32x4.extract_lane(c3, 2) + i32x4.extract_lane(c3, 3);
  } else {
    for (; i + 4 <= n; i += 4) {
      const v = load<u32>(b + <usize>i);
      const x0 = byte0(v),
        x1 = byte1(v),
        x2 = byte2(v),
        x3 = byte3(v);
      const v0 = load<u32>(a0 + <usize>i),
        v1 = load<u32>(a1 + <usize>i);
      const v2 = load<u32>(a2 + <usize>i),
        v3 = load<u32>(a3 + <usize>i);
      s0 += byte0(v0) * x0 + byte1(v0) * x1 + byte2(v0) * x2 + byte3(v0) * x3;
      s1 += byte0(v1) * x0 + byte1(v1) * x1 + byte2(v1) * x2 + byte3(v1) * x3;
      s2 += byte0(v2) * x0 + byte1(v2) * x1 + byte2(v2) * x2 + byte3(v2) * x3;
      s3 += byte0(v3) * x0 + byte1(v3) * x1 + byte2(v3) * x2 + byte3(v3) * x3;
    }
  }
  for (; i < n; i++) {
    const x = <i32>load<i8>(b + <usize>i);
    s0 += <i32>load<i8>(a0 + <usize>i) * x;
    s1 += <i32>load<i8>(a1 + <usize>i) * x;
    s2 += <i32>load<i8>(a2 + <usize>i) * x;
    s3 += <i32>load<i8>(a3 + <usize>i) * x;
  }
  store<i32>(out, s0);
  store<i32>(out, s1, 4);
  store<i32>(out, s2, 8);
  store<i32>(out, s3, 12);
}

/** sum a[i] * b[i] over float32 vectors, in the fixed order described above. */
export function dotF32(a: usize, b: usize, n: i32): f32 {
  let i = 0;
  let s0: f32 = 0,
    s1: f32 = 0,
    s2: f32 = 0,
    s3: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const p = (<usize>i) << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(a + p), v128.load(b + p)));
    }
    s0 = f32x4.extract_lane(acc, 0);
    s1 = f32x4.extract_lane(acc, 1);
    s2 = f32x4.extract_lane(acc, 2);
    s3 = f32x4.extract_lane(acc, 3);
  } else {
    for (; i + 4 <= n; i += 4) {
      const pa = a + ((<usize>i) << 2);
      const pb = b + ((<usize>i) << 2);
      s0 += load<f32>(pa) * load<f32>(pb);
      s1 += load<f32>(pa, 4) * load<f32>(pb, 4);
      s2 += load<f32>(pa, 8) * load<f32>(pb, 8);
      s3 += load<f32>(pa, 12) * load<f32>(pb, 12);
    }
  }
  let sum: f32 = s0 + s1 + (s2 + s3);
  for (; i < n; i++) sum += load<f32>(a + ((<usize>i) << 2)) * load<f32>(b + ((<usize>i) << 2));
  return sum;
}

/**
 * Four float32 dot products sharing the vector b, written to out[0..3].
 * Each row is summed in exactly dotF32's order (four lane sums, combined as
 * (s0 + s1) + (s2 + s3), then the tail), so results equal four dotF32 calls.
 */
export function dotF32x4(a0: usize, a1: usize, a2: usize, a3: usize, b: usize, n: i32, out: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let c0 = f32x4.splat(0),
      c1 = f32x4.splat(0),
      c2 = f32x4.splat(0),
      c3 = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const p = (<usize>i) << 2;
      const vb = v128.load(b + p);
      c0 = f32x4.add(c0, f32x4.mul(v128.load(a0 + p), vb));
      c1 = f32x4.add(c1, f32x4.mul(v128.load(a1 + p), vb));
      c2 = f32x4.add(c2, f32x4.mul(v128.load(a2 + p), vb));
      c3 = f32x4.add(c3, f32x4.mul(v128.load(a3 + p), vb));
    }
    store<f32>(
      out,
      f32x4.extract_lane(c0, 0) + f32x4.extract_lane(c0, 1) + (f32x4.extract_lane(c0, 2) + f32x4.extract_lane(c0, 3)),
    );
    store<f32>(
      out,
      f32x4.extract_lane(c1, 0) + f32x4.extract_lane(c1, 1) + (f32x4.extract_lane(c1, 2) + f32x4.extract_lane(c1, 3)),
      4,
    );
    store<f32>(
      out,
      f32x4.extract_lane(c2, 0) + f32x4.extract_lane(c2, 1) + (f32x4.extract_lane(c2, 2) + f32x4.extract_lane(c2, 3)),
      8,
    );
    store<f32>(
      out,
      f32x4.extract_lane(c3, 0) + f32x4.extract_lane(c3, 1) + (f32x4.extract_lane(c3, 2) + f32x4.extract_lane(c3, 3)),
      12,
    );
  } else {
    store<f32>(out, dotF32(a0, b, n));
    store<f32>(out, dotF32(a1, b, n), 4);
    store<f32>(out, dotF32(a2, b, n), 8);
    store<f32>(out, dotF32(a3, b, n), 12);
    return;
  }
  // The tail, in the same order dotF32 uses.
  for (let k = 0; k < 4; k++) {
    const row = k == 0 ? a0 : k == 1 ? a1 : k == 2 ? a2 : a3;
    let sum = load<f32>(out + ((<usize>k) << 2));
    for (let j = i; j < n; j++) sum += load<f32>(row + ((<usize>j) << 2)) * load<f32>(b + ((<usize>j) << 2));
    store<f32>(out + ((<usize>k) << 2), sum);
  }
}
