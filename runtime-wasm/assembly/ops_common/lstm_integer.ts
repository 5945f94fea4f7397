// The integer UNIDIRECTIONAL_SEQUENCE_LSTM ("8x8_16"), as TFLite and TFLite
// Micro compute it: int8 input, weights and output/hidden state, int16 gates
// and cell state, int32 biases. Per step and batch row:
//   gate  = sat16(sat16((Wx (x - x_zp) + b) * s_in) + Wh (h - h_zp) * s_rec)
//           both products rescaled to Q3.12 (the gates' fixed scale 2^-12)
//   i, f, o = sigmoid(gate)  g = tanh(gate)      Q3.12 -> Q0.15, gemmlowp int16
//   c = sat16(f c / 2^15 + i g / 2^(30 + cell_scale)), clipped if cell_clip
//   h = sat8(o tanh(c) * s_hidden)               tanh of c read as Q(15 + cell_scale)
// where the cell state's scale is 2^cell_scale and s_* are the effective
// scales TFLite derives in float32 from the tensors' scales. Peepholes,
// projection and layer norm are refused by the op file before this runs.

import { Operator, input, output, inputIndex, outputIndex, isConstant, channelScale, tensorAt } from "../graph";
import { TYPE_INT8, TYPE_INT16, TYPE_INT32 } from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE } from "../status";
import {
  opFail,
  unsupportedTypes,
  inputTensorFail,
  outputTensorFail,
  requireQuantized,
  requirePerTensor,
} from "./operator";
import {
  quantizeMultiplier,
  qmMultiplier,
  qmShift,
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierX4,
  roundingDivideByPOT,
  roundingDivideByPOTX4,
  saturatingF32ToI32,
  checkedLog2,
  log2Rounded,
} from "../fixedpoint";
import { logisticRow16, tanhRow16, fillHalfTable16, lookupRow16, HALF_TABLE_LENGTH } from "../gemmlowp16";
import { accumulatePackedI8, packInputPairs, packedI8Offset, packedI8Bytes } from "../kernels/packed_gemv";
import { copyBytes } from "../kernels/copy";
import { checkRecurrentWeights } from "./recurrent_weights";
import { biasPlusOffsetRowSums } from "./channel_quantization";
import { persistentAlloc } from "../layout";

const INPUT = 0;
const INPUT_WEIGHTS = 1;
const RECURRENT_WEIGHTS = 5;
const BIASES = 12;
const OUTPUT_STATE = 18;
const CELL_STATE = 19;
const HIDDEN_INTERMEDIATE = 4; // intermediates[4]: the hidden state's scale

const GATE_SCALE: f32 = 0.000244140625; // 2^-12: gate pre-activations are Q3.12
const TWO_TO_MINUS_15: f32 = 0.000030517578125;

@unmanaged
export class IntegerLstm {
  // Per gate g (0..3: input, forget, cell, output): multipliers and shifts of
  // the input and recurrent products. The products run over weights packed
  // at prepare (kernels/packed_gemv.ts) whose columns are the present gates'
  // cells, each gate padded to a multiple of 8 cells: column
  // (g - firstGate) * paddedCells + u. The int32 effective biases, in that
  // column order: -zero_point * row sums, plus the gate bias on the input side.
  multipliers: usize; // 4 gates x (inMul, inShift, recMul, recShift)
  firstGate: i32; // 1 with CIFG (no input gate), else 0
  paddedCells: i32; // cells rounded up to 8
  stride: i32; // packed columns: (4 - firstGate) x paddedCells
  inputWeights: usize; // packed, features inputs
  recurrentWeights: usize; // packed, cells inputs
  inputBias: usize; // stride int32
  recurrentBias: usize; // stride int32
  hiddenMultiplier: i32;
  hiddenShift: i32;
  cellShift: i32; // 30 + cell_scale: i * g (Q0.30) to the cell's format
  tanhIntegerBits: i32; // 15 + cell_scale: the cell state read as Q(bits)
  cellClip: i32; // 0: no clipping
  batches: i32;
  features: i32;
  // SIMD build only: the three int16 activations as half tables
  // (gemmlowp16.ts, ~64 KB each), else 0. A lookup costs ~1/10 of the
  // gemmlowp evaluation, which was over half the integer LSTM's time; the
  // browsers, Node and Workers that run the SIMD build have the memory, the
  // microcontrollers that run the MVP build compute instead.
  gateLogistic: usize; // logistic of Q3.12
  gateTanh: usize; // tanh of Q3.12
  cellTanh: usize; // tanh of the cell state, Q(tanhIntegerBits)
}

function halfTable(tanh: bool, integerBits: i32): usize {
  const table = persistentAlloc(<u64>HALF_TABLE_LENGTH * 2);
  if (table != 0) fillHalfTable16(table, tanh, integerBits);
  return table;
}

/** logistic or tanh of a row: by table in the SIMD build (prepare made them), computed in the MVP build. */
function activateRow16(table: usize, tanh: bool, src: usize, dst: usize, n: i32, integerBits: i32): void {
  if (ASC_FEATURE_SIMD) lookupRow16(table, tanh, src, dst, n);
  else if (tanh) tanhRow16(src, dst, n, integerBits);
  else logisticRow16(src, dst, n, integerBits);
}

/**
 * Scratch bytes evaluateInteger needs: the int16 gate rows (paddedCells
 * apart), the input and recurrent products (stride int32 each), each batch
 * row's cell state padded to paddedCells (int16), one padded int8 hidden
 * row, and the input pairs of x or h (packInputPairs). Padded lanes have
 * zero weights and bias, so their cell state stays 0 and nothing needs a
 * scalar tail.
 */
export function integerScratchBytes(d: IntegerLstm): u64 {
  const cells = <u64>d.paddedCells;
  return (4 + <u64>d.batches) * cells * 2 + <u64>d.stride * 8 + cells + (<u64>max(d.features, d.paddedCells) + 1) * 2;
}

function setMultiplier(at: usize, scale: f32): bool {
  if (!quantizeMultiplier(<f64>scale) || !(scale > 0)) return false;
  store<i32>(at, qmMultiplier);
  store<i32>(at + 4, qmShift);
  return true;
}

/** Validates the integer tensors and precomputes scales and biases; 0 on failure. */
export function prepareInteger(
  op: Operator,
  batches: i32,
  features: i32,
  cells: i32,
  cifg: bool,
  cellClip: f32,
): usize {
  const x = input(op, INPUT);
  const y = output(op, 0);
  const h = input(op, OUTPUT_STATE);
  const c = input(op, CELL_STATE);
  if (y.type != TYPE_INT8) { unsupportedTypes(y, outputIndex(op, 0)); return 0; }
  if (h.type != TYPE_INT8) { unsupportedTypes(h, inputIndex(op, OUTPUT_STATE)); return 0; }
  if (c.type != TYPE_INT16) { unsupportedTypes(c, inputIndex(op, CELL_STATE)); return 0; }
  for (let i = 0; i < 3; i++) {
    const t = i == 0 ? x : i == 1 ? y : h;
    const index = i == 0 ? inputIndex(op, INPUT) : i == 1 ? -1 : inputIndex(op, OUTPUT_STATE);
    if (index >= 0 && (!requireQuantized(t, index) || !requirePerTensor(t, index))) return 0;
  }
  if (!requireQuantized(c, inputIndex(op, CELL_STATE))) return 0;
  if (y.quantCount != 1 || y.scale != h.scale || y.zeroPoint != h.zeroPoint) {
    outputTensorFail(op, 0, "must have the output state's scale and zero point (the output is a copy of the state)");
    return 0;
  }
  // The cell state's scale must be a power of two, 2^cell_scale, with
  // 15 + cell_scale integer bits in 0..6 (the tanh formats TFLite has).
  // (TFLite CheckedLog2, as for the int16 sigmoid scales.)
  if (!(c.scale > 0) || !checkedLog2(c.scale) || log2Rounded < -15 || log2Rounded > -9) {
    inputTensorFail(op, CELL_STATE, "(cell state) needs a power-of-two scale between 2^-15 and 2^-9");
    return 0;
  }
  const cellScale = log2Rounded;
  if (op.intermediateCount != 5) {
    opFail(ERR_INVALID_MODEL, "integer LSTM needs 5 intermediate tensors (the 5th gives the hidden state's scale)");
    return 0;
  }
  const hidden = tensorAt(load<i32>(op.intermediates + (<usize>HIDDEN_INTERMEDIATE << 2)));
  if (hidden.quantCount != 1 || !(hidden.scale > 0)) {
    opFail(ERR_INVALID_MODEL, "intermediate 4 (the hidden state) needs a per-tensor scale");
    return 0;
  }
  if (hidden.zeroPoint != 0) {
    opFail(ERR_UNSUPPORTED_FEATURE, "a nonzero hidden-state zero point (intermediate 4) is not supported");
    return 0;
  }

  const d = changetype<IntegerLstm>(persistentAlloc(offsetof<IntegerLstm>()));
  if (changetype<usize>(d) == 0) return 0;
  const first = cifg ? 1 : 0;
  const paddedCells = (cells + 7) & ~7;
  const stride = (4 - first) * paddedCells;
  d.batches = batches;
  d.features = features;
  d.firstGate = first;
  d.paddedCells = paddedCells;
  d.stride = stride;
  d.multipliers = persistentAlloc(64);
  d.inputBias = persistentAlloc(<u64>stride * 4);
  d.recurrentBias = persistentAlloc(<u64>stride * 4);
  d.inputWeights = persistentAlloc(packedI8Bytes(features, stride));
  d.recurrentWeights = persistentAlloc(packedI8Bytes(cells, stride));
  if (d.multipliers == 0 || d.inputBias == 0 || d.recurrentBias == 0 || d.inputWeights == 0 || d.recurrentWeights == 0)
    return 0;
  for (let g = first; g < 4; g++) {
    if (!checkRecurrentWeights(op, INPUT_WEIGHTS + g, cells, features, TYPE_INT8)) return 0;
    if (!checkRecurrentWeights(op, RECURRENT_WEIGHTS + g, cells, cells, TYPE_INT8)) return 0;
    const b = input(op, BIASES + g);
    if (b.type != TYPE_INT32 || b.elements != cells || !isConstant(b)) {
      inputTensorFail(op, BIASES + g, "must be a constant int32 bias with one value per cell");
      return 0;
    }
    const wx = input(op, INPUT_WEIGHTS + g);
    const wh = input(op, RECURRENT_WEIGHTS + g);
    // TFLite computes these in float32: weight scale * input scale / 2^-12.
    const at = d.multipliers + (<usize>g << 4);
    if (
      !setMultiplier(at, channelScale(wx, 0) * x.scale / GATE_SCALE) ||
      !setMultiplier(at + 8, channelScale(wh, 0) * h.scale / GATE_SCALE)
    ) {
      opFail(ERR_INVALID_MODEL, "a gate's effective scale is not a positive finite number");
      return 0;
    }
    const column = (g - first) * paddedCells;
    // The gate bias has the input product's scale, so it joins that side.
    biasPlusOffsetRowSums(wx.data, b.data, cells, features, -x.zeroPoint, d.inputBias + (<usize>column << 2));
    biasPlusOffsetRowSums(wh.data, 0, cells, cells, -h.zeroPoint, d.recurrentBias + (<usize>column << 2));
    packWeights(wx.data, cells, features, column, stride, d.inputWeights);
    packWeights(wh.data, cells, cells, column, stride, d.recurrentWeights);
  }
  if (!quantizeMultiplier(<f64>(TWO_TO_MINUS_15 / hidden.scale * TWO_TO_MINUS_15))) {
    opFail(ERR_INVALID_MODEL, "the hidden state's effective scale is not finite");
    return 0;
  }
  d.hiddenMultiplier = qmMultiplier;
  d.hiddenShift = qmShift;
  d.cellShift = 30 + cellScale;
  d.tanhIntegerBits = 15 + cellScale;
  if (ASC_FEATURE_SIMD) {
    d.gateLogistic = halfTable(false, 3);
    d.gateTanh = halfTable(true, 3);
    d.cellTanh = halfTable(true, d.tanhIntegerBits);
    if (d.gateLogistic == 0 || d.gateTanh == 0 || d.cellTanh == 0) return 0;
  }
  // TFLite: static_cast<int16_t>(min(max(clip / scale, -32768), 32767)).
  d.cellClip = cellClip > 0 ? saturatingF32ToI32(min(max(cellClip / c.scale, <f32>-32768), <f32>32767)) : 0;
  return changetype<usize>(d);
}

// @ts-ignore: decorator
@inline
function saturate16(x: i32): i32 {
  return min(max(x, -32768), 32767);
}

/** Copies a [rows, inputs] weight matrix into packed columns column.. of `packed`. */
function packWeights(w: usize, rows: i32, inputs: i32, column: i32, stride: i32, packed: usize): void {
  for (let u = 0; u < rows; u++) {
    for (let k = 0; k < inputs; k++)
      store<i8>(packed + packedI8Offset(k, column + u, stride), load<i8>(w + <usize>(u * inputs + k)));
  }
}

/**
 * One gate's int16 pre-activations from its columns of the two products:
 * TFLite rescales and saturates the input product first, then adds the
 * rescaled recurrent one and saturates again.
 */
function requantizeGate(m: usize, fromInput: usize, fromRecurrent: usize, out: usize, paddedCells: i32): void {
  const inMul = load<i32>(m), inShift = load<i32>(m, 4), recMul = load<i32>(m, 8), recShift = load<i32>(m, 12);
  if (ASC_FEATURE_SIMD) {
    // Eight cells at a time; the saturating narrow is sat16.
    for (let u = 0; u < paddedCells; u += 8) {
      const a = fromInput + (<usize>u << 2), r = fromRecurrent + (<usize>u << 2);
      const x = i16x8.narrow_i32x4_s(
        multiplyByQuantizedMultiplierX4(v128.load(a), inMul, inShift),
        multiplyByQuantizedMultiplierX4(v128.load(a, 16), inMul, inShift),
      );
      const low = i32x4.add(
        i32x4.extend_low_i16x8_s(x),
        multiplyByQuantizedMultiplierX4(v128.load(r), recMul, recShift),
      );
      const high = i32x4.add(
        i32x4.extend_high_i16x8_s(x),
        multiplyByQuantizedMultiplierX4(v128.load(r, 16), recMul, recShift),
      );
      v128.store(out + (<usize>u << 1), i16x8.narrow_i32x4_s(low, high));
    }
  } else {
    for (let u = 0; u < paddedCells; u++) {
      const at = <usize>u << 2;
      const x = saturate16(multiplyByQuantizedMultiplier(load<i32>(fromInput + at), inMul, inShift));
      store<i16>(
        out + (<usize>u << 1),
        <i16>saturate16(x + multiplyByQuantizedMultiplier(load<i32>(fromRecurrent + at), recMul, recShift)),
      );
    }
  }
}

export function evaluateInteger(
  op: Operator,
  d: IntegerLstm,
  batches: i32,
  steps: i32,
  features: i32,
  cells: i32,
  cifg: bool,
  timeMajor: bool,
  gates: usize,
): void {
  const xData = input(op, INPUT).data;
  const yData = output(op, 0).data;
  const hState = input(op, OUTPUT_STATE).data;
  const cState = input(op, CELL_STATE).data;
  const paddedCells = d.paddedCells;
  const rowG = <usize>paddedCells << 1;
  const productBytes = <usize>d.stride << 2;
  const fromInput = gates + 4 * rowG;
  const fromRecurrent = fromInput + productBytes;
  const cellRows = fromRecurrent + productBytes;
  const hidden = cellRows + <usize>batches * rowG;
  const pairs = hidden + <usize>paddedCells;
  const cellBytes = <usize>cells << 1;
  for (let b = 0; b < batches; b++) {
    memory.fill(cellRows + <usize>b * rowG, 0, rowG);
    copyBytes(cellRows + <usize>b * rowG, cState + <usize>b * cellBytes, cellBytes);
  }
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batches; b++) {
      const step = timeMajor ? t * batches + b : b * steps + t;
      const x = xData + <usize>(step * features);
      const h = hState + <usize>(b * cells);
      const c = cellRows + <usize>b * rowG;
      // Both products for every gate from x and the previous h, biases first.
      memory.copy(fromInput, d.inputBias, productBytes);
      packInputPairs(x, features, pairs);
      accumulatePackedI8(fromInput, d.inputWeights, d.stride, pairs, (features + 1) >> 1);
      memory.copy(fromRecurrent, d.recurrentBias, productBytes);
      packInputPairs(h, cells, pairs);
      accumulatePackedI8(fromRecurrent, d.recurrentWeights, d.stride, pairs, (cells + 1) >> 1);
      for (let g = d.firstGate; g < 4; g++) {
        const column = <usize>((g - d.firstGate) * paddedCells) << 2;
        requantizeGate(
          d.multipliers + (<usize>g << 4),
          fromInput + column,
          fromRecurrent + column,
          gates + <usize>g * rowG,
          paddedCells,
        );
      }
      const iRow = gates, fRow = gates + rowG, gRow = gates + 2 * rowG, oRow = gates + 3 * rowG;
      // Gate activations a row at a time: Q3.12 in, Q0.15 out.
      if (!cifg) activateRow16(d.gateLogistic, false, iRow, iRow, paddedCells, 3);
      activateRow16(d.gateLogistic, false, fRow, fRow, paddedCells, 3);
      activateRow16(d.gateTanh, true, gRow, gRow, paddedCells, 3);
      activateRow16(d.gateLogistic, false, oRow, oRow, paddedCells, 3);
      updateCells(d, c, iRow, fRow, gRow, cifg);
      // tanh(c) into the forget row (consumed), then h = o tanh(c) rescaled to int8.
      activateRow16(d.cellTanh, true, c, fRow, paddedCells, d.tanhIntegerBits);
      hiddenState(d, oRow, fRow, hidden);
      copyBytes(h, hidden, <usize>cells);
      copyBytes(yData + <usize>(step * cells), hidden, <usize>cells);
    }
  }
  for (let b = 0; b < batches; b++) copyBytes(cState + <usize>b * cellBytes, cellRows + <usize>b * rowG, cellBytes);
}

/**
 * c = sat16(f c / 2^15 + i g / 2^cellShift), clipped, over the padded row.
 * f and i are in [0, 32767] (logistic outputs), so both terms fit int16
 * before the sum saturates (TFLite's int16 casts never wrap).
 */
function updateCells(d: IntegerLstm, c: usize, iRow: usize, fRow: usize, gRow: usize, cifg: bool): void {
  const clip = d.cellClip, shift = d.cellShift;
  if (ASC_FEATURE_SIMD) {
    for (let u = 0; u < d.paddedCells; u += 8) {
      const at = <usize>u << 1;
      const f = v128.load(fRow + at), g = v128.load(gRow + at), cell = v128.load(c + at);
      // CIFG: i = 1 - f, with 1 as 32767 in Q0.15.
      const i = cifg ? i16x8.sub(i16x8.splat(32767), f) : v128.load(iRow + at);
      const low = i32x4.add(
        roundingDivideByPOTX4(i32x4.extmul_low_i16x8_s(f, cell), 15),
        roundingDivideByPOTX4(i32x4.extmul_low_i16x8_s(i, g), shift),
      );
      const high = i32x4.add(
        roundingDivideByPOTX4(i32x4.extmul_high_i16x8_s(f, cell), 15),
        roundingDivideByPOTX4(i32x4.extmul_high_i16x8_s(i, g), shift),
      );
      let next = i16x8.narrow_i32x4_s(low, high);
      if (clip > 0) next = i16x8.min_s(i16x8.max_s(next, i16x8.splat(<i16>-clip)), i16x8.splat(<i16>clip));
      v128.store(c + at, next);
    }
  } else {
    for (let u = 0; u < d.paddedCells; u++) {
      const at = <usize>u << 1;
      const f = <i32>load<i16>(fRow + at);
      const i = cifg ? 32767 - f : <i32>load<i16>(iRow + at);
      const kept = roundingDivideByPOT(f * <i32>load<i16>(c + at), 15);
      let cell = saturate16(kept + roundingDivideByPOT(i * <i32>load<i16>(gRow + at), shift));
      if (clip > 0) cell = min(max(cell, -clip), clip);
      store<i16>(c + at, <i16>cell);
    }
  }
}

/** h = sat8(o tanh(c) * s_hidden) over the padded row, into `out` (int8). */
function hiddenState(d: IntegerLstm, oRow: usize, tanhRow: usize, out: usize): void {
  const m = d.hiddenMultiplier, shift = d.hiddenShift;
  if (ASC_FEATURE_SIMD) {
    for (let u = 0; u < d.paddedCells; u += 8) {
      const at = <usize>u << 1;
      const o = v128.load(oRow + at), tc = v128.load(tanhRow + at);
      const low = multiplyByQuantizedMultiplierX4(i32x4.extmul_low_i16x8_s(o, tc), m, shift);
      const high = multiplyByQuantizedMultiplierX4(i32x4.extmul_high_i16x8_s(o, tc), m, shift);
      const h16 = i16x8.narrow_i32x4_s(low, high);
      store<i64>(out + <usize>u, i64x2.extract_lane(i8x16.narrow_i16x8_s(h16, h16), 0));
    }
  } else {
    for (let u = 0; u < d.paddedCells; u++) {
      const at = <usize>u << 1;
      const value = multiplyByQuantizedMultiplier(<i32>load<i16>(oRow + at) * <i32>load<i16>(tanhRow + at), m, shift);
      store<i8>(out + <usize>u, <i8>min(max(value, -128), 127));
    }
  }
}
