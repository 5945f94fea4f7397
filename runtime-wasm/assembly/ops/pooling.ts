// Shared prepare and eval for MAX_POOL_2D and AVERAGE_POOL_2D (TFLM pooling):
// windows clipped to the image (padding never counted), fused activation.
// Quantized pooling does not rescale, so input and output must share their
// quantisation. Average rounds half away from zero: (sum +- count/2) / count.

import { Operator, input, output, inputIndex, outputIndex, dim } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, OPTIONS_POOL2D } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import {
  opFail, checkArity, checkOptionsType, options, readActivation, activation, unsupportedTypes,
  inputTensorFail, outputTensorFail, requireQuantized, requirePerTensor, activationRangeQuantized,
  activationRangeFloat, actMin, actMax, actMinF, actMaxF, allocOpData,
} from "./common";
import { readU8, readI32, scalarError } from "../flatbuffer";
import { outputSize, paddingBefore, PADDING_SAME, PADDING_VALID } from "./geometry";

const OPT_PADDING = 0;
const OPT_STRIDE_W = 1;
const OPT_STRIDE_H = 2;
const OPT_FILTER_W = 3;
const OPT_FILTER_H = 4;
const OPT_ACTIVATION = 5;

@unmanaged
class PoolData {
  batches: i32; inH: i32; inW: i32; channels: i32;
  outH: i32; outW: i32;
  filterH: i32; filterW: i32; strideH: i32; strideW: i32; padH: i32; padW: i32;
  actMin: i32; actMax: i32; actMinF: f32; actMaxF: f32;
}

export function preparePool(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_POOL2D)) return false;
  const opts = options(op, OPTIONS_POOL2D);
  if (opts == 0) return opFail(ERR_INVALID_MODEL, "pooling needs Pool2DOptions (window and strides)");
  if (!readActivation(opts, OPT_ACTIVATION)) return false;
  const act = activation;
  const padding = <i32>readU8(opts, OPT_PADDING, 0);
  const strideW = readI32(opts, OPT_STRIDE_W, 0);
  const strideH = readI32(opts, OPT_STRIDE_H, 0);
  const filterW = readI32(opts, OPT_FILTER_W, 0);
  const filterH = readI32(opts, OPT_FILTER_H, 0);
  if (scalarError()) return false;
  if (padding != PADDING_SAME && padding != PADDING_VALID) return opFail(ERR_INVALID_MODEL, "padding must be SAME or VALID");
  if (strideW < 1 || strideH < 1 || strideW > 4096 || strideH > 4096) return opFail(ERR_INVALID_MODEL, "strides must be between 1 and 4096");
  if (filterW < 1 || filterH < 1 || filterW > 4096 || filterH > 4096) return opFail(ERR_INVALID_MODEL, "window sizes must be between 1 and 4096");
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.rank != 4) return inputTensorFail(op, 0, "must be 4-D [batch, height, width, channels]");
  if (y.rank != 4) return outputTensorFail(op, 0, "must be 4-D [batch, height, width, channels]");
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  const data = changetype<PoolData>(allocOpData(op, offsetof<PoolData>()));
  if (changetype<usize>(data) == 0) return false;
  data.batches = dim(x, 0); data.inH = dim(x, 1); data.inW = dim(x, 2); data.channels = dim(x, 3);
  data.filterH = filterH; data.filterW = filterW; data.strideH = strideH; data.strideW = strideW;
  data.outH = outputSize(padding, data.inH, filterH, strideH, 1);
  data.outW = outputSize(padding, data.inW, filterW, strideW, 1);
  if (data.outH < 1 || data.outW < 1) return opFail(ERR_INVALID_MODEL, "the window is larger than the input with VALID padding");
  if (dim(y, 0) != data.batches || dim(y, 1) != data.outH || dim(y, 2) != data.outW || dim(y, 3) != data.channels) {
    return outputTensorFail(op, 0, "does not have the shape the pooling produces");
  }
  data.padH = paddingBefore(strideH, 1, data.inH, filterH, data.outH);
  data.padW = paddingBefore(strideW, 1, data.inW, filterW, data.outW);
  if (x.type == TYPE_FLOAT32) {
    activationRangeFloat(act);
    data.actMinF = actMinF;
    data.actMaxF = actMaxF;
    return true;
  }
  if (x.type != TYPE_INT8 && x.type != TYPE_INT16) return unsupportedTypes(x, inputIndex(op, 0));
  if (!requireQuantized(x, inputIndex(op, 0)) || !requirePerTensor(x, inputIndex(op, 0))) return false;
  if (!requireQuantized(y, outputIndex(op, 0)) || !requirePerTensor(y, outputIndex(op, 0))) return false;
  if (x.scale != y.scale || x.zeroPoint != y.zeroPoint) return opFail(ERR_INVALID_MODEL, "quantized pooling needs the same scale and zero point on input and output");
  activationRangeQuantized(act, y);
  data.actMin = actMin;
  data.actMax = actMax;
  return true;
}

/** Runs the pooling; `average` picks AVERAGE_POOL_2D, else MAX_POOL_2D. */
export function evalPool(op: Operator, average: bool): void {
  const d = changetype<PoolData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  const type = x.type;
  const size: usize = type == TYPE_FLOAT32 ? 4 : type == TYPE_INT16 ? 2 : 1;
  const channels = d.channels;
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      const iy0 = oy * d.strideH - d.padH;
      const fy0 = max(0, -iy0);
      const fy1 = min(d.filterH, d.inH - iy0);
      for (let ox = 0; ox < d.outW; ox++) {
        const ix0 = ox * d.strideW - d.padW;
        const fx0 = max(0, -ix0);
        const fx1 = min(d.filterW, d.inW - ix0);
        const count = (fy1 - fy0) * (fx1 - fx0);
        const outBase = <usize>(((b * d.outH + oy) * d.outW + ox) * channels);
        for (let c = 0; c < channels; c++) {
          if (type == TYPE_FLOAT32) {
            let acc: f32 = average ? 0 : -Infinity;
            for (let fy = fy0; fy < fy1; fy++) {
              for (let fx = fx0; fx < fx1; fx++) {
                const v = load<f32>(x.data + ((<usize>(((b * d.inH + iy0 + fy) * d.inW + ix0 + fx) * channels + c)) << 2));
                acc = average ? acc + v : max(acc, v);
              }
            }
            if (average) acc = acc / <f32>count;
            store<f32>(y.data + ((outBase + <usize>c) << 2), min(max(acc, d.actMinF), d.actMaxF));
          } else {
            let acc: i32 = average ? 0 : i32.MIN_VALUE;
            for (let fy = fy0; fy < fy1; fy++) {
              for (let fx = fx0; fx < fx1; fx++) {
                const at = <usize>(((b * d.inH + iy0 + fy) * d.inW + ix0 + fx) * channels + c);
                const v = size == 1 ? <i32>load<i8>(x.data + at) : <i32>load<i16>(x.data + (at << 1));
                acc = average ? acc + v : max(acc, v);
              }
            }
            if (average) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
            acc = min(max(acc, d.actMin), d.actMax);
            if (size == 1) store<i8>(y.data + outBase + <usize>c, <i8>acc);
            else store<i16>(y.data + ((outBase + <usize>c) << 1), <i16>acc);
          }
        }
      }
    }
  }
}
