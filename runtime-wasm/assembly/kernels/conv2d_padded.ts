// CONV_2D in the SIMD build, int8 and float32: the input is first copied
// with its padding around it (int8 widened to int16 and padded with the
// zero point; float padded with 0.0), and the kernels read every tap at a
// fixed offset from the window's corner, with no gather. This drives them
// over the image: kernels/conv_pixel_lanes.ts for a one-channel int8 image
// with horizontal stride and dilation 1, kernels/conv_channel_lanes.ts for
// every other int8 convolution, kernels/conv_channel_lanes_f32.ts for float;
// with an absorbed max pooling, four convolution pixels per pooled one.

import { ConvData } from "../ops_common/conv_data";
import { scratchPointer } from "../planner";
import { ChannelLaneConv, convPixels4, padImage } from "./conv_channel_lanes";
import { PixelLaneConv, convPixelLanes } from "./conv_pixel_lanes";
import { ChannelLaneConvF32, convPixels4F32 } from "./conv_channel_lanes_f32";

/**
 * SIMD build: each image copied with its padding (int8 widened to int16,
 * float as is), then kernels/conv_pixel_lanes.ts, conv_channel_lanes.ts or
 * conv_channel_lanes_f32.ts; with an absorbed pooling, into its output.
 */
export function convPadded(d: ConvData, x: usize, y: usize, float: bool): void {
  const image = scratchPointer(d.scratch);
  const pixels = d.pooledH * d.pooledW,
    inC = d.inC,
    size: usize = float ? 4 : 1;
  const outBytes = <usize>d.outC * size;
  const pad = float ? 0 : (<u32>-d.inputOffset) & 0xffff;
  const pool = d.pool != 0;
  for (let b = 0; b < d.batches; b++) {
    padImage(
      x + <usize>(b * d.inH * d.inW * inC) * size,
      d.inH,
      d.inW,
      inC,
      d.padH,
      d.padW,
      d.paddedH,
      d.paddedW,
      pad,
      float,
      image,
    );
    const result = y + <usize>(b * pixels) * outBytes;
    if (!float && d.pixels != 0) {
      convPixelLanes(changetype<PixelLaneConv>(d.pixels), image, result);
      continue;
    }
    // Four output pixels at a time (the last set repeats its last pixel),
    // or the four of one pooling window.
    const groupBytes = <usize>d.kC * (float ? 4 : 2);
    for (let i = 0; i < pixels; i += pool ? 1 : 4) {
      const i1 = pool ? i : min(i + 1, pixels - 1),
        i2 = pool ? i : min(i + 2, pixels - 1),
        i3 = pool ? i : min(i + 3, pixels - 1);
      const windowA = image + windowOffset(d, i, 0, float),
        windowB = image + windowOffset(d, i1, 1, float);
      const windowC = image + windowOffset(d, i2, 2, float),
        windowD = image + windowOffset(d, i3, 3, float);
      const outA = result + <usize>i * outBytes,
        outB = result + <usize>i1 * outBytes;
      const outC = result + <usize>i2 * outBytes,
        outD = result + <usize>i3 * outBytes;
      for (let g = 0; g < d.groups; g++) {
        const at = <usize>g * groupBytes;
        if (float)
          convPixels4F32(
            changetype<ChannelLaneConvF32>(d.lanes),
            g,
            windowA + at,
            windowB + at,
            windowC + at,
            windowD + at,
            outA,
            outB,
            outC,
            outD,
          );
        else
          convPixels4(
            changetype<ChannelLaneConv>(d.lanes),
            g,
            windowA + at,
            windowB + at,
            windowC + at,
            windowD + at,
            outA,
            outB,
            outC,
            outD,
            pool,
          );
      }
    }
  }
}

/**
 * Byte offset in the padded image (elements of 2 bytes, or 4 for float) of
 * the window corner of output pixel i or, with an absorbed pooling, of
 * convolution pixel k (0..3, row by row) of pooling window i.
 */
function windowOffset(d: ConvData, i: i32, k: i32, float: bool): usize {
  let oy = i / d.pooledW,
    ox = i % d.pooledW;
  if (d.pool != 0) {
    oy = (oy << 1) + (k >> 1);
    ox = (ox << 1) + (k & 1);
  }
  return (<usize>((oy * d.strideH * d.paddedW + ox * d.strideW) * d.inC)) << (float ? 2 : 1);
}
