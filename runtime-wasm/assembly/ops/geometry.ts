// Output sizes and padding for windowed operators (CONV_2D,
// DEPTHWISE_CONV_2D, pooling), as TFLite computes them.

export const PADDING_SAME: i32 = 0;
export const PADDING_VALID: i32 = 1;

/** TFLite ComputeOutSize. */
export function outputSize(padding: i32, inputSize: i32, filterSize: i32, stride: i32, dilation: i32): i32 {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  if (padding == PADDING_SAME) return (inputSize + stride - 1) / stride;
  return (inputSize + stride - effectiveFilter) / stride;
}

/** TFLite ComputePaddingWithOffset: the padding before the first element (the odd one goes after). */
export function paddingBefore(stride: i32, dilation: i32, inputSize: i32, filterSize: i32, outSize: i32): i32 {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  let total = (outSize - 1) * stride + effectiveFilter - inputSize;
  if (total < 0) total = 0;
  return total / 2;
}

import { opFail } from "./common";
import { readU8, readI32, scalarError } from "../flatbuffer";
import { ERR_INVALID_MODEL } from "../status";

// The window options read by readWindowOptions().
export let windowPadding: i32 = PADDING_SAME;
export let windowStrideW: i32 = 1;
export let windowStrideH: i32 = 1;
export let windowDilationW: i32 = 1;
export let windowDilationH: i32 = 1;

const MAX_STEP: i32 = 4096;

/**
 * Reads and validates padding, strides and dilations from a Conv2D,
 * DepthwiseConv2D or Pool2D options table (field ids given; a dilation id
 * of -1 means the table has none). An absent table means SAME, 1, 1.
 */
export function readWindowOptions(opts: u32, paddingId: i32, strideWId: i32, strideHId: i32, dilationWId: i32, dilationHId: i32): bool {
  windowPadding = opts == 0 ? PADDING_SAME : <i32>readU8(opts, paddingId, 0);
  windowStrideW = opts == 0 ? 1 : readI32(opts, strideWId, 0);
  windowStrideH = opts == 0 ? 1 : readI32(opts, strideHId, 0);
  windowDilationW = opts == 0 || dilationWId < 0 ? 1 : readI32(opts, dilationWId, 1);
  windowDilationH = opts == 0 || dilationHId < 0 ? 1 : readI32(opts, dilationHId, 1);
  if (scalarError()) return false;
  if (windowPadding != PADDING_SAME && windowPadding != PADDING_VALID) return opFail(ERR_INVALID_MODEL, "padding must be SAME or VALID");
  if (windowStrideW < 1 || windowStrideH < 1 || windowStrideW > MAX_STEP || windowStrideH > MAX_STEP) {
    return opFail(ERR_INVALID_MODEL, "strides must be between 1 and 4096");
  }
  if (windowDilationW < 1 || windowDilationH < 1 || windowDilationW > MAX_STEP || windowDilationH > MAX_STEP) {
    return opFail(ERR_INVALID_MODEL, "dilations must be between 1 and 4096");
  }
  return true;
}
