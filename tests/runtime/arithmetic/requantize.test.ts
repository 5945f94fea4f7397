// TFLite's MultiplyByQuantizedMultiplier (runtime-wasm/assembly/fixedpoint.ts),
// the requantisation of every integer kernel: the SIMD form (four lanes, used
// by the integer LSTM's gates) and the scalar form both equal gemmlowp's
// definition computed here with BigInt (SaturatingRoundingDoublingHighMul
// with C++'s truncating division, then RoundingDivideByPOT), on edge values
// and random int32 inputs, for every shift quantizeMultiplier can give.
import { describe, it, expect, beforeAll } from "vitest";
import { compileHarness } from "../../helpers/harness.ts";
import { Rng } from "../../helpers/mutate.ts";
import { quantizeMultiplier } from "../../reference/fixedpoint.ts";

interface Harness {
  memory: WebAssembly.Memory;
  heapBase(): number;
  requantizeRow(src: number, dst: number, n: number, multiplier: number, shift: number): void;
  requantizeByLane(
    src: number,
    dst: number,
    n: number,
    multipliers: number,
    shifts: number,
    lanes: number,
    offset: number,
    low: number,
    high: number,
    work: number,
  ): void;
  quantizeMultiplierAt(real: number, out: number): boolean;
}

const builds: Record<"simd" | "scalar", Harness> = {} as never;

beforeAll(async () => {
  builds.simd = await compileHarness<Harness>("requantize", true);
  builds.scalar = await compileHarness<Harness>("requantize", false);
}, 60_000);

const INT32_MIN = -(2 ** 31);

/** gemmlowp, literally: x * 2^left wraps, the high multiply rounds and truncates toward zero. */
function reference(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const a = Number(BigInt.asIntN(32, BigInt(x) << BigInt(left)));
  let high: number;
  if (a === INT32_MIN && multiplier === INT32_MIN) high = 2 ** 31 - 1;
  else {
    const ab = BigInt(a) * BigInt(multiplier);
    const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
    high = Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, as C++
  }
  const mask = 2 ** right - 1;
  const remainder = Number(BigInt.asUintN(32, BigInt(high)) & BigInt(mask));
  const threshold = Math.floor(mask / 2) + (high < 0 ? 1 : 0);
  return (high >> right) + (remainder > threshold ? 1 : 0);
}

function run(h: Harness, xs: Int32Array, multiplier: number, shift: number): Int32Array {
  const base = h.heapBase();
  const need = base + 8 * xs.length;
  if (h.memory.buffer.byteLength < need) h.memory.grow(Math.ceil((need - h.memory.buffer.byteLength) / 65536));
  new Int32Array(h.memory.buffer, base, xs.length).set(xs);
  h.requantizeRow(base, base + 4 * xs.length, xs.length, multiplier, shift);
  return new Int32Array(h.memory.buffer, base + 4 * xs.length, xs.length).slice();
}

describe("MultiplyByQuantizedMultiplier: SIMD = scalar = gemmlowp", () => {
  it("on edge and random int32 values for multipliers 0 and [2^30, 2^31), shifts -31..30", () => {
    const rng = new Rng(20261127);
    const edges = [
      0,
      1,
      -1,
      2,
      -2,
      3,
      -3,
      2 ** 31 - 1,
      INT32_MIN,
      INT32_MIN + 1,
      2 ** 30,
      -(2 ** 30),
      2 ** 15,
      -(2 ** 15),
      32767,
      -32768,
    ];
    const values: number[] = [...edges];
    for (let e = 0; e < 31; e++) values.push(2 ** e + 1, -(2 ** e) - 1, 2 ** e - 1, -(2 ** e));
    while (values.length % 4 !== 0 || values.length < 2048) values.push(rng.next() | 0);
    const xs = Int32Array.from(values);
    const multipliers = [0, 2 ** 30, 2 ** 31 - 1, 1518500250];
    for (let i = 0; i < 12; i++) multipliers.push(2 ** 30 + rng.below(2 ** 30));
    let checked = 0;
    for (const multiplier of multipliers) {
      for (let shift = -31; shift <= 30; shift++) {
        const expected = Int32Array.from(xs, (x) => reference(x, multiplier, shift));
        for (const build of ["simd", "scalar"] as const) {
          const got = run(builds[build], xs, multiplier, shift);
          const bad = got.findIndex((v, i) => v !== expected[i]);
          expect(
            bad,
            `${build}: x=${xs[bad]} multiplier=${multiplier} shift=${shift}: got ${got[bad]}, gemmlowp ${expected[bad]}`,
          ).toBe(-1);
          checked += got.length;
        }
      }
    }
    console.log(`requantisation: ${checked} results equal to gemmlowp's (SIMD and scalar)`);
  });
});

describe("requantisation with a multiplier and shift per lane (SIMD build) = gemmlowp", () => {
  /** Lanes' multipliers and shifts, the inputs (lane i % lanes), and the harness's results. */
  function runByLane(
    xs: Int32Array,
    multipliers: number[],
    shifts: number[],
    offset: number,
    low: number,
    high: number,
  ): Int32Array {
    const h = builds.simd;
    const lanes = multipliers.length;
    const base = h.heapBase();
    const need = base + 8 * xs.length + 8 * lanes + 64 + 144 * (lanes / 4);
    if (h.memory.buffer.byteLength < need) h.memory.grow(Math.ceil((need - h.memory.buffer.byteLength) / 65536));
    const dst = base + 4 * xs.length,
      m = dst + 4 * xs.length,
      s = m + 4 * lanes,
      work = s + 4 * lanes;
    new Int32Array(h.memory.buffer, base, xs.length).set(xs);
    new Int32Array(h.memory.buffer, m, lanes).set(multipliers);
    new Int32Array(h.memory.buffer, s, lanes).set(shifts);
    h.requantizeByLane(base, dst, xs.length, m, s, lanes, offset, low, high, work);
    return new Int32Array(h.memory.buffer, dst, xs.length).slice();
  }

  it("on random int32 values, for lanes with shifts far apart, close together, above 1 and multiplier 0", () => {
    const rng = new Rng(20261128);
    const lanes = 16;
    const xs = Int32Array.from({ length: lanes * 512 }, (_, i) =>
      i < lanes * 4 ? [0, 1, -1, 2 ** 31 - 1][i >> 4]! * (i & 1 ? -1 : 1) : rng.next() | 0,
    );
    const shiftRanges: [number, number][] = [
      [-31, 30],
      [-9, -6],
      [-1, 3],
      [0, 0],
      [-31, -31],
      [5, 5],
    ];
    let checked = 0;
    for (const [lo, hi] of shiftRanges) {
      for (let trial = 0; trial < 8; trial++) {
        const multipliers = Array.from({ length: lanes }, (_, j) =>
          j === 5 && trial % 2 === 0 ? 0 : 2 ** 30 + rng.below(2 ** 30),
        );
        const shifts = Array.from({ length: lanes }, () => lo + rng.below(hi - lo + 1));
        const clamp = trial % 3 === 0;
        const offset = clamp ? rng.below(256) - 128 : 0;
        const low = clamp ? -128 : INT32_MIN,
          high = clamp ? 127 : 2 ** 31 - 1;
        const got = runByLane(xs, multipliers, shifts, offset, low, high);
        xs.forEach((x, i) => {
          const lane = i % lanes;
          const scaled = reference(x, multipliers[lane]!, shifts[lane]!);
          const expected = clamp ? Math.min(Math.max(scaled + offset, low), high) : scaled;
          if (got[i] !== expected) {
            expect(got[i], `x=${x} multiplier=${multipliers[lane]} shift=${shifts[lane]} offset=${offset}`).toBe(
              expected,
            );
          }
        });
        checked += xs.length;
      }
    }
    console.log(`per-lane requantisation: ${checked} results equal to gemmlowp's`);
  });
});

describe("QuantizeMultiplier: the runtime's = tests/reference/'s (TFLite's quantization_util.cc), shifts above 30 refused", () => {
  it("on powers of two, rounding ties of the Q31 significand, values that round up to 2^31, tiny and huge scales, and random ones", () => {
    const rng = new Rng(7);
    const reals: number[] = [];
    for (let e = -40; e <= 40; e++) {
      reals.push(2 ** e, 2 ** e * (1 - 2 ** -40), 2 ** e * (1 + 2 ** -30));
      // (q + 0.5) / 2^31: a significand exactly halfway between two Q31 values (TfLiteRound goes up).
      const q = 2 ** 30 + (rng.next() % 2 ** 30);
      reals.push(((q + 0.5) / 2 ** 31) * 2 ** e, ((q + 0.49999) / 2 ** 31) * 2 ** e);
    }
    reals.push(5e-324, 1e-300, 2 ** -31, 2 ** -32, 2 ** -33, 1e300);
    for (let i = 0; i < 2000; i++) reals.push((rng.next() / 2 ** 32) * 2 ** ((rng.next() % 64) - 40));
    for (const build of ["simd", "scalar"] as const) {
      const h = builds[build];
      const at = h.heapBase();
      for (const real of reals) {
        const expected = quantizeMultiplier(real);
        // The runtime refuses a shift above 30, which TFLite's kernels cannot apply (`1 << shift`); below, the same pair.
        expect(Boolean(h.quantizeMultiplierAt(real, at)), `${real}`).toBe(expected.shift <= 30);
        if (expected.shift > 30) continue;
        const [multiplier, shift] = new Int32Array(h.memory.buffer, at, 2);
        expect({ multiplier, shift }, `QuantizeMultiplier(${real}) (${build})`).toEqual(expected);
      }
    }
  });
});
