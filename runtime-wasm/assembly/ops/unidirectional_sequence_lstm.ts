// UNIDIRECTIONAL_SEQUENCE_LSTM, float32 and integer, in TFLite's 24-input layout:
//   0 input [batch, time, features] (or [time, batch, features] if time_major)
//   1-4 input-to-{input, forget, cell, output} weights [cells, features]
//   5-8 recurrent-to-{input, forget, cell, output} weights [cells, outputs]
//   9-11 peepholes, 12-15 gate biases, 16-17 projection,
//   18 output state, 19 cell state (variable tensors), 20-23 layer norm.
// Per step, the LSTM with a forget gate (Gers et al. 2000): i, f, o = sigmoid(W x + U h + b),
// g = act(W_c x + U_c h + b_c), c = f c + i g (clipped if cell_clip > 0),
// h = o act(c). With no input gate weights (CIFG), i = 1 - f.
// State lives in the variable tensors and persists across invoke() calls
// until resetState(), so a model with one time step can be streamed.
// The float path repacks the gate weights at prepare (kernels/packed_gemv.ts)
// so each step's gate products need no horizontal sums.
// The integer LSTM (int8 input/weights/state, int16 gates and cell state)
// is in ops_common/lstm_integer.ts. Not implemented yet, each with a clear error:
// peepholes, projection, layer normalisation.

import { Operator, input, output, inputIndex, outputIndex, dim, isConstant, FLAG_VARIABLE } from "../graph";
import {
  TYPE_FLOAT32,
  TYPE_INT8,
  OPTIONS_UNIDIRECTIONAL_SEQUENCE_LSTM,
  ACT_NONE,
  ACT_RELU,
  ACT_RELU6,
  ACT_TANH,
  UnidirectionalSequenceLSTMOptions,
} from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE } from "../status";
import {
  Clamp, opFail, checkArity, checkOptionsType, options, unsupportedTypes, inputTensorFail, outputTensorFail,
  allocOpData, currentOperatorIndex, activationRangeFloat, activateRowF32,
} from "../ops_common/operator";
import { readU8, readF32, scalarError } from "../flatbuffer";
import { requestScratch, scratchPointer } from "../planner";
import { accumulatePackedF32, accumulatePackedF32x2 } from "../kernels/packed_gemv";
import { sigmoidRowF32 } from "../kernels/exp_f32";
import { persistentAlloc } from "../layout";
import { checkRecurrentWeights } from "../ops_common/recurrent_weights";
import { IntegerLstm, prepareInteger, evaluateInteger, integerScratchBytes } from "../ops_common/lstm_integer";
import { isInt8 } from "../kernel_types";
import { FLOAT32_KERNELS, INT8_KERNELS } from "../build_types";

const INPUT = 0;
const INPUT_WEIGHTS = 1; // 1..4: input, forget, cell, output
const RECURRENT_WEIGHTS = 5; // 5..8
const PEEPHOLES = 9; // 9..11
const BIASES = 12; // 12..15
const PROJECTION = 16; // 16..17
const OUTPUT_STATE = 18;
const CELL_STATE = 19;
const LAYER_NORM = 20; // 20..23

// Steps whose input products (bias + Wx x) are computed together before the
// recurrence needs them: two rows share each weight load (~1.8x faster).
const CHUNK_STEPS = 8;

const GATE_INPUT = 0;
const GATE_FORGET = 1;
const GATE_CELL = 2;
const GATE_OUTPUT = 3;

@unmanaged
class LstmData extends Clamp {
  batches: i32;
  steps: i32;
  features: i32;
  cells: i32;
  timeMajor: i32;
  cifg: i32; // no input gate: i = 1 - f
  activation: i32;
  cellClip: f32;
  // scratch handle: float, a chunk's gate rows (CHUNK_STEPS x batches x stride); integer, integerScratchBytes
  gates: i32;
  packed: usize; // float: the bias row, then the input and recurrent weights, packed (kernels/packed_gemv.ts)
  stride: i32; // float: packed row length, the present gates' rows rounded up to 4
  integer: usize; // IntegerLstm for the integer kernel, else 0
}

function present(op: Operator, i: i32): bool {
  return inputIndex(op, i) >= 0;
}

export function prepare(op: Operator): bool {
  // TFLite's 24-input layout, where -1 marks each absent optional input.
  if (!checkArity(op, 1, 24, 1)) return false;
  if (op.inputCount != 24) return opFail(ERR_INVALID_MODEL, "needs TFLite's 24-input layout");
  if (!checkOptionsType(op, OPTIONS_UNIDIRECTIONAL_SEQUENCE_LSTM)) return false;
  const opts = options(op, OPTIONS_UNIDIRECTIONAL_SEQUENCE_LSTM);
  const act =
    opts == 0 ? ACT_TANH : <i32>readU8(opts, UnidirectionalSequenceLSTMOptions.fused_activation_function, ACT_TANH);
  const cellClip = opts == 0 ? <f32>0 : readF32(opts, UnidirectionalSequenceLSTMOptions.cell_clip, 0);
  const timeMajor = opts == 0 ? 0 : <i32>readU8(opts, UnidirectionalSequenceLSTMOptions.time_major, 0);
  if (scalarError()) return false;
  if (act != ACT_TANH && act != ACT_RELU && act != ACT_RELU6 && act != ACT_NONE)
    return opFail(ERR_UNSUPPORTED_FEATURE, "LSTM activation must be TANH, RELU, RELU6 or NONE");
  if (!(cellClip >= 0) || !isFinite(cellClip))
    return opFail(ERR_INVALID_MODEL, "cell_clip must be a non-negative number");

  for (let i = PEEPHOLES; i < PEEPHOLES + 3; i++)
    if (present(op, i)) return opFail(ERR_UNSUPPORTED_FEATURE, "peephole connections are not supported yet");
  for (let i = PROJECTION; i < PROJECTION + 2; i++)
    if (present(op, i)) return opFail(ERR_UNSUPPORTED_FEATURE, "projection is not supported yet");
  for (let i = LAYER_NORM; i < LAYER_NORM + 4; i++)
    if (present(op, i)) return opFail(ERR_UNSUPPORTED_FEATURE, "layer normalisation is not supported yet");

  const x = input(op, INPUT);
  const y = output(op, 0);
  if (x.type != TYPE_FLOAT32 && x.type != TYPE_INT8) return unsupportedTypes(x, inputIndex(op, INPUT));
  if (x.rank != 3) return inputTensorFail(op, INPUT, "must be 3-D");
  const cifg = !present(op, INPUT_WEIGHTS + GATE_INPUT);
  if (cifg && (present(op, RECURRENT_WEIGHTS + GATE_INPUT) || present(op, BIASES + GATE_INPUT))) {
    return opFail(
      ERR_INVALID_MODEL,
      "input gate weights are partly present (coupled input-forget gate needs all three absent)",
    );
  }
  for (let g = 0; g < 4; g++) {
    if (g == GATE_INPUT && cifg) continue;
    if (!present(op, INPUT_WEIGHTS + g) || !present(op, RECURRENT_WEIGHTS + g) || !present(op, BIASES + g)) {
      return opFail(ERR_INVALID_MODEL, "a gate's input weights, recurrent weights or bias is missing");
    }
  }
  const data = changetype<LstmData>(allocOpData(op, offsetof<LstmData>()));
  if (changetype<usize>(data) == 0) return false;
  data.timeMajor = timeMajor != 0 ? 1 : 0;
  data.batches = timeMajor != 0 ? dim(x, 1) : dim(x, 0);
  data.steps = timeMajor != 0 ? dim(x, 0) : dim(x, 1);
  data.features = dim(x, 2);
  data.cifg = cifg ? 1 : 0;
  data.activation = act;
  activationRangeFloat(act, data);
  data.cellClip = cellClip;
  const cells = dim(input(op, INPUT_WEIGHTS + GATE_FORGET), 0);
  data.cells = cells;

  if (!checkState(op, OUTPUT_STATE, data.batches * cells) || !checkState(op, CELL_STATE, data.batches * cells))
    return false;
  if (y.elements != data.batches * data.steps * cells)
    return outputTensorFail(op, 0, "must hold one output vector per batch and time step");
  if (isInt8(x.type)) {
    if (act != ACT_TANH) return opFail(ERR_UNSUPPORTED_FEATURE, "the integer LSTM supports only the TANH activation");
    data.integer = prepareInteger(op, data.batches, data.features, cells, cifg, cellClip);
    if (data.integer == 0) return false;
    return requestGates(data, integerScratchBytes(changetype<IntegerLstm>(data.integer)));
  }
  for (let g = 0; g < 4; g++) {
    if (g == GATE_INPUT && cifg) continue;
    if (!checkRecurrentWeights(op, INPUT_WEIGHTS + g, cells, data.features, TYPE_FLOAT32)) return false;
    if (!checkRecurrentWeights(op, RECURRENT_WEIGHTS + g, cells, cells, TYPE_FLOAT32)) return false;
    const b = input(op, BIASES + g);
    if (b.type != TYPE_FLOAT32 || b.elements != cells || !isConstant(b))
      return inputTensorFail(op, BIASES + g, "must be a constant float32 bias with one value per cell");
  }
  if (!checkFloatState(op, OUTPUT_STATE) || !checkFloatState(op, CELL_STATE)) return false;
  if (y.type != TYPE_FLOAT32) return unsupportedTypes(y, outputIndex(op, 0));
  if (!packWeights(op, data)) return false;
  // One gate row (stride values from the first present gate) per batch row
  // and step of a chunk: the input products are computed a chunk at a time.
  return requestGates(data, <u64>data.batches * <u64>min(data.steps, CHUNK_STEPS) * <u64>data.stride * 4);
}

/**
 * Packs the present gates' biases and weights for accumulatePackedF32: row 0
 * the biases, rows 1..features the input weights, then the recurrent
 * weights; column (g - first gate) * cells + u is gate g's unit u, so the
 * product lands in the gate scratch in gate order.
 */
function packWeights(op: Operator, data: LstmData): bool {
  const cells = data.cells, features = data.features;
  const first = data.cifg != 0 ? GATE_FORGET : GATE_INPUT;
  const stride = ((4 - first) * cells + 3) & ~3;
  const packed = persistentAlloc(<u64>(1 + features + cells) * <u64>stride * 4);
  if (packed == 0) return false;
  data.packed = packed;
  data.stride = stride;
  const rowBytes = <usize>stride << 2;
  for (let g = first; g < 4; g++) {
    const wx = input(op, INPUT_WEIGHTS + g).data;
    const wh = input(op, RECURRENT_WEIGHTS + g).data;
    const bias = input(op, BIASES + g).data;
    for (let u = 0; u < cells; u++) {
      const column = packed + (<usize>((g - first) * cells + u) << 2);
      store<f32>(column, load<f32>(bias + (<usize>u << 2)));
      for (let k = 0; k < features; k++)
        store<f32>(column + <usize>(1 + k) * rowBytes, load<f32>(wx + (<usize>(u * features + k) << 2)));
      for (let k = 0; k < cells; k++)
        store<f32>(column + <usize>(1 + features + k) * rowBytes, load<f32>(wh + (<usize>(u * cells + k) << 2)));
    }
  }
  return true;
}

/** Scratch for the gates' values of one batch row. */
function requestGates(data: LstmData, bytes: u64): bool {
  if (bytes > 0x40000000)
    return opFail(ERR_UNSUPPORTED_FEATURE, "the LSTM's working buffers would exceed 1 GiB (batch too large)");
  data.gates = requestScratch(currentOperatorIndex(), <i32>bytes);
  if (data.gates < 0) return opFail(ERR_UNSUPPORTED_FEATURE, "too many scratch buffers in one model");
  return true;
}

function checkFloatState(op: Operator, i: i32): bool {
  const t = input(op, i);
  return t.type == TYPE_FLOAT32 || unsupportedTypes(t, inputIndex(op, i));
}

function checkState(op: Operator, i: i32, elements: i32): bool {
  if (!present(op, i)) return opFail(ERR_INVALID_MODEL, "a recurrent state input (18 or 19) is omitted");
  const t = input(op, i);
  if (t.elements != elements) return inputTensorFail(op, i, "must hold one vector per batch");
  if ((t.flags & FLAG_VARIABLE) == 0) return inputTensorFail(op, i, "must be a variable tensor (the recurrent state)");
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<LstmData>(op.data);
  const cells = d.cells, features = d.features, batches = d.batches, steps = d.steps;
  if (INT8_KERNELS && d.integer != 0) {
    evaluateInteger(
      op,
      changetype<IntegerLstm>(d.integer),
      batches,
      steps,
      features,
      cells,
      d.cifg != 0,
      d.timeMajor != 0,
      scratchPointer(d.gates),
    );
    return;
  }
  if (!FLOAT32_KERNELS) return;
  const xData = input(op, INPUT).data;
  const yData = output(op, 0).data;
  const hState = input(op, OUTPUT_STATE).data;
  const cState = input(op, CELL_STATE).data;
  const products = scratchPointer(d.gates);
  const rowH = <usize>cells << 2;
  const rowP = <usize>d.stride << 2;
  const recurrentWeights = d.packed + (1 + <usize>features) * rowP;
  for (let t0 = 0; t0 < steps; t0 += CHUNK_STEPS) {
    const chunk = min(CHUNK_STEPS, steps - t0);
    // bias + Wx x for every batch row and step of the chunk, two rows at a time.
    const rows = batches * chunk;
    for (let r = 0; r < rows; r++) memory.copy(products + <usize>r * rowP, d.packed, rowP);
    let r = 0;
    for (; r + 2 <= rows; r += 2) {
      accumulatePackedF32x2(
        products + <usize>r * rowP,
        products + <usize>(r + 1) * rowP,
        d.packed + rowP,
        d.stride,
        inputRow(d, xData, r, t0, chunk),
        inputRow(d, xData, r + 1, t0, chunk),
        features,
      );
    }
    if (r < rows)
      accumulatePackedF32(
        products + <usize>r * rowP,
        d.packed + rowP,
        d.stride,
        inputRow(d, xData, r, t0, chunk),
        features,
      );
    for (let t = t0; t < t0 + chunk; t++) {
      for (let b = 0; b < batches; b++) {
        const step = stepIndex(d, t, b);
        const h = hState + <usize>b * rowH;
        const c = cState + <usize>b * rowH;
        // + Wh h: all gates from the previous h, before h changes.
        const z = products + <usize>(b * chunk + t - t0) * rowP;
        accumulatePackedF32(z, recurrentWeights, d.stride, h, cells);
        // The gate rows, from the first present one at z.
        const gates = z - (<usize>(d.cifg * cells) << 2);
        // Activations a row at a time (vectorised): i, f, o in place, g in place.
        const iRow = gates, fRow = gates + rowH, gRow = gates + 2 * rowH, oRow = gates + 3 * rowH;
        if (d.cifg == 0) sigmoidRowF32(iRow, iRow, cells);
        sigmoidRowF32(fRow, fRow, cells);
        activateRowF32(d.activation, gRow, cells, d.actMinF, d.actMaxF);
        sigmoidRowF32(oRow, oRow, cells);
        // c = f c + i g; the g row, consumed, then holds act(c).
        updateCells(d, c, iRow, fRow, gRow);
        activateRowF32(d.activation, gRow, cells, d.actMinF, d.actMaxF);
        hiddenState(oRow, gRow, h, yData + <usize>step * rowH, cells);
      }
    }
  }
}

/** c = f c + i g (i = 1 - f with CIFG), clipped; into c and the g row. */
function updateCells(d: LstmData, c: usize, iRow: usize, fRow: usize, gRow: usize): void {
  const cells = d.cells, clip = d.cellClip, cifg = d.cifg != 0;
  let u = 0;
  if (ASC_FEATURE_SIMD) {
    // The scalar loop's operations lane by lane: same bits.
    for (; u + 4 <= cells; u += 4) {
      const at = <usize>u << 2;
      const f = v128.load(fRow + at);
      const i = cifg ? f32x4.sub(f32x4.splat(1.0), f) : v128.load(iRow + at);
      let cell = f32x4.add(f32x4.mul(f, v128.load(c + at)), f32x4.mul(i, v128.load(gRow + at)));
      if (clip > 0) cell = f32x4.min(f32x4.max(cell, f32x4.splat(-clip)), f32x4.splat(clip));
      v128.store(c + at, cell);
      v128.store(gRow + at, cell);
    }
  }
  for (; u < cells; u++) {
    const at = <usize>u << 2;
    const f = load<f32>(fRow + at);
    const i = cifg ? <f32>1.0 - f : load<f32>(iRow + at);
    let cell = f * load<f32>(c + at) + i * load<f32>(gRow + at);
    if (clip > 0) cell = min(max(cell, -clip), clip);
    store<f32>(c + at, cell);
    store<f32>(gRow + at, cell);
  }
}

/** h = o act(c) into the state and the output row. */
function hiddenState(oRow: usize, actRow: usize, h: usize, y: usize, cells: i32): void {
  let u = 0;
  if (ASC_FEATURE_SIMD) {
    for (; u + 4 <= cells; u += 4) {
      const at = <usize>u << 2;
      const hidden = f32x4.mul(v128.load(oRow + at), v128.load(actRow + at));
      v128.store(h + at, hidden);
      v128.store(y + at, hidden);
    }
  }
  for (; u < cells; u++) {
    const at = <usize>u << 2;
    const hidden = load<f32>(oRow + at) * load<f32>(actRow + at);
    store<f32>(h + at, hidden);
    store<f32>(y + at, hidden);
  }
}

/** Row r (b * chunk + t - t0) of a chunk's input products: the input vector of batch b, step t. */
function inputRow(d: LstmData, xData: usize, r: i32, t0: i32, chunk: i32): usize {
  return xData + (<usize>(stepIndex(d, t0 + r % chunk, r / chunk) * d.features) << 2);
}

/** Row of the input and output tensors that holds time step t of batch row b. */
// @ts-ignore: decorator
@inline
function stepIndex(d: LstmData, t: i32, b: i32): i32 {
  return d.timeMajor != 0 ? t * d.batches + b : b * d.steps + t;
}
