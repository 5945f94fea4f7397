// trainer/workspace.ts: the one WebAssembly memory every training buffer lives in. The bump allocator's
// placement (aligned, adjacent, past the kernels' static data), growth, zeroing, release, and its
// refusals; part()'s bounds.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { Workspace, part, type Buf } from "../../trainer/workspace.ts";

/** Where the kernels' own static data ends, read from a fresh instance of the same module. */
const HEAP_BASE = (() => {
  const module = new WebAssembly.Module(
    readFileSync(new URL("../../trainer/kernels/build/trainer-kernels.wasm", import.meta.url)),
  );
  return (new WebAssembly.Instance(module, {}).exports.heapBase as () => number)();
})();

/** The memory's size in bytes (every view is over the whole memory). */
const memoryBytes = (ws: Workspace, b: Buf) => ws.f32(b).buffer.byteLength;

describe("Workspace", () => {
  it("the first buffer starts at the first 16-byte boundary past the kernels' static data", () => {
    const ws = new Workspace();
    const start = ws.alloc(1).offset * 4;
    expect(start % 16).toBe(0);
    expect(start).toBeGreaterThanOrEqual(HEAP_BASE);
    expect(start).toBeLessThan(HEAP_BASE + 16);
  });

  it("buffers are adjacent, each rounded up to four floats (16 bytes); zero floats take no room", () => {
    const ws = new Workspace();
    const a = ws.alloc(5);
    const b = ws.alloc(0);
    const c = ws.alloc(1);
    const d = ws.alloc(8);
    expect([a.length, b.length, c.length, d.length]).toEqual([5, 0, 1, 8]);
    expect([b.offset, c.offset, d.offset]).toEqual([a.offset + 8, a.offset + 8, a.offset + 12]);
    expect(ws.mark()).toBe(d.offset + 8);
  });

  it("grows the memory by the pages the new buffer needs, no more", () => {
    const ws = new Workspace();
    const first = ws.alloc(0);
    const before = memoryBytes(ws, first);
    const room = before / 4 - first.offset; // floats left before the end of the memory
    const fits = ws.alloc(room);
    expect(memoryBytes(ws, fits)).toBe(before); // exactly to the end: no growth
    const over = ws.alloc(1);
    expect(memoryBytes(ws, over)).toBe(before + 65536);
    const big = ws.alloc(3 * 16384); // three pages' worth of floats, past the one just added
    expect(memoryBytes(ws, big)).toBe(before + 4 * 65536);
    expect(ws.f32(big).every((v) => v === 0)).toBe(true);
  });

  it("release(mark) frees what came after the mark; memory handed out again is zeroed", () => {
    const ws = new Workspace();
    ws.alloc(3);
    const mark = ws.mark();
    const a = ws.alloc(6);
    ws.f32(a).fill(7);
    ws.release(mark);
    const b = ws.alloc(6);
    expect(b.offset).toBe(a.offset);
    expect([...ws.f32(b)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("views: f32 is the buffer's floats, u32 the same bytes as integers", () => {
    const ws = new Workspace();
    ws.alloc(2);
    const b = ws.alloc(3);
    ws.f32(b).set([1, -2, 0.5]);
    expect([...ws.f32(b)]).toEqual([1, -2, 0.5]);
    expect([...ws.u32(b)]).toEqual([0x3f800000, 0xc0000000, 0x3f000000]);
  });

  it("refuses a count that is not a whole number of floats, or one past what WebAssembly memory allows", () => {
    const ws = new Workspace();
    expect(() => ws.alloc(-1)).toThrow("workspace: cannot allocate -1 floats");
    expect(() => ws.alloc(1.5)).toThrow("workspace: cannot allocate 1.5 floats");
    expect(() => ws.alloc(NaN)).toThrow("workspace: cannot allocate NaN floats");
    // 2^30 floats are 4 GiB, more than a 32-bit memory's 65,536 pages once anything else is there.
    const mark = ws.mark();
    expect(() => ws.alloc(2 ** 30)).toThrow(
      /^workspace: training buffers need 4096\.\d MiB, more than WebAssembly memory allows$/,
    );
    // Nothing was taken: the next buffer starts where the refused one would have.
    expect(ws.mark()).toBe(mark);
    expect(ws.alloc(4).offset).toBe(mark);
  });
});

describe("part", () => {
  const b: Buf = { offset: 100, length: 10 };

  it("a range of a buffer, up to and including its end", () => {
    expect(part(b, 2, 5)).toEqual({ offset: 102, length: 5 });
    expect(part(b, 0, 10)).toEqual({ offset: 100, length: 10 });
    expect(part(b, 10, 0)).toEqual({ offset: 110, length: 0 });
  });

  it("refuses a range that starts before it, has a negative length or ends past it", () => {
    expect(() => part(b, -1, 2)).toThrow("workspace: part [-1, 1) of a buffer of 10 floats");
    expect(() => part(b, 3, -1)).toThrow("workspace: part [3, 2) of a buffer of 10 floats");
    expect(() => part(b, 4, 7)).toThrow("workspace: part [4, 11) of a buffer of 10 floats");
    expect(() => part(b, 11, 0)).toThrow("workspace: part [11, 11) of a buffer of 10 floats");
  });
});
