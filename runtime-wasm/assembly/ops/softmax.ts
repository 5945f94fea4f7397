// SOFTMAX over the last dimension.
// float32: exp(beta * (x - max)) / sum. int8 input (TFLM reference_ops::Softmax):
// differences from the row maximum are rescaled to Q5.26, exponentiated with
// gemmlowp's exp_on_negative_values, summed in Q12.19, and divided by the sum
// via a fixed-point reciprocal. A difference is one of 256 values, so prepare
// tabulates the exponential of each (the same function, computed once).
// Output int8 (scale 1/256, zero point -128) or
// int16 (scale 1/65536, zero point -32768), as TFLM allows.
// int16 input (TFLM SoftmaxInt16): differences from the row maximum are mapped
// so that [-65535, 0] covers [-10, 0], exponentiated through a 513-entry
// table, summed, and divided through a 1 / (1 + x) table. Output int16 with
// scale 1/32768, zero point 0.

import { Operator, input, output, inputIndex, outputIndex, dim } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, OPTIONS_SOFTMAX, SoftmaxOptions } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import {
  opFail,
  checkArity,
  checkOptionsType,
  options,
  unsupportedTypes,
  requireQuantized,
  requirePerTensor,
  allocOpData,
} from "../ops_common/operator";
import { readF32, scalarError } from "../flatbuffer";
import {
  quantizeMultiplier,
  qmMultiplier,
  qmShift,
  saturatingRoundingDoublingHighMul,
  roundingDivideByPOT,
} from "../fixedpoint";
import { expOnNegativeValues, oneOverOnePlusXForXIn01 } from "../gemmlowp";
import { persistentAlloc } from "../layout";
import { expF32 } from "../kernels/exp_f32";
import { LUT_ENTRIES, FUNCTION_EXP, FUNCTION_ONE_OVER_ONE_PLUS_X, generateLut, lookup } from "../kernels/int16_lut";
import { multiplyByQuantizedMultiplier, calculateInputRadius } from "../fixedpoint";
import { isFloat32, isInt8, isInt16 } from "../kernel_types";

const SCALED_DIFF_INTEGER_BITS: i32 = 5;
const ACCUMULATION_INTEGER_BITS: i32 = 12;

@unmanaged
class SoftmaxData {
  beta: f32;
  rows: i32;
  depth: i32;
  inputMultiplier: i32;
  inputLeftShift: i32;
  /**
   * int16 input: the exp and 1 / (1 + x) tables (513 int16 each). int8
   * input: [256] int32, entry k the Q0.31 exp of the difference -k, or -1
   * where the difference is below TFLite's diff_min (it then counts as 0).
   */
  expLut: usize;
  reciprocalLut: usize;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_SOFTMAX)) return false;
  const opts = options(op, OPTIONS_SOFTMAX);
  const beta = opts == 0 ? <f32>1 : readF32(opts, SoftmaxOptions.beta, 0);
  if (scalarError()) return false;
  if (!isFinite(beta) || !(beta > 0)) return opFail(ERR_INVALID_MODEL, "beta must be a positive finite number");
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.elements != y.elements) return opFail(ERR_INVALID_MODEL, "input and output sizes differ");
  if (x.rank < 1) return opFail(ERR_INVALID_MODEL, "input must have at least one dimension");
  const data = changetype<SoftmaxData>(allocOpData(op, offsetof<SoftmaxData>()));
  if (changetype<usize>(data) == 0) return false;
  data.beta = beta;
  data.depth = dim(x, x.rank - 1);
  data.rows = x.elements / data.depth;
  if (isFloat32(x.type)) {
    if (y.type != TYPE_FLOAT32) return unsupportedTypes(y, outputIndex(op, 0));
    return true;
  }
  if (x.type != TYPE_INT8 && x.type != TYPE_INT16) return unsupportedTypes(x, inputIndex(op, 0));
  if (!requireQuantized(x, inputIndex(op, 0)) || !requirePerTensor(x, inputIndex(op, 0))) return false;
  if (!requireQuantized(y, outputIndex(op, 0)) || !requirePerTensor(y, outputIndex(op, 0))) return false;
  if (isInt16(x.type)) return prepareInt16(data, x.scale, beta, y.type, y.scale, y.zeroPoint, outputIndex(op, 0));
  if (y.type == TYPE_INT8) {
    if (y.zeroPoint != -128 || y.scale != <f32>(1.0 / 256.0))
      return opFail(ERR_INVALID_MODEL, "int8 output must have scale 1/256 and zero point -128");
  } else if (y.type == TYPE_INT16) {
    if (y.zeroPoint != -32768 || y.scale != <f32>(1.0 / 65536.0))
      return opFail(ERR_INVALID_MODEL, "int16 output of an int8 softmax must have scale 1/65536 and zero point -32768");
  } else {
    return unsupportedTypes(y, outputIndex(op, 0));
  }
  // TFLite PreprocessSoftmaxScaling: beta * scale in Q5.26. TFLite caps it
  // below 2^31; from 2^30 up its shift is past 30, which its kernel cannot
  // apply (`1 << shift` is undefined in C), so that is refused here.
  const real: f64 = <f64>beta * <f64>x.scale * <f64>(1 << (31 - SCALED_DIFF_INTEGER_BITS));
  if (!(real > 1.0)) {
    return opFail(ERR_INVALID_MODEL, "beta times the input scale is too small for the integer softmax");
  }
  if (!quantizeMultiplier(real)) {
    return opFail(ERR_INVALID_MODEL, "beta times the input scale is too large for the integer softmax (16 or more)");
  }
  data.inputMultiplier = qmMultiplier;
  data.inputLeftShift = qmShift;
  const diffMin = -calculateInputRadius(SCALED_DIFF_INTEGER_BITS, qmShift, 31);
  data.expLut = persistentAlloc(256 * 4);
  if (data.expLut == 0) return false;
  for (let k = 0; k < 256; k++) {
    const e = -k >= diffMin ? expOnNegativeValues(scaledDiff(data, -k), SCALED_DIFF_INTEGER_BITS) : -1;
    store<i32>(data.expLut + (<usize>k << 2), e);
  }
  return true;
}

function prepareInt16(
  data: SoftmaxData,
  inputScale: f32,
  beta: f32,
  outputType: i32,
  outputScale: f32,
  outputZeroPoint: i32,
  outputTensor: i32,
): bool {
  if (outputType != TYPE_INT16) return opFail(ERR_INVALID_MODEL, "int16 softmax needs an int16 output");
  const target: f32 = <f32>1.0 / <f32>32768.0;
  if (outputZeroPoint != 0 || Mathf.abs(outputScale - target) > <f32>0.001 * target) {
    return opFail(ERR_INVALID_MODEL, "int16 output must have scale 1/32768 and zero point 0");
  }
  // Scale differences so that [-65535, 0] corresponds to [-10, 0].
  if (!quantizeMultiplier(<f64>inputScale * <f64>beta / (10.0 / 65535.0)))
    return opFail(ERR_INVALID_MODEL, "bad input scale or beta");
  data.inputMultiplier = qmMultiplier;
  data.inputLeftShift = qmShift;
  data.expLut = persistentAlloc(<u64>LUT_ENTRIES * 2);
  data.reciprocalLut = persistentAlloc(<u64>LUT_ENTRIES * 2);
  if (data.expLut == 0 || data.reciprocalLut == 0) return false;
  generateLut(FUNCTION_EXP, -10.0, 0.0, data.expLut);
  generateLut(FUNCTION_ONE_OVER_ONE_PLUS_X, 0.0, 1.0, data.reciprocalLut);
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<SoftmaxData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  if (isFloat32(x.type)) evalFloat(d, x.data, y.data);
  else if (isInt16(x.type)) evalInt16(d, x.data, y.data);
  else if (isInt8(x.type)) evalInt8(d, x.data, y.data, y.type == TYPE_INT16);
}

function evalInt16(d: SoftmaxData, xData: usize, yData: usize): void {
  const depth = d.depth;
  for (let r = 0; r < d.rows; r++) {
    const row = xData + (<usize>(r * depth) << 1);
    const out = yData + (<usize>(r * depth) << 1);
    let maxInRow: i32 = -32768;
    for (let c = 0; c < depth; c++) maxInRow = max(maxInRow, <i32>load<i16>(row + (<usize>c << 1)));
    // exp of each difference, kept in the output row until the sum is known (Q0.15; sum Q16.15).
    let sumOfExps: i32 = 0;
    for (let c = 0; c < depth; c++) {
      const diff = <i32>load<i16>(row + (<usize>c << 1)) - maxInRow;
      const scaled = multiplyByQuantizedMultiplier(diff, d.inputMultiplier, d.inputLeftShift) + 32767;
      const e = lookup(min(max(scaled, -32768), 32767), d.expLut);
      store<i16>(out + (<usize>c << 1), <i16>e);
      sumOfExps += <i32><i16>e;
    }
    const headroomPlusOne = <i32>clz<u32>(<u32>sumOfExps);
    const shiftedSum = <i32>(((<i64>sumOfExps << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
    const symShiftedSum = shiftedSum - ((1 << 15) + (1 << 16));
    const reciprocal = lookup(min(max(symShiftedSum, -32768), 32767), d.reciprocalLut);
    const rightShift = 31 - headroomPlusOne;
    const round: i64 = <i64>(1 << (rightShift - 1));
    for (let c = 0; c < depth; c++) {
      const e = <i64>load<i16>(out + (<usize>c << 1));
      const result = <i32>((e * <i64>reciprocal + round) >> rightShift);
      store<i16>(out + (<usize>c << 1), <i16>min(max(result, 0), 32767));
    }
  }
}

function evalFloat(d: SoftmaxData, xData: usize, yData: usize): void {
  const depth = d.depth;
  for (let r = 0; r < d.rows; r++) {
    const xi = xData + (<usize>(r * depth) << 2);
    const yo = yData + (<usize>(r * depth) << 2);
    let maxValue = load<f32>(xi);
    for (let c = 1; c < depth; c++) maxValue = max(maxValue, load<f32>(xi + (<usize>c << 2)));
    let sum: f32 = 0;
    for (let c = 0; c < depth; c++) {
      const e = expF32((load<f32>(xi + (<usize>c << 2)) - maxValue) * d.beta);
      store<f32>(yo + (<usize>c << 2), e);
      sum += e;
    }
    for (let c = 0; c < depth; c++) store<f32>(yo + (<usize>c << 2), load<f32>(yo + (<usize>c << 2)) / sum);
  }
}

// @ts-ignore: decorator
@inline
function scaledDiff(d: SoftmaxData, diff: i32): i32 {
  // MultiplyByQuantizedMultiplierGreaterThanOne
  return saturatingRoundingDoublingHighMul(diff << d.inputLeftShift, d.inputMultiplier);
}

function evalInt8(d: SoftmaxData, xData: usize, yData: usize, int16Output: bool): void {
  const depth = d.depth;
  const outputBits = int16Output ? 16 : 8;
  const outMin = int16Output ? -32768 : -128;
  const outMax = int16Output ? 32767 : 127;
  for (let r = 0; r < d.rows; r++) {
    const row = xData + <usize>(r * depth);
    let maxInRow: i32 = -128;
    for (let c = 0; c < depth; c++) maxInRow = max(maxInRow, <i32>load<i8>(row + <usize>c));

    let sumOfExps: i32 = 0; // Q12.19
    for (let c = 0; c < depth; c++) {
      const e = load<i32>(d.expLut + (<usize>(maxInRow - <i32>load<i8>(row + <usize>c)) << 2));
      if (e >= 0) sumOfExps += roundingDivideByPOT(e, ACCUMULATION_INTEGER_BITS);
    }

    // GetReciprocal: 1 / sum as a Q0 value and a power-of-two exponent.
    const headroomPlusOne = <i32>clz<u32>(<u32>sumOfExps);
    const numBitsOverUnit = ACCUMULATION_INTEGER_BITS - headroomPlusOne;
    const shiftedSumMinusOne = <i32>((<u32>sumOfExps << headroomPlusOne) - (<u32>1 << 31));
    const shiftedScale = oneOverOnePlusXForXIn01(shiftedSumMinusOne);

    for (let c = 0; c < depth; c++) {
      const e = load<i32>(d.expLut + (<usize>(maxInRow - <i32>load<i8>(row + <usize>c)) << 2));
      let out = outMin;
      if (e >= 0) {
        const unsat = roundingDivideByPOT(
          saturatingRoundingDoublingHighMul(shiftedScale, e),
          numBitsOverUnit + 31 - outputBits,
        );
        out = min(max(unsat + outMin, outMin), outMax);
      }
      if (int16Output) store<i16>(yData + (<usize>(r * depth + c) << 1), <i16>out);
      else store<i8>(yData + <usize>(r * depth + c), <i8>out);
    }
  }
}
