// The trainer's WASM module: every kernel the layers, losses and optimisers
// run, one file per concern (products, updates, elementwise passes,
// activations, convolution, pooling, depthwise, sequences, batch
// normalisation, the LSTM cell, embeddings). build.mjs compiles it and writes
// the TypeScript interface the trainer calls it through (workspace.ts).
export { gemmNT, gemmNN, gemmTN } from "./gemm";
export { axpyUpdate, momentumUpdate, rmspropUpdate, adamUpdate, sum, sumSquares } from "./updates";
export { addBiasRows, sumRows, reluForward, reluBackward, gatherRows } from "./elementwise";
export { sigmoidForward, tanhForward, sigmoidBackward, tanhBackward } from "./activations";

/** Where the trainer's buffers may start (after this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}
export { im2col, col2im } from "./conv";
export { maxPoolForward, maxPoolBackward, averagePoolForward, averagePoolBackward } from "./pooling";
export { depthwiseForward, depthwiseBackward } from "./depthwise";
export { swapLeadingAxes } from "./sequence";
export { bnStatistics, bnForward, bnBackward } from "./batch-norm";
export { lstmStepForward, lstmStepBackward } from "./lstm";
export { embeddingForward, embeddingBackward } from "./embedding";
