// Bounds-checked FlatBuffer access over the untrusted model bytes.
//
// Every read below is preceded by a range check against the model length, so
// no input can make the runtime read outside [base, base + length). Offsets
// are handled as u64 so that a huge offset cannot wrap around.
// A FlatBuffer cannot contain cycles that we follow: the reader walks a fixed
// depth (model -> subgraph -> tensor -> quantization), so it always terminates.

import { fail, say, sayInt, ERR_MALFORMED, Message } from "./status";

let base: usize = 0;
let length: u32 = 0;

export function setModel(ptr: usize, byteLength: u32): void {
  base = ptr;
  length = byteLength;
}

export function modelBase(): usize {
  return base;
}

export function modelLength(): u32 {
  return length;
}

// @ts-ignore: decorator
@inline
export function inRange(offset: u64, size: u64): bool {
  return offset <= <u64>length && size <= <u64>length - offset;
}

// Unchecked loads: callers must have checked the range.
// @ts-ignore: decorator
@inline export function u8At(offset: u32): u32 { return <u32>load<u8>(base + <usize>offset); }
// @ts-ignore: decorator
@inline export function i8At(offset: u32): i32 { return <i32>load<i8>(base + <usize>offset); }
// @ts-ignore: decorator
@inline export function u16At(offset: u32): u32 { return <u32>load<u16>(base + <usize>offset); }
// @ts-ignore: decorator
@inline export function i32At(offset: u32): i32 { return load<i32>(base + <usize>offset); }
// @ts-ignore: decorator
@inline export function u32At(offset: u32): u32 { return load<u32>(base + <usize>offset); }
// @ts-ignore: decorator
@inline export function i64At(offset: u32): i64 { return load<i64>(base + <usize>offset); }
// @ts-ignore: decorator
@inline export function f32At(offset: u32): f32 { return load<f32>(base + <usize>offset); }

function malformed(what: Message, offset: u64, detail: Message = ""): bool {
  fail(ERR_MALFORMED, "malformed model: ");
  say(what);
  say(detail);
  say(" at byte ");
  sayInt(<i64>offset);
  return false;
}

/** Checks the root offset and the file identifier; returns the root table offset or 0. */
export function rootTable(): u32 {
  if (length < 8) {
    malformed("file shorter than a FlatBuffer header", 0);
    return 0;
  }
  const root = u32At(0);
  // 'TFL3' identifier at bytes 4..7.
  if (u8At(4) != 84 || u8At(5) != 70 || u8At(6) != 76 || u8At(7) != 51) {
    fail(ERR_MALFORMED, "not a TFLite model: file identifier is not 'TFL3'");
    return 0;
  }
  if (!checkTable(<u64>root, "model root table")) return 0;
  return root;
}

/** Validates a table and its vtable. Returns false (with an error) if either is out of range. */
export function checkTable(table: u64, what: Message): bool {
  if (table < 8 || !inRange(table, 4) || (table & 3) != 0) return malformed(what, table);
  const vtable: i64 = <i64>table - <i64>i32At(<u32>table);
  if (vtable < 0 || !inRange(<u64>vtable, 4) || (vtable & 1) != 0)
    return malformed(what, <u64>vtable, " (vtable out of range)");
  const vtableSize = u16At(<u32>vtable);
  const tableSize = u16At(<u32>vtable + 2);
  if (vtableSize < 4 || (vtableSize & 1) != 0 || !inRange(<u64>vtable, <u64>vtableSize)) {
    return malformed(what, <u64>vtable, " (bad vtable size)");
  }
  if (tableSize < 4 || !inRange(table, <u64>tableSize)) return malformed(what, table, " (table larger than the file)");
  return true;
}

/**
 * Offset of field `id` of a checked table, or 0 when the field is absent.
 * Returns u32.MAX_VALUE (with an error set) if the field lies outside its table.
 */
export function field(table: u32, id: i32, size: u32): u32 {
  const vtable = <u32>(<i64>table - <i64>i32At(table));
  const vtableSize = u16At(vtable);
  const slot: u32 = 4 + 2 * <u32>id;
  if (slot + 2 > vtableSize) return 0;
  const voffset = u16At(vtable + slot);
  if (voffset == 0) return 0;
  const tableSize = u16At(vtable + 2);
  if (voffset < 4 || <u32>voffset + size > tableSize) {
    malformed("field outside its table", <u64>table);
    return u32.MAX_VALUE;
  }
  return table + voffset;
}

export const BAD: u32 = u32.MAX_VALUE;

// Scalar fields with defaults. A field whose bounds check fails reads as its
// default with the error set; callers check scalarError() after reading a
// table's fields (it reports, and clears, a failure since the last call).
let scalarFailed: bool = false;
export function scalarError(): bool {
  const failed = scalarFailed;
  scalarFailed = false;
  return failed;
}

export function readU8(table: u32, id: i32, dflt: u32): u32 {
  const f = field(table, id, 1);
  if (f == BAD) { scalarFailed = true; return dflt; }
  return f == 0 ? dflt : u8At(f);
}
export function readI8(table: u32, id: i32, dflt: i32): i32 {
  const f = field(table, id, 1);
  if (f == BAD) { scalarFailed = true; return dflt; }
  return f == 0 ? dflt : i8At(f);
}
export function readI32(table: u32, id: i32, dflt: i32): i32 {
  const f = field(table, id, 4);
  if (f == BAD) { scalarFailed = true; return dflt; }
  return f == 0 ? dflt : i32At(f);
}
export function readU32(table: u32, id: i32, dflt: u32): u32 {
  const f = field(table, id, 4);
  if (f == BAD) { scalarFailed = true; return dflt; }
  return f == 0 ? dflt : u32At(f);
}
export function readF32(table: u32, id: i32, dflt: f32): f32 {
  const f = field(table, id, 4);
  if (f == BAD) { scalarFailed = true; return dflt; }
  return f == 0 ? dflt : f32At(f);
}
export function readU64(table: u32, id: i32): u64 {
  const f = field(table, id, 8);
  if (f == BAD) { scalarFailed = true; return 0; }
  return f == 0 ? 0 : <u64>i64At(f);
}

/** Follows an offset field to a table. 0 = absent, BAD = invalid (error set). */
export function readTable(table: u32, id: i32, what: Message): u32 {
  const f = field(table, id, 4);
  if (f == BAD) return BAD;
  if (f == 0) return 0;
  const target: u64 = <u64>f + <u64>u32At(f);
  if (!checkTable(target, what)) return BAD;
  return <u32>target;
}

// The last vector found by readVector(): its element start and element count.
export let vectorData: u32 = 0;
export let vectorCount: u32 = 0;

/**
 * Follows an offset field to a vector with elements of `elementSize` bytes.
 * Returns 0 when absent (vectorCount = 0), 1 when present, BAD when invalid.
 */
export function readVector(table: u32, id: i32, elementSize: u32, what: Message): u32 {
  vectorData = 0;
  vectorCount = 0;
  const f = field(table, id, 4);
  if (f == BAD) return BAD;
  if (f == 0) return 0;
  const target: u64 = <u64>f + <u64>u32At(f);
  if (!inRange(target, 4)) {
    malformed(what, target);
    return BAD;
  }
  const count = u32At(<u32>target);
  if (!inRange(target + 4, <u64>count * <u64>elementSize)) {
    malformed(what, target, " (vector longer than the file)");
    return BAD;
  }
  vectorData = <u32>target + 4;
  vectorCount = count;
  return 1;
}

/** Element i of a vector of tables (offsets relative to the element). BAD if invalid. */
export function vectorTable(data: u32, i: u32, what: Message): u32 {
  const slot = data + 4 * i;
  const target: u64 = <u64>slot + <u64>u32At(slot);
  if (!checkTable(target, what)) return BAD;
  return <u32>target;
}

/** Reads a string field: 0 if absent, BAD if invalid, else 1 with vectorData/vectorCount set. */
export function readString(table: u32, id: i32, what: Message): u32 {
  const result = readVector(table, id, 1, what);
  if (result == 1 && !inRange(<u64>vectorData + <u64>vectorCount, 1)) {
    // Strings are NUL-terminated; the terminator must be inside the file too.
    malformed(what, <u64>vectorData, " (unterminated string)");
    return BAD;
  }
  return result;
}
