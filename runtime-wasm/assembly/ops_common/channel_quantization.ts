// What FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D share about their
// weights: the checks on weights and bias, the per-output-channel multipliers
// TFLM precomputes in prepare, and the requantisation of every int8 output.

import { Tensor, Operator, input, inputIndex, isConstant, channelScale, channelZeroPoint } from "../graph";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE, Message } from "../status";
import { opFail, inputTensorFail } from "./operator";
import { quantizeMultiplier, qmMultiplier, qmShift, multiplyByQuantizedMultiplier } from "../fixedpoint";
import { persistentAlloc } from "../layout";
import { LaneRequantization, laneGroupBytes, makeLaneRequantization } from "../kernels/requantize_lanes";

/**
 * The per-channel requantisation TFLM precomputes in prepare: s_in *
 * s_weight[c] / s_out as a Q31 multiplier and a shift per channel, in a
 * persistent table of `channels` multipliers followed by `channels` shifts
 * (channelShifts gives where they start). TFLM computes the product in
 * double, except for FULLY_CONNECTED with one weight scale, where it
 * multiplies the two float scales in float first (`perTensorProductInFloat`).
 * Returns the table, or 0 after an error.
 */
export function prepareChannelMultipliers(
  x: Tensor, w: Tensor, y: Tensor, channels: i32, perTensorProductInFloat: bool,
): usize {
  const multipliers = persistentAlloc(<u64>channels * 8);
  if (multipliers == 0) return 0;
  const shifts = channelShifts(multipliers, channels);
  const perChannel = w.quantCount > 1;
  for (let c = 0; c < channels; c++) {
    let real: f64;
    if (!perChannel && perTensorProductInFloat) real = <f64>(x.scale * w.scale) / <f64>y.scale;
    else real = <f64>x.scale * <f64>channelScale(w, perChannel ? c : 0) / <f64>y.scale;
    if (!quantizeMultiplier(real)) {
      opFail(ERR_INVALID_MODEL, "quantization scales give a multiplier of 2^30 or more");
      return 0;
    }
    store<i32>(multipliers + (<usize>c << 2), qmMultiplier);
    store<i32>(shifts + (<usize>c << 2), qmShift);
  }
  return multipliers;
}

/** Where the shifts start in a table prepareChannelMultipliers made. */
export function channelShifts(multipliers: usize, channels: i32): usize {
  return multipliers + (<usize>channels << 2);
}

/**
 * SIMD build: a LaneRequantization (kernels/requantize_lanes.ts) in
 * persistent memory over per-channel multipliers and shifts (as
 * prepareChannelMultipliers makes them) of `groups` groups of `filters`
 * channels, `lanes` per group (a multiple of 4), with the output offset and
 * activation clamp. Returns its address, 0 when memory runs out.
 */
export function prepareLaneRequantization(
  channelMultipliers: usize,
  channelShifts: usize,
  filters: i32,
  lanes: i32,
  groups: i32,
  outputOffset: i32,
  actMin: i32,
  actMax: i32,
): usize {
  const rq = changetype<LaneRequantization>(persistentAlloc(offsetof<LaneRequantization>()));
  if (changetype<usize>(rq) == 0) return 0;
  rq.groups = persistentAlloc(laneGroupBytes(lanes * groups));
  if (rq.groups == 0) return 0;
  rq.outputOffset = outputOffset; rq.actMin = actMin; rq.actMax = actMax;
  makeLaneRequantization(rq, channelMultipliers, channelShifts, filters, lanes, groups);
  return changetype<usize>(rq);
}

/** acc (int32, bias included) -> output value for channel c, activation-clamped. */
// @ts-ignore: decorator
@inline
export function requantizeChannel(
  acc: i32,
  multipliers: usize,
  shifts: usize,
  c: i32,
  outputOffset: i32,
  actMin: i32,
  actMax: i32,
): i32 {
  const scaled = multiplyByQuantizedMultiplier(
    acc,
    load<i32>(multipliers + (<usize>c << 2)),
    load<i32>(shifts + (<usize>c << 2)),
  );
  return min(max(scaled + outputOffset, actMin), actMax);
}

/**
 * Input 1 holds int8 weights quantised symmetrically (zero point 0), with one
 * scale or one per channel along `axis` (which `axisName` names in errors).
 */
export function checkChannelWeights(op: Operator, channels: i32, axis: i32, axisName: Message): bool {
  const w = input(op, 1);
  if (w.quantCount != 1 && (w.quantCount != channels || w.quantDim != axis)) {
    return inputTensorFail(op, 1, axisName);
  }
  for (let c = 0; c < w.quantCount; c++) {
    if (channelZeroPoint(w, c) != 0) return inputTensorFail(op, 1, "int8 weights must be symmetric (zero point 0)");
  }
  return true;
}

/** The optional input 2 is a constant bias with one value per channel. */
export function checkBias(op: Operator, channels: i32): bool {
  if (inputIndex(op, 2) < 0) return true;
  const b = input(op, 2);
  if (b.elements != channels) return inputTensorFail(op, 2, "must have one bias per output channel");
  if (!isConstant(b)) return opFail(ERR_UNSUPPORTED_FEATURE, "bias must be constant");
  return true;
}

/**
 * out[r] = bias[r] (0 when bias is 0) + inputOffset * (sum of int8 row r of
 * w): the part of a quantised dot product with an input offset that does not
 * depend on the input, computed once at prepare. (inputOffset 1 and no bias
 * give the plain row sums.)
 */
export function biasPlusOffsetRowSums(
  w: usize,
  bias: usize,
  rows: i32,
  rowLength: i32,
  inputOffset: i32,
  out: usize,
): void {
  for (let r = 0; r < rows; r++) {
    let rowSum: i32 = 0;
    const row = w + <usize>r * <usize>rowLength;
    for (let k = 0; k < rowLength; k++) rowSum += <i32>load<i8>(row + <usize>k);
    store<i32>(out + (<usize>r << 2), (bias != 0 ? load<i32>(bias + (<usize>r << 2)) : 0) + inputOffset * rowSum);
  }
}
