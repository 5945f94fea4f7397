// Sigmoid and tanh for the trainer's layers, forward and backward, four
// lanes at a time. The forward pass is the runtime's own vectorised kernel
// (one polynomial exp), so a trained model and its float32 export compute
// these activations the same way.
import { sigmoidRowF32, tanhRowF32 } from "../../runtime-wasm/assembly/kernels/exp_f32";

export function sigmoidForward(x: usize, y: usize, n: i32): void {
  sigmoidRowF32(x, y, n);
}

export function tanhForward(x: usize, y: usize, n: i32): void {
  tanhRowF32(x, y, n);
}

/** dx = dy y (1 - y), from the forward output y. */
export function sigmoidBackward(y: usize, dy: usize, dx: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const vy = v128.load(y + at);
    v128.store(dx + at, f32x4.mul(f32x4.mul(v128.load(dy + at), vy), f32x4.sub(one, vy)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const vy = load<f32>(y + at);
    store<f32>(dx + at, load<f32>(dy + at) * vy * (<f32>1 - vy));
  }
}

/** dx = dy (1 - y^2), from the forward output y. */
export function tanhBackward(y: usize, dy: usize, dx: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const vy = v128.load(y + at);
    v128.store(dx + at, f32x4.mul(v128.load(dy + at), f32x4.sub(one, f32x4.mul(vy, vy))));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const vy = load<f32>(y + at);
    store<f32>(dx + at, load<f32>(dy + at) * (<f32>1 - vy * vy));
  }
}
