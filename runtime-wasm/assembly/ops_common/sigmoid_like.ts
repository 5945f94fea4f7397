// LOGISTIC and TANH share everything but the function: the same checks, the
// same per-operator data and the same three paths (float32: the vectorised
// kernels of kernels/exp_f32.ts; int8: TFLM's reference kernel, sigmoid_int8.ts;
// int16: TFLM's sigmoid table, sigmoid_int16.ts). Only the int8 output's
// fixed quantisation differs: 1/256 and zero point -128 for logistic, 1/128
// and 0 for tanh. logistic.ts and tanh.ts are the operators' entry points.

import { Operator, input, output } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16 } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, checkArity, allocOpData, checkActivationTensors } from "./operator";
import { sigmoidRowF32, tanhRowF32 } from "../kernels/exp_f32";
import { prepareInt16Sigmoid, logisticInt16, tanhInt16 } from "./sigmoid_int16";
import { prepareSigmoidInput, sigmoidLikeInt8 } from "./sigmoid_int8";
import { SigmoidInput } from "./sigmoid_input";
import { isFloat32, isInt8, isInt16 } from "../kernel_types";

export function prepareSigmoidLike(op: Operator, isTanh: bool): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkActivationTensors(op, true)) return false;
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.type == TYPE_FLOAT32) return true;
  if (x.type == TYPE_INT8) {
    if (isTanh) {
      if (y.zeroPoint != 0 || y.scale != <f32>(1.0 / 128.0))
        return opFail(ERR_INVALID_MODEL, "int8 output must have scale 1/128 and zero point 0");
    } else if (y.zeroPoint != -128 || y.scale != <f32>(1.0 / 256.0)) {
      return opFail(ERR_INVALID_MODEL, "int8 output must have scale 1/256 and zero point -128");
    }
  }
  const data = changetype<SigmoidInput>(allocOpData(op, offsetof<SigmoidInput>()));
  if (changetype<usize>(data) == 0) return false;
  if (isInt16(x.type)) return prepareInt16Sigmoid(x, y, isTanh ? 1 : 0, data);
  prepareSigmoidInput(x.scale, x.zeroPoint, data);
  return true;
}

export function evaluateSigmoidLike(op: Operator, isTanh: bool): void {
  const x = input(op, 0);
  const y = output(op, 0);
  const n = y.elements;
  if (isFloat32(x.type)) {
    if (isTanh) tanhRowF32(x.data, y.data, n);
    else sigmoidRowF32(x.data, y.data, n);
    return;
  }
  const d = changetype<SigmoidInput>(op.data);
  if (isInt16(x.type)) {
    if (isTanh) tanhInt16(x.data, y.data, n, d.multiplier, d.leftShift);
    else logisticInt16(x.data, y.data, n, d.multiplier, d.leftShift);
    return;
  }
  if (isInt8(x.type)) sigmoidLikeInt8(x.data, y.data, n, d.zeroPoint, d.multiplier, d.leftShift, d.rangeRadius, isTanh);
}
