// MEAN over a constant set of axes (keep_dims or not).
// float32: per-output float sums in input order, divided by the count.
// int8/int16 (TFLM): with the same quantisation in and out, the integer sum
// divided by the count (truncating, as C++ integer division does); otherwise
// TFLM's QuantizedMeanOrSum: round(mean * s_in/s_out - zp_in * s_in/s_out) + zp_out
// in float32, clamped.

import { Operator, input, output, inputIndex, outputIndex, dim, isConstant, MAX_RANK } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, TYPE_INT32, OPTIONS_REDUCER, ReducerOptions } from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE } from "../status";
import {
  opFail,
  checkArity,
  checkOptionsType,
  options,
  unsupportedTypes,
  inputTensorFail,
  outputTensorFail,
  requireQuantized,
  requirePerTensor,
  allocOpData,
  typeMin,
  typeMax,
  currentOperatorIndex,
} from "../ops_common/operator";
import { readU8, scalarError } from "../flatbuffer";
import { requestScratch, scratchPointer } from "../planner";
import { roundHalfAwayF32 } from "../fixedpoint";
import { isFloat32 } from "../kernel_types";

@unmanaged
class MeanData {
  rank: i32;
  reducedMask: i32; // bit k set: dimension k is reduced
  count: i32; // elements averaged into each output
  sameQuantization: i32;
  scale: f32; // s_in / s_out
  bias: f32; // -zp_in * s_in / s_out
  outputZeroPoint: i32;
  qmin: i32;
  qmax: i32;
  scratch: i32;
}

let counters = memory.data(MAX_RANK * 4);

export function prepare(op: Operator): bool {
  if (!checkArity(op, 2, 2, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_REDUCER)) return false;
  const opts = options(op, OPTIONS_REDUCER);
  const keepDims = opts == 0 ? 0 : readU8(opts, ReducerOptions.keep_dims, 0);
  if (scalarError()) return false;
  const x = input(op, 0);
  const axes = input(op, 1);
  const y = output(op, 0);
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  if (x.type != TYPE_FLOAT32 && x.type != TYPE_INT8 && x.type != TYPE_INT16)
    return unsupportedTypes(x, inputIndex(op, 0));
  if (axes.type != TYPE_INT32) return unsupportedTypes(axes, inputIndex(op, 1));
  if (!isConstant(axes)) return opFail(ERR_UNSUPPORTED_FEATURE, "axes must be constant");
  const data = changetype<MeanData>(allocOpData(op, offsetof<MeanData>()));
  if (changetype<usize>(data) == 0) return false;
  data.rank = x.rank;
  let mask = 0;
  for (let i = 0; i < axes.elements; i++) {
    let a = load<i32>(axes.data + ((<usize>i) << 2));
    if (a < 0) a += x.rank;
    if (a < 0 || a >= x.rank) return inputTensorFail(op, 1, "names an axis outside the input's rank");
    mask |= 1 << a;
  }
  data.reducedMask = mask;
  let count = 1;
  let outElements = 1;
  for (let k = 0; k < x.rank; k++) {
    if ((mask & (1 << k)) != 0) count *= dim(x, k);
    else outElements *= dim(x, k);
  }
  data.count = count;
  if (y.elements != outElements) return outputTensorFail(op, 0, "does not have the reduced number of elements");
  if (keepDims != 0 && y.rank != x.rank) return outputTensorFail(op, 0, "must keep the input's rank (keep_dims)");
  data.scratch = requestScratch(currentOperatorIndex(), outElements * 4);
  if (data.scratch < 0) return opFail(ERR_UNSUPPORTED_FEATURE, "too many scratch buffers in one model");
  if (x.type == TYPE_FLOAT32) return true;
  if (!requireQuantized(x, inputIndex(op, 0)) || !requirePerTensor(x, inputIndex(op, 0))) return false;
  if (!requireQuantized(y, outputIndex(op, 0)) || !requirePerTensor(y, outputIndex(op, 0))) return false;
  data.sameQuantization = x.scale == y.scale && x.zeroPoint == y.zeroPoint ? 1 : 0;
  data.scale = x.scale / y.scale;
  data.bias = <f32>-x.zeroPoint * data.scale;
  // A tiny (subnormal) output scale makes the float32 rescaling infinite, and 0 * inf is NaN.
  if (!isFinite(data.scale) || !isFinite(data.bias))
    return opFail(ERR_INVALID_MODEL, "the input and output scales give a non-finite rescaling");
  data.outputZeroPoint = y.zeroPoint;
  data.qmin = typeMin(y.type);
  data.qmax = typeMax(y.type);
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<MeanData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  const sums = scratchPointer(d.scratch);
  const isFloat = isFloat32(x.type);
  memory.fill(sums, 0, (<usize>y.elements) << 2);
  const rank = d.rank;
  for (let k = 0; k < rank; k++) store<i32>(counters + ((<usize>k) << 2), 0);
  for (let i = 0; i < x.elements; i++) {
    // Output index: the input coordinates with the reduced dimensions dropped.
    let o = 0;
    for (let k = 0; k < rank; k++) {
      if ((d.reducedMask & (1 << k)) == 0) o = o * dim(x, k) + load<i32>(counters + ((<usize>k) << 2));
    }
    const at = sums + ((<usize>o) << 2);
    if (isFloat) store<f32>(at, load<f32>(at) + load<f32>(x.data + ((<usize>i) << 2)));
    else if (x.type == TYPE_INT8) store<i32>(at, load<i32>(at) + <i32>load<i8>(x.data + <usize>i));
    else store<i32>(at, load<i32>(at) + <i32>load<i16>(x.data + ((<usize>i) << 1)));
    for (let k = rank - 1; k >= 0; k--) {
      const c = load<i32>(counters + ((<usize>k) << 2)) + 1;
      if (c < dim(x, k)) {
        store<i32>(counters + ((<usize>k) << 2), c);
        break;
      }
      store<i32>(counters + ((<usize>k) << 2), 0);
    }
  }
  for (let o = 0; o < y.elements; o++) {
    const at = sums + ((<usize>o) << 2);
    if (isFloat) {
      store<f32>(y.data + ((<usize>o) << 2), load<f32>(at) / <f32>d.count);
      continue;
    }
    let v: i32;
    if (d.sameQuantization != 0) {
      v = load<i32>(at) / d.count;
    } else {
      const mean: f32 = <f32>load<i32>(at) / <f32>d.count;
      const r = roundHalfAwayF32(mean * d.scale + d.bias) + <f32>d.outputZeroPoint;
      v = <i32>min(max(r, <f32>d.qmin), <f32>d.qmax);
    }
    if (x.type == TYPE_INT8) store<i8>(y.data + <usize>o, <i8>v);
    else store<i16>(y.data + ((<usize>o) << 1), <i16>v);
  }
}
