// AssemblyScript test harness (not part of the runtime): exposes TFLite's
// MultiplyByQuantizedMultiplier as the runtime computes it, four lanes at a
// time in the SIMD build (multiplyByQuantizedMultiplierX4) and one value at a
// time otherwise, for tests/requantize.test.ts. Buffers start at the heap base.
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierX4 } from "../../runtime-wasm/assembly/fixedpoint";

export function heapBase(): usize {
  return __heap_base;
}

/** dst[i] = MultiplyByQuantizedMultiplier(src[i], multiplier, shift), n a multiple of 4. */
export function requantizeRow(src: usize, dst: usize, n: i32, multiplier: i32, shift: i32): void {
  for (let i = 0; i < n; i += 4) {
    const at = <usize>i << 2;
    if (ASC_FEATURE_SIMD) {
      v128.store(dst + at, multiplyByQuantizedMultiplierX4(v128.load(src + at), multiplier, shift));
    } else {
      for (let k: usize = 0; k < 16; k += 4) store<i32>(dst + at + k, multiplyByQuantizedMultiplier(load<i32>(src + at + k), multiplier, shift));
    }
  }
}
