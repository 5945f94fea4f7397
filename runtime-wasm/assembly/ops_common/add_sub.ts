// Shared prepare/eval for ADD and SUB (TFLM's add_common / sub_common): the
// two operators differ only in the sign of the second operand. Quantized
// inputs are rescaled to a common scale with `left_shift` bits of headroom
// (20 for int8, 15 for int16), added, then rescaled to the output.

import { Operator, Tensor, input, output, inputIndex, outputIndex, sameShape } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, TYPE_INT32, OPTIONS_ADD, AddOptions, SubOptions } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import {
  Clamp, opFail, checkArity, checkOptionsType, options, readActivation, unsupportedTypes, requireQuantized,
  requirePerTensor, activationRangeQuantized, activationRangeFloat, allocOpData,
} from "./operator";
import {
  quantizeMultiplier, qmMultiplier, qmShift, multiplyByQuantizedMultiplierSmallerThanOneExp,
} from "../fixedpoint";
import { Broadcast, prepareBroadcast, startWalk, next, offsetA, offsetB } from "./broadcast";
import { isFloat32, isInt8, isInt16 } from "../kernel_types";

@unmanaged
export class ArithmeticData extends Clamp {
  input1Offset: i32;
  input2Offset: i32;
  outputOffset: i32;
  leftShift: i32;
  input1Multiplier: i32;
  input1Shift: i32;
  input2Multiplier: i32;
  input2Shift: i32;
  outputMultiplier: i32;
  outputShift: i32;
  // Broadcast record follows inline.
  broadcast: Broadcast;
}


/** Validates shapes, types and options; precomputes multipliers. `optionsType` is AddOptions or SubOptions. */
export function prepareArithmetic(op: Operator, optionsType: i32): bool {
  if (!checkArity(op, 2, 2, 1)) return false;
  if (!checkOptionsType(op, optionsType)) return false;
  const act = readActivation(
    options(op, optionsType),
    optionsType == OPTIONS_ADD ? AddOptions.fused_activation_function : SubOptions.fused_activation_function,
  );
  if (act < 0) return false;
  const a = input(op, 0);
  const b = input(op, 1);
  const y = output(op, 0);
  if (a.type != y.type) return unsupportedTypes(a, inputIndex(op, 0));
  if (b.type != y.type) return unsupportedTypes(b, inputIndex(op, 1));
  if (y.type != TYPE_FLOAT32 && y.type != TYPE_INT8 && y.type != TYPE_INT16 && y.type != TYPE_INT32) {
    return unsupportedTypes(y, outputIndex(op, 0));
  }

  const bytes = offsetof<ArithmeticData>() + offsetof<Broadcast>();
  const data = changetype<ArithmeticData>(allocOpData(op, bytes));
  if (changetype<usize>(data) == 0) return false;
  data.broadcast = changetype<Broadcast>(changetype<usize>(data) + offsetof<ArithmeticData>());
  if (!prepareBroadcast(data.broadcast, a, b, y))
    return opFail(ERR_INVALID_MODEL, "input shapes do not broadcast to the output shape");

  if (y.type == TYPE_FLOAT32) {
    activationRangeFloat(act, data);
    return true;
  }
  if (y.type == TYPE_INT32) {
    // Quantisation parameters on int32 tensors are ignored, as TFLite does (and MUL here).
    data.actMin = i32.MIN_VALUE;
    data.actMax = i32.MAX_VALUE;
    return true;
  }
  const ia = inputIndex(op, 0), ib = inputIndex(op, 1), iy = outputIndex(op, 0);
  if (!requireQuantized(a, ia) || !requireQuantized(b, ib) || !requireQuantized(y, iy)) return false;
  if (!requirePerTensor(a, ia) || !requirePerTensor(b, ib) || !requirePerTensor(y, iy)) return false;

  data.input1Offset = -a.zeroPoint;
  data.input2Offset = -b.zeroPoint;
  data.outputOffset = y.zeroPoint;
  data.leftShift = y.type == TYPE_INT16 ? 15 : 20;
  // TFLite's multipliers, each checked to lie in (0, 1). The inputs' are in
  // (0, 0.5] by construction; the output's is the ratio of two float32
  // scales (times a power of two), so below 1 it is at most 1 - 2^-24 and its
  // Q31 significand cannot round up to 1 (shift <= 0 holds).
  const twiceMaxInputScale: f64 = 2.0 * <f64>max(a.scale, b.scale);
  quantizeMultiplier(<f64>a.scale / twiceMaxInputScale);
  data.input1Multiplier = qmMultiplier;
  data.input1Shift = qmShift;
  quantizeMultiplier(<f64>b.scale / twiceMaxInputScale);
  data.input2Multiplier = qmMultiplier;
  data.input2Shift = qmShift;
  const outputReal = twiceMaxInputScale / (<f64>(1 << data.leftShift) * <f64>y.scale);
  if (!(outputReal < 1)) {
    return opFail(ERR_INVALID_MODEL, "quantization scales give a rescaling multiplier outside (0, 1)");
  }
  quantizeMultiplier(outputReal);
  data.outputMultiplier = qmMultiplier;
  data.outputShift = qmShift;
  activationRangeQuantized(act, y, data);
  return true;
}

// @ts-ignore: decorator
@inline
function quantizedElement(d: ArithmeticData, x1: i32, x2: i32, subtract: bool): i32 {
  const shifted1 = (d.input1Offset + x1) << d.leftShift;
  const shifted2 = (d.input2Offset + x2) << d.leftShift;
  const scaled1 = multiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, d.input1Multiplier, d.input1Shift);
  const scaled2 = multiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, d.input2Multiplier, d.input2Shift);
  const raw = subtract ? scaled1 - scaled2 : scaled1 + scaled2;
  const out = multiplyByQuantizedMultiplierSmallerThanOneExp(raw, d.outputMultiplier, d.outputShift) + d.outputOffset;
  return min(max(out, d.actMin), d.actMax);
}

export function evalArithmetic(op: Operator, subtract: bool): void {
  const d = changetype<ArithmeticData>(op.data);
  const a = input(op, 0);
  const b = input(op, 1);
  const y = output(op, 0);
  const n = y.elements;
  const p = d.broadcast;
  const broadcast = p.needed != 0;
  startWalk();
  if (isFloat32(y.type)) {
    for (let i = 0; i < n; i++) {
      const ia = broadcast ? offsetA : i;
      const ib = broadcast ? offsetB : i;
      const x1 = load<f32>(a.data + (<usize>ia << 2));
      const x2 = load<f32>(b.data + (<usize>ib << 2));
      const r = subtract ? x1 - x2 : x1 + x2;
      store<f32>(y.data + (<usize>i << 2), min(max(r, d.actMinF), d.actMaxF));
      if (broadcast) next(p);
    }
  } else if (isInt8(y.type)) {
    for (let i = 0; i < n; i++) {
      const ia = broadcast ? offsetA : i;
      const ib = broadcast ? offsetB : i;
      const r = quantizedElement(d, <i32>load<i8>(a.data + <usize>ia), <i32>load<i8>(b.data + <usize>ib), subtract);
      store<i8>(y.data + <usize>i, <i8>r);
      if (broadcast) next(p);
    }
  } else if (isInt16(y.type)) {
    for (let i = 0; i < n; i++) {
      const ia = broadcast ? offsetA : i;
      const ib = broadcast ? offsetB : i;
      const r = quantizedElement(
        d,
        <i32>load<i16>(a.data + (<usize>ia << 1)),
        <i32>load<i16>(b.data + (<usize>ib << 1)),
        subtract,
      );
      store<i16>(y.data + (<usize>i << 1), <i16>r);
      if (broadcast) next(p);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const ia = broadcast ? offsetA : i;
      const ib = broadcast ? offsetB : i;
      const x1 = load<i32>(a.data + (<usize>ia << 2));
      const x2 = load<i32>(b.data + (<usize>ib << 2));
      store<i32>(y.data + (<usize>i << 2), subtract ? x1 - x2 : x1 + x2);
      if (broadcast) next(p);
    }
  }
}
