// The trainer's float32 matrix kernels, compiled to WebAssembly with SIMD
// (trainer/kernels/build.mjs). All matrices are row-major float32 in this
// module's memory; pointers are byte offsets. The three products a dense
// layer needs, written out as loops over rows:
//   gemmNT: C[m][n] (+)= sum_k A[m][k] B[n][k]   forward  Y = X W^T
//   gemmNN: C[m][n] (+)= sum_k A[m][k] B[k][n]   backward dX = dY W
//   gemmTN: C[m][n] (+)= sum_k A[k][m] B[k][n]   backward dW = dY^T X
// Each is blocked four-wide (four rows share a row of the other operand, or
// four rank-1 updates share one pass over C) to cut memory traffic.
// `accumulate` 0 overwrites C, 1 adds to it. Sums run in a fixed order, so a
// run is repeatable bit for bit on one machine.

// @ts-ignore: decorator
@inline
export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** sum a[i] b[i], four lanes then a scalar tail. */
// @ts-ignore: decorator
@inline
function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4)
    acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
  let s = hsum(acc);
  for (; i < n; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

/** y[i] += alpha x[i]. */
// @ts-ignore: decorator
@inline
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.add(v128.load(y + at), f32x4.mul(va, v128.load(x + at))));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, load<f32>(y + at) + alpha * load<f32>(x + at));
  }
}

function clear(c: usize, n: i32): void {
  memory.fill(c, 0, <usize>n << 2);
}

/** Four sums over k of a0..a3 times one row b, written to C's column j (rows c0..c3). */
// @ts-ignore: decorator
@inline
function dot4x1(
  a0: usize,
  a1: usize,
  a2: usize,
  a3: usize,
  bj: usize,
  k: i32,
  c0: usize,
  c1: usize,
  c2: usize,
  c3: usize,
  j: i32,
  accumulate: i32,
): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const at = <usize>p << 2;
    const vb = v128.load(bj + at);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a0 + at), vb));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a1 + at), vb));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a2 + at), vb));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a3 + at), vb));
  }
  let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
  for (; p < k; p++) {
    const at = <usize>p << 2;
    const vb = load<f32>(bj + at);
    t0 += load<f32>(a0 + at) * vb;
    t1 += load<f32>(a1 + at) * vb;
    t2 += load<f32>(a2 + at) * vb;
    t3 += load<f32>(a3 + at) * vb;
  }
  const at = <usize>j << 2;
  store<f32>(c0 + at, accumulate != 0 ? load<f32>(c0 + at) + t0 : t0);
  store<f32>(c1 + at, accumulate != 0 ? load<f32>(c1 + at) + t1 : t1);
  store<f32>(c2 + at, accumulate != 0 ? load<f32>(c2 + at) + t2 : t2);
  store<f32>(c3 + at, accumulate != 0 ? load<f32>(c3 + at) + t3 : t3);
}

/**
 * C[m][n] (+)= sum_k A[m][k] B[n][k]: a 4 x 2 tile (four rows of A against
 * two rows of B) per pass, each sum kept as four lanes then reduced.
 */
export function gemmNT(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const rowA = <usize>k << 2, rowC = <usize>n << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * rowA, a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
    const c0 = c + <usize>i * rowC, c1 = c0 + rowC, c2 = c1 + rowC, c3 = c2 + rowC;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = b + <usize>j * rowA, b1 = b0 + rowA;
      let s00 = f32x4.splat(0), s10 = f32x4.splat(0), s20 = f32x4.splat(0), s30 = f32x4.splat(0);
      let s01 = f32x4.splat(0), s11 = f32x4.splat(0), s21 = f32x4.splat(0), s31 = f32x4.splat(0);
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        const at = <usize>p << 2;
        const v0 = v128.load(b0 + at), v1 = v128.load(b1 + at);
        const x0 = v128.load(a0 + at), x1 = v128.load(a1 + at), x2 = v128.load(a2 + at), x3 = v128.load(a3 + at);
        s00 = f32x4.add(s00, f32x4.mul(x0, v0)); s01 = f32x4.add(s01, f32x4.mul(x0, v1));
        s10 = f32x4.add(s10, f32x4.mul(x1, v0)); s11 = f32x4.add(s11, f32x4.mul(x1, v1));
        s20 = f32x4.add(s20, f32x4.mul(x2, v0)); s21 = f32x4.add(s21, f32x4.mul(x2, v1));
        s30 = f32x4.add(s30, f32x4.mul(x3, v0)); s31 = f32x4.add(s31, f32x4.mul(x3, v1));
      }
      let t00 = hsum(s00), t10 = hsum(s10), t20 = hsum(s20), t30 = hsum(s30);
      let t01 = hsum(s01), t11 = hsum(s11), t21 = hsum(s21), t31 = hsum(s31);
      for (; p < k; p++) {
        const at = <usize>p << 2;
        const w0 = load<f32>(b0 + at), w1 = load<f32>(b1 + at);
        const y0 = load<f32>(a0 + at), y1 = load<f32>(a1 + at), y2 = load<f32>(a2 + at), y3 = load<f32>(a3 + at);
        t00 += y0 * w0; t01 += y0 * w1;
        t10 += y1 * w0; t11 += y1 * w1;
        t20 += y2 * w0; t21 += y2 * w1;
        t30 += y3 * w0; t31 += y3 * w1;
      }
      const at = <usize>j << 2;
      store<f32>(c0 + at, accumulate != 0 ? load<f32>(c0 + at) + t00 : t00);
      store<f32>(c1 + at, accumulate != 0 ? load<f32>(c1 + at) + t10 : t10);
      store<f32>(c2 + at, accumulate != 0 ? load<f32>(c2 + at) + t20 : t20);
      store<f32>(c3 + at, accumulate != 0 ? load<f32>(c3 + at) + t30 : t30);
      store<f32>(c0 + at, accumulate != 0 ? load<f32>(c0 + at, 4) + t01 : t01, 4);
      store<f32>(c1 + at, accumulate != 0 ? load<f32>(c1 + at, 4) + t11 : t11, 4);
      store<f32>(c2 + at, accumulate != 0 ? load<f32>(c2 + at, 4) + t21 : t21, 4);
      store<f32>(c3 + at, accumulate != 0 ? load<f32>(c3 + at, 4) + t31 : t31, 4);
    }
    if (j < n) dot4x1(a0, a1, a2, a3, b + <usize>j * rowA, k, c0, c1, c2, c3, j, accumulate);
  }
  for (; i < m; i++) {
    const ai = a + <usize>i * rowA;
    const ci = c + <usize>i * rowC;
    for (let j = 0; j < n; j++) {
      const s = dot(ai, b + <usize>j * rowA, k);
      const at = ci + (<usize>j << 2);
      store<f32>(at, accumulate != 0 ? load<f32>(at) + s : s);
    }
  }
}

/** y[i] += a0 x0[i] + a1 x1[i] + a2 x2[i] + a3 x3[i]: four axpys in one pass over y. */
// @ts-ignore: decorator
@inline
function axpy4(a0: f32, a1: f32, a2: f32, a3: f32, x0: usize, x1: usize, x2: usize, x3: usize, y: usize, n: i32): void {
  const v0 = f32x4.splat(a0), v1 = f32x4.splat(a1), v2 = f32x4.splat(a2), v3 = f32x4.splat(a3);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let acc = v128.load(y + at);
    const first = f32x4.add(f32x4.mul(v0, v128.load(x0 + at)), f32x4.mul(v1, v128.load(x1 + at)));
    const second = f32x4.add(f32x4.mul(v2, v128.load(x2 + at)), f32x4.mul(v3, v128.load(x3 + at)));
    acc = f32x4.add(acc, f32x4.add(first, second));
    v128.store(y + at, acc);
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const first = a0 * load<f32>(x0 + at) + a1 * load<f32>(x1 + at);
    const second = a2 * load<f32>(x2 + at) + a3 * load<f32>(x3 + at);
    store<f32>(y + at, load<f32>(y + at) + (first + second));
  }
}

/** C[m][n] (+)= sum_k A[m][k] B[k][n]: each row of C takes four rows of B per pass. */
export function gemmNN(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const rowA = <usize>k << 2, rowB = <usize>n << 2;
  if (accumulate == 0) clear(c, m * n);
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * rowA;
    const ci = c + <usize>i * rowB;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const bp = b + <usize>p * rowB;
      axpy4(
        load<f32>(ai + (<usize>p << 2)),
        load<f32>(ai + (<usize>(p + 1) << 2)),
        load<f32>(ai + (<usize>(p + 2) << 2)),
        load<f32>(ai + (<usize>(p + 3) << 2)),
        bp,
        bp + rowB,
        bp + 2 * rowB,
        bp + 3 * rowB,
        ci,
        n,
      );
    }
    for (; p < k; p++) axpy(load<f32>(ai + (<usize>p << 2)), b + <usize>p * rowB, ci, n);
  }
}

/**
 * C[m][n] (+)= sum_k A[k][m] B[k][n]: two rows of C at a time, sixteen
 * columns held in registers over the whole sum, so C is read and written once.
 */
export function gemmTN(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const rowA = <usize>m << 2, rowB = <usize>n << 2;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const c0 = c + <usize>i * rowB, c1 = c0 + rowB;
    const ai = a + (<usize>i << 2);
    let j = 0;
    for (; j + 16 <= n; j += 16) {
      const at = <usize>j << 2;
      let p00 = f32x4.splat(0), p01 = f32x4.splat(0), p02 = f32x4.splat(0), p03 = f32x4.splat(0);
      let p10 = f32x4.splat(0), p11 = f32x4.splat(0), p12 = f32x4.splat(0), p13 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        const bp = b + <usize>p * rowB + at;
        const x0 = v128.load(bp), x1 = v128.load(bp, 16), x2 = v128.load(bp, 32), x3 = v128.load(bp, 48);
        const ap = ai + <usize>p * rowA;
        const s0 = f32x4.splat(load<f32>(ap)), s1 = f32x4.splat(load<f32>(ap, 4));
        p00 = f32x4.add(p00, f32x4.mul(s0, x0)); p01 = f32x4.add(p01, f32x4.mul(s0, x1));
        p02 = f32x4.add(p02, f32x4.mul(s0, x2)); p03 = f32x4.add(p03, f32x4.mul(s0, x3));
        p10 = f32x4.add(p10, f32x4.mul(s1, x0)); p11 = f32x4.add(p11, f32x4.mul(s1, x1));
        p12 = f32x4.add(p12, f32x4.mul(s1, x2)); p13 = f32x4.add(p13, f32x4.mul(s1, x3));
      }
      if (accumulate != 0) {
        p00 = f32x4.add(p00, v128.load(c0 + at)); p01 = f32x4.add(p01, v128.load(c0 + at, 16));
        p02 = f32x4.add(p02, v128.load(c0 + at, 32)); p03 = f32x4.add(p03, v128.load(c0 + at, 48));
        p10 = f32x4.add(p10, v128.load(c1 + at)); p11 = f32x4.add(p11, v128.load(c1 + at, 16));
        p12 = f32x4.add(p12, v128.load(c1 + at, 32)); p13 = f32x4.add(p13, v128.load(c1 + at, 48));
      }
      v128.store(c0 + at, p00); v128.store(c0 + at, p01, 16);
      v128.store(c0 + at, p02, 32); v128.store(c0 + at, p03, 48);
      v128.store(c1 + at, p10); v128.store(c1 + at, p11, 16);
      v128.store(c1 + at, p12, 32); v128.store(c1 + at, p13, 48);
    }
    // Four columns at a time past the sixteen-wide tiles (a convolution's filter gradient has
    // k_h k_w C_in columns, rarely a multiple of 16), then single columns.
    for (; j + 4 <= n; j += 4) {
      const at = <usize>j << 2;
      let p0 = f32x4.splat(0), p1 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        const x = v128.load(b + <usize>p * rowB + at);
        const ap = ai + <usize>p * rowA;
        p0 = f32x4.add(p0, f32x4.mul(f32x4.splat(load<f32>(ap)), x));
        p1 = f32x4.add(p1, f32x4.mul(f32x4.splat(load<f32>(ap, 4)), x));
      }
      if (accumulate != 0) {
        p0 = f32x4.add(p0, v128.load(c0 + at));
        p1 = f32x4.add(p1, v128.load(c1 + at));
      }
      v128.store(c0 + at, p0);
      v128.store(c1 + at, p1);
    }
    for (; j < n; j++) {
      columnTN(a, b, c0 + (<usize>j << 2), i, j, rowA, rowB, k, accumulate);
      columnTN(a, b, c1 + (<usize>j << 2), i + 1, j, rowA, rowB, k, accumulate);
    }
  }
  for (; i < m; i++) {
    const ci = c + <usize>i * rowB;
    for (let j = 0; j < n; j++) columnTN(a, b, ci + (<usize>j << 2), i, j, rowA, rowB, k, accumulate);
  }
}

/** One element of gemmTN: sum_p A[p][i] B[p][j], in the same order as the tiles. */
function columnTN(
  a: usize,
  b: usize,
  at: usize,
  i: i32,
  j: i32,
  rowA: usize,
  rowB: usize,
  k: i32,
  accumulate: i32,
): void {
  let s: f32 = 0;
  for (let p = 0; p < k; p++)
    s += load<f32>(a + <usize>p * rowA + (<usize>i << 2)) * load<f32>(b + <usize>p * rowB + (<usize>j << 2));
  store<f32>(at, accumulate != 0 ? load<f32>(at) + s : s);
}
