// DEPTHWISE_CONV_2D: each input channel ic is convolved with depth_multiplier
// filters; output channel oc = ic * multiplier + m. Filter [1, kh, kw, out_c].
// float32 and int8 (per-channel filter scales along dimension 3).
//
// Channels are contiguous (NHWC), so the SIMD path runs across channels: for
// multiplier 1, eight int8 channels per step, widened to int16 and multiplied
// into int32 lanes (exact); float32 four channels per step, each lane summing
// its own channel in the same tap order as the scalar path, so both builds
// give identical bits. Taps outside the image are skipped, as in TFLM.

import { Operator, Tensor, input, output, inputIndex, outputIndex, dim, isConstant } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT32, OPTIONS_DEPTHWISE_CONV2D } from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE } from "../status";
import {
  opFail, checkArity, checkOptionsType, options, readActivation, activation, unsupportedTypes,
  inputTensorFail, outputTensorFail, requireQuantized, requirePerTensor, activationRangeQuantized,
  activationRangeFloat, actMin, actMax, actMinF, actMaxF, allocOpData,
} from "./common";
import { readI32, scalarError } from "../flatbuffer";
import { persistentAlloc } from "../layout";
import { outputSize, paddingBefore, readWindowOptions, windowPadding, windowStrideW, windowStrideH, windowDilationW, windowDilationH } from "./geometry";
import { prepareChannelMultipliers, multipliers, shifts, requantizeChannel, checkChannelWeights, checkBias } from "./channel_quantization";

const OPT_PADDING = 0;
const OPT_STRIDE_W = 1;
const OPT_STRIDE_H = 2;
const OPT_DEPTH_MULTIPLIER = 3;
const OPT_ACTIVATION = 4;
const OPT_DILATION_W = 5;
const OPT_DILATION_H = 6;

@unmanaged
class DepthwiseData {
  batches: i32; inH: i32; inW: i32; inC: i32;
  outH: i32; outW: i32; outC: i32; multiplier: i32;
  kH: i32; kW: i32;
  strideH: i32; strideW: i32; dilationH: i32; dilationW: i32; padH: i32; padW: i32;
  inputOffset: i32; outputOffset: i32;
  actMin: i32; actMax: i32; actMinF: f32; actMaxF: f32;
  multipliers: usize; shifts: usize;
  /** Per-channel int32 accumulators for one output pixel. */
  accumulators: usize;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 2, 3, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_DEPTHWISE_CONV2D)) return false;
  const opts = options(op, OPTIONS_DEPTHWISE_CONV2D);
  if (!readActivation(opts, OPT_ACTIVATION)) return false;
  const act = activation;
  if (!readWindowOptions(opts, OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, OPT_DILATION_W, OPT_DILATION_H)) return false;
  const padding = windowPadding, strideW = windowStrideW, strideH = windowStrideH, dilationW = windowDilationW, dilationH = windowDilationH;
  const declaredMultiplier = opts == 0 ? 0 : readI32(opts, OPT_DEPTH_MULTIPLIER, 0);
  if (scalarError()) return false;

  const x = input(op, 0);
  const w = input(op, 1);
  const hasBias = inputIndex(op, 2) >= 0;
  const y = output(op, 0);
  if (x.rank != 4) return inputTensorFail(op, 0, "must be 4-D [batch, height, width, channels]");
  if (w.rank != 4 || dim(w, 0) != 1) return inputTensorFail(op, 1, "must be a 4-D filter [1, height, width, out_channels]");
  if (y.rank != 4) return outputTensorFail(op, 0, "must be 4-D [batch, height, width, channels]");
  if (!isConstant(w)) return opFail(ERR_UNSUPPORTED_FEATURE, "filter must be constant");

  const data = changetype<DepthwiseData>(allocOpData(op, offsetof<DepthwiseData>()));
  if (changetype<usize>(data) == 0) return false;
  data.batches = dim(x, 0); data.inH = dim(x, 1); data.inW = dim(x, 2); data.inC = dim(x, 3);
  data.kH = dim(w, 1); data.kW = dim(w, 2); data.outC = dim(w, 3);
  if (data.outC % data.inC != 0) return inputTensorFail(op, 1, "has an output depth that is not a multiple of the input's channels");
  data.multiplier = data.outC / data.inC;
  // The option is redundant in TFLite >= 2.0; when present it must agree.
  if (declaredMultiplier > 0 && declaredMultiplier != data.multiplier) return opFail(ERR_INVALID_MODEL, "depth_multiplier disagrees with the filter and input shapes");
  data.strideH = strideH; data.strideW = strideW; data.dilationH = dilationH; data.dilationW = dilationW;
  data.outH = outputSize(padding, data.inH, data.kH, strideH, dilationH);
  data.outW = outputSize(padding, data.inW, data.kW, strideW, dilationW);
  if (data.outH < 1 || data.outW < 1) return opFail(ERR_INVALID_MODEL, "the (dilated) kernel is larger than the input with VALID padding");
  if (dim(y, 0) != data.batches || dim(y, 1) != data.outH || dim(y, 2) != data.outW || dim(y, 3) != data.outC) {
    return outputTensorFail(op, 0, "does not have the shape the convolution produces");
  }
  data.padH = paddingBefore(strideH, dilationH, data.inH, data.kH, data.outH);
  data.padW = paddingBefore(strideW, dilationW, data.inW, data.kW, data.outW);
  data.accumulators = persistentAlloc(<u64>data.outC * 4 + 16);
  if (data.accumulators == 0) return false;

  if (!checkBias(op, data.outC)) return false;
  const b = hasBias ? input(op, 2) : changetype<Tensor>(0);
  if (x.type == TYPE_FLOAT32) {
    if (w.type != TYPE_FLOAT32) return unsupportedTypes(w, inputIndex(op, 1));
    if (y.type != TYPE_FLOAT32) return unsupportedTypes(y, outputIndex(op, 0));
    if (hasBias && b.type != TYPE_FLOAT32) return unsupportedTypes(b, inputIndex(op, 2));
    activationRangeFloat(act);
    data.actMinF = actMinF;
    data.actMaxF = actMaxF;
    return true;
  }
  if (x.type != TYPE_INT8) return unsupportedTypes(x, inputIndex(op, 0));
  if (w.type != TYPE_INT8) return unsupportedTypes(w, inputIndex(op, 1));
  if (y.type != TYPE_INT8) return unsupportedTypes(y, outputIndex(op, 0));
  if (hasBias && b.type != TYPE_INT32) return unsupportedTypes(b, inputIndex(op, 2));
  const ix = inputIndex(op, 0), iw = inputIndex(op, 1), iy = outputIndex(op, 0);
  if (!requireQuantized(x, ix) || !requireQuantized(w, iw) || !requireQuantized(y, iy)) return false;
  if (!requirePerTensor(x, ix) || !requirePerTensor(y, iy)) return false;
  if (!checkChannelWeights(op, data.outC, 3, "per-channel scales must run along dimension 3 (output channels)")) return false;
  data.inputOffset = -x.zeroPoint;
  data.outputOffset = y.zeroPoint;
  activationRangeQuantized(act, y);
  data.actMin = actMin;
  data.actMax = actMax;
  if (!prepareChannelMultipliers(x, w, y, data.outC, false)) return false;
  data.multipliers = multipliers;
  data.shifts = shifts;
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<DepthwiseData>(op.data);
  const x = input(op, 0);
  const w = input(op, 1);
  const bias = inputIndex(op, 2) >= 0 ? input(op, 2).data : 0;
  const y = output(op, 0);
  if (x.type == TYPE_FLOAT32) evalFloat(d, x.data, w.data, bias, y.data);
  else evalInt8(d, x.data, w.data, bias, y.data);
}

function evalInt8(d: DepthwiseData, x: usize, w: usize, bias: usize, y: usize): void {
  const acc = d.accumulators;
  const outC = d.outC;
  const mult = d.multiplier;
  const offset = d.inputOffset;
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      const iy0 = oy * d.strideH - d.padH;
      for (let ox = 0; ox < d.outW; ox++) {
        const ix0 = ox * d.strideW - d.padW;
        memory.fill(acc, 0, <usize>outC << 2);
        for (let fy = 0; fy < d.kH; fy++) {
          const iy = iy0 + fy * d.dilationH;
          if (iy < 0 || iy >= d.inH) continue;
          for (let fx = 0; fx < d.kW; fx++) {
            const ix = ix0 + fx * d.dilationW;
            if (ix < 0 || ix >= d.inW) continue;
            const xp = x + <usize>(((b * d.inH + iy) * d.inW + ix) * d.inC);
            const wp = w + <usize>((fy * d.kW + fx) * outC);
            let c = 0;
            if (ASC_FEATURE_SIMD) {
              if (mult == 1) {
                const off = i16x8.splat(<i16>offset);
                for (; c + 8 <= outC; c += 8) {
                  const xv = i16x8.add(i16x8.extend_low_i8x16_s(v128.load64_zero(xp + <usize>c)), off);
                  const wv = i16x8.extend_low_i8x16_s(v128.load64_zero(wp + <usize>c));
                  const a = acc + (<usize>c << 2);
                  v128.store(a, i32x4.add(v128.load(a), i32x4.extmul_low_i16x8_s(wv, xv)));
                  v128.store(a, i32x4.add(v128.load(a, 16), i32x4.extmul_high_i16x8_s(wv, xv)), 16);
                }
              }
            }
            for (; c < outC; c++) {
              const xv = <i32>load<i8>(xp + <usize>(c / mult)) + offset;
              store<i32>(acc + (<usize>c << 2), load<i32>(acc + (<usize>c << 2)) + <i32>load<i8>(wp + <usize>c) * xv);
            }
          }
        }
        const out = y + <usize>(((b * d.outH + oy) * d.outW + ox) * outC);
        for (let c = 0; c < outC; c++) {
          let a = load<i32>(acc + (<usize>c << 2));
          if (bias != 0) a += load<i32>(bias + (<usize>c << 2));
          store<i8>(out + <usize>c, <i8>requantizeChannel(a, d.multipliers, d.shifts, c, d.outputOffset, d.actMin, d.actMax));
        }
      }
    }
  }
}

function evalFloat(d: DepthwiseData, x: usize, w: usize, bias: usize, y: usize): void {
  const acc = d.accumulators; // reused as float accumulators
  const outC = d.outC;
  const mult = d.multiplier;
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      const iy0 = oy * d.strideH - d.padH;
      for (let ox = 0; ox < d.outW; ox++) {
        const ix0 = ox * d.strideW - d.padW;
        memory.fill(acc, 0, <usize>outC << 2);
        for (let fy = 0; fy < d.kH; fy++) {
          const iy = iy0 + fy * d.dilationH;
          if (iy < 0 || iy >= d.inH) continue;
          for (let fx = 0; fx < d.kW; fx++) {
            const ix = ix0 + fx * d.dilationW;
            if (ix < 0 || ix >= d.inW) continue;
            const xp = x + (<usize>(((b * d.inH + iy) * d.inW + ix) * d.inC) << 2);
            const wp = w + (<usize>((fy * d.kW + fx) * outC) << 2);
            let c = 0;
            if (ASC_FEATURE_SIMD) {
              if (mult == 1) {
                for (; c + 4 <= outC; c += 4) {
                  const a = acc + (<usize>c << 2);
                  v128.store(a, f32x4.add(v128.load(a), f32x4.mul(v128.load(wp + (<usize>c << 2)), v128.load(xp + (<usize>c << 2)))));
                }
              }
            }
            for (; c < outC; c++) {
              const a = acc + (<usize>c << 2);
              store<f32>(a, load<f32>(a) + load<f32>(wp + (<usize>c << 2)) * load<f32>(xp + (<usize>(c / mult) << 2)));
            }
          }
        }
        const out = y + (<usize>(((b * d.outH + oy) * d.outW + ox) * outC) << 2);
        for (let c = 0; c < outC; c++) {
          let a = load<f32>(acc + (<usize>c << 2));
          if (bias != 0) a += load<f32>(bias + (<usize>c << 2));
          store<f32>(out + (<usize>c << 2), min(max(a, d.actMinF), d.actMaxF));
        }
      }
    }
  }
}
