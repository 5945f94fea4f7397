// Matrix-vector products over weights packed "column-major" at prepare:
// element (k, j) of the packed matrix, the weight from input k to output j,
// is at k * stride + j, with stride (the output count rounded up to 4)
// padded with zeros. A recurrent cell's gate products use this layout: each
// vector lane accumulates one output, so there are no horizontal sums and
// one loaded input value (splat) feeds 4 x 8 outputs. The dot-product form
// (kernels/dot.ts) needs a reduction per output, which dominates at the
// short rows of a recurrent step (20-100 values).
//
// Every output is summed in input order starting from what `out` holds, in
// both builds, so the SIMD and scalar builds give identical bits.

/** out[j] += sum over k < n of packed[k * stride + j] * v[k], j < stride (a multiple of 4). */
export function accumulatePackedF32(out: usize, packed: usize, stride: i32, v: usize, n: i32): void {
  accumulateColumnsF32(out, packed, stride, v, n, stride);
}

/** accumulatePackedF32 over the first `columns` outputs only (a multiple of 4). */
function accumulateColumnsF32(out: usize, packed: usize, stride: i32, v: usize, n: i32, columns: i32): void {
  const rowBytes = <usize>stride << 2;
  if (ASC_FEATURE_SIMD) {
    let j = 0;
    // 32 outputs at a time: eight accumulators, one splat per input.
    for (; j + 32 <= columns; j += 32) {
      const o = out + (<usize>j << 2);
      let c0 = v128.load(o), c1 = v128.load(o, 16), c2 = v128.load(o, 32), c3 = v128.load(o, 48);
      let c4 = v128.load(o, 64), c5 = v128.load(o, 80), c6 = v128.load(o, 96), c7 = v128.load(o, 112);
      let p = packed + (<usize>j << 2);
      for (let k = 0; k < n; k++) {
        const s = v128.load32_splat(v + (<usize>k << 2));
        c0 = f32x4.add(c0, f32x4.mul(v128.load(p), s));
        c1 = f32x4.add(c1, f32x4.mul(v128.load(p, 16), s));
        c2 = f32x4.add(c2, f32x4.mul(v128.load(p, 32), s));
        c3 = f32x4.add(c3, f32x4.mul(v128.load(p, 48), s));
        c4 = f32x4.add(c4, f32x4.mul(v128.load(p, 64), s));
        c5 = f32x4.add(c5, f32x4.mul(v128.load(p, 80), s));
        c6 = f32x4.add(c6, f32x4.mul(v128.load(p, 96), s));
        c7 = f32x4.add(c7, f32x4.mul(v128.load(p, 112), s));
        p += rowBytes;
      }
      v128.store(o, c0); v128.store(o, c1, 16); v128.store(o, c2, 32); v128.store(o, c3, 48);
      v128.store(o, c4, 64); v128.store(o, c5, 80); v128.store(o, c6, 96); v128.store(o, c7, 112);
    }
    // Then 4 at a time.
    for (; j < columns; j += 4) {
      const o = out + (<usize>j << 2);
      let c0 = v128.load(o);
      let p = packed + (<usize>j << 2);
      for (let k = 0; k < n; k++) {
        c0 = f32x4.add(c0, f32x4.mul(v128.load(p), v128.load32_splat(v + (<usize>k << 2))));
        p += rowBytes;
      }
      v128.store(o, c0);
    }
  } else {
    // Four outputs at a time, their sums in locals down a column block.
    for (let j = 0; j < columns; j += 4) {
      const o = out + (<usize>j << 2);
      let s0 = load<f32>(o), s1 = load<f32>(o, 4), s2 = load<f32>(o, 8), s3 = load<f32>(o, 12);
      let p = packed + (<usize>j << 2);
      for (let k = 0; k < n; k++) {
        const x = load<f32>(v + (<usize>k << 2));
        s0 += load<f32>(p) * x;
        s1 += load<f32>(p, 4) * x;
        s2 += load<f32>(p, 8) * x;
        s3 += load<f32>(p, 12) * x;
        p += rowBytes;
      }
      store<f32>(o, s0); store<f32>(o, s1, 4); store<f32>(o, s2, 8); store<f32>(o, s3, 12);
    }
  }
}

/**
 * accumulatePackedF32 for two input rows at once (out0 from v0, out1 from
 * v1), with the same per-output order, so the same bits as two calls. Each
 * loaded weight vector serves both rows: a single row is bound by weight
 * loads (~8 GMAC/s here), two rows run ~1.8x faster per product.
 */
export function accumulatePackedF32x2(
  out0: usize,
  out1: usize,
  packed: usize,
  stride: i32,
  v0: usize,
  v1: usize,
  n: i32,
): void {
  if (!ASC_FEATURE_SIMD) {
    accumulatePackedF32(out0, packed, stride, v0, n);
    accumulatePackedF32(out1, packed, stride, v1, n);
    return;
  }
  const rowBytes = <usize>stride << 2;
  let j = 0;
  for (; j + 16 <= stride; j += 16) {
    const o = out0 + (<usize>j << 2), q = out1 + (<usize>j << 2);
    let a0 = v128.load(o), a1 = v128.load(o, 16), a2 = v128.load(o, 32), a3 = v128.load(o, 48);
    let b0 = v128.load(q), b1 = v128.load(q, 16), b2 = v128.load(q, 32), b3 = v128.load(q, 48);
    let p = packed + (<usize>j << 2);
    for (let k = 0; k < n; k++) {
      const s = v128.load32_splat(v0 + (<usize>k << 2));
      const t = v128.load32_splat(v1 + (<usize>k << 2));
      const w0 = v128.load(p), w1 = v128.load(p, 16), w2 = v128.load(p, 32), w3 = v128.load(p, 48);
      a0 = f32x4.add(a0, f32x4.mul(w0, s)); b0 = f32x4.add(b0, f32x4.mul(w0, t));
      a1 = f32x4.add(a1, f32x4.mul(w1, s)); b1 = f32x4.add(b1, f32x4.mul(w1, t));
      a2 = f32x4.add(a2, f32x4.mul(w2, s)); b2 = f32x4.add(b2, f32x4.mul(w2, t));
      a3 = f32x4.add(a3, f32x4.mul(w3, s)); b3 = f32x4.add(b3, f32x4.mul(w3, t));
      p += rowBytes;
    }
    v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
    v128.store(q, b0); v128.store(q, b1, 16); v128.store(q, b2, 32); v128.store(q, b3, 48);
  }
  // The last columns (fewer than 16) a row at a time.
  if (j < stride) {
    const at = <usize>j << 2;
    accumulateColumnsF32(out0 + at, packed + at, stride, v0, n, stride - j);
    accumulateColumnsF32(out1 + at, packed + at, stride, v1, n, stride - j);
  }
}

// The int8 form pairs inputs for i32x4.dot_i16x8_s: input pair p (inputs 2p
// and 2p + 1) is one row of 2 * stride bytes, holding for each output j its
// two weights side by side; an odd last input has a zero partner. stride is
// a multiple of 8 (one 16-byte load = 8 outputs x 2 inputs). Integer sums
// are exact, so the two builds agree whatever the order.

/** Byte offset of the weight from input k to output j in the packed int8 layout. */
// @ts-ignore: decorator
@inline
export function packedI8Offset(k: i32, j: i32, stride: i32): usize {
  return <usize>(k >> 1) * (<usize>stride << 1) + (<usize>j << 1) + <usize>(k & 1);
}

/** Bytes of a packed int8 matrix with n inputs. */
export function packedI8Bytes(n: i32, stride: i32): u64 {
  return <u64>((n + 1) >> 1) * (<u64>stride << 1);
}

/**
 * The input vector as pairs for accumulatePackedI8: pair q, inputs 2q and
 * 2q + 1 as the low and high int16 halves of one int32 (the second 0 past
 * n), written to pairs[0 .. (n + 1) / 2]. Made once per vector, not once
 * per block of outputs.
 */
export function packInputPairs(v: usize, n: i32, pairs: usize): void {
  for (let k = 0; k < n; k += 2) {
    const second = k + 1 < n ? <i32>load<i8>(v + <usize>(k + 1)) : 0;
    store<i32>(pairs + (<usize>k << 1), (<i32>load<i8>(v + <usize>k) & 0xffff) | (second << 16));
  }
}

/** out[j] += sum over k of w(k, j) * v[k] (int32 out, int8 weights), j < stride; v as packInputPairs made it. */
export function accumulatePackedI8(out: usize, packed: usize, stride: i32, pairs: usize, pairCount: i32): void {
  const rowBytes = <usize>stride << 1;
  if (ASC_FEATURE_SIMD) {
    let j = 0;
    for (; j + 16 <= stride; j += 16) {
      const o = out + (<usize>j << 2);
      let c0 = v128.load(o), c1 = v128.load(o, 16), c2 = v128.load(o, 32), c3 = v128.load(o, 48);
      let p = packed + (<usize>j << 1);
      for (let q = 0; q < pairCount; q++) {
        const s = v128.load32_splat(pairs + (<usize>q << 2));
        // load8x8_s: eight int8 weights widened to int16 in one load.
        c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load8x8_s(p), s));
        c1 = i32x4.add(c1, i32x4.dot_i16x8_s(v128.load8x8_s(p, 8), s));
        c2 = i32x4.add(c2, i32x4.dot_i16x8_s(v128.load8x8_s(p, 16), s));
        c3 = i32x4.add(c3, i32x4.dot_i16x8_s(v128.load8x8_s(p, 24), s));
        p += rowBytes;
      }
      v128.store(o, c0); v128.store(o, c1, 16); v128.store(o, c2, 32); v128.store(o, c3, 48);
    }
    for (; j < stride; j += 8) {
      const o = out + (<usize>j << 2);
      let c0 = v128.load(o), c1 = v128.load(o, 16);
      let p = packed + (<usize>j << 1);
      for (let q = 0; q < pairCount; q++) {
        const s = v128.load32_splat(pairs + (<usize>q << 2));
        c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load8x8_s(p), s));
        c1 = i32x4.add(c1, i32x4.dot_i16x8_s(v128.load8x8_s(p, 8), s));
        p += rowBytes;
      }
      v128.store(o, c0); v128.store(o, c1, 16);
    }
  } else {
    // Four outputs at a time, their sums in locals down a column block.
    for (let j = 0; j < stride; j += 4) {
      const o = out + (<usize>j << 2);
      let s0 = load<i32>(o), s1 = load<i32>(o, 4), s2 = load<i32>(o, 8), s3 = load<i32>(o, 12);
      let p = packed + (<usize>j << 1);
      for (let q = 0; q < pairCount; q++) {
        const pair = load<i32>(pairs + (<usize>q << 2));
        const first = (pair << 16) >> 16, second = pair >> 16;
        s0 += <i32>load<i8>(p) * first + <i32>load<i8>(p, 1) * second;
        s1 += <i32>load<i8>(p, 2) * first + <i32>load<i8>(p, 3) * second;
        s2 += <i32>load<i8>(p, 4) * first + <i32>load<i8>(p, 5) * second;
        s3 += <i32>load<i8>(p, 6) * first + <i32>load<i8>(p, 7) * second;
        p += rowBytes;
      }
      store<i32>(o, s0); store<i32>(o, s1, 4); store<i32>(o, s2, 8); store<i32>(o, s3, 12);
    }
  }
}
