// LEAKY_RELU: x > 0 ? x : alpha * x. Quantized (TFLM QuantizeLeakyRelu): two
// multipliers, identity (s_in / s_out) and alpha (s_in * alpha / s_out),
// both computed in float32 first, as TFLM does. int8: every input value's
// output tabulated at prepare and looked up (as RELU does); int16 rescales
// per element.

import { Operator, input, output } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, OPTIONS_LEAKY_RELU, LeakyReluOptions } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import {
  opFail,
  checkArity,
  checkOptionsType,
  options,
  typeMin,
  typeMax,
  allocOpData,
  checkActivationTensors,
} from "../ops_common/operator";
import { quantizeMultiplier, qmMultiplier, qmShift, multiplyByQuantizedMultiplier } from "../fixedpoint";
import { readF32, scalarError } from "../flatbuffer";
import { persistentAlloc } from "../layout";

@unmanaged
class LeakyReluData {
  alpha: f32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  identityMultiplier: i32;
  identityShift: i32;
  alphaMultiplier: i32;
  alphaShift: i32;
  qmin: i32;
  qmax: i32;
  table: usize; // int8: the output of each input value, indexed by value + 128
}

function rescale(d: LeakyReluData, x: i32): i32 {
  const v = x - d.inputZeroPoint;
  const r =
    v >= 0
      ? d.outputZeroPoint + multiplyByQuantizedMultiplier(v, d.identityMultiplier, d.identityShift)
      : d.outputZeroPoint + multiplyByQuantizedMultiplier(v, d.alphaMultiplier, d.alphaShift);
  return min(max(r, d.qmin), d.qmax);
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_LEAKY_RELU)) return false;
  const opts = options(op, OPTIONS_LEAKY_RELU);
  const alpha = opts == 0 ? <f32>0 : readF32(opts, LeakyReluOptions.alpha, 0);
  if (scalarError()) return false;
  if (!isFinite(alpha)) return opFail(ERR_INVALID_MODEL, "alpha is not a finite number");
  if (!checkActivationTensors(op, true)) return false;
  const x = input(op, 0);
  const y = output(op, 0);
  const data = changetype<LeakyReluData>(allocOpData(op, offsetof<LeakyReluData>()));
  if (changetype<usize>(data) == 0) return false;
  data.alpha = alpha;
  if (x.type == TYPE_FLOAT32) return true;
  data.inputZeroPoint = x.zeroPoint;
  data.outputZeroPoint = y.zeroPoint;
  if (!quantizeMultiplier(<f64>((x.scale * alpha) / y.scale))) return opFail(ERR_INVALID_MODEL, "bad alpha multiplier");
  data.alphaMultiplier = qmMultiplier;
  data.alphaShift = qmShift;
  if (!quantizeMultiplier(<f64>(x.scale / y.scale))) {
    return opFail(ERR_INVALID_MODEL, "quantization scales give a multiplier of 2^30 or more");
  }
  data.identityMultiplier = qmMultiplier;
  data.identityShift = qmShift;
  data.qmin = typeMin(y.type);
  data.qmax = typeMax(y.type);
  if (x.type == TYPE_INT8) {
    data.table = persistentAlloc(256);
    if (data.table == 0) return false;
    for (let v = -128; v < 128; v++) store<i8>(data.table + <usize>(v + 128), <i8>rescale(data, v));
  }
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<LeakyReluData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  const n = y.elements;
  if (x.type == TYPE_FLOAT32) {
    const alpha = d.alpha;
    for (let i = 0; i < n; i++) {
      const v = load<f32>(x.data + ((<usize>i) << 2));
      store<f32>(y.data + ((<usize>i) << 2), v > 0 ? v : v * alpha);
    }
    return;
  }
  if (x.type == TYPE_INT8) {
    const table = d.table + 128;
    for (let i = 0; i < n; i++) {
      store<u8>(y.data + <usize>i, load<u8>(table + <usize>(<isize>load<i8>(x.data + <usize>i))));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    store<i16>(y.data + ((<usize>i) << 1), <i16>rescale(d, <i32>load<i16>(x.data + ((<usize>i) << 1))));
  }
}
