// The trainer's WASM module: matrix products and elementwise updates.
export { gemmNT, gemmNN, gemmTN } from "./gemm";
export { axpyUpdate, momentumUpdate, rmspropUpdate, adamUpdate, sum } from "./updates";

/** Where the trainer's buffers may start (after this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}
