// RELU6: min(max(x, 0), 6). Quantized (TFLM Relu6Quantized): input and output
// share quantization, so it is a clamp between the quantized 0 and 6.

import { Operator, input, output } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8 } from "../schema";
import { checkArity, typeMin, typeMax, allocOpData, checkActivationTensors } from "../ops_common/operator";
import { roundHalfAwayF32, saturatingF32ToI32 } from "../fixedpoint";

@unmanaged
class Relu6Data {
  zero: i32;
  six: i32;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkActivationTensors(op, false)) return false;
  const x = input(op, 0);
  if (x.type == TYPE_FLOAT32) return true;
  const data = changetype<Relu6Data>(allocOpData(op, offsetof<Relu6Data>()));
  if (changetype<usize>(data) == 0) return false;
  // TFLM FloatToQuantizedType: zero point + round(6 / scale), clamped to the type.
  const six = x.zeroPoint + saturatingF32ToI32(roundHalfAwayF32(<f32>6.0 / x.scale));
  data.zero = x.zeroPoint;
  data.six = min(max(six, typeMin(x.type)), typeMax(x.type));
  return true;
}

export function evaluate(op: Operator): void {
  const x = input(op, 0);
  const y = output(op, 0);
  const n = y.elements;
  if (x.type == TYPE_FLOAT32) {
    for (let i = 0; i < n; i++) {
      const v = load<f32>(x.data + ((<usize>i) << 2));
      store<f32>(y.data + ((<usize>i) << 2), v < 0 ? <f32>0 : v > 6 ? <f32>6 : v);
    }
    return;
  }
  const d = changetype<Relu6Data>(op.data);
  if (x.type == TYPE_INT8) {
    for (let i = 0; i < n; i++)
      store<i8>(y.data + <usize>i, <i8>min(max(<i32>load<i8>(x.data + <usize>i), d.zero), d.six));
  } else {
    for (let i = 0; i < n; i++) {
      store<i16>(y.data + ((<usize>i) << 1), <i16>min(max(<i32>load<i16>(x.data + ((<usize>i) << 1)), d.zero), d.six));
    }
  }
}
