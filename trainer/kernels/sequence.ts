// Moving sequences between batch-major [batch, time, width] (how samples
// arrive and leave) and time-major [time, batch, width] (how a recurrent
// layer steps: each step's rows contiguous, one matrix product per step).

/** dst[j][i][:] = src[i][j][:] for src of shape [a, b, width] (dst [b, a, width]). */
export function swapLeadingAxes(src: usize, dst: usize, a: i32, b: i32, width: i32): void {
  const row = (<usize>width) << 2;
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const from = src + <usize>(i * b + j) * row;
      const to = dst + <usize>(j * a + i) * row;
      let k = 0;
      for (; k + 4 <= width; k += 4) v128.store(to + ((<usize>k) << 2), v128.load(from + ((<usize>k) << 2)));
      for (; k < width; k++) store<f32>(to + ((<usize>k) << 2), load<f32>(from + ((<usize>k) << 2)));
    }
  }
}

/** Sum of squares of n floats (the gradient's global norm, squared, one buffer at a time). */
export function sumSquares(x: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + ((<usize>i) << 2));
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  let s: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1);
  s += <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + ((<usize>i) << 2));
    s += v * v;
  }
  return s;
}
