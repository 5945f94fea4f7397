// Memory planner: owns the placement of every non-constant tensor and every
// scratch buffer in one arena, laid out once at load.
//
// Lifetimes come from the graph: a tensor lives from the operator that writes
// it (or step 0 for graph inputs) to the last operator that reads it (or the
// end for graph outputs). Graph inputs live to the end too, so their bytes
// survive invoke and a host may invoke again on the same input; with
// overwriteInputs (wl_set_overwrite_inputs) they end at their last reader,
// as in TFLM, and later tensors may reuse their bytes (a smaller arena; the
// host refills the inputs before every invoke). A tensor between two operators that one of them
// computes together (graph.ts, FLAG_ABSORBED) gets no buffer. Variable
// tensors (RNN state) live for the whole run and are never shared.
// Placement is greedy: buffers in order, each at the lowest offset that does
// not overlap a placed buffer whose lifetime intersects its own. The order is
// by size, or by size times lifetime, whichever gives the smaller arena. The
// lower bound reported beside the arena size is the largest total of
// simultaneously live bytes: no plan can beat it.

import { alignUp, persistentAlloc } from "./layout";
import {
  Tensor, Operator, tensorAt, operatorAt, tensorCount, operatorCount, inputIndex, outputIndex,
  FLAG_CONSTANT, FLAG_VARIABLE, FLAG_GRAPH_INPUT, FLAG_GRAPH_OUTPUT, FLAG_ABSORBED,
} from "./graph";

// Scratch requests made by prepare(): size, the operator that uses it, and the
// arena offset the planner gives it.
const MAX_SCRATCH: i32 = 256;
const scratchSize = memory.data(MAX_SCRATCH * 4);
const scratchOp = memory.data(MAX_SCRATCH * 4);
const scratchOffset = memory.data(MAX_SCRATCH * 4);
let scratchCount: i32 = 0;
let arenaBase: usize = 0;

/** Set by the host for the loads that follow (wl_set_overwrite_inputs). */
let overwriteInputs: bool = false;

export function setOverwriteInputs(enabled: bool): void {
  overwriteInputs = enabled;
}

export let arenaBytes: u32 = 0;
export let arenaLowerBound: u32 = 0;

export function resetScratch(): void {
  scratchCount = 0;
}

/** Called from prepare(): asks for `bytes` of scratch during operator `opIndex`. Returns a handle, or -1. */
export function requestScratch(opIndex: i32, bytes: i32): i32 {
  if (scratchCount >= MAX_SCRATCH) return -1;
  store<i32>(scratchSize + (<usize>scratchCount << 2), bytes);
  store<i32>(scratchOp + (<usize>scratchCount << 2), opIndex);
  return scratchCount++;
}

/** Address of a scratch buffer, valid during invoke. */
// @ts-ignore: decorator
@inline
export function scratchPointer(handle: i32): usize {
  return arenaBase + <usize>load<i32>(scratchOffset + (<usize>handle << 2));
}

// Buffers to place: tensors first (by index), then scratch requests.
// Parallel arrays in persistent memory: size, first, last, offset.
let bufSize: usize = 0;
let bufFirst: usize = 0;
let bufLast: usize = 0;
let bufOffset: usize = 0;
let bufOrder: usize = 0;
let bufCount: i32 = 0;

// @ts-ignore: decorator
@inline function geti(a: usize, i: i32): i32 { return load<i32>(a + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function seti(a: usize, i: i32, v: i32): void { store<i32>(a + (<usize>i << 2), v); }

function computeLifetimes(): void {
  const end = operatorCount; // "after the last operator": outputs live until the host reads them
  for (let t = 0; t < tensorCount; t++) {
    const tensor = tensorAt(t);
    tensor.firstUse = -1;
    tensor.lastUse = -1;
    if ((tensor.flags & FLAG_CONSTANT) != 0) continue;
    if ((tensor.flags & (FLAG_GRAPH_INPUT | FLAG_VARIABLE)) != 0) tensor.firstUse = 0;
    if ((tensor.flags & (FLAG_GRAPH_OUTPUT | FLAG_VARIABLE)) != 0) tensor.lastUse = end;
    if ((tensor.flags & FLAG_GRAPH_INPUT) != 0 && !overwriteInputs) tensor.lastUse = end;
    if ((tensor.flags & (FLAG_GRAPH_INPUT | FLAG_GRAPH_OUTPUT)) != 0 && tensor.lastUse < 0) tensor.lastUse = 0;
  }
  for (let i = 0; i < operatorCount; i++) {
    const op = operatorAt(i);
    for (let k = 0; k < op.inputCount; k++) {
      const idx = inputIndex(op, k);
      if (idx < 0) continue;
      const t = tensorAt(idx);
      if ((t.flags & (FLAG_CONSTANT | FLAG_ABSORBED)) != 0) continue;
      if (t.firstUse < 0) t.firstUse = i;
      if (t.lastUse < i) t.lastUse = i;
    }
    // An absorbed operator's outputs are written by the operator before it.
    const writtenAt = i - op.absorbed;
    for (let k = 0; k < op.outputCount; k++) {
      const t = tensorAt(outputIndex(op, k));
      if ((t.flags & FLAG_ABSORBED) != 0) continue;
      if (t.firstUse < 0 || t.firstUse > writtenAt) t.firstUse = writtenAt;
      if (t.lastUse < i) t.lastUse = i;
    }
    for (let k = 0; k < op.intermediateCount; k++) {
      const t = tensorAt(load<i32>(op.intermediates + (<usize>k << 2)));
      if ((t.flags & FLAG_CONSTANT) != 0) continue;
      if (t.firstUse < 0 || t.firstUse > i) t.firstUse = i;
      if (t.lastUse < i) t.lastUse = i;
    }
  }
}

/** Plans arena offsets for every buffer. Returns false if out of memory. */
export function plan(): bool {
  computeLifetimes();
  const n = tensorCount + scratchCount;
  bufCount = n;
  bufSize = persistentAlloc(<u64>n * 4 + 4);
  bufFirst = persistentAlloc(<u64>n * 4 + 4);
  bufLast = persistentAlloc(<u64>n * 4 + 4);
  bufOffset = persistentAlloc(<u64>n * 4 + 4);
  bufOrder = persistentAlloc(<u64>n * 4 + 4);
  if (bufSize == 0 || bufFirst == 0 || bufLast == 0 || bufOffset == 0 || bufOrder == 0) return false;

  let live = 0;
  for (let t = 0; t < tensorCount; t++) {
    const tensor = tensorAt(t);
    const used = tensor.firstUse >= 0;
    seti(bufSize, t, used ? <i32>alignUp(<usize>tensor.bytes) : 0);
    seti(bufFirst, t, tensor.firstUse);
    seti(bufLast, t, tensor.lastUse);
    seti(bufOffset, t, -1);
    if (used) seti(bufOrder, live++, t);
  }
  for (let s = 0; s < scratchCount; s++) {
    const b = tensorCount + s;
    const op = geti(scratchOp, s);
    seti(bufSize, b, <i32>alignUp(<usize>geti(scratchSize, s)));
    seti(bufFirst, b, op);
    seti(bufLast, b, op);
    seti(bufOffset, b, -1);
    seti(bufOrder, live++, b);
  }

  // Two greedy orders; the smaller arena wins (a tie: by size).
  let total = placeAll(live, false);
  const byArea = placeAll(live, true);
  if (byArea < total) total = byArea;
  else placeAll(live, false);
  if (total > 0x7fff0000) return false;
  arenaBytes = <u32>total;
  arenaLowerBound = <u32>maxLiveBytes(live);
  return true;
}

/** Gives every planned tensor its address once the arena's start is known. */
export function placeArena(base: usize): void {
  arenaBase = base;
  for (let t = 0; t < tensorCount; t++) {
    const tensor = tensorAt(t);
    if ((tensor.flags & FLAG_CONSTANT) != 0) continue;
    const offset = geti(bufOffset, t);
    tensor.arenaOffset = offset;
    tensor.data = offset >= 0 ? base + <usize>offset : base;
  }
  for (let s = 0; s < scratchCount; s++) {
    seti(scratchOffset, s, geti(bufOffset, tensorCount + s));
  }
}

/** How buffer b ranks in placement order: its size, or (byArea) its size times its lifetime in steps. */
function rank(b: i32, byArea: bool): i64 {
  const size = <i64>geti(bufSize, b);
  return byArea ? size * <i64>(geti(bufLast, b) - geti(bufFirst, b) + 1) : size;
}

/**
 * Orders the `live` buffers by rank, largest first (ties: lower index first,
 * so plans are stable), places each at the lowest offset free during its
 * lifetime, and returns the arena size this gives.
 */
function placeAll(live: i32, byArea: bool): i64 {
  for (let i = 1; i < live; i++) {
    const b = geti(bufOrder, i);
    const key = rank(b, byArea);
    let j = i - 1;
    while (
      j >= 0 &&
      (rank(geti(bufOrder, j), byArea) < key || (rank(geti(bufOrder, j), byArea) == key && geti(bufOrder, j) > b))
    ) {
      seti(bufOrder, j + 1, geti(bufOrder, j));
      j--;
    }
    seti(bufOrder, j + 1, b);
  }
  let total: i64 = 0;
  for (let i = 0; i < live; i++) {
    const b = geti(bufOrder, i);
    const offset = lowestFreeOffset(b, i);
    seti(bufOffset, b, <i32>offset);
    const end = offset + <i64>geti(bufSize, b);
    if (end > total) total = end;
  }
  return total;
}

// @ts-ignore: decorator
@inline
function overlapsInTime(a: i32, b: i32): bool {
  return geti(bufFirst, a) <= geti(bufLast, b) && geti(bufFirst, b) <= geti(bufLast, a);
}

/** Lowest offset for buffer b that avoids the `placed` buffers before it in bufOrder. */
function lowestFreeOffset(b: i32, placed: i32): i64 {
  const size = <i64>geti(bufSize, b);
  let candidate: i64 = 0;
  // Repeat until a full pass finds no conflict; each conflict moves the
  // candidate past a placed buffer, so this ends after at most `placed` moves.
  let moved = true;
  while (moved) {
    moved = false;
    for (let i = 0; i < placed; i++) {
      const other = geti(bufOrder, i);
      if (!overlapsInTime(b, other)) continue;
      const start = <i64>geti(bufOffset, other);
      const end = start + <i64>geti(bufSize, other);
      if (candidate < end && start < candidate + size) {
        candidate = end;
        moved = true;
      }
    }
  }
  return candidate;
}

function maxLiveBytes(live: i32): i64 {
  let best: i64 = 0;
  for (let step = 0; step <= operatorCount; step++) {
    let sum: i64 = 0;
    for (let i = 0; i < live; i++) {
      const b = geti(bufOrder, i);
      if (geti(bufFirst, b) <= step && step <= geti(bufLast, b)) sum += <i64>geti(bufSize, b);
    }
    if (sum > best) best = sum;
  }
  return best;
}

/**
 * The checked build's question (assembly/checked/): which buffer live at
 * operator `step` holds the arena bytes [start, end) whole: a tensor's bytes
 * (not the padding after them) or a scratch buffer's. -1 if none does.
 */
export function liveBufferHolding(step: i32, start: u64, end: u64): i32 {
  for (let b = 0; b < bufCount; b++) {
    const offset = geti(bufOffset, b);
    if (offset < 0 || geti(bufFirst, b) > step || geti(bufLast, b) < step) continue;
    if (start >= <u64>offset && end <= <u64>offset + <u64>bufferBytes(b)) return b;
  }
  return -1;
}

/** A planned buffer's arena offset. */
export function bufferOffset(b: i32): u32 {
  return <u32>geti(bufOffset, b);
}

/** A planned buffer's bytes in use: its tensor's, or its scratch request's. */
export function bufferBytes(b: i32): u32 {
  return <u32>(b < tensorCount ? tensorAt(b).bytes : geti(scratchSize, b - tensorCount));
}
