// What CONV_2D and DEPTHWISE_CONV_2D share in prepare: the options (padding,
// strides, dilations, fused activation), the input/filter/output shapes and
// the output size they imply, the bias, the types, and for integer
// activations the quantisation (offsets, activation range, per-channel
// multipliers). Each operator's data extends WindowConvData and its prepare
// goes on from prepareWindowConv with what is its own (groups, depth
// multiplier, kernels).

import { Operator, Tensor, input, output, inputIndex, outputIndex, dim, isConstant } from "../graph";
import {
  TYPE_FLOAT32,
  TYPE_INT8,
  TYPE_INT16,
  TYPE_INT32,
  TYPE_INT64,
  OPTIONS_CONV2D,
  OPTIONS_DEPTHWISE_CONV2D,
  Conv2DOptions,
  DepthwiseConv2DOptions,
} from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE, Message } from "../status";
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
import { Window, outputSize, paddingBefore, readWindowOptions } from "./window";
import { prepareChannelMultipliers, channelShifts, checkChannelWeights, checkBias } from "./channel_quantization";

@unmanaged
export class WindowConvData extends Window {
  batches: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  kH: i32;
  kW: i32;
  padH: i32;
  padW: i32; // padding before the first row and column (strides and dilations: Window)
  inputOffset: i32;
  outputOffset: i32;
  multipliers: usize;
  shifts: usize; // per output channel (integer activations)
}

/**
 * Validates and reads what both convolutions share; allocates `dataBytes` of
 * operator data (a WindowConvData at its start), from Conv2DOptions or, for
 * `depthwise`, DepthwiseConv2DOptions. The filter is [out_channels, kh, kw, in]
 * (CONV_2D, `depthwise` false) or [1, kh, kw, out_channels] (`depthwise`,
 * `filterShape` names it). int16 activations (16x8, int64 or int32 bias) are
 * accepted unless `depthwise`. Returns the data, or 0 after an error.
 */
export function prepareWindowConv(
  op: Operator,
  depthwise: bool,
  filterShape: Message,
  dataBytes: usize,
): WindowConvData {
  const none = changetype<WindowConvData>(0);
  const optionsType = depthwise ? OPTIONS_DEPTHWISE_CONV2D : OPTIONS_CONV2D;
  if (!checkArity(op, 2, 3, 1) || !checkOptionsType(op, optionsType)) return none;
  const opts = options(op, optionsType);
  const data = changetype<WindowConvData>(allocOpData(op, dataBytes));
  if (changetype<usize>(data) == 0) return none;
  const act = readActivation(
    opts,
    depthwise ? DepthwiseConv2DOptions.fused_activation_function : Conv2DOptions.fused_activation_function,
  );
  if (act < 0) return none;
  const read = depthwise
    ? readWindowOptions(
        opts,
        DepthwiseConv2DOptions.padding,
        DepthwiseConv2DOptions.stride_w,
        DepthwiseConv2DOptions.stride_h,
        DepthwiseConv2DOptions.dilation_w_factor,
        DepthwiseConv2DOptions.dilation_h_factor,
        data,
      )
    : readWindowOptions(
        opts,
        Conv2DOptions.padding,
        Conv2DOptions.stride_w,
        Conv2DOptions.stride_h,
        Conv2DOptions.dilation_w_factor,
        Conv2DOptions.dilation_h_factor,
        data,
      );
  if (!read) return none;

  const x = input(op, 0);
  const w = input(op, 1);
  const hasBias = inputIndex(op, 2) >= 0;
  const y = output(op, 0);
  if (x.rank != 4) {
    inputTensorFail(op, 0, "must be 4-D [batch, height, width, channels]");
    return none;
  }
  if (w.rank != 4 || (depthwise && dim(w, 0) != 1)) {
    inputTensorFail(op, 1, filterShape);
    return none;
  }
  if (y.rank != 4) {
    outputTensorFail(op, 0, "must be 4-D [batch, height, width, channels]");
    return none;
  }
  if (!isConstant(w)) {
    opFail(ERR_UNSUPPORTED_FEATURE, "filter must be constant");
    return none;
  }

  data.batches = dim(x, 0);
  data.inH = dim(x, 1);
  data.inW = dim(x, 2);
  data.inC = dim(x, 3);
  data.kH = dim(w, 1);
  data.kW = dim(w, 2);
  data.outC = dim(w, depthwise ? 3 : 0);
  const strideH = data.strideH,
    strideW = data.strideW,
    dilationH = data.dilationH,
    dilationW = data.dilationW;
  data.outH = outputSize(data.padding, data.inH, data.kH, strideH, dilationH);
  data.outW = outputSize(data.padding, data.inW, data.kW, strideW, dilationW);
  if (data.outH < 1 || data.outW < 1) {
    opFail(ERR_INVALID_MODEL, "the (dilated) kernel is larger than the input with VALID padding");
    return none;
  }
  if (dim(y, 0) != data.batches || dim(y, 1) != data.outH || dim(y, 2) != data.outW || dim(y, 3) != data.outC) {
    outputTensorFail(op, 0, "does not have the shape the convolution produces");
    return none;
  }
  data.padH = paddingBefore(strideH, dilationH, data.inH, data.kH, data.outH);
  data.padW = paddingBefore(strideW, dilationW, data.inW, data.kW, data.outW);

  if (!checkBias(op, data.outC)) return none;
  const b = hasBias ? input(op, 2) : changetype<Tensor>(0);
  const ix = inputIndex(op, 0),
    iw = inputIndex(op, 1),
    iy = outputIndex(op, 0),
    ib = inputIndex(op, 2);
  if (x.type == TYPE_FLOAT32) {
    if (w.type != TYPE_FLOAT32) {
      unsupportedTypes(w, iw);
      return none;
    }
    if (y.type != TYPE_FLOAT32) {
      unsupportedTypes(y, iy);
      return none;
    }
    if (hasBias && b.type != TYPE_FLOAT32) {
      unsupportedTypes(b, ib);
      return none;
    }
    activationRangeFloat(act, data);
    return data;
  }
  const is16 = !depthwise && x.type == TYPE_INT16;
  if (x.type != TYPE_INT8 && !is16) {
    unsupportedTypes(x, ix);
    return none;
  }
  if (w.type != TYPE_INT8) {
    unsupportedTypes(w, iw);
    return none;
  }
  if (y.type != x.type) {
    unsupportedTypes(y, iy);
    return none;
  }
  if (hasBias && !(b.type == TYPE_INT32 || (is16 && b.type == TYPE_INT64))) {
    unsupportedTypes(b, ib);
    return none;
  }
  if (!requireQuantized(x, ix) || !requireQuantized(w, iw) || !requireQuantized(y, iy)) return none;
  if (!requirePerTensor(x, ix) || !requirePerTensor(y, iy)) return none;
  const axisName: Message = depthwise
    ? "per-channel scales must run along dimension 3 (output channels)"
    : "per-channel scales must run along dimension 0 (output channels)";
  if (!checkChannelWeights(op, data.outC, depthwise ? 3 : 0, axisName)) return none;
  if (is16 && (x.zeroPoint != 0 || y.zeroPoint != 0)) {
    opFail(ERR_INVALID_MODEL, "int16 activations must be symmetric (zero point 0)");
    return none;
  }
  data.inputOffset = -x.zeroPoint;
  data.outputOffset = y.zeroPoint;
  activationRangeQuantized(act, y, data);
  data.multipliers = prepareChannelMultipliers(x, w, y, data.outC, false);
  if (data.multipliers == 0) return none;
  data.shifts = channelShifts(data.multipliers, data.outC);
  return data;
}
