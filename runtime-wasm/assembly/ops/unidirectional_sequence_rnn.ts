// UNIDIRECTIONAL_SEQUENCE_RNN: the Elman network (Elman 1990),
//   h_t = act(W x_t + U h_(t-1) + b),   output_t = h_t
// Inputs: 0 x [batch, time, features] (or [time, batch, features] if
// time_major), 1 W [units, features], 2 U [units, units], 3 b [units],
// 4 h (variable tensor [batch, units]); output [batch, time, units].
//
// float32: everything float. int8: TFLite's only integer form of this
// operator, "hybrid": int8 symmetric weights with float input, bias, state
// and output. Each step quantises the x row and the h row to int8 on the fly
// (symmetric with scale max|v|/127, or asymmetric when the options say
// asymmetric_quantize_inputs), takes exact int32 dot products, and scales
// them back to float: out = b + dot(W, qx) * (sx * sW) + dot(U, qh) * (sh * sU),
// in that order and in float32, as TFLite does.
//
// Activations: NONE, RELU, RELU_N1_TO_1, RELU6, TANH (the schema's fused
// activations; it has no sigmoid). State persists across invoke() until
// resetState(), so a one-step model can be streamed.

import { Operator, input, output, inputIndex, outputIndex, dim, isConstant, FLAG_VARIABLE } from "../graph";
import {
  TYPE_FLOAT32,
  TYPE_INT8,
  OPTIONS_SEQUENCE_RNN,
  ACT_NONE,
  ACT_RELU,
  ACT_RELU_N1_TO_1,
  ACT_RELU6,
  ACT_TANH,
  SequenceRNNOptions,
} from "../schema";
import { ERR_UNSUPPORTED_FEATURE } from "../status";
import {
  Clamp, opFail, checkArity, checkOptionsType, options, unsupportedTypes, inputTensorFail, outputTensorFail,
  allocOpData, currentOperatorIndex, activationRangeFloat, activateRowF32,
} from "../ops_common/operator";
import { readU8, scalarError } from "../flatbuffer";
import { requestScratch, scratchPointer } from "../planner";
import { checkRecurrentWeights } from "../ops_common/recurrent_weights";
import { dotF32, dotF32x4, dotI8, dotI8x4 } from "../kernels/dot";
import { roundHalfAwayF32, roundHalfAwayF64, saturatingF32ToI32, saturatingF64ToI32 } from "../fixedpoint";
import { persistentAlloc } from "../layout";
import { biasPlusOffsetRowSums } from "../ops_common/channel_quantization";

const INPUT = 0;
const WEIGHTS = 1;
const RECURRENT_WEIGHTS = 2;
const BIAS = 3;
const HIDDEN_STATE = 4;

@unmanaged
class RnnData extends Clamp {
  batches: i32;
  steps: i32;
  features: i32;
  units: i32;
  timeMajor: i32;
  activation: i32;
  hybrid: i32; // int8 weights
  asymmetric: i32; // hybrid: asymmetric on-the-fly quantisation of x and h
  weightScale: f32;
  recurrentScale: f32;
  rowSums: usize; // hybrid asymmetric: row sums of W then of U (int32)
  quantized: i32; // hybrid: scratch handle, one int8 row of x or h
  dots: usize; // four dot products (float32 or int32)
  // hybrid: the row just quantised (TFLite's BatchQuantizeFloats): its range, scale and zero point
  rowMin: f32;
  rowMax: f32;
  rowScale: f32;
  rowOffset: i32;
}

export function prepare(op: Operator): bool {
  // Five inputs, none omitted (checkArity refuses an omitted one): the bias and the hidden state are required.
  if (!checkArity(op, 5, 5, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_SEQUENCE_RNN)) return false;
  const opts = options(op, OPTIONS_SEQUENCE_RNN);
  const timeMajor = opts == 0 ? 0 : <i32>readU8(opts, SequenceRNNOptions.time_major, 0);
  const act = opts == 0 ? ACT_NONE : <i32>readU8(opts, SequenceRNNOptions.fused_activation_function, ACT_NONE);
  const asymmetric = opts == 0 ? 0 : <i32>readU8(opts, SequenceRNNOptions.asymmetric_quantize_inputs, 0);
  if (scalarError()) return false;
  if (act != ACT_NONE && act != ACT_RELU && act != ACT_RELU_N1_TO_1 && act != ACT_RELU6 && act != ACT_TANH) {
    return opFail(ERR_UNSUPPORTED_FEATURE, "RNN activation must be NONE, RELU, RELU_N1_TO_1, RELU6 or TANH");
  }
  const x = input(op, INPUT);
  const w = input(op, WEIGHTS);
  const u = input(op, RECURRENT_WEIGHTS);
  const b = input(op, BIAS);
  const h = input(op, HIDDEN_STATE);
  const y = output(op, 0);
  if (x.type != TYPE_FLOAT32) return unsupportedTypes(x, inputIndex(op, INPUT));
  if (x.rank != 3) return inputTensorFail(op, INPUT, "must be 3-D");
  const d = changetype<RnnData>(allocOpData(op, offsetof<RnnData>()));
  if (changetype<usize>(d) == 0) return false;
  d.timeMajor = timeMajor != 0 ? 1 : 0;
  d.batches = timeMajor != 0 ? dim(x, 1) : dim(x, 0);
  d.steps = timeMajor != 0 ? dim(x, 0) : dim(x, 1);
  d.features = dim(x, 2);
  const units = dim(w, 0);
  d.units = units;
  d.activation = act;
  activationRangeFloat(act, d);

  d.hybrid = w.type == TYPE_INT8 ? 1 : 0;
  const weightType = d.hybrid != 0 ? TYPE_INT8 : TYPE_FLOAT32;
  if (
    !checkRecurrentWeights(op, WEIGHTS, units, d.features, weightType) ||
    !checkRecurrentWeights(op, RECURRENT_WEIGHTS, units, units, weightType)
  )
    return false;
  if (b.type != TYPE_FLOAT32 || b.elements != units || !isConstant(b))
    return inputTensorFail(op, BIAS, "must be a constant float32 bias with one value per unit");
  if (h.type != TYPE_FLOAT32) return unsupportedTypes(h, inputIndex(op, HIDDEN_STATE));
  if (h.elements != d.batches * units) return inputTensorFail(op, HIDDEN_STATE, "must hold one vector per batch");
  if ((h.flags & FLAG_VARIABLE) == 0)
    return inputTensorFail(op, HIDDEN_STATE, "must be a variable tensor (the recurrent state)");
  if (y.type != TYPE_FLOAT32) return unsupportedTypes(y, outputIndex(op, 0));
  if (y.elements != d.batches * d.steps * units)
    return outputTensorFail(op, 0, "must hold one output vector per batch and time step");

  d.dots = persistentAlloc(16);
  if (d.dots == 0) return false;
  if (d.hybrid != 0) {
    d.weightScale = w.scale;
    d.recurrentScale = u.scale;
    d.asymmetric = asymmetric != 0 ? 1 : 0;
    if (d.asymmetric != 0) {
      d.rowSums = persistentAlloc(<u64>units * 8);
      if (d.rowSums == 0) return false;
      biasPlusOffsetRowSums(w.data, 0, units, d.features, 1, d.rowSums);
      biasPlusOffsetRowSums(u.data, 0, units, units, 1, d.rowSums + (<usize>units << 2));
    }
    d.quantized = requestScratch(currentOperatorIndex(), max(d.features, units));
    if (d.quantized < 0) return opFail(ERR_UNSUPPORTED_FEATURE, "too many scratch buffers in one model");
  }
  return true;
}

/** out[r] += dot(row r of W, v) over all rows (float32 weights). */
function accumulateF32(w: usize, v: usize, rows: i32, columns: i32, out: usize, dots: usize): void {
  const row = <usize>columns << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a = w + <usize>r * row;
    dotF32x4(a, a + row, a + 2 * row, a + 3 * row, v, columns, dots);
    for (let k = 0; k < 4; k++) {
      const at = out + (<usize>(r + k) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(dots + (<usize>k << 2)));
    }
  }
  for (; r < rows; r++) {
    const at = out + (<usize>r << 2);
    store<f32>(at, load<f32>(at) + dotF32(w + <usize>r * row, v, columns));
  }
}

// The on-the-fly quantisation of one float row (TFLite's BatchQuantizeFloats),
// into q, its scale and zero point into d.rowScale and d.rowOffset.

/** d.rowMin / d.rowMax of n floats as std::minmax_element finds them (first minimum, last maximum). */
function rowRange(d: RnnData, v: usize, n: i32): void {
  let lo: f32 = load<f32>(v), hi: f32 = lo;
  for (let i = 1; i < n; i++) {
    const x = load<f32>(v + (<usize>i << 2));
    if (x < lo) lo = x;
    if (!(x < hi)) hi = x;
  }
  d.rowMin = lo;
  d.rowMax = hi;
}

/** Symmetric: scale max|v| / 127, values in [-127, 127]; all-zero rows give zeros and scale 1. */
function quantizeSymmetric(d: RnnData, v: usize, n: i32, q: usize): void {
  rowRange(d, v, n);
  const range = max(Mathf.abs(d.rowMin), Mathf.abs(d.rowMax));
  d.rowOffset = 0;
  if (range == 0) {
    for (let i = 0; i < n; i++) store<i8>(q + <usize>i, 0);
    d.rowScale = 1;
    return;
  }
  d.rowScale = range / <f32>127;
  const inverse = <f32>127 / range;
  for (let i = 0; i < n; i++) {
    const value = saturatingF32ToI32(roundHalfAwayF32(load<f32>(v + (<usize>i << 2)) * inverse));
    store<i8>(q + <usize>i, <i8>min(max(value, -127), 127));
  }
}

/** Asymmetric over [min(0, min v), max(0, max v)] onto [-128, 127], zero point nudged as TFLite does. */
function quantizeAsymmetric(d: RnnData, v: usize, n: i32, q: usize): void {
  rowRange(d, v, n);
  const rmin = <f64>min(<f32>0, d.rowMin);
  const rmax = <f64>max(<f32>0, d.rowMax);
  if (rmin == rmax) {
    for (let i = 0; i < n; i++) store<i8>(q + <usize>i, 0);
    d.rowScale = 1;
    d.rowOffset = 0;
    return;
  }
  const scale = (rmax - rmin) / 255.0;
  const fromMin = -128.0 - rmin / scale;
  const fromMax = 127.0 - rmax / scale;
  const zeroPoint = 128.0 + Math.abs(rmin / scale) < 127.0 + Math.abs(rmax / scale) ? fromMin : fromMax;
  // (NaN or infinite inputs make NaN here: converted without trapping, like every float-to-int.)
  d.rowOffset =
    zeroPoint <= -128.0 ? -128 : zeroPoint >= 127.0 ? 127 : saturatingF64ToI32(roundHalfAwayF64(zeroPoint));
  d.rowScale = <f32>scale;
  const inverse = <f32>1.0 / d.rowScale;
  for (let i = 0; i < n; i++) {
    const value = saturatingF32ToI32(roundHalfAwayF32(<f32>d.rowOffset + load<f32>(v + (<usize>i << 2)) * inverse));
    store<i8>(q + <usize>i, <i8>min(max(value, -128), 127));
  }
}

// @ts-ignore: decorator
@inline
function addHybrid(out: usize, sums: usize, r: i32, dot: i32, offset: i32, scale: f32): void {
  if (offset != 0) dot -= load<i32>(sums + (<usize>r << 2)) * offset;
  const at = out + (<usize>r << 2);
  store<f32>(at, load<f32>(at) + <f32>dot * scale);
}

/** out[r] += (dot(row r of W, q) - rowSum[r] * offset) * scale (int8 weights, hybrid). */
function accumulateHybrid(
  w: usize,
  q: usize,
  rows: i32,
  columns: i32,
  scale: f32,
  offset: i32,
  sums: usize,
  out: usize,
  dots: usize,
): void {
  const row = <usize>columns;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a = w + <usize>r * row;
    dotI8x4(a, a + row, a + 2 * row, a + 3 * row, q, columns, dots);
    for (let k = 0; k < 4; k++) addHybrid(out, sums, r + k, load<i32>(dots + (<usize>k << 2)), offset, scale);
  }
  for (; r < rows; r++) addHybrid(out, sums, r, dotI8(w + <usize>r * row, q, columns), offset, scale);
}

export function evaluate(op: Operator): void {
  const d = changetype<RnnData>(op.data);
  const units = d.units, features = d.features, batches = d.batches, steps = d.steps;
  const xData = input(op, INPUT).data;
  const w = input(op, WEIGHTS).data;
  const u = input(op, RECURRENT_WEIGHTS).data;
  const bias = input(op, BIAS).data;
  const hState = input(op, HIDDEN_STATE).data;
  const yData = output(op, 0).data;
  const q = d.hybrid != 0 ? scratchPointer(d.quantized) : 0;
  const rowX = <usize>features << 2;
  const rowH = <usize>units << 2;
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batches; b++) {
      const step = d.timeMajor != 0 ? t * batches + b : b * steps + t;
      const x = xData + <usize>step * rowX;
      const h = hState + <usize>b * rowH;
      const out = yData + <usize>step * rowH;
      // out = bias, then += W x, then += U h (the previous h: out is not h).
      for (let k = 0; k < units; k++) store<f32>(out + (<usize>k << 2), load<f32>(bias + (<usize>k << 2)));
      if (d.hybrid == 0) {
        accumulateF32(w, x, units, features, out, d.dots);
        accumulateF32(u, h, units, units, out, d.dots);
      } else {
        if (d.asymmetric != 0) quantizeAsymmetric(d, x, features, q); else quantizeSymmetric(d, x, features, q);
        accumulateHybrid(w, q, units, features, d.rowScale * d.weightScale, d.rowOffset, d.rowSums, out, d.dots);
        if (d.asymmetric != 0) quantizeAsymmetric(d, h, units, q); else quantizeSymmetric(d, h, units, q);
        accumulateHybrid(
          u,
          q,
          units,
          units,
          d.rowScale * d.recurrentScale,
          d.rowOffset,
          d.rowSums + (<usize>units << 2),
          out,
          d.dots,
        );
      }
      activateRowF32(d.activation, out, units, d.actMinF, d.actMaxF);
      for (let k = 0; k < units; k++) store<f32>(h + (<usize>k << 2), load<f32>(out + (<usize>k << 2)));
    }
  }
}
