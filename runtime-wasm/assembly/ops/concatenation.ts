// CONCATENATION along one axis. Quantized inputs must share the output's
// scale and zero point (TFLM does not rescale here); no fused activation.

import { Operator, input, output, inputIndex, outputIndex, dim } from "../graph";
import {
  TYPE_FLOAT32,
  TYPE_INT8,
  TYPE_INT16,
  TYPE_INT32,
  TYPE_INT64,
  OPTIONS_CONCATENATION,
  ACT_NONE,
  ConcatenationOptions,
} from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE } from "../status";
import {
  opFail,
  checkArity,
  checkOptionsType,
  options,
  readActivation,
  unsupportedTypes,
  inputTensorFail,
  outputTensorFail,
  allocOpData,
} from "../ops_common/operator";
import { readI32, scalarError } from "../flatbuffer";

@unmanaged
class ConcatData {
  outer: i32; // product of the dimensions before the axis
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 64, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_CONCATENATION)) return false;
  const opts = options(op, OPTIONS_CONCATENATION);
  let axis = opts == 0 ? 0 : readI32(opts, ConcatenationOptions.axis, 0);
  if (scalarError()) return false;
  const activation = readActivation(opts, ConcatenationOptions.fused_activation_function);
  if (activation < 0) return false;
  if (activation != ACT_NONE)
    return opFail(ERR_UNSUPPORTED_FEATURE, "fused activation on CONCATENATION is not supported");
  const y = output(op, 0);
  if (axis < 0) axis += y.rank;
  if (axis < 0 || axis >= y.rank) return opFail(ERR_INVALID_MODEL, "axis is outside the output's rank");
  if (
    y.type != TYPE_FLOAT32 &&
    y.type != TYPE_INT8 &&
    y.type != TYPE_INT16 &&
    y.type != TYPE_INT32 &&
    y.type != TYPE_INT64
  ) {
    return unsupportedTypes(y, outputIndex(op, 0));
  }
  let total = 0;
  for (let i = 0; i < op.inputCount; i++) {
    if (inputIndex(op, i) < 0) return inputTensorFail(op, i, "is omitted");
    const t = input(op, i);
    if (t.type != y.type) return unsupportedTypes(t, inputIndex(op, i));
    if (t.rank != y.rank) return inputTensorFail(op, i, "does not have the output's rank");
    for (let k = 0; k < y.rank; k++) {
      if (k != axis && dim(t, k) != dim(y, k))
        return inputTensorFail(op, i, "differs from the output outside the concatenation axis");
    }
    if ((y.type == TYPE_INT8 || y.type == TYPE_INT16) && (t.scale != y.scale || t.zeroPoint != y.zeroPoint)) {
      return inputTensorFail(op, i, "must have the output's scale and zero point");
    }
    total += dim(t, axis);
  }
  if (total != dim(y, axis)) return outputTensorFail(op, 0, "does not have the concatenated size along the axis");
  const data = changetype<ConcatData>(allocOpData(op, offsetof<ConcatData>()));
  if (changetype<usize>(data) == 0) return false;
  let outer = 1;
  for (let k = 0; k < axis; k++) outer *= dim(y, k);
  data.outer = outer;
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<ConcatData>(op.data);
  const y = output(op, 0);
  let dst = y.data;
  for (let o = 0; o < d.outer; o++) {
    for (let i = 0; i < op.inputCount; i++) {
      const t = input(op, i);
      // Each input contributes (its extent along the axis) x (everything after it) per outer index.
      const chunk = <usize>(t.bytes / d.outer);
      memory.copy(dst, t.data + <usize>o * chunk, chunk);
      dst += chunk;
    }
  }
}
