// CONV_2D in the MVP build (no SIMD): im2col. For each output pixel the
// receptive field is gathered into one row (scratch from the planner),
// taps outside the image filled with the input zero point (int8) or 0.0,
// then every output channel is a dot product with its filter row, four rows
// per pass. A 1x1, stride-1, unpadded convolution skips the gather.

import { ConvData } from "../ops_common/conv_data";
import { requantizeChannel } from "../ops_common/channel_quantization";
import { scratchPointer } from "../planner";
import { dotI8, dotI8x4 } from "./dot";
import { copyBytes, fillElements } from "./copy";

/**
 * Gathers the receptive field of output pixel (b, oy, ox) for group g into
 * `row`, filling taps outside the image with `padBits` (an element of `size`
 * bytes). Parameters are copied to locals: the stores below could alias
 * the operator data, so fields read in the loop would be reloaded each time.
 */
function gather(d: ConvData, x: usize, b: i32, oy: i32, ox: i32, g: i32, row: usize, size: i32, padBits: u32): void {
  const kC = d.kC, kH = d.kH, kW = d.kW, inH = d.inH, inW = d.inW, inC = d.inC;
  const dilationH = d.dilationH, dilationW = d.dilationW;
  const iy0 = oy * d.strideH - d.padH;
  const ix0 = ox * d.strideW - d.padW;
  const tapBytes = <usize>(kC * size);
  const pixelBytes = <usize>(inC * size);
  const image = x + <usize>((b * inH * inW * inC + g * kC) * size);
  // With one group and no horizontal dilation, a window row that lies inside
  // the image is one contiguous run of kW pixels in NHWC: copy it at once.
  const wholeRows = d.groups == 1 && dilationW == 1 && ix0 >= 0 && ix0 + kW <= inW;
  let dst = row;
  for (let fy = 0; fy < kH; fy++) {
    const iy = iy0 + fy * dilationH;
    const rowInside = iy >= 0 && iy < inH;
    const line = image + <usize>(iy * inW) * pixelBytes;
    if (wholeRows) {
      if (rowInside) copyBytes(dst, line + <usize>ix0 * pixelBytes, <usize>kW * tapBytes);
      else fillElements(dst, padBits, <usize>size, <usize>(kW * kC));
      dst += <usize>kW * tapBytes;
      continue;
    }
    for (let fx = 0; fx < kW; fx++) {
      const ix = ix0 + fx * dilationW;
      if (rowInside && ix >= 0 && ix < inW) copyBytes(dst, line + <usize>ix * pixelBytes, tapBytes);
      else fillElements(dst, padBits, <usize>size, <usize>kC);
      dst += tapBytes;
    }
  }
}

/**
 * int8: requantised dot products of the gathered row with each filter, four
 * filters per pass, their four outputs stored as one word. The operator
 * data the requantisation needs is read into locals first: stores to the
 * output could alias it, and every field would be reloaded per channel.
 */
export function convIm2colInt8(d: ConvData, x: usize, w: usize, y: usize): void {
  const rowLength = d.rowLength;
  const fpg = d.filtersPerGroup;
  const row = d.scratch >= 0 ? scratchPointer(d.scratch) : 0;
  const padByte = <u32>(-d.inputOffset) & 0xff; // the input zero point
  const dots = d.dots;
  const rowConstants = d.rowConstants, multipliers = d.multipliers, shifts = d.shifts;
  const outputOffset = d.outputOffset, actMin = d.actMin, actMax = d.actMax;
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      for (let ox = 0; ox < d.outW; ox++) {
        const pixel = ((b * d.outH + oy) * d.outW + ox);
        const out = y + <usize>(pixel * d.outC);
        for (let g = 0; g < d.groups; g++) {
          let r = row;
          if (d.direct != 0) r = x + <usize>(pixel * d.inC);
          else gather(d, x, b, oy, ox, g, row, 1, padByte);
          const first = g * fpg;
          const last = first + fpg;
          let c = first;
          for (; c + 4 <= last; c += 4) {
            const f = w + <usize>(c * rowLength);
            dotI8x4(
              f,
              f + <usize>rowLength,
              f + <usize>(2 * rowLength),
              f + <usize>(3 * rowLength),
              r,
              rowLength,
              dots,
            );
            let word: u32 = 0;
            for (let k = 0; k < 4; k++) {
              const acc = load<i32>(dots + (<usize>k << 2)) + load<i32>(rowConstants + (<usize>(c + k) << 2));
              const q = requantizeChannel(acc, multipliers, shifts, c + k, outputOffset, actMin, actMax);
              word |= (<u32>q & 0xff) << (<u32>k << 3);
            }
            store<u32>(out + <usize>c, word);
          }
          for (; c < last; c++) {
            const acc = dotI8(w + <usize>(c * rowLength), r, rowLength) + load<i32>(rowConstants + (<usize>c << 2));
            store<i8>(out + <usize>c, <i8>requantizeChannel(acc, multipliers, shifts, c, outputOffset, actMin, actMax));
          }
        }
      }
    }
  }
}

/**
 * float32: the gathered row times each filter, four filters per pass. Each
 * output is 0 + w[k] * x[k] in filter order, then the bias (0 without one,
 * as TFLite does), then the clamp: the order the SIMD build's channel-lane
 * kernel sums in, so both builds give the same bits.
 */
export function convIm2colF32(d: ConvData, x: usize, w: usize, bias: usize, y: usize): void {
  const rowLength = d.rowLength;
  const rowBytes = <usize>rowLength << 2;
  const fpg = d.filtersPerGroup;
  const row = d.scratch >= 0 ? scratchPointer(d.scratch) : 0;
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      for (let ox = 0; ox < d.outW; ox++) {
        const pixel = ((b * d.outH + oy) * d.outW + ox);
        const out = y + (<usize>(pixel * d.outC) << 2);
        for (let g = 0; g < d.groups; g++) {
          let r = row;
          if (d.direct != 0) r = x + (<usize>(pixel * d.inC) << 2);
          else gather(d, x, b, oy, ox, g, row, 4, 0);
          const last = (g + 1) * fpg;
          for (let c = g * fpg; c < last; c += 4) {
            // Four filters (the last pass repeats its last one).
            const c1 = min(c + 1, last - 1), c2 = min(c + 2, last - 1), c3 = min(c + 3, last - 1);
            const f0 = w + <usize>c * rowBytes, f1 = w + <usize>c1 * rowBytes;
            const f2 = w + <usize>c2 * rowBytes, f3 = w + <usize>c3 * rowBytes;
            let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
            for (let k = 0; k < rowLength; k++) {
              const at = <usize>k << 2;
              const v = load<f32>(r + at);
              s0 += load<f32>(f0 + at) * v;
              s1 += load<f32>(f1 + at) * v;
              s2 += load<f32>(f2 + at) * v;
              s3 += load<f32>(f3 + at) * v;
            }
            storeFloat(d, out, c, s0, bias);
            storeFloat(d, out, c1, s1, bias);
            storeFloat(d, out, c2, s2, bias);
            storeFloat(d, out, c3, s3, bias);
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function storeFloat(d: ConvData, out: usize, c: i32, sum: f32, bias: usize): void {
  const withBias = sum + (bias != 0 ? load<f32>(bias + (<usize>c << 2)) : <f32>0);
  store<f32>(out + (<usize>c << 2), min(max(withBias, d.actMinF), d.actMaxF));
}
