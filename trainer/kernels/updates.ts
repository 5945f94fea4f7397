// Elementwise kernels over whole parameter buffers, four lanes at a time:
// the optimisers' updates (formulas in trainer/optimizers.ts), y += a x, and
// the sums the finite-gradient check and gradient clipping read. float32 throughout.
import { hsum, axpy } from "./gemm";

/** y[i] += alpha x[i] */
export function axpyUpdate(alpha: f32, x: usize, y: usize, n: i32): void {
  axpy(alpha, x, y, n);
}

/** momentum / nesterov: v = gamma v + lr g;  theta -= v */
export function momentumUpdate(theta: usize, v: usize, g: usize, n: i32, lr: f32, gamma: f32): void {
  const vl = f32x4.splat(lr),
    vg = f32x4.splat(gamma);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const nv = f32x4.add(f32x4.mul(vg, v128.load(v + at)), f32x4.mul(vl, v128.load(g + at)));
    v128.store(v + at, nv);
    v128.store(theta + at, f32x4.sub(v128.load(theta + at), nv));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const nv = gamma * load<f32>(v + at) + lr * load<f32>(g + at);
    store<f32>(v + at, nv);
    store<f32>(theta + at, load<f32>(theta + at) - nv);
  }
}

/** rmsprop: s = rho s + (1 - rho) g^2;  theta -= lr g / (sqrt(s) + eps) */
export function rmspropUpdate(theta: usize, s: usize, g: usize, n: i32, lr: f32, rho: f32, eps: f32): void {
  const vr = f32x4.splat(rho),
    v1r = f32x4.splat(<f32>1 - rho),
    vl = f32x4.splat(lr),
    ve = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const vgr = v128.load(g + at);
    const ns = f32x4.add(f32x4.mul(vr, v128.load(s + at)), f32x4.mul(v1r, f32x4.mul(vgr, vgr)));
    v128.store(s + at, ns);
    v128.store(
      theta + at,
      f32x4.sub(v128.load(theta + at), f32x4.div(f32x4.mul(vl, vgr), f32x4.add(f32x4.sqrt(ns), ve))),
    );
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const gi = load<f32>(g + at);
    const ns = rho * load<f32>(s + at) + (<f32>1 - rho) * gi * gi;
    store<f32>(s + at, ns);
    store<f32>(theta + at, load<f32>(theta + at) - (lr * gi) / (Mathf.sqrt(ns) + eps));
  }
}

/** adam: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  theta -= lr (m / c1) / (sqrt(v / c2) + eps) */
export function adamUpdate(
  theta: usize,
  m: usize,
  v: usize,
  g: usize,
  n: i32,
  lr: f32,
  b1: f32,
  b2: f32,
  c1: f32,
  c2: f32,
  eps: f32,
): void {
  const vb1 = f32x4.splat(b1),
    v1b1 = f32x4.splat(<f32>1 - b1),
    vb2 = f32x4.splat(b2),
    v1b2 = f32x4.splat(<f32>1 - b2);
  const vc1 = f32x4.splat(c1),
    vc2 = f32x4.splat(c2),
    vl = f32x4.splat(lr),
    ve = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const gi = v128.load(g + at);
    const nm = f32x4.add(f32x4.mul(vb1, v128.load(m + at)), f32x4.mul(v1b1, gi));
    const nv = f32x4.add(f32x4.mul(vb2, v128.load(v + at)), f32x4.mul(v1b2, f32x4.mul(gi, gi)));
    v128.store(m + at, nm);
    v128.store(v + at, nv);
    const step = f32x4.div(f32x4.mul(vl, f32x4.div(nm, vc1)), f32x4.add(f32x4.sqrt(f32x4.div(nv, vc2)), ve));
    v128.store(theta + at, f32x4.sub(v128.load(theta + at), step));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const gi = load<f32>(g + at);
    const nm = b1 * load<f32>(m + at) + (<f32>1 - b1) * gi;
    const nv = b2 * load<f32>(v + at) + (<f32>1 - b2) * gi * gi;
    store<f32>(m + at, nm);
    store<f32>(v + at, nv);
    store<f32>(theta + at, load<f32>(theta + at) - (lr * (nm / c1)) / (Mathf.sqrt(nv / c2) + eps));
  }
}

/** sum of n floats: finite only if every element is (or the sum overflowed: divergence too). */
export function sum(a: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, v128.load(a + ((<usize>i) << 2)));
  let s = hsum(acc);
  for (; i < n; i++) s += load<f32>(a + ((<usize>i) << 2));
  return s;
}

/** Sum of squares of n floats (the gradient's global norm for clipping, squared, one buffer at a time). */
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
