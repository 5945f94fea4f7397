// trainer/rng.ts: xoshiro128** (Blackman & Vigna 2018) against the outputs of the authors' reference C
// implementation, the seeding (splitmix-style: word i = fmix32(seed + (i + 1) 0x9e3779b9), MurmurHash3's
// finaliser), and each draw written out from the raw 32-bit outputs of a second generator in the same state.
import { describe, it, expect } from "vitest";
import { Rng } from "@wasmlite/trainer";

/** A generator in the given state. */
function at(state: number[]): Rng {
  const r = new Rng(0);
  r.restore(state);
  return r;
}

/** MurmurHash3's 32-bit finaliser. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

describe("Rng", () => {
  it("xoshiro128**: the reference implementation's outputs from state {1, 2, 3, 4}", () => {
    // xoshiro128starstar.c (Blackman & Vigna), compiled and run with s = {1, 2, 3, 4}.
    const r = at([1, 2, 3, 4]);
    const want = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
    expect(want.map(() => r.nextU32())).toEqual(want);
  });

  it("a seed spreads over the four state words by that formula, taken mod 2^32", () => {
    for (const seed of [0, 1, 42, 2 ** 32 - 1, -1]) {
      const words = [1, 2, 3, 4].map((i) => fmix32((seed + i * 0x9e3779b9) >>> 0));
      expect(new Rng(seed).state(), String(seed)).toEqual(words);
    }
    expect(new Rng(-1).state()).toEqual(new Rng(2 ** 32 - 1).state()); // the seed is taken mod 2^32
  });

  it("next, uniform and normal from the raw outputs; normal skips a zero draw (log 0)", () => {
    const state = [9, 8, 7, 6];
    const raw = at(state);
    const u = () => raw.nextU32() / 2 ** 32;
    const r = at(state);
    expect(r.next()).toBe(u());
    expect(r.uniform(-2, 3)).toBe(-2 + 5 * u());
    const u1 = u();
    expect(r.normal()).toBe(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u()));
    // From {1, 2, 3, 4} the second output is 0: normal() draws again for its first number.
    const zero = at([1, 2, 3, 4]);
    zero.nextU32();
    const expected = Math.sqrt(-2 * Math.log(5927040 / 2 ** 32)) * Math.cos((2 * Math.PI * 70819200) / 2 ** 32);
    expect(zero.normal()).toBe(expected);
  });

  it("permutation: Fisher-Yates from the last position down, swapping with output mod (i + 1)", () => {
    const state = [3, 1, 4, 1];
    const raw = at(state);
    const p = [0, 1, 2, 3, 4, 5, 6];
    for (let i = p.length - 1; i > 0; i--) {
      const j = raw.nextU32() % (i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    const r = at(state);
    expect(Array.from(r.permutation(7))).toEqual(p);
    expect(r.nextU32()).toBe(raw.nextU32()); // six draws for seven items, no more
    expect(Array.from(at(state).permutation(1))).toEqual([0]);
    expect(Array.from(at(state).permutation(0))).toEqual([]);
  });

  it("seedFor: one seed per stream, from the state, which it leaves as it was", () => {
    const r = at([10, 20, 30, 40]);
    const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
    const base = 10 ^ rotl(20, 7) ^ rotl(30, 13) ^ rotl(40, 19);
    for (const stream of [0, 1, 5]) expect(r.seedFor(stream)).toBe((base ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0);
    expect(r.state()).toEqual([10, 20, 30, 40]);
  });

  it("state and restore round-trip; a state of the wrong length is refused", () => {
    const r = new Rng(5);
    r.nextU32();
    const copy = at(r.state());
    expect(copy.nextU32()).toBe(r.nextU32());
    expect(() => r.restore([1, 2, 3])).toThrow("random state must have 4 words");
    expect(() => r.restore([1, 2, 3, 4, 5])).toThrow("random state must have 4 words");
  });
});
