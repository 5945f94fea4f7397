// RELU: max(x, 0). Quantized (TFLM ReluQuantized): rescale from the input's
// quantization to the output's, then clamp at the quantized zero.

import { Operator, input, output } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8 } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, checkArity, typeMin, typeMax, allocOpData, checkActivationTensors } from "./common";
import { quantizeMultiplier, qmMultiplier, qmShift, multiplyByQuantizedMultiplier } from "../fixedpoint";

@unmanaged
class ReluData {
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  multiplier: i32;
  shift: i32;
  actMin: i32;
  actMax: i32;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkActivationTensors(op, true)) return false;
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.type == TYPE_FLOAT32) return true;
  const data = changetype<ReluData>(allocOpData(op, offsetof<ReluData>()));
  if (changetype<usize>(data) == 0) return false;
  if (!quantizeMultiplier(<f64>x.scale / <f64>y.scale)) return opFail(ERR_INVALID_MODEL, "bad quantization scales");
  data.multiplier = qmMultiplier;
  data.shift = qmShift;
  data.inputZeroPoint = x.zeroPoint;
  data.outputZeroPoint = y.zeroPoint;
  // act_min = max(type min, zp_out + round(0 / scale)) = max(type min, zp_out)
  data.actMin = max(typeMin(y.type), y.zeroPoint);
  data.actMax = typeMax(y.type);
  return true;
}

export function evaluate(op: Operator): void {
  const x = input(op, 0);
  const y = output(op, 0);
  const n = y.elements;
  if (x.type == TYPE_FLOAT32) {
    for (let i = 0; i < n; i++) {
      const v = load<f32>(x.data + (<usize>i << 2));
      store<f32>(y.data + (<usize>i << 2), v > 0 ? v : <f32>0);
    }
    return;
  }
  const d = changetype<ReluData>(op.data);
  const is8 = x.type == TYPE_INT8;
  for (let i = 0; i < n; i++) {
    const v = is8 ? <i32>load<i8>(x.data + <usize>i) : <i32>load<i16>(x.data + (<usize>i << 1));
    let r = d.outputZeroPoint + multiplyByQuantizedMultiplier(v - d.inputZeroPoint, d.multiplier, d.shift);
    r = min(max(r, d.actMin), d.actMax);
    if (is8) store<i8>(y.data + <usize>i, <i8>r);
    else store<i16>(y.data + (<usize>i << 1), <i16>r);
  }
}
