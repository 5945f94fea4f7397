// The dense layer's elementwise passes, four lanes at a time: the bias added
// to every row, ReLU forward and backward, and the bias gradient (the sum of
// a batch's rows). float32; the same results as the plain loops they replace.

/** z[r][j] += b[j] for every row r. */
export function addBiasRows(z: usize, b: usize, rows: i32, cols: i32): void {
  const row = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * row;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const at = (<usize>j) << 2;
      v128.store(zr + at, f32x4.add(v128.load(zr + at), v128.load(b + at)));
    }
    for (; j < cols; j++) {
      const at = (<usize>j) << 2;
      store<f32>(zr + at, load<f32>(zr + at) + load<f32>(b + at));
    }
  }
}

/** out[j] = sum over rows r of g[r][j]. */
export function sumRows(g: usize, out: usize, rows: i32, cols: i32): void {
  const row = (<usize>cols) << 2;
  memory.fill(out, 0, row);
  for (let r = 0; r < rows; r++) {
    const gr = g + <usize>r * row;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const at = (<usize>j) << 2;
      v128.store(out + at, f32x4.add(v128.load(out + at), v128.load(gr + at)));
    }
    for (; j < cols; j++) {
      const at = (<usize>j) << 2;
      store<f32>(out + at, load<f32>(out + at) + load<f32>(gr + at));
    }
  }
}

/** y = max(x, 0) */
export function reluForward(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const v = v128.load(x + at);
    // Keep x where x > 0, else 0 (so -0 and NaN behave as the scalar x > 0 ? x : 0).
    v128.store(y + at, v128.and(v, f32x4.gt(v, zero)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const v = load<f32>(x + at);
    store<f32>(y + at, v > 0 ? v : 0);
  }
}

/** dx = dy where x > 0, else 0 */
export function reluBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(dx + at, v128.and(v128.load(dy + at), f32x4.gt(v128.load(x + at), zero)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(dx + at, load<f32>(x + at) > 0 ? load<f32>(dy + at) : 0);
  }
}

/**
 * Rows order[start .. start + count) of a row-major matrix (width floats per
 * row) copied to dst, one after the other: a training batch gathered from
 * the training set held in the same memory. order holds u32 row indices.
 */
export function gatherRows(src: usize, order: usize, start: i32, count: i32, width: i32, dst: usize): void {
  const row = (<usize>width) << 2;
  for (let r = 0; r < count; r++) {
    const s = <usize>load<u32>(order + ((<usize>(start + r)) << 2));
    memory.copy(dst + <usize>r * row, src + s * row, row);
  }
}
