// Linear-memory layout, owned here and nowhere else:
//
//   [ static data | model bytes | persistent (tables, op data) | arena ]
//
// The checked build (built for the fuzzer, see assembly/checked/) leaves a red
// zone of RED_ZONE bytes after the model bytes and after the persistent
// region, so a read a little past the model or a write a little past the op
// data lands on bytes nothing owns and is reported; in the other builds
// RED_ZONE is 0 and the regions touch.
//
// Everything is placed during load(); after that nothing moves and memory
// never grows, so invoke() cannot allocate. The AssemblyScript heap is never
// used (runtime "stub", and no code path allocates): the model starts right
// at __heap_base.

import { fail, say, sayInt, ERR_OUT_OF_MEMORY } from "./status";
import { modelLength } from "./flatbuffer";

const ALIGN: usize = 16;

// @ts-ignore: decorator
@inline
export function alignUp(x: usize): usize {
  return (x + ALIGN - 1) & ~(ALIGN - 1);
}

export const modelStart: usize = alignUp(__heap_base);
export const RED_ZONE: usize = isDefined(WASMLITE_CHECKED) ? 64 : 0;
let persistentTop: usize = 0;
/** The most a 32-bit linear memory can hold, in whole 64 KiB pages below 4 GiB. */
const MEMORY_MAX: u64 = 0xffff0000;
let memoryLimit: u64 = MEMORY_MAX;

/** Caps the linear memory a model may make the runtime use (0 = WebAssembly's 4 GiB). */
export function setMemoryLimit(bytes: u64): void {
  memoryLimit = bytes == 0 || bytes > MEMORY_MAX ? MEMORY_MAX : bytes;
}

/** Grows memory so that [0, end) is addressable. */
export function ensureMemory(end: u64): bool {
  if (end > memoryLimit) {
    fail(ERR_OUT_OF_MEMORY, "model needs ");
    sayInt(<i64>end);
    say(" bytes of memory, more than ");
    if (memoryLimit == MEMORY_MAX) {
      say("WebAssembly's 4 GiB");
    } else {
      say("the limit of ");
      sayInt(<i64>memoryLimit);
    }
    return false;
  }
  const needed = <i32>((end + 0xffff) >> 16);
  const have = memory.size();
  if (needed > have && memory.grow(needed - have) < 0) {
    fail(ERR_OUT_OF_MEMORY, "could not grow memory to ");
    sayInt(<i64>end);
    say(" bytes");
    return false;
  }
  return true;
}

/** Starts the persistent region right after the model bytes. */
export function resetPersistent(modelBytes: u32): void {
  persistentTop = alignUp(modelStart + <usize>modelBytes) + RED_ZONE;
}

/** Zeroed, 16-byte aligned memory that lives until the next load. 0 on failure (error set). */
export function persistentAlloc(bytes: u64): usize {
  const start = persistentTop;
  const end: u64 = <u64>start + ((bytes + 15) & ~<u64>15);
  if (!ensureMemory(end)) return 0;
  persistentTop = <usize>end;
  memory.fill(start, 0, <usize>(end - <u64>start));
  return start;
}

/** Where the persistent region of the loaded model starts (as resetPersistent placed it). */
export function persistentBegin(): usize {
  return alignUp(modelStart + <usize>modelLength()) + RED_ZONE;
}

export function persistentEnd(): usize {
  return persistentTop;
}
