// DEPTHWISE_CONV_2D: each input channel ic is convolved with depth_multiplier
// filters; output channel oc = ic * multiplier + m. Filter [1, kh, kw, out_c].
// float32 and int8 (per-channel filter scales along dimension 3). Taps
// outside the image are skipped, as in TFLM.
//
// prepare validates and precomputes (ops_common/window_conv.ts for what it shares with
// CONV_2D, then the multiplier, accumulators and, in the SIMD build, the
// per-lane requantisation); evaluate picks a loop of kernels/depthwise.ts:
// the MVP build's int8 words for multiplier 1, the windowed loop otherwise.

import { Operator, input, output, inputIndex } from "../graph";
import { TYPE_FLOAT32, OPTIONS_DEPTHWISE_CONV2D, DepthwiseConv2DOptions } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, options, inputTensorFail } from "../ops_common/operator";
import { readI32, scalarError } from "../flatbuffer";
import { persistentAlloc } from "../layout";
import { prepareWindowConv } from "../ops_common/window_conv";
import { prepareLaneRequantization } from "../ops_common/channel_quantization";
import { DepthwiseData } from "../ops_common/depthwise_data";
import { depthwiseWindows, depthwiseInt8Words } from "../kernels/depthwise";
import { isFloat32 } from "../kernel_types";
import { INT8_KERNELS } from "../build_types";

export function prepare(op: Operator): bool {
  const data = changetype<DepthwiseData>(
    prepareWindowConv(op, true, "must be a 4-D filter [1, height, width, out_channels]", offsetof<DepthwiseData>()),
  );
  if (changetype<usize>(data) == 0) return false;
  if (data.outC % data.inC != 0)
    return inputTensorFail(op, 1, "has an output depth that is not a multiple of the input's channels");
  data.multiplier = data.outC / data.inC;
  // The option is redundant in TFLite >= 2.0; when present it must agree.
  const opts = options(op, OPTIONS_DEPTHWISE_CONV2D);
  const declaredMultiplier = opts == 0 ? 0 : readI32(opts, DepthwiseConv2DOptions.depth_multiplier, 0);
  if (scalarError()) return false;
  if (declaredMultiplier > 0 && declaredMultiplier != data.multiplier)
    return opFail(ERR_INVALID_MODEL, "depth_multiplier disagrees with the filter and input shapes");
  data.accumulators = persistentAlloc(<u64>data.outC * 4 + 16);
  if (data.accumulators == 0) return false;
  if (!ASC_FEATURE_SIMD || !INT8_KERNELS || input(op, 0).type == TYPE_FLOAT32) return true;
  data.requantization = prepareLaneRequantization(
    data.multipliers,
    data.shifts,
    data.outC,
    (data.outC + 3) & ~3,
    1,
    data.outputOffset,
    data.actMin,
    data.actMax,
  );
  return data.requantization != 0;
}

export function evaluate(op: Operator): void {
  const d = changetype<DepthwiseData>(op.data);
  const x = input(op, 0);
  const bias = inputIndex(op, 2) >= 0 ? input(op, 2).data : 0;
  const float = isFloat32(x.type);
  if (!ASC_FEATURE_SIMD && !float && d.multiplier == 1)
    depthwiseInt8Words(d, x.data, input(op, 1).data, bias, output(op, 0).data);
  else depthwiseWindows(d, x.data, input(op, 1).data, bias, output(op, 0).data, float);
}
