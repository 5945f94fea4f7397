// TANH.
// float32: kernels/exp_f32.ts (vectorised). int8 (TFLM reference_integer_ops::Tanh):
// rescale the input to Q4.27, gemmlowp's fixed-point tanh to Q0.31, then to
// the output's fixed quantisation (scale 1/128, zero point 0).
// int16: the sigmoid-table kernel of sigmoid_int16.ts, as TFLM.

import { Operator, input, output, inputIndex, outputIndex } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16 } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, checkArity, unsupportedTypes, requireQuantized, requirePerTensor, allocOpData } from "./common";
import { tanhRowF32 } from "../kernels/exp_f32";
import { prepareInt16Sigmoid, tanhInt16, int16Multiplier, int16LeftShift } from "./sigmoid_int16";
import { prepareSigmoidInput, inputMultiplier, inputLeftShift, inputRangeRadius, sigmoidLikeInt8 } from "./sigmoid_int8";

@unmanaged
class TanhData {
  inputZeroPoint: i32;
  inputMultiplier: i32;
  inputLeftShift: i32;
  inputRangeRadius: i32;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.elements != y.elements) return opFail(ERR_INVALID_MODEL, "input and output sizes differ");
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  if (x.type == TYPE_FLOAT32) return true;
  if (x.type != TYPE_INT8 && x.type != TYPE_INT16) return unsupportedTypes(x, inputIndex(op, 0));
  if (!requireQuantized(x, inputIndex(op, 0)) || !requirePerTensor(x, inputIndex(op, 0))) return false;
  if (!requireQuantized(y, outputIndex(op, 0)) || !requirePerTensor(y, outputIndex(op, 0))) return false;
  if (x.type == TYPE_INT16) {
    const data16 = changetype<TanhData>(allocOpData(op, offsetof<TanhData>()));
    if (changetype<usize>(data16) == 0 || !prepareInt16Sigmoid(x, y, 1)) return false;
    data16.inputMultiplier = int16Multiplier;
    data16.inputLeftShift = int16LeftShift;
    return true;
  }
  if (y.zeroPoint != 0 || y.scale != <f32>(1.0 / 128.0)) return opFail(ERR_INVALID_MODEL, "int8 output must have scale 1/128 and zero point 0");
  const data = changetype<TanhData>(allocOpData(op, offsetof<TanhData>()));
  if (changetype<usize>(data) == 0) return false;
  prepareSigmoidInput(x.scale);
  data.inputZeroPoint = x.zeroPoint;
  data.inputMultiplier = inputMultiplier;
  data.inputLeftShift = inputLeftShift;
  data.inputRangeRadius = inputRangeRadius;
  return true;
}

export function evaluate(op: Operator): void {
  const x = input(op, 0);
  const y = output(op, 0);
  const n = y.elements;
  if (x.type == TYPE_FLOAT32) {
    tanhRowF32(x.data, y.data, n);
    return;
  }
  const d = changetype<TanhData>(op.data);
  if (x.type == TYPE_INT16) {
    tanhInt16(x.data, y.data, n, d.inputMultiplier, d.inputLeftShift);
    return;
  }
  sigmoidLikeInt8(x.data, y.data, n, d.inputZeroPoint, d.inputMultiplier, d.inputLeftShift, d.inputRangeRadius, true);
}
