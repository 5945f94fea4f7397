// The loaded model as the interpreter sees it: flat tables of tensors and
// operators in persistent memory, filled and verified by model.ts.

import { typeSize } from "./tensor_type";

export const MAX_RANK: i32 = 6;

export const FLAG_CONSTANT: i32 = 1;
export const FLAG_VARIABLE: i32 = 2;
export const FLAG_GRAPH_INPUT: i32 = 4;
export const FLAG_GRAPH_OUTPUT: i32 = 8;
/** Never materialised: the operator that writes it also does the work of its one reader (see Operator.absorbed). */
export const FLAG_ABSORBED: i32 = 16;

@unmanaged
export class Tensor {
  type: i32;
  rank: i32;
  d0: i32; d1: i32; d2: i32; d3: i32; d4: i32; d5: i32;
  elements: i32;
  bytes: i32;
  /** Absolute address of the data: in the model (constants) or in the arena. */
  data: usize;
  flags: i32;
  /** First quantization parameters (per-tensor case); scale 0 = not quantized. */
  scale: f32;
  zeroPoint: i32;
  /** Number of (scale, zero point) pairs; > 1 for per-channel quantization. */
  quantCount: i32;
  /** Absolute addresses of the f32 scales and i64 zero points in the model. */
  scales: usize;
  zeroPoints: usize;
  quantDim: i32;
  namePtr: usize;
  nameLength: i32;
  // Planner bookkeeping.
  firstUse: i32;
  lastUse: i32;
  arenaOffset: i32;
  writerCount: i32;
}

@unmanaged
export class Operator {
  code: i32;
  version: i32;
  inputs: usize;
  inputCount: i32;
  outputs: usize;
  outputCount: i32;
  intermediates: usize;
  intermediateCount: i32;
  /** Offset of the builtin options table in the model, 0 if absent. */
  options: u32;
  optionsType: i32;
  /** Operator-specific data computed by prepare (persistent memory). */
  data: usize;
  /**
   * 1 when the operator before this one computes this one's output as well
   * (a CONV_2D that max-pools as it goes): this one is not evaluated, its
   * output is written from the step before, and its input is FLAG_ABSORBED.
   */
  absorbed: i32;
}

export let tensorTable: usize = 0;
export let tensorCount: i32 = 0;
export let operatorTable: usize = 0;
export let operatorCount: i32 = 0;
export let graphInputs: usize = 0;
export let graphInputCount: i32 = 0;
export let graphOutputs: usize = 0;
export let graphOutputCount: i32 = 0;

export function setTensors(table: usize, count: i32): void {
  tensorTable = table;
  tensorCount = count;
}
export function setOperators(table: usize, count: i32): void {
  operatorTable = table;
  operatorCount = count;
}
export function setGraphIO(inputs: usize, inputCount: i32, outputs: usize, outputCount: i32): void {
  graphInputs = inputs;
  graphInputCount = inputCount;
  graphOutputs = outputs;
  graphOutputCount = outputCount;
}

// @ts-ignore: decorator
@inline
export function tensorAt(index: i32): Tensor {
  return changetype<Tensor>(tensorTable + <usize>index * offsetof<Tensor>());
}

// @ts-ignore: decorator
@inline
export function operatorAt(index: i32): Operator {
  return changetype<Operator>(operatorTable + <usize>index * offsetof<Operator>());
}

/** Tensor index of input i of an operator; -1 for an omitted optional input or i out of range. */
export function inputIndex(op: Operator, i: i32): i32 {
  return i < op.inputCount ? load<i32>(op.inputs + (<usize>i << 2)) : -1;
}

export function outputIndex(op: Operator, i: i32): i32 {
  return load<i32>(op.outputs + (<usize>i << 2));
}

export function input(op: Operator, i: i32): Tensor {
  return tensorAt(inputIndex(op, i));
}

export function output(op: Operator, i: i32): Tensor {
  return tensorAt(outputIndex(op, i));
}

export function dim(t: Tensor, i: i32): i32 {
  return load<i32>(changetype<usize>(t) + offsetof<Tensor>("d0") + (<usize>i << 2));
}

export function setDim(t: Tensor, i: i32, value: i32): void {
  store<i32>(changetype<usize>(t) + offsetof<Tensor>("d0") + (<usize>i << 2), value);
}

export function isConstant(t: Tensor): bool {
  return (t.flags & FLAG_CONSTANT) != 0;
}

/** Per-channel scale c (or the per-tensor scale). */
export function channelScale(t: Tensor, c: i32): f32 {
  return load<f32>(t.scales + (<usize>c << 2));
}

export function channelZeroPoint(t: Tensor, c: i32): i64 {
  return load<i64>(t.zeroPoints + (<usize>c << 3));
}

/** How many operators read tensor `index` (as an input or an intermediate). */
export function readerCount(index: i32): i32 {
  let count = 0;
  for (let i = 0; i < operatorCount; i++) {
    const op = operatorAt(i);
    for (let k = 0; k < op.inputCount; k++) if (load<i32>(op.inputs + (<usize>k << 2)) == index) count++;
    for (let k = 0; k < op.intermediateCount; k++) if (load<i32>(op.intermediates + (<usize>k << 2)) == index) count++;
  }
  return count;
}

export function sameShape(a: Tensor, b: Tensor): bool {
  if (a.rank != b.rank) return false;
  for (let i = 0; i < a.rank; i++) if (dim(a, i) != dim(b, i)) return false;
  return true;
}

export function elementSize(t: Tensor): i32 {
  return typeSize(t.type);
}
