// AssemblyScript test harness (not part of the runtime): exposes the int16
// SOFTMAX lookup tables as the runtime builds them (kernels/int16_lut.ts),
// for tests/runtime/arithmetic/int16-lut.test.ts. Buffers start at the heap base.
import { generateLut } from "../../runtime-wasm/assembly/kernels/int16_lut";

export function heapBase(): usize {
  return __heap_base;
}

/** Fills 513 int16 at dst for function fn (0: exp, 1: 1 / (1 + x)) over [inputMin, inputMax]. */
export function lut(fn: i32, inputMin: f32, inputMax: f32, dst: usize): void {
  generateLut(fn, inputMin, inputMax, dst);
}
