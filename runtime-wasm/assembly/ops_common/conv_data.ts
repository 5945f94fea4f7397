// A prepared CONV_2D: its geometry, quantisation and the chosen kernel's
// state (TFLM's OpDataConv and ConvParams). ops/conv2d.ts fills it in
// prepare; the paths read it in eval: kernels/conv2d_padded.ts with the kernels it
// drives (kernels/conv_pixel_lanes.ts, conv_channel_lanes.ts,
// conv_channel_lanes_f32.ts, which also pack their own weights from it) in
// the SIMD build, kernels/conv2d_im2col.ts in the MVP build, kernels/conv2d_16x8.ts for int16.

import { WindowConvData } from "./window_conv";

@unmanaged
export class ConvData extends WindowConvData {
  kC: i32; // filter depth: input channels per group
  groups: i32;
  filtersPerGroup: i32;
  rowConstants: usize;
  rowLength: i32;
  scratch: i32; // planner handle, -1 when the gather is skipped
  direct: i32; // 1x1, stride 1, no padding, one group: the input pixel is the row
  accumulate64: i32; // 16x8 only: int64 accumulator (int64 bias)
  dots: usize; // MVP build, int8: four int32 sums
  lanes: usize; // SIMD build: ChannelLaneConv (int8; 0 when `pixels` is set) or ChannelLaneConvF32 (float)
  pixels: usize; // PixelLaneConv (int8, SIMD build) for a one-channel input, else 0
  paddedH: i32;
  paddedW: i32; // int8 and float: the input with its padding, rows and columns
  pool: i32; // 1 when a 2x2 max pooling is absorbed (absorbMaxPool)
  pooledH: i32;
  pooledW: i32;
  pooledOutput: i32; // the pooling's output (pooledH, pooledW = outH, outW without it)
}
