// CONV_2D: NHWC input, OHWI filter [out_channels, kh, kw, in_channels / groups],
// stride, SAME/VALID padding, dilation, grouped channels, fused activation.
// This file validates and picks a path (prepare) and dispatches to it (eval):
//   int8 and float32, SIMD build: kernels/conv2d_padded.ts, over the input copied
//     with its padding, with the kernel prepare chose (kernels/conv_pixel_lanes.ts
//     for a one-channel int8 image with horizontal stride and dilation 1,
//     kernels/conv_channel_lanes.ts for other int8, conv_channel_lanes_f32.ts
//     for float; each packs its own weights);
//   int8 and float32, MVP build: kernels/conv2d_im2col.ts;
//   int16 activations with int8 weights (16x8): kernels/conv2d_16x8.ts.
// A padded int8 tap contributes w * (zero_point - zero_point) = 0, exactly
// what TFLM's reference kernel gets by skipping it, so int8 results are
// bit-exact; float sums run in filter order in both builds, so the builds
// agree bit for bit.
// SIMD build, int8: a MAX_POOL_2D with 2x2 windows at stride 2 that reads
// only this operator's output is done here when the graph pass
// passes/absorb_max_pool.ts offers it (absorbMaxPool): each window's four
// accumulators are reduced by max and requantised once, and the unpooled
// output is never stored (the planner gives it no buffer).

import {
  Operator, Tensor, input, output, inputIndex, outputIndex, dim, tensorAt, readerCount, FLAG_GRAPH_OUTPUT,
} from "../graph";
import { TYPE_INT8, TYPE_INT16, TYPE_INT64, OP_CONV_2D } from "../schema";
import { ERR_UNSUPPORTED_FEATURE } from "../status";
import { opFail, inputTensorFail, currentOperatorIndex } from "../ops_common/operator";
import { prepareWindowConv } from "../ops_common/window_conv";
import { ConvData } from "../ops_common/conv_data";
import { persistentAlloc } from "../layout";
import { requestScratch } from "../planner";
import { biasPlusOffsetRowSums } from "../ops_common/channel_quantization";
import { ChannelLaneConv, CHANNEL_LANE_OVERREAD, prepareChannelLanes } from "../kernels/conv_channel_lanes";
import { LaneRequantization } from "../kernels/requantize_lanes";
import { PixelLaneConv, makePixelLaneRequant, preparePixelLanes } from "../kernels/conv_pixel_lanes";
import { prepareChannelLanesF32 } from "../kernels/conv_channel_lanes_f32";
import { convPadded } from "../kernels/conv2d_padded";
import { convIm2colInt8, convIm2colF32 } from "../kernels/conv2d_im2col";
import { conv16x8 } from "../kernels/conv2d_16x8";
import { isFloat32, isInt8, isInt16 } from "../kernel_types";
import { INT8_KERNELS } from "../build_types";

const MAX_ROW: i32 = 1 << 20;
// The widened, padded copy of an int8 input (SIMD build) must stay below 1 GiB.
const MAX_PADDED_BYTES: u64 = 1 << 30;

export function prepare(op: Operator): bool {
  const data = changetype<ConvData>(prepareWindowConv(op, false,
    "must be a 4-D filter [out_channels, height, width, in_channels]", offsetof<ConvData>()));
  if (changetype<usize>(data) == 0) return false;
  const x = input(op, 0);
  const w = input(op, 1);
  const b = inputIndex(op, 2) >= 0 ? input(op, 2) : changetype<Tensor>(0);
  data.kC = dim(w, 3);
  if (data.inC % data.kC != 0) {
    return inputTensorFail(op, 1, "has an input depth that does not divide the input's channels");
  }
  data.groups = data.inC / data.kC;
  if (data.outC % data.groups != 0) {
    return inputTensorFail(op, 1, "has an output depth that is not a multiple of the number of groups");
  }
  data.filtersPerGroup = data.outC / data.groups;
  data.pooledH = data.outH;
  data.pooledW = data.outW;
  const rowLength = <i64>data.kH * <i64>data.kW * <i64>data.kC;
  if (rowLength > MAX_ROW) return opFail(ERR_UNSUPPORTED_FEATURE, "receptive field larger than 2^20 elements");
  data.rowLength = <i32>rowLength;
  const oneByOne = data.kH == 1 && data.kW == 1 && data.strideH == 1 && data.strideW == 1;
  data.direct = oneByOne && data.padH == 0 && data.padW == 0 && data.groups == 1 ? 1 : 0;
  data.scratch = -1;
  if (!ASC_FEATURE_SIMD) {
    data.dots = persistentAlloc(16); // the MVP build's four-row int8 dot products
    if (data.dots == 0) return false;
  }

  if (isFloat32(x.type)) {
    if (!preparePaddedImage(data, 4)) return false;
    if (!ASC_FEATURE_SIMD) return requestRowScratch(op, data, 4);
    data.lanes = prepareChannelLanesF32(data, w.data, changetype<usize>(b) != 0 ? b.data : 0);
    return data.lanes != 0;
  }
  const outC = data.outC;
  data.rowConstants = persistentAlloc(<u64>outC * 4);
  if (data.rowConstants == 0) return false;
  if (x.type == TYPE_INT16 || !INT8_KERNELS) {
    data.accumulate64 = changetype<usize>(b) != 0 && b.type == TYPE_INT64 ? 1 : 0;
    return true;
  }
  const bias = changetype<usize>(b) != 0 ? b.data : 0;
  biasPlusOffsetRowSums(w.data, bias, outC, data.rowLength, data.inputOffset, data.rowConstants);
  if (!preparePaddedImage(data, 2)) return false;
  if (!ASC_FEATURE_SIMD) return requestRowScratch(op, data, 1);
  if (data.inC == 1 && data.strideW == 1 && data.dilationW == 1 && data.outW >= 8) {
    data.pixels = preparePixelLanes(data, w.data);
    return data.pixels != 0;
  }
  data.lanes = prepareChannelLanes(data, w.data);
  return data.lanes != 0;
}

/**
 * The input with its padding around it (`elementBytes` per element: int8
 * widened to 2, float 4): its rows and columns, from the first padded one to
 * the last one a window reads, and in the SIMD build a scratch buffer for
 * it plus what the kernels read past it (and never use). The size limit is
 * checked in both builds, so that both accept the same models.
 */
function preparePaddedImage(data: ConvData, elementBytes: i32): bool {
  const lastRow = <i64>(data.outH - 1) * data.strideH + <i64>(data.kH - 1) * data.dilationH;
  const lastColumn = <i64>(data.outW - 1) * data.strideW + <i64>(data.kW - 1) * data.dilationW;
  const paddedH = max(<i64>data.inH + data.padH, lastRow + 1);
  const paddedW = max(<i64>data.inW + data.padW, lastColumn + 1);
  const paddedBytes = <u64>paddedH * <u64>paddedW * <u64>data.inC * <u64>elementBytes;
  if (paddedBytes >= MAX_PADDED_BYTES) return opFail(ERR_UNSUPPORTED_FEATURE, "padded input would take 1 GiB or more");
  data.paddedH = <i32>paddedH;
  data.paddedW = <i32>paddedW;
  if (!ASC_FEATURE_SIMD) return true;
  data.scratch = requestScratch(currentOperatorIndex(), <i32>paddedBytes + CHANNEL_LANE_OVERREAD);
  if (data.scratch < 0) return opFail(ERR_UNSUPPORTED_FEATURE, "too many scratch buffers in one model");
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
  if (t.type != TYPE_INT8 || inputIndex(pool, 0) != between) return false;
  if ((t.flags & FLAG_GRAPH_OUTPUT) != 0 || readerCount(between) != 1) return false;
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
  if (isFloat32(x.type)) {
    if (ASC_FEATURE_SIMD) convPadded(d, x.data, y.data, true);
    else convIm2colF32(d, x.data, w.data, bias, y.data);
  } else if (isInt8(x.type)) {
    if (ASC_FEATURE_SIMD) convPadded(d, x.data, y.data, false);
    else convIm2colInt8(d, x.data, w.data, y.data);
  } else if (isInt16(x.type)) {
    conv16x8(d, x.data, w.data, bias, y.data);
  }
}

