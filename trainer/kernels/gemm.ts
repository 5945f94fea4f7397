// The trainer's float32 matrix kernels, compiled to WebAssembly with SIMD
// (trainer/kernels/build.mjs). All matrices are row-major float32 in this
// module's memory; pointers are byte offsets. The three products a dense
// layer needs, written out as loops over rows:
//   gemmNT: C[m][n] (+)= sum_k A[m][k] B[n][k]   forward  Y = X W^T
//   gemmNN: C[m][n] (+)= sum_k A[m][k] B[k][n]   backward dX = dY W
//   gemmTN: C[m][n] (+)= sum_k A[k][m] B[k][n]   backward dW = dY^T X
// `accumulate` 0 overwrites C, 1 adds to it. Sums run in a fixed order, so a
// run is repeatable bit for bit on one machine.

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
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
function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
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

export function gemmNT(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const rowA = <usize>k << 2, rowC = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * rowA;
    const ci = c + <usize>i * rowC;
    for (let j = 0; j < n; j++) {
      const s = dot(ai, b + <usize>j * rowA, k);
      const at = ci + (<usize>j << 2);
      store<f32>(at, accumulate != 0 ? load<f32>(at) + s : s);
    }
  }
}

export function gemmNN(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const rowA = <usize>k << 2, rowB = <usize>n << 2;
  if (accumulate == 0) clear(c, m * n);
  for (let i = 0; i < m; i++) {
    const ci = c + <usize>i * rowB;
    for (let p = 0; p < k; p++) {
      const alpha = load<f32>(a + <usize>i * rowA + (<usize>p << 2));
      if (alpha != 0) axpy(alpha, b + <usize>p * rowB, ci, n);
    }
  }
}

export function gemmTN(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const rowA = <usize>m << 2, rowB = <usize>n << 2;
  if (accumulate == 0) clear(c, m * n);
  for (let p = 0; p < k; p++) {
    const ap = a + <usize>p * rowA;
    const bp = b + <usize>p * rowB;
    for (let i = 0; i < m; i++) {
      const alpha = load<f32>(ap + (<usize>i << 2));
      if (alpha != 0) axpy(alpha, bp, c + <usize>i * rowB, n);
    }
  }
}

/** Where the trainer's buffers may start (after this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}
