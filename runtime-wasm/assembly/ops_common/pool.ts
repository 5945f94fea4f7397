// Shared prepare and eval for MAX_POOL_2D and AVERAGE_POOL_2D (TFLM pooling):
// windows clipped to the image (padding never counted), fused activation.
// The evaluation walks the output pixels; each window row goes to a kernel
// of kernels/pool_rows.ts (SIMD across channels where available).
// Quantized pooling does not rescale, so input and output must share their
// quantisation. Average rounds half away from zero: (sum +- count/2) / count.

import { Operator, input, output, inputIndex, outputIndex, dim } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, OPTIONS_POOL2D, Pool2DOptions } from "../schema";
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
} from "./operator";
import { readI32, scalarError } from "../flatbuffer";
import { outputSize, paddingBefore, readWindowOptions } from "./window";
import { PoolData } from "./pool_data";
import {
  maxPixelInt8,
  accumulateFloatRow,
  finishFloat,
  accumulateIntegerRow,
  finishInteger,
} from "../kernels/pool_rows";
import { persistentAlloc } from "../layout";
import { isFloat32, isInt8 } from "../kernel_types";

export function preparePool(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_POOL2D)) return false;
  const opts = options(op, OPTIONS_POOL2D);
  if (opts == 0) return opFail(ERR_INVALID_MODEL, "pooling needs Pool2DOptions (window and strides)");
  const data = changetype<PoolData>(allocOpData(op, offsetof<PoolData>()));
  if (changetype<usize>(data) == 0) return false;
  const act = readActivation(opts, Pool2DOptions.fused_activation_function);
  if (act < 0) return false;
  if (!readWindowOptions(opts, Pool2DOptions.padding, Pool2DOptions.stride_w, Pool2DOptions.stride_h, -1, -1, data))
    return false;
  const strideW = data.strideW,
    strideH = data.strideH;
  const filterW = readI32(opts, Pool2DOptions.filter_width, 0);
  const filterH = readI32(opts, Pool2DOptions.filter_height, 0);
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
