// QUANTIZE: float32 -> int8/int16 (TFLite AffineQuantize: zp + roundf(x / scale)),
// and integer requantization int8/int16/int32 -> int8/int16/int32 (TFLite
// Requantize: zp_out + MBQM(x - zp_in, s_in / s_out)), as TFLM supports them.

import { Operator, input, output, inputIndex, outputIndex } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, TYPE_INT32 } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import {
  opFail,
  checkArity,
  unsupportedTypes,
  requireQuantized,
  requirePerTensor,
  typeMin,
  typeMax,
  allocOpData,
} from "../ops_common/operator";
import {
  quantizeMultiplier,
  qmMultiplier,
  qmShift,
  multiplyByQuantizedMultiplier,
  roundHalfAwayF32,
  saturatingF32ToI32,
} from "../fixedpoint";

@unmanaged
class QuantizeData {
  scale: f32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  multiplier: i32;
  shift: i32;
  qmin: i32;
  qmax: i32;
}

function isIntegerActivation(type: i32): bool {
  return type == TYPE_INT8 || type == TYPE_INT16 || type == TYPE_INT32;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.elements != y.elements) return opFail(ERR_INVALID_MODEL, "input and output sizes differ");
  const ix = inputIndex(op, 0),
    iy = outputIndex(op, 0);
  if (!isIntegerActivation(y.type) || (x.type == TYPE_FLOAT32 && y.type == TYPE_INT32)) return unsupportedTypes(y, iy);
  if (x.type != TYPE_FLOAT32 && !isIntegerActivation(x.type)) return unsupportedTypes(x, ix);
  if (x.type == TYPE_INT32 && y.type == TYPE_INT32) return unsupportedTypes(y, iy);
  if (!requireQuantized(y, iy) || !requirePerTensor(y, iy)) return false;
  const data = changetype<QuantizeData>(allocOpData(op, offsetof<QuantizeData>()));
  if (changetype<usize>(data) == 0) return false;
  data.scale = y.scale;
  data.outputZeroPoint = y.zeroPoint;
  data.qmin = typeMin(y.type);
  data.qmax = typeMax(y.type);
  if (x.type != TYPE_FLOAT32) {
    if (!requireQuantized(x, ix) || !requirePerTensor(x, ix)) return false;
    data.inputZeroPoint = x.zeroPoint;
    if (!quantizeMultiplier(<f64>x.scale / <f64>y.scale))
      return opFail(ERR_INVALID_MODEL, "quantization scales give a multiplier of 2^30 or more");
    data.multiplier = qmMultiplier;
    data.shift = qmShift;
  }
  return true;
}

function loadInteger(type: i32, ptr: usize, i: i32): i32 {
  if (type == TYPE_INT8) return <i32>load<i8>(ptr + <usize>i);
  if (type == TYPE_INT16) return <i32>load<i16>(ptr + ((<usize>i) << 1));
  return load<i32>(ptr + ((<usize>i) << 2));
}

function storeInteger(type: i32, ptr: usize, i: i32, v: i32): void {
  if (type == TYPE_INT8) store<i8>(ptr + <usize>i, <i8>v);
  else if (type == TYPE_INT16) store<i16>(ptr + ((<usize>i) << 1), <i16>v);
  else store<i32>(ptr + ((<usize>i) << 2), v);
}

export function evaluate(op: Operator): void {
  const d = changetype<QuantizeData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  const n = y.elements;
  if (x.type == TYPE_FLOAT32) {
    for (let i = 0; i < n; i++) {
      const q = saturatingF32ToI32(roundHalfAwayF32(load<f32>(x.data + ((<usize>i) << 2)) / d.scale));
      // zp + q may wrap only for absurd inputs; the clamp below matches TFLite for every finite input in range.
      const v = min(max(q + d.outputZeroPoint, d.qmin), d.qmax);
      storeInteger(y.type, y.data, i, v);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = loadInteger(x.type, x.data, i) - d.inputZeroPoint;
    const r = multiplyByQuantizedMultiplier(v, d.multiplier, d.shift) + d.outputZeroPoint;
    storeInteger(y.type, y.data, i, min(max(r, d.qmin), d.qmax));
  }
}
