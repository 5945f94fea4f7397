// What DEPTHWISE_CONV_2D prepares for its kernels (kernels/depthwise.ts).

import { WindowConvData } from "./window_conv";

@unmanaged
export class DepthwiseData extends WindowConvData {
  multiplier: i32;
  /** Per-channel int32 accumulators for one output pixel. */
  accumulators: usize;
  /** SIMD build, int8: LaneRequantization over the output channels, four at a time. */
  requantization: usize;
}
