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
