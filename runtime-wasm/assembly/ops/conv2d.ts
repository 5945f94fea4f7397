// CONV_2D: NHWC input, OHWI filter [out_channels, kh, kw, in_channels / groups],
// stride, SAME/VALID padding, dilation, grouped channels, fused activation.
//
// int8 and float32, SIMD build: the input is first copied with its padding
// around it (int8 widened to int16, padded with the zero point; float padded
// with 0.0) and the kernels read every tap at a fixed offset from the
// window's corner, with no gather: kernels/conv_pixel_lanes.ts for a
// one-channel int8 image with horizontal stride and dilation 1,
// kernels/conv_channel_lanes.ts for every other int8 convolution,
// kernels/conv_channel_lanes_f32.ts for float.
// MVP build: im2col. For each output pixel the receptive field is gathered
// into one row (scratch from the planner), padded the same way, then every
// output channel is a dot product with its filter row, four rows per pass.
// 1x1 stride-1 unpadded convolutions skip the gather.
// SIMD build, int8: a MAX_POOL_2D with 2x2 windows at stride 2 that reads
// only this operator's output is done here (absorbMaxPool): each window's
// four accumulators are reduced by max and requantised once, and the
// unpooled output is never stored (the planner gives it no buffer).
// A padded int8 tap contributes w * (zero_point - zero_point) = 0, exactly
// what TFLM's reference kernel gets by skipping it, so int8 results are
// bit-exact; float sums run in filter order in both builds (evalFloat), so
// the builds agree bit for bit.
// int16 activations with int8 weights (16x8) follow TFLM's reference loop,
// accumulating in int64 or int32 as the bias type says (TFLM's conv.cc: an
// int64 bias takes the int64 accumulator and the 64-bit requantisation; an
// int32 bias, or none, the int32 ones).

import { Operator, Tensor, input, output, inputIndex, outputIndex, dim, tensorAt, readerCount, FLAG_GRAPH_OUTPUT } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, TYPE_INT64, OPTIONS_CONV2D, OP_CONV_2D } from "../schema";
import { ERR_UNSUPPORTED_FEATURE } from "../status";
import { opFail, inputTensorFail, currentOperatorIndex } from "./common";
import { WindowConvData, prepareWindowConv } from "./window_conv";
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from "../fixedpoint";
import { persistentAlloc } from "../layout";
import { requestScratch, scratchPointer } from "../planner";
import { dotI8, dotI8x4 } from "../kernels/dot";
import { requantizeChannel, biasPlusOffsetRowSums, prepareLaneRequantization } from "./channel_quantization";
import { copyBytes, fillElements } from "../kernels/copy";
import { ChannelLaneConv, CHANNEL_LANE_OVERREAD, channelLanes, channelLanePairs, packChannelLaneWeights, convPixels4, padImage } from "../kernels/conv_channel_lanes";
import { LaneRequantization } from "../kernels/requantize_lanes";
import { PixelLaneConv, pixelLaneProgramBytes, packPixelLanes, convPixelLanes, makePixelLaneRequant, pixelLaneRequantBytes } from "../kernels/conv_pixel_lanes";
import { ChannelLaneConvF32, convPixels4F32 } from "../kernels/conv_channel_lanes_f32";
import { isFloat32, isInt8, isInt16 } from "../kernel_types";
import { INT8_KERNELS } from "../build_types";

// Conv2DOptions field ids (padding 0 and strides 1, 2 as window_conv.ts reads them).
const OPT_ACTIVATION = 3;
const OPT_DILATION_W = 4; // and dilation_h 5

const MAX_ROW: i32 = 1 << 20;
// The widened, padded copy of an int8 input (SIMD build) must stay below 1 GiB.
const MAX_PADDED_BYTES: u64 = 1 << 30;

@unmanaged
class ConvData extends WindowConvData {
  kC: i32; // filter depth: input channels per group
  groups: i32; filtersPerGroup: i32;
  rowConstants: usize;
  rowLength: i32;
  scratch: i32; // planner handle, -1 when the gather is skipped
  direct: i32; // 1x1, stride 1, no padding, one group: the input pixel is the row
  accumulate64: i32; // 16x8 only: int64 accumulator (int64 bias)
  dots: usize; // MVP build, int8: four int32 sums
  lanes: usize; // SIMD build: ChannelLaneConv (int8; 0 when `pixels` is set) or ChannelLaneConvF32 (float)
  pixels: usize; // PixelLaneConv (int8, SIMD build) for a one-channel input, else 0
  paddedH: i32; paddedW: i32; // int8 and float: the input with its padding, rows and columns
  pool: i32; // 1 when a 2x2 max pooling is absorbed (absorbMaxPool)
  pooledH: i32; pooledW: i32; pooledOutput: i32; // the pooling's output (pooledH, pooledW = outH, outW without it)
}

export function prepare(op: Operator): bool {
  const data = changetype<ConvData>(prepareWindowConv(op, OPTIONS_CONV2D, OPT_ACTIVATION, OPT_DILATION_W, false,
    "must be a 4-D filter [out_channels, height, width, in_channels]", offsetof<ConvData>()));
  if (changetype<usize>(data) == 0) return false;
  const x = input(op, 0);
  const w = input(op, 1);
  const b = inputIndex(op, 2) >= 0 ? input(op, 2) : changetype<Tensor>(0);
  data.kC = dim(w, 3);
  if (data.inC % data.kC != 0) return inputTensorFail(op, 1, "has an input depth that does not divide the input's channels");
  data.groups = data.inC / data.kC;
  if (data.outC % data.groups != 0) return inputTensorFail(op, 1, "has an output depth that is not a multiple of the number of groups");
  data.filtersPerGroup = data.outC / data.groups;
  data.pooledH = data.outH;
  data.pooledW = data.outW;
  const rowLength = <i64>data.kH * <i64>data.kW * <i64>data.kC;
  if (rowLength > MAX_ROW) return opFail(ERR_UNSUPPORTED_FEATURE, "receptive field larger than 2^20 elements");
  data.rowLength = <i32>rowLength;
  data.direct = data.kH == 1 && data.kW == 1 && data.strideH == 1 && data.strideW == 1 && data.padH == 0 && data.padW == 0 && data.groups == 1 ? 1 : 0;
  data.scratch = -1;
  if (!ASC_FEATURE_SIMD) {
    data.dots = persistentAlloc(16); // the MVP build's four-row int8 dot products
    if (data.dots == 0) return false;
  }

  if (isFloat32(x.type)) {
    if (!preparePaddedImage(data, 4)) return false;
    if (!ASC_FEATURE_SIMD) return requestRowScratch(op, data, 4);
    return prepareChannelLanesF32(data, w.data, changetype<usize>(b) != 0 ? b.data : 0);
  }
  const outC = data.outC;
  data.rowConstants = persistentAlloc(<u64>outC * 4);
  if (data.rowConstants == 0) return false;
  if (x.type == TYPE_INT16 || !INT8_KERNELS) {
    data.accumulate64 = changetype<usize>(b) != 0 && b.type == TYPE_INT64 ? 1 : 0;
    return true;
  }
  biasPlusOffsetRowSums(w.data, changetype<usize>(b) != 0 ? b.data : 0, outC, data.rowLength, data.inputOffset, data.rowConstants);
  if (!preparePaddedImage(data, 2)) return false;
  if (!ASC_FEATURE_SIMD) return requestRowScratch(op, data, 1);
  if (data.inC == 1 && data.strideW == 1 && data.dilationW == 1 && data.outW >= 8) return preparePixelLanes(data, w.data);
  return prepareChannelLanes(data, w.data);
}

/**
 * The input with its padding around it (`elementBytes` per element: int8
 * widened to 2, float 4): its rows and columns, from the first padded one to
 * the last one a window reads, and in the SIMD build a scratch buffer for
 * it plus what the kernels read past it (and never use). The size limit is
 * checked in both builds, so that both accept the same models.
 */
function preparePaddedImage(data: ConvData, elementBytes: i32): bool {
  const paddedH = max(<i64>data.inH + data.padH, <i64>(data.outH - 1) * data.strideH + <i64>(data.kH - 1) * data.dilationH + 1);
  const paddedW = max(<i64>data.inW + data.padW, <i64>(data.outW - 1) * data.strideW + <i64>(data.kW - 1) * data.dilationW + 1);
  const paddedBytes = <u64>paddedH * <u64>paddedW * <u64>data.inC * <u64>elementBytes;
  if (paddedBytes >= MAX_PADDED_BYTES) return opFail(ERR_UNSUPPORTED_FEATURE, "padded input would take 1 GiB or more");
  data.paddedH = <i32>paddedH;
  data.paddedW = <i32>paddedW;
  if (!ASC_FEATURE_SIMD) return true;
  data.scratch = requestScratch(currentOperatorIndex(), <i32>paddedBytes + CHANNEL_LANE_OVERREAD);
  if (data.scratch < 0) return opFail(ERR_UNSUPPORTED_FEATURE, "too many scratch buffers in one model");
  return true;
}

function preparePixelLanes(data: ConvData, w: usize): bool {
  const p = changetype<PixelLaneConv>(persistentAlloc(offsetof<PixelLaneConv>()));
  if (changetype<usize>(p) == 0) return false;
  const taps = data.rowLength;
  p.program = persistentAlloc(pixelLaneProgramBytes(data.outC, taps));
  if (p.program == 0) return false;
  // Tap offsets lie in the padded image (under 1 GiB).
  packPixelLanes(w, data.outC, data.kW, taps, data.dilationH * data.paddedW, p.program);
  p.pairCount = (taps + 1) >> 1;
  p.outH = data.outH; p.outW = data.outW; p.outC = data.outC;
  // Only taken inside the padded image: with one output row it is never taken and may be 0.
  p.pixelRowStep = data.outH > 1 ? data.strideH * (data.paddedW << 1) : 0;
  p.rowConstants = data.rowConstants;
  p.requant = persistentAlloc(pixelLaneRequantBytes(data.outC));
  if (p.requant == 0) return false;
  makePixelLaneRequant(p, data.multipliers, data.shifts, data.outputOffset, data.actMin, data.actMax);
  data.pixels = changetype<usize>(p);
  return true;
}

function prepareChannelLanes(data: ConvData, w: usize): bool {
  const p = changetype<ChannelLaneConv>(persistentAlloc(offsetof<ChannelLaneConv>()));
  if (changetype<usize>(p) == 0) return false;
  const filters = data.filtersPerGroup, taps = data.rowLength, groups = data.groups, kC = data.kC, kW = data.kW;
  const lanes = channelLanes(filters);
  // A run: a whole filter row lies side by side in the image when one group
  // reads all channels and there is no horizontal dilation; else one tap.
  const wholeRow = groups == 1 && data.dilationW == 1;
  const run = wholeRow ? kW * kC : kC;
  const pairCount = channelLanePairs(taps, run), perRun = (run + 1) >> 1;
  const groupBytes = <u64>pairCount * <u64>lanes * 4; // packed weights of one group
  p.pairCount = pairCount;
  p.filters = filters;
  p.lanes = lanes;
  p.offsets = persistentAlloc(<u64>pairCount * 4);
  p.weights = persistentAlloc(groupBytes * <u64>groups);
  p.rowConstants = persistentAlloc(<u64>lanes * <u64>groups * 4);
  if (p.offsets == 0 || p.weights == 0 || p.rowConstants == 0) return false;
  for (let q = 0; q < pairCount; q++) {
    const r = q / perRun;
    const fy = wholeRow ? r : r / kW, fx = wholeRow ? 0 : r % kW;
    const element = (fy * data.dilationH * data.paddedW + fx * data.dilationW) * data.inC + ((q % perRun) << 1);
    store<i32>(p.offsets + (<usize>q << 2), element << 1);
  }
  for (let g = 0; g < groups; g++) {
    packChannelLaneWeights(w + <usize>(g * filters) * <usize>taps, filters, taps, run, lanes, p.weights + <usize>(<u64>g * groupBytes));
    for (let j = 0; j < lanes; j++) {
      const c = <usize>(g * filters + j) << 2;
      store<i32>(p.rowConstants + (<usize>(g * lanes + j) << 2), j < filters ? load<i32>(data.rowConstants + c) : 0);
    }
  }
  p.requantization = prepareLaneRequantization(data.multipliers, data.shifts, filters, lanes, groups, data.outputOffset, data.actMin, data.actMax);
  if (p.requantization == 0) return false;
  data.lanes = changetype<usize>(p);
  return true;
}

function prepareChannelLanesF32(data: ConvData, w: usize, bias: usize): bool {
  const p = changetype<ChannelLaneConvF32>(persistentAlloc(offsetof<ChannelLaneConvF32>()));
  if (changetype<usize>(p) == 0) return false;
  const filters = data.filtersPerGroup, taps = data.rowLength, groups = data.groups, kC = data.kC, kW = data.kW;
  const lanes = channelLanes(filters);
  p.taps = taps;
  p.filters = filters;
  p.lanes = lanes;
  p.offsets = persistentAlloc(<u64>taps * 4);
  p.weights = persistentAlloc(<u64>taps * <u64>lanes * <u64>groups * 4);
  p.bias = persistentAlloc(<u64>lanes * <u64>groups * 4);
  if (p.offsets == 0 || p.weights == 0 || p.bias == 0) return false;
  for (let k = 0; k < taps; k++) {
    const tap = k / kC, fy = tap / kW, fx = tap % kW;
    store<i32>(p.offsets + (<usize>k << 2), ((fy * data.dilationH * data.paddedW + fx * data.dilationW) * data.inC + k % kC) << 2);
  }
  for (let g = 0; g < groups; g++) {
    for (let j = 0; j < lanes; j++) {
      const c = g * filters + j, inside = j < filters;
      for (let k = 0; k < taps; k++) {
        const at = p.weights + ((<usize>(g * taps + k) * <usize>lanes + <usize>j) << 2);
        store<f32>(at, inside ? load<f32>(w + ((<usize>c * <usize>taps + <usize>k) << 2)) : 0);
      }
      store<f32>(p.bias + (<usize>(g * lanes + j) << 2), inside && bias != 0 ? load<f32>(bias + (<usize>c << 2)) : 0);
    }
  }
  p.actMin = data.actMinF;
  p.actMax = data.actMaxF;
  data.lanes = changetype<usize>(p);
  return true;
}

function requestRowScratch(op: Operator, data: ConvData, elementSize: i32): bool {
  if (data.direct != 0) return true;
  data.scratch = requestScratch(currentOperatorIndex(), data.rowLength * elementSize);
  if (data.scratch < 0) return opFail(ERR_UNSUPPORTED_FEATURE, "too many scratch buffers in one model");
  return true;
}

/**
 * passes/absorb_max_pool.ts offers a MAX_POOL_2D to the CONV_2D before it: windows
 * 2x2 at stride 2 inside the image, clamp [lo, hi]. Taken (true) in the SIMD
 * build for an int8 convolution whose output the pooling alone reads, and
 * whose requantisation never shifts left: then requantisation and clamps
 * never decrease, so requantising each window's largest accumulator equals
 * the max of the requantised values, and the convolution writes the pooled
 * output directly. The caller marks the tensor between them absorbed.
 */
export function absorbMaxPool(conv: Operator, pool: Operator, lo: i32, hi: i32): bool {
  if (!ASC_FEATURE_SIMD || conv.code != OP_CONV_2D) return false;
  const d = changetype<ConvData>(conv.data);
  const between = outputIndex(conv, 0);
  const t = tensorAt(between);
  if (t.type != TYPE_INT8 || inputIndex(pool, 0) != between || (t.flags & FLAG_GRAPH_OUTPUT) != 0 || readerCount(between) != 1) return false;
  for (let c = 0; c < d.outC; c++) if (load<i32>(d.shifts + (<usize>c << 2)) > 0) return false;
  // (The pixel-lane kernel, chosen for 8 or more convolution columns, gets
  // 2 x pooledW >= 8 of them.)
  const y = output(pool, 0);
  const pooledH = dim(y, 1), pooledW = dim(y, 2);
  // Clamping to [actMin, actMax] then to [lo, hi] is one clamp to both ends clamped to [lo, hi].
  const first = min(max(d.actMin, lo), hi), last = min(max(d.actMax, lo), hi);
  if (d.pixels != 0) {
    const p = changetype<PixelLaneConv>(d.pixels);
    p.pool = 1; p.outH = pooledH; p.outW = pooledW;
    makePixelLaneRequant(p, d.multipliers, d.shifts, d.outputOffset, first, last);
  } else {
    const rq = changetype<LaneRequantization>(changetype<ChannelLaneConv>(d.lanes).requantization);
    rq.actMin = first; rq.actMax = last;
  }
  d.pool = 1; d.pooledH = pooledH; d.pooledW = pooledW; d.pooledOutput = outputIndex(pool, 0);
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<ConvData>(op.data);
  const x = input(op, 0);
  const w = input(op, 1);
  const bias = inputIndex(op, 2) >= 0 ? input(op, 2).data : 0;
  const y = d.pool != 0 ? tensorAt(d.pooledOutput) : output(op, 0);
  if (isFloat32(x.type)) evalFloat(d, x.data, w.data, bias, y.data);
  else if (isInt8(x.type)) evalInt8(d, x.data, w.data, y.data);
  else if (isInt16(x.type)) evalInt16(d, x.data, w.data, bias, y.data);
}

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

function evalInt8(d: ConvData, x: usize, w: usize, y: usize): void {
  if (ASC_FEATURE_SIMD) {
    evalPadded(d, x, y, false);
    return;
  }
  const rowLength = d.rowLength;
  const fpg = d.filtersPerGroup;
  const row = d.scratch >= 0 ? scratchPointer(d.scratch) : 0;
  const padByte = <u32>(-d.inputOffset) & 0xff; // the input zero point
  const dots = d.dots;
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
            dotI8x4(f, f + <usize>rowLength, f + <usize>(2 * rowLength), f + <usize>(3 * rowLength), r, rowLength, dots);
            for (let k = 0; k < 4; k++) store<i8>(out + <usize>(c + k), <i8>requantize(d, c + k, load<i32>(dots + (<usize>k << 2))));
          }
          for (; c < last; c++) store<i8>(out + <usize>c, <i8>requantize(d, c, dotI8(w + <usize>(c * rowLength), r, rowLength)));
        }
      }
    }
  }
}

/**
 * SIMD build: each image copied with its padding (int8 widened to int16,
 * float as is), then kernels/conv_pixel_lanes.ts, conv_channel_lanes.ts or
 * conv_channel_lanes_f32.ts; with an absorbed pooling, into its output.
 */
function evalPadded(d: ConvData, x: usize, y: usize, float: bool): void {
  const image = scratchPointer(d.scratch);
  const pixels = d.pooledH * d.pooledW, inC = d.inC, size: usize = float ? 4 : 1;
  const outBytes = <usize>d.outC * size;
  const pad = float ? 0 : <u32>(-d.inputOffset) & 0xffff;
  const pool = d.pool != 0;
  for (let b = 0; b < d.batches; b++) {
    padImage(x + <usize>(b * d.inH * d.inW * inC) * size, d.inH, d.inW, inC, d.padH, d.padW, d.paddedH, d.paddedW, pad, float, image);
    const result = y + <usize>(b * pixels) * outBytes;
    if (!float && d.pixels != 0) {
      convPixelLanes(changetype<PixelLaneConv>(d.pixels), image, result);
      continue;
    }
    // Four output pixels at a time (the last set repeats its last pixel),
    // or the four of one pooling window.
    const groupBytes = <usize>d.kC * (float ? 4 : 2);
    for (let i = 0; i < pixels; i += pool ? 1 : 4) {
      const i1 = pool ? i : min(i + 1, pixels - 1), i2 = pool ? i : min(i + 2, pixels - 1), i3 = pool ? i : min(i + 3, pixels - 1);
      const windowA = image + windowOffset(d, i, 0, float), windowB = image + windowOffset(d, i1, 1, float);
      const windowC = image + windowOffset(d, i2, 2, float), windowD = image + windowOffset(d, i3, 3, float);
      const outA = result + <usize>i * outBytes, outB = result + <usize>i1 * outBytes;
      const outC = result + <usize>i2 * outBytes, outD = result + <usize>i3 * outBytes;
      for (let g = 0; g < d.groups; g++) {
        const at = <usize>g * groupBytes;
        if (float) convPixels4F32(changetype<ChannelLaneConvF32>(d.lanes), g, windowA + at, windowB + at, windowC + at, windowD + at, outA, outB, outC, outD);
        else convPixels4(changetype<ChannelLaneConv>(d.lanes), g, windowA + at, windowB + at, windowC + at, windowD + at, outA, outB, outC, outD, pool);
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
  let oy = i / d.pooledW, ox = i % d.pooledW;
  if (d.pool != 0) {
    oy = (oy << 1) + (k >> 1);
    ox = (ox << 1) + (k & 1);
  }
  return <usize>((oy * d.strideH * d.paddedW + ox * d.strideW) * d.inC) << (float ? 2 : 1);
}

// @ts-ignore: decorator
@inline
function requantize(d: ConvData, c: i32, dot: i32): i32 {
  return requantizeChannel(dot + load<i32>(d.rowConstants + (<usize>c << 2)), d.multipliers, d.shifts, c, d.outputOffset, d.actMin, d.actMax);
}

/**
 * float32: in the SIMD build the channel-lane kernel; in the MVP build the
 * gathered row times each filter, four filters per pass. Both sum each
 * output as 0 + w[k] * x[k] in filter order, then add the bias (0 without
 * one, as TFLite does), then clamp: the same bits in both builds.
 */
function evalFloat(d: ConvData, x: usize, w: usize, bias: usize, y: usize): void {
  if (ASC_FEATURE_SIMD) {
    evalPadded(d, x, y, true);
    return;
  }
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
            const f0 = w + <usize>c * rowBytes, f1 = w + <usize>c1 * rowBytes, f2 = w + <usize>c2 * rowBytes, f3 = w + <usize>c3 * rowBytes;
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

/** 16x8: TFLM's reference loop, taps outside the image skipped. */
function evalInt16(d: ConvData, x: usize, w: usize, bias: usize, y: usize): void {
  const fpg = d.filtersPerGroup;
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      const iy0 = oy * d.strideH - d.padH;
      for (let ox = 0; ox < d.outW; ox++) {
        const ix0 = ox * d.strideW - d.padW;
        const out = y + (<usize>(((b * d.outH + oy) * d.outW + ox) * d.outC) << 1);
        for (let c = 0; c < d.outC; c++) {
          const g = c / fpg;
          let acc64: i64 = 0;
          let acc32: i32 = 0;
          for (let fy = 0; fy < d.kH; fy++) {
            const iy = iy0 + fy * d.dilationH;
            if (iy < 0 || iy >= d.inH) continue;
            for (let fx = 0; fx < d.kW; fx++) {
              const ix = ix0 + fx * d.dilationW;
              if (ix < 0 || ix >= d.inW) continue;
              const xp = x + (<usize>(((b * d.inH + iy) * d.inW + ix) * d.inC + g * d.kC) << 1);
              const wp = w + <usize>(((c * d.kH + fy) * d.kW + fx) * d.kC);
              for (let k = 0; k < d.kC; k++) {
                const p = <i32>load<i8>(wp + <usize>k) * <i32>load<i16>(xp + (<usize>k << 1));
                if (d.accumulate64 != 0) acc64 += <i64>p;
                else acc32 += p;
              }
            }
          }
          let scaled: i32;
          const m = load<i32>(d.multipliers + (<usize>c << 2));
          const s = load<i32>(d.shifts + (<usize>c << 2));
          if (d.accumulate64 != 0) {
            if (bias != 0) acc64 += load<i64>(bias + (<usize>c << 3));
            scaled = multiplyByQuantizedMultiplier64(acc64, m, s);
          } else {
            if (bias != 0) acc32 += load<i32>(bias + (<usize>c << 2));
            scaled = multiplyByQuantizedMultiplier(acc32, m, s);
          }
          store<i16>(out + (<usize>c << 1), <i16>min(max(scaled, d.actMin), d.actMax));
        }
      }
    }
  }
}
