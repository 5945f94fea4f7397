// AssemblyScript test harness (not part of the runtime): exposes TFLite's
// MultiplyByQuantizedMultiplier as the runtime computes it, four lanes at a
// time in the SIMD build (multiplyByQuantizedMultiplierX4) and one value at a
// time otherwise, and with a multiplier and shift per lane (requantizeLanes,
// the channel-lane convolution's), and QuantizeMultiplier (how every prepare
// turns a real scale into a multiplier and shift), for
// tests/runtime/arithmetic/requantize.test.ts. Buffers start at the heap base.
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierX4,
  quantizeMultiplier,
  qmMultiplier,
  qmShift,
} from "../../runtime-wasm/assembly/fixedpoint";
import {
  LaneRequantization,
  makeLaneRequantization,
  requantizeLanes,
} from "../../runtime-wasm/assembly/kernels/requantize_lanes";

export function heapBase(): usize {
  return __heap_base;
}

/** dst[i] = MultiplyByQuantizedMultiplier(src[i], multiplier, shift), n a multiple of 4. */
export function requantizeRow(src: usize, dst: usize, n: i32, multiplier: i32, shift: i32): void {
  for (let i = 0; i < n; i += 4) {
    const at = (<usize>i) << 2;
    if (ASC_FEATURE_SIMD) {
      v128.store(dst + at, multiplyByQuantizedMultiplierX4(v128.load(src + at), multiplier, shift));
    } else {
      for (let k: usize = 0; k < 16; k += 4)
        store<i32>(dst + at + k, multiplyByQuantizedMultiplier(load<i32>(src + at + k), multiplier, shift));
    }
  }
}

/**
 * SIMD build only: dst[i] = requantizeLanes for lane i % lanes, whose
 * multiplier and shift are multipliers[lane] and shifts[lane] (lanes a
 * multiple of 4, n a multiple of lanes), with output offset `offset` and
 * the clamp [low, high]. `work` holds the lane groups.
 */
export function requantizeByLane(
  src: usize,
  dst: usize,
  n: i32,
  multipliers: usize,
  shifts: usize,
  lanes: i32,
  offset: i32,
  low: i32,
  high: i32,
  work: usize,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const rq = changetype<LaneRequantization>(work);
  rq.groups = work + 64;
  rq.outputOffset = offset;
  rq.actMin = low;
  rq.actMax = high;
  makeLaneRequantization(rq, multipliers, shifts, lanes, lanes, 1);
  for (let i = 0; i < n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(dst + at, requantizeLanes(rq, (i % lanes) >> 2, v128.load(src + at)));
  }
}

/** QuantizeMultiplier(real): writes the multiplier and shift at out (two i32); false if real is not finite. */
export function quantizeMultiplierAt(real: f64, out: usize): bool {
  if (!quantizeMultiplier(real)) return false;
  store<i32>(out, qmMultiplier);
  store<i32>(out, qmShift, 4);
  return true;
}
