// The checked build's memory checker: what AddressSanitizer is to C, for the
// fuzzer. runtime-wasm/builder/checked.mjs compiles the same sources with
// WASMLITE_CHECKED defined and checks every load and store of the compiled
// runtime (SIMD ones included) before it happens. An access outside the
// bytes it may touch traps at once (`unreachable`), and the host reads what,
// where and by whom from wl_checked_stray_*.
//
// The bytes each access may touch:
//   [STATIC_START, modelStart)        the runtime's own static data: read, write
//   the model's bytes                 read only (a write is a stray)
//   the persistent region             read, write (tables, operator data)
//   the arena, while loading          read, write (zeroing, initial state)
//   the arena, once loaded            only the bytes of one buffer live at the
//                                     current operator's step (planner.ts),
//                                     not the padding after a tensor
// Everything else is a stray: the page below the static data, the red zones
// after the model and after the persistent region (layout.ts), and anything
// past the arena. A read of a constant tensor is a read of model bytes, so a
// verifier bound a few bytes short lets a kernel or the reader step into the
// red zone, and that is reported where the fuzzer's other checks see nothing.
//
// Speed: each access site keeps the window its last access fell in (the
// region, or the arena buffer) with the generation it was found in; the
// inlined test is "same generation and inside the window", and only a miss
// calls wl_checked_load/store, which classifies the access and hands back
// its window. The generation moves whenever a window may stop being valid:
// at each operator (arena buffers are live per operator) and as a load
// starts, places the arena and seals it.
//
// Not checked: which static bytes are read-only (lookup tables and the message
// table sit beside the writable buffers); the fuzzer's known-good models,
// re-run after every few mutants, catch damage there.

import { modelStart, persistentBegin, persistentEnd } from "../layout";
import { modelBase, modelLength } from "../flatbuffer";
import { liveBufferHolding, bufferOffset, bufferBytes } from "../planner";
import { currentOperatorIndex } from "../ops_common/operator";
import { lastErrorCode, OK } from "../status";

/** The checked build's data starts here (asc --memoryBase); below it is a guard page. */
export const STATIC_START: usize = 1024;

// What a stray access hit (wl_checked_stray): 0 none.
export const STRAY_GUARD_PAGE: i32 = 1;
export const STRAY_MODEL_WRITE: i32 = 2;
export const STRAY_PAST_MODEL: i32 = 3;
export const STRAY_PAST_PERSISTENT: i32 = 4;
export const STRAY_NOT_LIVE: i32 = 5;
export const STRAY_PAST_ARENA: i32 = 6;

let arenaStart: u64 = 0;
let arenaEnd: u64 = 0;
let arenaSealed: bool = false;

let generation: i32 = 0;
/** The window of the last access classified: the bytes around it it may touch. */
let windowLow: u64 = 0;
let windowHigh: u64 = 0;

let strayKind: i32 = 0;
let strayAddress: u64 = 0;
let strayBytes: u32 = 0;
let straySite: u32 = 0;
let strayStore: bool = false;
let strayOperator: i32 = -1;

/**
 * wl_load tells the checker where the arena is: (0, 0) as it starts; the
 * placed arena, not yet `sealed`, while it zeroes it and writes the initial
 * state; sealed once loaded, when each operator may touch only its buffers.
 */
export function checkedArena(start: usize, bytes: u32, sealed: bool): void {
  arenaStart = <u64>start;
  arenaEnd = <u64>start + <u64>bytes;
  arenaSealed = sealed;
  generation++;
}

/** enterOperator: the live buffers change, so every site's window is looked up again. */
export function checkedOperator(): void {
  generation++;
}

/** Sets the window to [low, high); returns 0 (no stray). */
function allow(low: u64, high: u64): i32 {
  windowLow = low;
  windowHigh = high;
  return 0;
}

/** The stray kind of an access to [start, end), or 0 with its window set when it may touch those bytes. */
function classify(start: u64, end: u64, store: bool): i32 {
  if (start < <u64>STATIC_START) return STRAY_GUARD_PAGE;
  if (end <= <u64>modelStart) return allow(<u64>STATIC_START, <u64>modelStart);
  const model = <u64>modelBase();
  const modelEnd = model + <u64>modelLength();
  if (start >= model && end <= modelEnd) return store ? STRAY_MODEL_WRITE : allow(model, modelEnd);
  const persistent = <u64>persistentBegin();
  const persistentTop = <u64>persistentEnd();
  if (start >= persistent && end <= persistentTop) return allow(persistent, persistentTop);
  if (arenaEnd > arenaStart && start >= arenaStart && end <= arenaEnd) {
    if (!arenaSealed) return allow(arenaStart, arenaEnd);
    const b = liveBufferHolding(currentOperatorIndex(), start - arenaStart, end - arenaStart);
    if (b < 0) return STRAY_NOT_LIVE;
    const low = arenaStart + <u64>bufferOffset(b);
    return allow(low, low + <u64>bufferBytes(b));
  }
  if (end <= persistent) return STRAY_PAST_MODEL;
  if (arenaEnd == 0 || end <= arenaStart) return STRAY_PAST_PERSISTENT;
  return STRAY_PAST_ARENA;
}

function check(site: u32, bytes: u32, offset: u32, address: usize, store: bool): usize {
  const start = <u64>address + <u64>offset;
  const kind = classify(start, start + <u64>bytes, store);
  if (kind != 0) {
    strayKind = kind;
    strayAddress = start;
    strayBytes = bytes;
    straySite = site;
    strayStore = store;
    strayOperator = currentOperatorIndex();
    unreachable();
  }
  return address;
}

// What the instrumentation puts at each site (builder/checked.mjs):
//   if (!wl_checked_fits(address, offset, bytes, siteGeneration, siteLow, siteHigh)) {
//     wl_checked_load(site, bytes, offset, address);   // or _store: traps on a stray
//     siteLow = wl_checked_window_low(); siteHigh = ..._high(); siteGeneration = wl_checked_generation();
//   }
// wl_checked_fits has no calls, so binaryen inlines it everywhere.

/** Whether an access lies in a site's window, found in the current generation. */
export function wl_checked_fits(address: usize, offset: u32, bytes: u32, gen: i32, low: u64, high: u64): bool {
  const start = <u64>address + <u64>offset;
  return gen == generation && start >= low && start + <u64>bytes <= high;
}

/** A load outside its site's window, at instrumented site `site`: traps if it is a stray. */
export function wl_checked_load(site: u32, bytes: u32, offset: u32, address: usize): usize {
  return check(site, bytes, offset, address, false);
}

/** A store outside its site's window. */
export function wl_checked_store(site: u32, bytes: u32, offset: u32, address: usize): usize {
  return check(site, bytes, offset, address, true);
}

export function wl_checked_generation(): i32 {
  return generation;
}
export function wl_checked_window_low(): u64 {
  return windowLow;
}
export function wl_checked_window_high(): u64 {
  return windowHigh;
}

// The refusal sites a load reached (builder/refusal-sites.mjs marks them):
// site ids, and clause ids + CLAUSE, each once, in the order reached.
const TRACE_CAPACITY: i32 = 64;
const CLAUSE: i32 = 0x10000;
const trace = memory.data(TRACE_CAPACITY * 4);
let traceCount: i32 = 0;

function record(id: i32): void {
  for (let i = 0; i < traceCount; i++) if (load<i32>(trace + (<usize>i << 2)) == id) return;
  if (traceCount == TRACE_CAPACITY) return;
  store<i32>(trace + (<usize>traceCount << 2), id);
  traceCount++;
}

/** Wraps each call to a refusing function: records `site` when it refused (false, with an error set). */
// @ts-ignore: decorator
@global export function checkedRefusal(site: i32, ok: bool): bool {
  if (!ok && lastErrorCode() != OK) record(site);
  return ok;
}

/** Wraps each operand of a refusing condition's `||`: records `clause` when it is true. */
// @ts-ignore: decorator
@global export function checkedClause(clause: i32, value: bool): bool {
  if (value) record(CLAUSE | clause);
  return value;
}

/** Forgets the refusal sites reached so far (the host calls it before a load). */
export function wl_checked_refusals_clear(): void {
  traceCount = 0;
}
/** How many refusal sites and clauses were reached since the last clear; wl_checked_refusal(i) is each. */
export function wl_checked_refusals(): i32 {
  return traceCount;
}
export function wl_checked_refusal(i: i32): i32 {
  return i >= 0 && i < traceCount ? load<i32>(trace + (<usize>i << 2)) : -1;
}

/** What the last stray hit (STRAY_*), 0 if none; the others describe it. */
export function wl_checked_stray(): i32 {
  return strayKind;
}
export function wl_checked_stray_address(): u32 {
  return <u32>strayAddress;
}
export function wl_checked_stray_bytes(): u32 {
  return strayBytes;
}
/** The instrumented site (builder/checked.mjs writes which function each is in). */
export function wl_checked_stray_site(): u32 {
  return straySite;
}
export function wl_checked_stray_is_store(): i32 {
  return strayStore ? 1 : 0;
}
/** The operator being prepared or evaluated when it happened. */
export function wl_checked_stray_operator(): i32 {
  return strayOperator;
}
/** The regions, for the host's message: model start and length, persistent start and end, arena start and end. */
export function wl_checked_region(which: i32): u32 {
  if (which == 0) return <u32>modelBase();
  if (which == 1) return modelLength();
  if (which == 2) return <u32>persistentBegin();
  if (which == 3) return <u32>persistentEnd();
  if (which == 4) return <u32>arenaStart;
  return <u32>arenaEnd;
}
