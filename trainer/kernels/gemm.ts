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
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
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

/** C[m][n] (+)= sum_k A[m][k] B[n][k]: four rows of A share each row of B. */
export function gemmNT(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const rowA = <usize>k << 2, rowC = <usize>n << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * rowA, a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
    const c0 = c + <usize>i * rowC, c1 = c0 + rowC, c2 = c1 + rowC, c3 = c2 + rowC;
    for (let j = 0; j < n; j++) {
      const bj = b + <usize>j * rowA;
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
    acc = f32x4.add(acc, f32x4.add(f32x4.add(f32x4.mul(v0, v128.load(x0 + at)), f32x4.mul(v1, v128.load(x1 + at))), f32x4.add(f32x4.mul(v2, v128.load(x2 + at)), f32x4.mul(v3, v128.load(x3 + at)))));
    v128.store(y + at, acc);
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, load<f32>(y + at) + ((a0 * load<f32>(x0 + at) + a1 * load<f32>(x1 + at)) + (a2 * load<f32>(x2 + at) + a3 * load<f32>(x3 + at))));
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
      axpy4(load<f32>(ai + (<usize>p << 2)), load<f32>(ai + (<usize>(p + 1) << 2)), load<f32>(ai + (<usize>(p + 2) << 2)), load<f32>(ai + (<usize>(p + 3) << 2)), bp, bp + rowB, bp + 2 * rowB, bp + 3 * rowB, ci, n);
    }
    for (; p < k; p++) axpy(load<f32>(ai + (<usize>p << 2)), b + <usize>p * rowB, ci, n);
  }
}

/** C[m][n] (+)= sum_k A[k][m] B[k][n]: four rows of A and B per pass over C. */
export function gemmTN(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const rowA = <usize>m << 2, rowB = <usize>n << 2;
  if (accumulate == 0) clear(c, m * n);
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const ap = a + <usize>p * rowA;
    const bp = b + <usize>p * rowB;
    for (let i = 0; i < m; i++) {
      const at = <usize>i << 2;
      axpy4(load<f32>(ap + at), load<f32>(ap + rowA + at), load<f32>(ap + 2 * rowA + at), load<f32>(ap + 3 * rowA + at), bp, bp + rowB, bp + 2 * rowB, bp + 3 * rowB, c + <usize>i * rowB, n);
    }
  }
  for (; p < k; p++) {
    const ap = a + <usize>p * rowA;
    const bp = b + <usize>p * rowB;
    for (let i = 0; i < m; i++) axpy(load<f32>(ap + (<usize>i << 2)), bp, c + <usize>i * rowB, n);
  }
}
