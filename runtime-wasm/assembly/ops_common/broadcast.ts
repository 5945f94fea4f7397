// Broadcasting for two-input elementwise operators (ADD, SUB, MUL, PRELU):
// shapes are right-aligned and padded to 6-D; a dimension of extent 1 repeats.
// prepare() fills a Broadcast record; eval walks the output in row-major
// order and steps each input by its stride (0 along a repeated dimension).

import { Tensor, dim } from "../graph";

export const DIMS: i32 = 6;

@unmanaged
export class Broadcast {
  needed: i32;
  o0: i32; o1: i32; o2: i32; o3: i32; o4: i32; o5: i32;
  a0: i32; a1: i32; a2: i32; a3: i32; a4: i32; a5: i32;
  b0: i32; b1: i32; b2: i32; b3: i32; b4: i32; b5: i32;
}

function extent(t: Tensor, d: i32): i32 {
  const k = d - (DIMS - t.rank);
  return k < 0 ? 1 : dim(t, k);
}

// @ts-ignore: decorator
@inline function field(p: Broadcast, group: i32, d: i32): usize {
  return changetype<usize>(p) + offsetof<Broadcast>("o0") + <usize>((group * DIMS + d) << 2);
}

/** Fills `p` for inputs a, b and output y. False if the shapes do not broadcast to y's shape. */
export function prepareBroadcast(p: Broadcast, a: Tensor, b: Tensor, y: Tensor): bool {
  if (y.rank < a.rank || y.rank < b.rank) return false;
  let strideA = 1;
  let strideB = 1;
  let needed = false;
  for (let d = DIMS - 1; d >= 0; d--) {
    const ea = extent(a, d);
    const eb = extent(b, d);
    const ey = extent(y, d);
    const expected = ea == 1 ? eb : ea;
    if ((ea != 1 && eb != 1 && ea != eb) || ey != expected) return false;
    if (ea != eb) needed = true;
    store<i32>(field(p, 0, d), ey);
    store<i32>(field(p, 1, d), ea == 1 ? 0 : strideA);
    store<i32>(field(p, 2, d), eb == 1 ? 0 : strideB);
    strideA *= ea;
    strideB *= eb;
  }
  p.needed = needed ? 1 : 0;
  return true;
}

// @ts-ignore: decorator
@inline export function outExtent(p: Broadcast, d: i32): i32 { return load<i32>(field(p, 0, d)); }
// @ts-ignore: decorator
@inline export function strideA(p: Broadcast, d: i32): i32 { return load<i32>(field(p, 1, d)); }
// @ts-ignore: decorator
@inline export function strideB(p: Broadcast, d: i32): i32 { return load<i32>(field(p, 2, d)); }

// The element offsets of the current output element, advanced by next().
export let offsetA: i32 = 0;
export let offsetB: i32 = 0;
let counters = memory.data(DIMS * 4);

export function startWalk(): void {
  offsetA = 0;
  offsetB = 0;
  for (let d = 0; d < DIMS; d++) store<i32>(counters + (<usize>d << 2), 0);
}

/** Moves to the next output element in row-major order (odometer with per-input strides). */
export function next(p: Broadcast): void {
  for (let d = DIMS - 1; d >= 0; d--) {
    const c = load<i32>(counters + (<usize>d << 2)) + 1;
    if (c < outExtent(p, d)) {
      store<i32>(counters + (<usize>d << 2), c);
      offsetA += strideA(p, d);
      offsetB += strideB(p, d);
      return;
    }
    store<i32>(counters + (<usize>d << 2), 0);
    offsetA -= strideA(p, d) * (c - 1);
    offsetB -= strideB(p, d) * (c - 1);
  }
}
