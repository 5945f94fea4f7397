// MUL: output = act(input1 * input2), with broadcasting.
// Quantized (TFLM mul_common): out = zp_out + MBQM((x1 - zp1) * (x2 - zp2), M, shift)
// with M = s1 * s2 / s_out computed in double.

import { Operator, input, output, inputIndex, outputIndex } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, TYPE_INT32, OPTIONS_MUL, MulOptions } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import {
  Clamp, opFail, checkArity, checkOptionsType, options, readActivation, unsupportedTypes, requireQuantized,
  requirePerTensor, activationRangeQuantized, activationRangeFloat, allocOpData,
} from "../ops_common/operator";
import { quantizeMultiplier, qmMultiplier, qmShift, multiplyByQuantizedMultiplier } from "../fixedpoint";
import { Broadcast, prepareBroadcast, startWalk, next, offsetA, offsetB } from "../ops_common/broadcast";
import { isFloat32, isInt8, isInt16 } from "../kernel_types";

@unmanaged
class MulData extends Clamp {
  input1Offset: i32;
  input2Offset: i32;
  outputOffset: i32;
  multiplier: i32;
  shift: i32;
  broadcast: Broadcast;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 2, 2, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_MUL)) return false;
  const act = readActivation(options(op, OPTIONS_MUL), MulOptions.fused_activation_function);
  if (act < 0) return false;
  const a = input(op, 0);
  const b = input(op, 1);
  const y = output(op, 0);
  if (a.type != y.type) return unsupportedTypes(a, inputIndex(op, 0));
  if (b.type != y.type) return unsupportedTypes(b, inputIndex(op, 1));
  if (y.type != TYPE_FLOAT32 && y.type != TYPE_INT8 && y.type != TYPE_INT16 && y.type != TYPE_INT32) {
    return unsupportedTypes(y, outputIndex(op, 0));
  }
  const data = changetype<MulData>(allocOpData(op, offsetof<MulData>() + offsetof<Broadcast>()));
  if (changetype<usize>(data) == 0) return false;
  data.broadcast = changetype<Broadcast>(changetype<usize>(data) + offsetof<MulData>());
  if (!prepareBroadcast(data.broadcast, a, b, y))
    return opFail(ERR_INVALID_MODEL, "input shapes do not broadcast to the output shape");

  if (y.type == TYPE_FLOAT32) {
    activationRangeFloat(act, data);
    return true;
  }
  if (y.type == TYPE_INT32) return true;
  const ia = inputIndex(op, 0), ib = inputIndex(op, 1), iy = outputIndex(op, 0);
  if (!requireQuantized(a, ia) || !requireQuantized(b, ib) || !requireQuantized(y, iy)) return false;
  if (!requirePerTensor(a, ia) || !requirePerTensor(b, ib) || !requirePerTensor(y, iy)) return false;
  data.input1Offset = -a.zeroPoint;
  data.input2Offset = -b.zeroPoint;
  data.outputOffset = y.zeroPoint;
  if (!quantizeMultiplier(<f64>a.scale * <f64>b.scale / <f64>y.scale))
    return opFail(ERR_INVALID_MODEL, "quantization scales give a multiplier of 2^30 or more");
  data.multiplier = qmMultiplier;
  data.shift = qmShift;
  activationRangeQuantized(act, y, data);
  return true;
}

// @ts-ignore: decorator
@inline
function quantizedProduct(d: MulData, x1: i32, x2: i32): i32 {
  const product = (d.input1Offset + x1) * (d.input2Offset + x2);
  const raw = multiplyByQuantizedMultiplier(product, d.multiplier, d.shift) + d.outputOffset;
  return min(max(raw, d.actMin), d.actMax);
}

export function evaluate(op: Operator): void {
  const d = changetype<MulData>(op.data);
  const a = input(op, 0);
  const b = input(op, 1);
  const y = output(op, 0);
  const n = y.elements;
  const p = d.broadcast;
  const broadcast = p.needed != 0;
  startWalk();
  for (let i = 0; i < n; i++) {
    const ia = broadcast ? offsetA : i;
    const ib = broadcast ? offsetB : i;
    if (isFloat32(y.type)) {
      const r = load<f32>(a.data + (<usize>ia << 2)) * load<f32>(b.data + (<usize>ib << 2));
      store<f32>(y.data + (<usize>i << 2), min(max(r, d.actMinF), d.actMaxF));
    } else if (isInt8(y.type)) {
      store<i8>(
        y.data + <usize>i,
        <i8>quantizedProduct(d, <i32>load<i8>(a.data + <usize>ia), <i32>load<i8>(b.data + <usize>ib)),
      );
    } else if (isInt16(y.type)) {
      store<i16>(
        y.data + (<usize>i << 1),
        <i16>quantizedProduct(d, <i32>load<i16>(a.data + (<usize>ia << 1)), <i32>load<i16>(b.data + (<usize>ib << 1))),
      );
    } else {
      store<i32>(y.data + (<usize>i << 2), load<i32>(a.data + (<usize>ia << 2)) * load<i32>(b.data + (<usize>ib << 2)));
    }
    if (broadcast) next(p);
  }
}
