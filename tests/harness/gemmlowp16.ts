// AssemblyScript test harness (not part of the runtime): exposes the int16
// fixed-point activations of runtime-wasm/assembly/gemmlowp16.ts so that
// tests/runtime/arithmetic/gemmlowp16.test.ts can compare the SIMD and scalar paths on every
// input. Buffers start at the heap base; the test grows memory as needed.
import { logisticRow16, tanhRow16, fillHalfTable16, lookupRow16 } from "../../runtime-wasm/assembly/gemmlowp16";

export function heapBase(): usize {
  return __heap_base;
}

export function logisticRow(src: usize, dst: usize, n: i32, integerBits: i32): void {
  logisticRow16(src, dst, n, integerBits);
}

export function tanhRow(src: usize, dst: usize, n: i32, integerBits: i32): void {
  tanhRow16(src, dst, n, integerBits);
}

/** The half-table path: fills a table at `table`, then looks up n values. */
export function tableRow(table: usize, tanh: bool, src: usize, dst: usize, n: i32, integerBits: i32): void {
  fillHalfTable16(table, tanh, integerBits);
  lookupRow16(table, tanh, src, dst, n);
}
