// One step of the LSTM cell (layers/lstm.ts) over a batch, forward and backward.
// A step's gate pre-activations arrive as rows of 4H: [update u | forget f |
// candidate g | output o] (W x + U h + b, made by the GEMM kernels); per cell:
//   u, f, o = sigmoid(.),  g = tanh(.)
//   c_t = f c_(t-1) + u g,   h_t = o tanh(c_t)
// Backward, given dh_t (the output's gradient plus what step t+1 sent back
// through U) and the cell gradient carried from step t+1 (dc_(t+1) f_(t+1)):
//   dc   = carried + dh o (1 - tanh(c_t)^2)
//   dz_o = dh tanh(c_t) o (1 - o)      dz_u = dc g u (1 - u)
//   dz_g = dc u (1 - g^2)              dz_f = dc c_(t-1) f (1 - f)
// and the carry for step t-1 becomes dc f. cPrev = 0 means c_(t-1) = 0 (the
// first step). Four cells at a time, a scalar tail for the rest.
import { sigmoidRowF32, tanhRowF32 } from "../../runtime-wasm/assembly/kernels/exp_f32";

/**
 * Activates `rows` rows of gate pre-activations z [rows, 4H] in place, then
 * writes c, tanh(c) and h [rows, H].
 */
export function lstmStepForward(z: usize, cPrev: usize, c: usize, tanhC: usize, h: usize, rows: i32, units: i32): void {
  const width = (<usize>units) << 2;
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * 4 * width;
    const ur = zr,
      fr = zr + width,
      gr = zr + 2 * width,
      or = zr + 3 * width;
    sigmoidRowF32(ur, ur, 2 * units); // u and f are adjacent
    tanhRowF32(gr, gr, units);
    sigmoidRowF32(or, or, units);
    const cr = c + <usize>r * width;
    const pr = cPrev + <usize>r * width;
    let j = 0;
    for (; j + 4 <= units; j += 4) {
      const at = (<usize>j) << 2;
      let cell = f32x4.mul(v128.load(ur + at), v128.load(gr + at));
      if (cPrev != 0) cell = f32x4.add(cell, f32x4.mul(v128.load(fr + at), v128.load(pr + at)));
      v128.store(cr + at, cell);
    }
    for (; j < units; j++) {
      const at = (<usize>j) << 2;
      let cell = load<f32>(ur + at) * load<f32>(gr + at);
      if (cPrev != 0) cell += load<f32>(fr + at) * load<f32>(pr + at);
      store<f32>(cr + at, cell);
    }
  }
  tanhRowF32(c, tanhC, rows * units);
  for (let r = 0; r < rows; r++) {
    const or = z + <usize>r * 4 * width + 3 * width;
    const tr = tanhC + <usize>r * width,
      hr = h + <usize>r * width;
    let j = 0;
    for (; j + 4 <= units; j += 4) {
      const at = (<usize>j) << 2;
      v128.store(hr + at, f32x4.mul(v128.load(or + at), v128.load(tr + at)));
    }
    for (; j < units; j++) {
      const at = (<usize>j) << 2;
      store<f32>(hr + at, load<f32>(or + at) * load<f32>(tr + at));
    }
  }
}

/**
 * From the activated gates a [rows, 4H], c_(t-1), tanh(c_t) and dh [rows, H],
 * writes dz [rows, 4H] and replaces the carried cell gradient dc [rows, H]
 * (dc_(t+1) f_(t+1) in, dc_t f_t out).
 */
export function lstmStepBackward(
  a: usize,
  cPrev: usize,
  tanhC: usize,
  dh: usize,
  dc: usize,
  dz: usize,
  rows: i32,
  units: i32,
): void {
  const width = (<usize>units) << 2;
  const one = f32x4.splat(1);
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize>r * 4 * width,
      zr = dz + <usize>r * 4 * width;
    const row = <usize>r * width;
    let j = 0;
    for (; j + 4 <= units; j += 4) {
      const at = (<usize>j) << 2;
      const u = v128.load(ar + at),
        f = v128.load(ar + width + at),
        g = v128.load(ar + 2 * width + at),
        o = v128.load(ar + 3 * width + at);
      const t = v128.load(tanhC + row + at),
        d = v128.load(dh + row + at);
      const cell = f32x4.add(v128.load(dc + row + at), f32x4.mul(f32x4.mul(d, o), f32x4.sub(one, f32x4.mul(t, t))));
      const prev = cPrev != 0 ? v128.load(cPrev + row + at) : f32x4.splat(0);
      v128.store(zr + at, f32x4.mul(f32x4.mul(cell, g), f32x4.mul(u, f32x4.sub(one, u))));
      v128.store(zr + width + at, f32x4.mul(f32x4.mul(cell, prev), f32x4.mul(f, f32x4.sub(one, f))));
      v128.store(zr + 2 * width + at, f32x4.mul(f32x4.mul(cell, u), f32x4.sub(one, f32x4.mul(g, g))));
      v128.store(zr + 3 * width + at, f32x4.mul(f32x4.mul(d, t), f32x4.mul(o, f32x4.sub(one, o))));
      v128.store(dc + row + at, f32x4.mul(cell, f));
    }
    for (; j < units; j++) {
      const at = (<usize>j) << 2;
      const u = load<f32>(ar + at),
        f = load<f32>(ar + width + at),
        g = load<f32>(ar + 2 * width + at),
        o = load<f32>(ar + 3 * width + at);
      const t = load<f32>(tanhC + row + at),
        d = load<f32>(dh + row + at);
      const cell = load<f32>(dc + row + at) + d * o * (<f32>1 - t * t);
      const prev: f32 = cPrev != 0 ? load<f32>(cPrev + row + at) : 0;
      store<f32>(zr + at, cell * g * (u * (<f32>1 - u)));
      store<f32>(zr + width + at, cell * prev * (f * (<f32>1 - f)));
      store<f32>(zr + 2 * width + at, cell * u * (<f32>1 - g * g));
      store<f32>(zr + 3 * width + at, d * t * (o * (<f32>1 - o)));
      store<f32>(dc + row + at, cell * f);
    }
  }
}
