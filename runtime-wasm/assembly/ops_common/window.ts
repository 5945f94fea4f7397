// Output sizes and padding for windowed operators (CONV_2D,
// DEPTHWISE_CONV_2D, pooling), as TFLite computes them.

import { PADDING_SAME, PADDING_VALID } from "../schema";
import { opFail, Clamp } from "./operator";
import { readU8, readI32, scalarError } from "../flatbuffer";
import { ERR_INVALID_MODEL } from "../status";

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

/**
 * A windowed operator's padding, strides and dilations, as readWindowOptions
 * reads them (with its fused activation's clamp): the data of CONV_2D,
 * DEPTHWISE_CONV_2D and the poolings extends it.
 */
@unmanaged
export class Window extends Clamp {
  padding: i32;
  strideH: i32;
  strideW: i32;
  dilationH: i32;
  dilationW: i32;
}

const MAX_STEP: i32 = 4096;

/**
 * Reads and validates padding, strides and dilations from a Conv2D,
 * DepthwiseConv2D or Pool2D options table (field ids given; a dilation id
 * of -1 means the table has none) into `window`. An absent table means
 * SAME, 1, 1.
 */
export function readWindowOptions(
  opts: u32,
  paddingId: i32,
  strideWId: i32,
  strideHId: i32,
  dilationWId: i32,
  dilationHId: i32,
  window: Window,
): bool {
  const padding = opts == 0 ? PADDING_SAME : <i32>readU8(opts, paddingId, 0);
  const strideW = opts == 0 ? 1 : readI32(opts, strideWId, 0);
  const strideH = opts == 0 ? 1 : readI32(opts, strideHId, 0);
  const dilationW = opts == 0 || dilationWId < 0 ? 1 : readI32(opts, dilationWId, 1);
  const dilationH = opts == 0 || dilationHId < 0 ? 1 : readI32(opts, dilationHId, 1);
  if (scalarError()) return false;
  if (padding != PADDING_SAME && padding != PADDING_VALID)
    return opFail(ERR_INVALID_MODEL, "padding must be SAME or VALID");
  if (strideW < 1 || strideH < 1 || strideW > MAX_STEP || strideH > MAX_STEP) {
    return opFail(ERR_INVALID_MODEL, "strides must be between 1 and 4096");
  }
  if (dilationW < 1 || dilationH < 1 || dilationW > MAX_STEP || dilationH > MAX_STEP) {
    return opFail(ERR_INVALID_MODEL, "dilations must be between 1 and 4096");
  }
  window.padding = padding;
  window.strideW = strideW;
  window.strideH = strideH;
  window.dilationW = dilationW;
  window.dilationH = dilationH;
  return true;
}
