// Shared prepare and eval for MAX_POOL_2D and AVERAGE_POOL_2D (TFLM pooling):
// windows clipped to the image (padding never counted), fused activation.
// Quantized pooling does not rescale, so input and output must share their
// quantisation. Average rounds half away from zero: (sum +- count/2) / count.

import { Operator, input, output, inputIndex, outputIndex, dim } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, OPTIONS_POOL2D } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import {
  opFail,
  checkArity,
  checkOptionsType,
  options,
  readActivation,
  unsupportedTypes,
  inputTensorFail,
  outputTensorFail,
  requireQuantized,
  requirePerTensor,
  activationRangeQuantized,
  activationRangeFloat,
  allocOpData,
} from "./common";
import { readI32, scalarError } from "../flatbuffer";
import { Window, outputSize, paddingBefore, readWindowOptions } from "./geometry";
import { persistentAlloc } from "../layout";
import { copyBytes } from "../kernels/copy";
import { byte0, byte1, byte2, byte3 } from "../kernels/int8_word";
import { isFloat32, isInt8 } from "../kernel_types";

const OPT_PADDING = 0;
const OPT_STRIDE_W = 1;
const OPT_STRIDE_H = 2;
const OPT_FILTER_W = 3;
const OPT_FILTER_H = 4;
const OPT_ACTIVATION = 5;

@unmanaged
export class PoolData extends Window {
  batches: i32;
  inH: i32;
  inW: i32;
  channels: i32;
  outH: i32;
  outW: i32;
  filterH: i32;
  filterW: i32;
  padH: i32;
  padW: i32;
  /** One accumulator per channel (f32 or i32) for the output pixel being computed. */
  accumulators: usize;
}

export function preparePool(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_POOL2D)) return false;
  const opts = options(op, OPTIONS_POOL2D);
  if (opts == 0) return opFail(ERR_INVALID_MODEL, "pooling needs Pool2DOptions (window and strides)");
  const data = changetype<PoolData>(allocOpData(op, offsetof<PoolData>()));
  if (changetype<usize>(data) == 0) return false;
  const act = readActivation(opts, OPT_ACTIVATION);
  if (act < 0) return false;
  if (!readWindowOptions(opts, OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, -1, -1, data)) return false;
  const strideW = data.strideW,
    strideH = data.strideH;
  const filterW = readI32(opts, OPT_FILTER_W, 0);
  const filterH = readI32(opts, OPT_FILTER_H, 0);
  if (scalarError()) return false;
  if (filterW < 1 || filterH < 1 || filterW > 4096 || filterH > 4096)
    return opFail(ERR_INVALID_MODEL, "window sizes must be between 1 and 4096");
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.rank != 4) return inputTensorFail(op, 0, "must be 4-D [batch, height, width, channels]");
  if (y.rank != 4) return outputTensorFail(op, 0, "must be 4-D [batch, height, width, channels]");
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  data.batches = dim(x, 0);
  data.inH = dim(x, 1);
  data.inW = dim(x, 2);
  data.channels = dim(x, 3);
  data.filterH = filterH;
  data.filterW = filterW;
  data.outH = outputSize(data.padding, data.inH, filterH, strideH, 1);
  data.outW = outputSize(data.padding, data.inW, filterW, strideW, 1);
  if (data.outH < 1 || data.outW < 1)
    return opFail(ERR_INVALID_MODEL, "the window is larger than the input with VALID padding");
  if (dim(y, 0) != data.batches || dim(y, 1) != data.outH || dim(y, 2) != data.outW || dim(y, 3) != data.channels) {
    return outputTensorFail(op, 0, "does not have the shape the pooling produces");
  }
  data.padH = paddingBefore(strideH, 1, data.inH, filterH, data.outH);
  data.padW = paddingBefore(strideW, 1, data.inW, filterW, data.outW);
  data.accumulators = persistentAlloc(<u64>data.channels * 4 + 16);
  if (data.accumulators == 0) return false;
  if (x.type == TYPE_FLOAT32) {
    activationRangeFloat(act, data);
    return true;
  }
  if (x.type != TYPE_INT8 && x.type != TYPE_INT16) return unsupportedTypes(x, inputIndex(op, 0));
  if (!requireQuantized(x, inputIndex(op, 0)) || !requirePerTensor(x, inputIndex(op, 0))) return false;
  if (!requireQuantized(y, outputIndex(op, 0)) || !requirePerTensor(y, outputIndex(op, 0))) return false;
  if (x.scale != y.scale || x.zeroPoint != y.zeroPoint)
    return opFail(ERR_INVALID_MODEL, "quantized pooling needs the same scale and zero point on input and output");
  activationRangeQuantized(act, y, data);
  return true;
}

/**
 * Runs the pooling; `average` picks AVERAGE_POOL_2D, else MAX_POOL_2D.
 * For each output pixel the window is walked once with all channels inner
 * (contiguous in NHWC): SIMD across channels where available. Each channel
 * still sees its taps in the same order on both builds, so results match.
 */
export function evalPool(op: Operator, average: bool): void {
  const d = changetype<PoolData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  // Locals, not fields: the stores below could alias the operator data.
  const batches = d.batches,
    inH = d.inH,
    inW = d.inW,
    channels = d.channels,
    outH = d.outH,
    outW = d.outW;
  const filterH = d.filterH,
    filterW = d.filterW,
    strideH = d.strideH,
    strideW = d.strideW,
    padH = d.padH,
    padW = d.padW;
  const acc = d.accumulators;
  const xData = x.data,
    yData = y.data;
  const type = x.type;
  const maxInt8 = ASC_FEATURE_SIMD && isInt8(type) && !average;
  const xEnd = xData + <usize>(batches * inH * inW * channels),
    yEnd = yData + <usize>(batches * outH * outW * channels);
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - padH;
      const fy0 = max(0, -iy0);
      const fy1 = min(filterH, inH - iy0);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padW;
        const fx0 = max(0, -ix0);
        const fx1 = min(filterW, inW - ix0);
        const count = (fy1 - fy0) * (fx1 - fx0);
        const outPixel = ((b * outH + oy) * outW + ox) * channels;
        if (maxInt8) {
          const window = xData + <usize>(((b * inH + iy0) * inW + ix0) * channels);
          maxPixelInt8(d, window, fy0, fy1, fx0, fx1, xEnd, yData + <usize>outPixel, yEnd);
          continue;
        }
        // A window row's taps are side by side in NHWC: each row is one call.
        const taps = fx1 - fx0;
        for (let fy = fy0; fy < fy1; fy++) {
          const row = ((b * inH + iy0 + fy) * inW + ix0 + fx0) * channels;
          if (isFloat32(type)) accumulateFloatRow(acc, xData + ((<usize>row) << 2), taps, channels, average, fy == fy0);
          else accumulateIntegerRow(acc, xData, row, taps, type, channels, average, fy == fy0);
        }
        if (isFloat32(type))
          finishFloat(acc, yData + ((<usize>outPixel) << 2), channels, average, count, d.actMinF, d.actMaxF);
        else finishInteger(acc, yData, outPixel, type, channels, average, count, d.actMin, d.actMax);
      }
    }
  }
}

/**
 * One output pixel of int8 MAX_POOL_2D in the SIMD build: eight channels
 * per lane vector, i8x16.max_s over the window rows fy0..fy1 and columns
 * fx0..fx1 (`window` is the window's top-left input pixel), clamped,
 * without the per-element accumulator of the generic loop. A chunk of fewer
 * than eight channels is still read and written eight bytes at a time: the
 * extra bytes read are other channels (ignored), the extra bytes written
 * belong to pixels written later (pixels go in order). Only within 8 bytes
 * of a tensor's end does a chunk go through an 8-byte buffer, so nothing
 * leaves the tensors. Max is exact in any order, so the MVP build's results
 * are equal.
 */
function maxPixelInt8(
  d: PoolData,
  window: usize,
  fy0: i32,
  fy1: i32,
  fx0: i32,
  fx1: i32,
  xEnd: usize,
  out: usize,
  yEnd: usize,
): void {
  const channels = d.channels;
  const rowBytes = <usize>(d.inW * channels);
  const partial = d.accumulators; // >= 16 bytes
  for (let c = 0; c < channels; c += 8) {
    const n = min(8, channels - c);
    let m = i8x16.splat(-128);
    for (let fy = fy0; fy < fy1; fy++) {
      for (let fx = fx0; fx < fx1; fx++) {
        const src = window + <usize>fy * rowBytes + <usize>(fx * channels + c);
        if (src + 8 <= xEnd) m = i8x16.max_s(m, v128.load64_zero(src));
        else {
          copyBytes(partial, src, <usize>n);
          m = i8x16.max_s(m, v128.load64_zero(partial));
        }
      }
    }
    m = i8x16.min_s(i8x16.max_s(m, i8x16.splat(<i8>d.actMin)), i8x16.splat(<i8>d.actMax));
    if (out + <usize>c + 8 <= yEnd) store<i64>(out + <usize>c, i64x2.extract_lane(m, 0));
    else {
      store<i64>(partial, i64x2.extract_lane(m, 0));
      copyBytes(out + <usize>c, partial, <usize>n);
    }
  }
}

/**
 * Adds (average) or takes the maximum of one window row: `taps` pixels of
 * `channels` floats from `src`, into the accumulators, a lane vector of
 * channels at a time, the running value held in a register across the row.
 * `first` (the window's first row) starts from the first tap, plus 0 for
 * an average as TFLite's sum starts at 0. Taps are taken in order, so float
 * sums round as TFLite's do.
 */
function accumulateFloatRow(acc: usize, src: usize, taps: i32, channels: i32, average: bool, first: bool): void {
  const tapBytes = (<usize>channels) << 2;
  const start = first ? 1 : 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    for (; c + 4 <= channels; c += 4) {
      const a = acc + ((<usize>c) << 2);
      let p = src + ((<usize>c) << 2);
      let s = first ? v128.load(p) : v128.load(a);
      if (first && average) s = f32x4.add(f32x4.splat(0), s);
      for (let k = start; k < taps; k++) {
        const v = v128.load(p + <usize>k * tapBytes);
        s = average ? f32x4.add(s, v) : f32x4.max(s, v);
      }
      v128.store(a, s);
    }
  }
  // The channels left (all of them in the MVP build): tap by tap, channels inner.
  const rest = c;
  // (One loop per case: a select in the loop would compute every case.)
  for (let k = 0; k < taps; k++) {
    const tap = src + <usize>k * tapBytes;
    if (first && k == 0) {
      for (c = rest; c < channels; c++) {
        const v = load<f32>(tap + ((<usize>c) << 2));
        store<f32>(acc + ((<usize>c) << 2), average ? <f32>0 + v : v);
      }
    } else if (average) {
      for (c = rest; c < channels; c++) {
        const a = acc + ((<usize>c) << 2);
        store<f32>(a, load<f32>(a) + load<f32>(tap + ((<usize>c) << 2)));
      }
    } else {
      for (c = rest; c < channels; c++) {
        const a = acc + ((<usize>c) << 2);
        store<f32>(a, max(load<f32>(a), load<f32>(tap + ((<usize>c) << 2))));
      }
    }
  }
}

function finishFloat(acc: usize, dst: usize, channels: i32, average: bool, count: i32, lo: f32, hi: f32): void {
  const n = <f32>count;
  for (let c = 0; c < channels; c++) {
    let v = load<f32>(acc + ((<usize>c) << 2));
    if (average) v = v / n;
    store<f32>(dst + ((<usize>c) << 2), min(max(v, lo), hi));
  }
}

/**
 * The integer form of accumulateFloatRow: one window row of `taps` pixels
 * starting at element `row` of int8 or int16 input, into int32 sums or
 * maxima (exact in any order); in the SIMD build eight int8 channels at a
 * time.
 */
function accumulateIntegerRow(
  acc: usize,
  xData: usize,
  row: i32,
  taps: i32,
  type: i32,
  channels: i32,
  average: bool,
  first: bool,
): void {
  const start = first ? 1 : 0;
  let c = 0;
  if (ASC_FEATURE_SIMD && type == TYPE_INT8) {
    const src = xData + <usize>row;
    for (; c + 8 <= channels; c += 8) {
      const a = acc + ((<usize>c) << 2);
      const v0 = v128.load8x8_s(src + <usize>c);
      let lo = first ? i32x4.extend_low_i16x8_s(v0) : v128.load(a);
      let hi = first ? i32x4.extend_high_i16x8_s(v0) : v128.load(a, 16);
      for (let k = start; k < taps; k++) {
        const v = v128.load8x8_s(src + <usize>(k * channels + c));
        const vLo = i32x4.extend_low_i16x8_s(v);
        const vHi = i32x4.extend_high_i16x8_s(v);
        lo = average ? i32x4.add(lo, vLo) : i32x4.max_s(lo, vLo);
        hi = average ? i32x4.add(hi, vHi) : i32x4.max_s(hi, vHi);
      }
      v128.store(a, lo);
      v128.store(a, hi, 16);
    }
  }
  if (!ASC_FEATURE_SIMD && type == TYPE_INT8) {
    // MVP build: four channels per word loaded, their sums or maxima in
    // locals across the row's taps (one load and one bounds check, where the
    // host checks each access, per four values).
    const src = xData + <usize>row;
    const step = <usize>channels;
    for (; c + 4 <= channels; c += 4) {
      const a = acc + ((<usize>c) << 2);
      let p = src + <usize>c;
      let s0: i32, s1: i32, s2: i32, s3: i32;
      if (first) {
        const v = load<u32>(p);
        s0 = byte0(v);
        s1 = byte1(v);
        s2 = byte2(v);
        s3 = byte3(v);
        p += step;
      } else {
        s0 = load<i32>(a);
        s1 = load<i32>(a, 4);
        s2 = load<i32>(a, 8);
        s3 = load<i32>(a, 12);
      }
      if (average) {
        for (let k = start; k < taps; k++) {
          const v = load<u32>(p);
          s0 += byte0(v);
          s1 += byte1(v);
          s2 += byte2(v);
          s3 += byte3(v);
          p += step;
        }
      } else {
        for (let k = start; k < taps; k++) {
          const v = load<u32>(p);
          s0 = max(s0, byte0(v));
          s1 = max(s1, byte1(v));
          s2 = max(s2, byte2(v));
          s3 = max(s3, byte3(v));
          p += step;
        }
      }
      store<i32>(a, s0);
      store<i32>(a, s1, 4);
      store<i32>(a, s2, 8);
      store<i32>(a, s3, 12);
    }
  }
  // The channels left (int16, and int8 past the last group of four or eight): tap by tap, channels inner.
  const rest = c;
  for (let k = 0; k < taps; k++) {
    const init = first && k == 0;
    const tap = row + k * channels;
    for (c = rest; c < channels; c++) {
      const a = acc + ((<usize>c) << 2);
      const i = tap + c;
      const v = type == TYPE_INT8 ? <i32>load<i8>(xData + <usize>i) : <i32>load<i16>(xData + ((<usize>i) << 1));
      if (init) store<i32>(a, v);
      else if (average) store<i32>(a, load<i32>(a) + v);
      else store<i32>(a, max(load<i32>(a), v));
    }
  }
}

function finishInteger(
  acc: usize,
  yData: usize,
  outPixel: i32,
  type: i32,
  channels: i32,
  average: bool,
  count: i32,
  lo: i32,
  hi: i32,
): void {
  for (let c = 0; c < channels; c++) {
    let v = load<i32>(acc + ((<usize>c) << 2));
    if (average) v = v > 0 ? (v + count / 2) / count : (v - count / 2) / count;
    v = min(max(v, lo), hi);
    if (type == TYPE_INT8) store<i8>(yData + <usize>(outPixel + c), <i8>v);
    else store<i16>(yData + ((<usize>(outPixel + c)) << 1), <i16>v);
  }
}
