// PRELU: x >= 0 ? x : alpha * x, alpha a tensor broadcast against x.
// Quantized (TFLM prelu): identity multiplier s_in / s_out and alpha
// multiplier s_in * s_alpha / s_out, both in double.

import { Operator, input, output, inputIndex, outputIndex } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16 } from "../schema";
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
import { quantizeMultiplier, qmMultiplier, qmShift, multiplyByQuantizedMultiplier } from "../fixedpoint";
import { Broadcast, prepareBroadcast, startWalk, next, offsetA, offsetB } from "../ops_common/broadcast";

@unmanaged
class PreluData {
  inputOffset: i32;
  alphaOffset: i32;
  outputOffset: i32;
  multiplier1: i32;
  shift1: i32;
  multiplier2: i32;
  shift2: i32;
  qmin: i32;
  qmax: i32;
  broadcast: Broadcast;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 2, 2, 1)) return false;
  const x = input(op, 0);
  const alpha = input(op, 1);
  const y = output(op, 0);
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  if (alpha.type != x.type) return unsupportedTypes(alpha, inputIndex(op, 1));
  if (x.type != TYPE_FLOAT32 && x.type != TYPE_INT8 && x.type != TYPE_INT16)
    return unsupportedTypes(x, inputIndex(op, 0));
  const data = changetype<PreluData>(allocOpData(op, offsetof<PreluData>() + offsetof<Broadcast>()));
  if (changetype<usize>(data) == 0) return false;
  data.broadcast = changetype<Broadcast>(changetype<usize>(data) + offsetof<PreluData>());
  if (!prepareBroadcast(data.broadcast, x, alpha, y))
    return opFail(ERR_INVALID_MODEL, "alpha does not broadcast against the input to the output shape");
  if (x.type == TYPE_FLOAT32) return true;
  const ix = inputIndex(op, 0),
    ia = inputIndex(op, 1),
    iy = outputIndex(op, 0);
  if (!requireQuantized(x, ix) || !requireQuantized(alpha, ia) || !requireQuantized(y, iy)) return false;
  if (!requirePerTensor(x, ix) || !requirePerTensor(alpha, ia) || !requirePerTensor(y, iy)) return false;
  if (!quantizeMultiplier(<f64>x.scale / <f64>y.scale))
    return opFail(ERR_INVALID_MODEL, "quantization scales give a multiplier of 2^30 or more");
  data.multiplier1 = qmMultiplier;
  data.shift1 = qmShift;
  if (!quantizeMultiplier((<f64>x.scale * <f64>alpha.scale) / <f64>y.scale))
    return opFail(ERR_INVALID_MODEL, "quantization scales give a multiplier of 2^30 or more");
  data.multiplier2 = qmMultiplier;
  data.shift2 = qmShift;
  data.inputOffset = -x.zeroPoint;
  data.alphaOffset = -alpha.zeroPoint;
  data.outputOffset = y.zeroPoint;
  data.qmin = typeMin(y.type);
  data.qmax = typeMax(y.type);
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<PreluData>(op.data);
  const x = input(op, 0);
  const alpha = input(op, 1);
  const y = output(op, 0);
  const n = y.elements;
  const p = d.broadcast;
  const broadcast = p.needed != 0;
  startWalk();
  for (let i = 0; i < n; i++) {
    const ix = broadcast ? offsetA : i;
    const ia = broadcast ? offsetB : i;
    if (x.type == TYPE_FLOAT32) {
      const v = load<f32>(x.data + ((<usize>ix) << 2));
      store<f32>(y.data + ((<usize>i) << 2), v >= 0 ? v : v * load<f32>(alpha.data + ((<usize>ia) << 2)));
    } else {
      const is8 = x.type == TYPE_INT8;
      const v = d.inputOffset + (is8 ? <i32>load<i8>(x.data + <usize>ix) : <i32>load<i16>(x.data + ((<usize>ix) << 1)));
      let r: i32;
      if (v >= 0) {
        r = multiplyByQuantizedMultiplier(v, d.multiplier1, d.shift1);
      } else {
        const a =
          d.alphaOffset +
          (is8 ? <i32>load<i8>(alpha.data + <usize>ia) : <i32>load<i16>(alpha.data + ((<usize>ia) << 1)));
        r = multiplyByQuantizedMultiplier(v * a, d.multiplier2, d.shift2);
      }
      r = min(max(r + d.outputOffset, d.qmin), d.qmax);
      if (is8) store<i8>(y.data + <usize>i, <i8>r);
      else store<i16>(y.data + ((<usize>i) << 1), <i16>r);
    }
    if (broadcast) next(p);
  }
}
