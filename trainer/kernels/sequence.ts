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
