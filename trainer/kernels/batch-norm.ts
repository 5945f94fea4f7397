// Batch normalisation over rows of C channels (a batch of vectors, or every
// pixel of a batch of NHWC images), channel by channel, N rows:
//   statistics: mean_c = sum_r x[r][c] / N,  var_c = sum_r (x[r][c] - mean_c)^2 / N
//   forward:    xhat = (x - mean) invStd,  y = gamma xhat + beta      (invStd = 1 / sqrt(var + eps))
//   backward:   dbeta = sum_r dy,  dgamma = sum_r dy xhat,
//               dx = gamma invStd / N (N dy - dbeta - xhat dgamma)
// Sums run over rows in order, one accumulator per channel (in the output
// buffers), so they are repeatable bit for bit.

/** mean and var (biased) of each of the c channels over `rows` rows. */
export function bnStatistics(x: usize, mean: usize, variance: usize, rows: i32, c: i32): void {
  const row = (<usize>c) << 2;
  memory.fill(mean, 0, row);
  memory.fill(variance, 0, row);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    for (let j = 0; j < c; j++)
      store<f32>(mean + ((<usize>j) << 2), load<f32>(mean + ((<usize>j) << 2)) + load<f32>(xr + ((<usize>j) << 2)));
  }
  const inverse: f32 = 1 / <f32>rows;
  for (let j = 0; j < c; j++) store<f32>(mean + ((<usize>j) << 2), load<f32>(mean + ((<usize>j) << 2)) * inverse);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    for (let j = 0; j < c; j++) {
      const d = load<f32>(xr + ((<usize>j) << 2)) - load<f32>(mean + ((<usize>j) << 2));
      store<f32>(variance + ((<usize>j) << 2), load<f32>(variance + ((<usize>j) << 2)) + d * d);
    }
  }
  for (let j = 0; j < c; j++)
    store<f32>(variance + ((<usize>j) << 2), load<f32>(variance + ((<usize>j) << 2)) * inverse);
}

/** xhat = (x - mean) invStd and y = gamma xhat + beta, four channels at a time. */
export function bnForward(
  x: usize,
  mean: usize,
  invStd: usize,
  gamma: usize,
  beta: usize,
  xhat: usize,
  y: usize,
  rows: i32,
  c: i32,
): void {
  const row = (<usize>c) << 2;
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * row;
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const k = (<usize>j) << 2;
      const h = f32x4.mul(f32x4.sub(v128.load(x + at + k), v128.load(mean + k)), v128.load(invStd + k));
      v128.store(xhat + at + k, h);
      v128.store(y + at + k, f32x4.add(f32x4.mul(v128.load(gamma + k), h), v128.load(beta + k)));
    }
    for (; j < c; j++) {
      const k = (<usize>j) << 2;
      const h = (load<f32>(x + at + k) - load<f32>(mean + k)) * load<f32>(invStd + k);
      store<f32>(xhat + at + k, h);
      store<f32>(y + at + k, load<f32>(gamma + k) * h + load<f32>(beta + k));
    }
  }
}

/** dgamma, dbeta (overwritten) and, when dx is not 0, dx from dy (training-mode statistics). */
export function bnBackward(
  dy: usize,
  xhat: usize,
  gamma: usize,
  invStd: usize,
  dgamma: usize,
  dbeta: usize,
  dx: usize,
  rows: i32,
  c: i32,
): void {
  const row = (<usize>c) << 2;
  memory.fill(dgamma, 0, row);
  memory.fill(dbeta, 0, row);
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * row;
    for (let j = 0; j < c; j++) {
      const k = (<usize>j) << 2;
      const g = load<f32>(dy + at + k);
      store<f32>(dbeta + k, load<f32>(dbeta + k) + g);
      store<f32>(dgamma + k, load<f32>(dgamma + k) + g * load<f32>(xhat + at + k));
    }
  }
  if (dx == 0) return;
  const n = <f32>rows;
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * row;
    for (let j = 0; j < c; j++) {
      const k = (<usize>j) << 2;
      const scale = (load<f32>(gamma + k) * load<f32>(invStd + k)) / n;
      const v = n * load<f32>(dy + at + k) - load<f32>(dbeta + k) - load<f32>(xhat + at + k) * load<f32>(dgamma + k);
      store<f32>(dx + at + k, scale * v);
    }
  }
}
