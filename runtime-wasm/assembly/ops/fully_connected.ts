// FULLY_CONNECTED: output[b, u] = act(bias[u] + sum_k weights[u, k] * input[b, k]).
//
// Types: float32; int8 activations with int8 weights (per-tensor or per-channel)
// and int32 bias; int16 activations with int8 weights and int64 bias (16x8).
// Integer arithmetic follows TFLite Micro's reference kernel exactly. The int8
// path folds the input zero point into a per-unit constant computed here:
//   sum_k w[u,k] * (x[k] + input_offset) = dot(w[u], x) + input_offset * sum_k w[u,k]
// which is an identity in wrapping int32 arithmetic, so results are unchanged.
// The SIMD build requantises four units at once with a multiplier and shift
// per lane (kernels/requantize_lanes.ts), lane by lane TFLite's arithmetic.

import { Operator, Tensor, input, output, inputIndex, outputIndex, dim } from "../graph";
import {
  TYPE_FLOAT32,
  TYPE_INT8,
  TYPE_INT16,
  TYPE_INT32,
  TYPE_INT64,
  OPTIONS_FULLY_CONNECTED,
  FullyConnectedOptions,
} from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE } from "../status";
import {
  Clamp, opFail, checkArity, checkOptionsType, options, readActivation, unsupportedTypes, inputTensorFail,
  outputTensorFail, requireQuantized, requirePerTensor, activationRangeQuantized, activationRangeFloat, allocOpData,
} from "../ops_common/operator";
import { readU8, scalarError } from "../flatbuffer";
import { multiplyByQuantizedMultiplier64 } from "../fixedpoint";
import {
  prepareChannelMultipliers, channelShifts, prepareLaneRequantization, requantizeChannel, checkChannelWeights,
  checkBias, biasPlusOffsetRowSums,
} from "../ops_common/channel_quantization";
import { persistentAlloc } from "../layout";
import { dotI8, dotI8x4, dotF32, dotF32x4 } from "../kernels/dot";
import { LaneRequantization, storeRequantized4 } from "../kernels/requantize_lanes";
import { isConstant } from "../graph";
import { isFloat32, isInt8, isInt16 } from "../kernel_types";
import { INT8_KERNELS } from "../build_types";

@unmanaged
class FullyConnectedData extends Clamp {
  batches: i32;
  units: i32;
  depth: i32;
  inputOffset: i32;
  outputOffset: i32;
  /** Per-unit multipliers and shifts (i32 arrays of `units` entries). */
  multipliers: usize;
  shifts: usize;
  /** int8: per-unit bias + input_offset * sum of weights (i32 array). */
  rowConstants: usize;
  /** Four dot products at a time need a 16-byte landing spot. */
  dots: usize;
  /** SIMD build, int8: LaneRequantization over the units, four at a time. */
  requantization: usize;
}


export function prepare(op: Operator): bool {
  if (!checkArity(op, 2, 3, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_FULLY_CONNECTED)) return false;
  const opts = options(op, OPTIONS_FULLY_CONNECTED);
  const act = readActivation(opts, FullyConnectedOptions.fused_activation_function);
  if (act < 0) return false;
  const weightsFormat = opts == 0 ? 0 : readU8(opts, FullyConnectedOptions.weights_format, 0);
  if (scalarError()) return false;
  if (weightsFormat != 0) return opFail(ERR_UNSUPPORTED_FEATURE, "shuffled weights format is not supported");

  const x = input(op, 0);
  const w = input(op, 1);
  const hasBias = inputIndex(op, 2) >= 0;
  const y = output(op, 0);

  if (w.rank != 2) return inputTensorFail(op, 1, "must be a 2-D weights matrix [units, depth]");
  if (!isConstant(w)) return opFail(ERR_UNSUPPORTED_FEATURE, "weights must be constant");
  const units = dim(w, 0);
  const depth = dim(w, 1);
  if (x.elements % depth != 0)
    return inputTensorFail(op, 0, "has an element count that is not a multiple of the weights' depth");
  const batches = x.elements / depth;
  if (y.elements != batches * units)
    return outputTensorFail(op, 0, "has the wrong number of elements (batches x units)");
  if (!checkBias(op, units)) return false;
  const b = hasBias ? input(op, 2) : changetype<Tensor>(0);

  const data = changetype<FullyConnectedData>(allocOpData(op, offsetof<FullyConnectedData>()));
  if (changetype<usize>(data) == 0) return false;
  data.batches = batches;
  data.units = units;
  data.depth = depth;
  data.dots = persistentAlloc(16);
  if (data.dots == 0) return false;

  if (isFloat32(x.type)) {
    if (w.type != TYPE_FLOAT32) return unsupportedTypes(w, inputIndex(op, 1));
    if (y.type != TYPE_FLOAT32) return unsupportedTypes(y, outputIndex(op, 0));
    if (hasBias && b.type != TYPE_FLOAT32) return unsupportedTypes(b, inputIndex(op, 2));
    activationRangeFloat(act, data);
    return true;
  }

  const is16 = x.type == TYPE_INT16;
  if (x.type != TYPE_INT8 && !is16) return unsupportedTypes(x, inputIndex(op, 0));
  if (w.type != TYPE_INT8) return unsupportedTypes(w, inputIndex(op, 1));
  if (y.type != x.type) return unsupportedTypes(y, outputIndex(op, 0));
  if (hasBias && b.type != (is16 ? TYPE_INT64 : TYPE_INT32)) return unsupportedTypes(b, inputIndex(op, 2));
  if (
    !requireQuantized(x, inputIndex(op, 0)) ||
    !requireQuantized(w, inputIndex(op, 1)) ||
    !requireQuantized(y, outputIndex(op, 0))
  )
    return false;
  if (!requirePerTensor(x, inputIndex(op, 0)) || !requirePerTensor(y, outputIndex(op, 0))) return false;
  if (!checkChannelWeights(op, units, 0, "per-channel scales must run along dimension 0 (units)")) return false;
  if (is16 && (x.zeroPoint != 0 || y.zeroPoint != 0))
    return opFail(ERR_INVALID_MODEL, "int16 activations must be symmetric (zero point 0)");

  data.inputOffset = -x.zeroPoint;
  data.outputOffset = y.zeroPoint;
  activationRangeQuantized(act, y, data);
  // TFLM: per-tensor weights multiply the two float scales in float first.
  data.multipliers = prepareChannelMultipliers(x, w, y, units, true);
  if (data.multipliers == 0) return false;
  data.shifts = channelShifts(data.multipliers, units);
  data.rowConstants = persistentAlloc(<u64>units * 4);
  if (data.rowConstants == 0) return false;

  if (is16 || !INT8_KERNELS) return true;
  biasPlusOffsetRowSums(w.data, hasBias ? b.data : 0, units, depth, data.inputOffset, data.rowConstants);
  if (!ASC_FEATURE_SIMD) return true;
  data.requantization = prepareLaneRequantization(
    data.multipliers,
    data.shifts,
    units,
    (units + 3) & ~3,
    1,
    data.outputOffset,
    data.actMin,
    data.actMax,
  );
  return data.requantization != 0;
}

export function evaluate(op: Operator): void {
  const data = changetype<FullyConnectedData>(op.data);
  const x = input(op, 0);
  const w = input(op, 1);
  const y = output(op, 0);
  if (isFloat32(x.type)) {
    evalFloat(data, x, w, inputIndex(op, 2) >= 0 ? input(op, 2).data : 0, y);
  } else if (isInt8(x.type)) {
    evalInt8(data, x, w, y);
  } else if (isInt16(x.type)) {
    evalInt16(data, x, w, inputIndex(op, 2) >= 0 ? input(op, 2).data : 0, y);
  }
}

function evalFloat(data: FullyConnectedData, x: Tensor, w: Tensor, bias: usize, y: Tensor): void {
  const units = data.units;
  const depth = data.depth;
  const lo = data.actMinF;
  const hi = data.actMaxF;
  const dots = data.dots;
  const rowBytes = <usize>depth << 2;
  for (let b = 0; b < data.batches; b++) {
    const xrow = x.data + (<usize>(b * depth) << 2);
    const yrow = y.data + (<usize>(b * units) << 2);
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const row = w.data + (<usize>(u * depth) << 2);
      dotF32x4(row, row + rowBytes, row + 2 * rowBytes, row + 3 * rowBytes, xrow, depth, dots);
      for (let k = 0; k < 4; k++) {
        let acc = load<f32>(dots + (<usize>k << 2));
        if (bias != 0) acc += load<f32>(bias + (<usize>(u + k) << 2));
        store<f32>(yrow + (<usize>(u + k) << 2), min(max(acc, lo), hi));
      }
    }
    for (; u < units; u++) {
      let acc = dotF32(w.data + (<usize>(u * depth) << 2), xrow, depth);
      if (bias != 0) acc += load<f32>(bias + (<usize>u << 2));
      store<f32>(yrow + (<usize>u << 2), min(max(acc, lo), hi));
    }
  }
}

// @ts-ignore: decorator
@inline
function requantizeInt8(data: FullyConnectedData, u: i32, dot: i32): i32 {
  return requantizeChannel(
    dot + load<i32>(data.rowConstants + (<usize>u << 2)),
    data.multipliers,
    data.shifts,
    u,
    data.outputOffset,
    data.actMin,
    data.actMax,
  );
}

function evalInt8(data: FullyConnectedData, x: Tensor, w: Tensor, y: Tensor): void {
  const units = data.units;
  const depth = data.depth;
  const dots = data.dots;
  for (let b = 0; b < data.batches; b++) {
    const xrow = x.data + <usize>(b * depth);
    const yrow = y.data + <usize>(b * units);
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const row = w.data + <usize>(u * depth);
      dotI8x4(row, row + <usize>depth, row + <usize>(2 * depth), row + <usize>(3 * depth), xrow, depth, dots);
      if (ASC_FEATURE_SIMD) {
        // The four units' requantisations at once (kernels/requantize_lanes.ts).
        const sums = i32x4.add(v128.load(dots), v128.load(data.rowConstants + (<usize>u << 2)));
        storeRequantized4(yrow + <usize>u, changetype<LaneRequantization>(data.requantization), u >> 2, sums);
        continue;
      }
      store<i8>(yrow + <usize>u, <i8>requantizeInt8(data, u, load<i32>(dots)));
      store<i8>(yrow + <usize>u + 1, <i8>requantizeInt8(data, u + 1, load<i32>(dots, 4)));
      store<i8>(yrow + <usize>u + 2, <i8>requantizeInt8(data, u + 2, load<i32>(dots, 8)));
      store<i8>(yrow + <usize>u + 3, <i8>requantizeInt8(data, u + 3, load<i32>(dots, 12)));
    }
    for (; u < units; u++) {
      const dot = dotI8(w.data + <usize>(u * depth), xrow, depth);
      store<i8>(yrow + <usize>u, <i8>requantizeInt8(data, u, dot));
    }
  }
}

function evalInt16(data: FullyConnectedData, x: Tensor, w: Tensor, bias: usize, y: Tensor): void {
  const units = data.units;
  const depth = data.depth;
  for (let b = 0; b < data.batches; b++) {
    const xrow = x.data + (<usize>(b * depth) << 1);
    const yrow = y.data + (<usize>(b * units) << 1);
    for (let u = 0; u < units; u++) {
      const row = w.data + <usize>(u * depth);
      let acc: i64 = 0;
      for (let k = 0; k < depth; k++) {
        acc += <i64>(<i32>load<i8>(row + <usize>k) * <i32>load<i16>(xrow + (<usize>k << 1)));
      }
      if (bias != 0) acc += load<i64>(bias + (<usize>u << 3));
      let out = multiplyByQuantizedMultiplier64(
        acc,
        load<i32>(data.multipliers + (<usize>u << 2)),
        load<i32>(data.shifts + (<usize>u << 2)),
      );
      out += data.outputOffset;
      store<i16>(yrow + (<usize>u << 1), <i16>min(max(out, data.actMin), data.actMax));
    }
  }
}
