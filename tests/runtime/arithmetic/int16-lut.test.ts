// The int16 SOFTMAX lookup tables (runtime-wasm/assembly/kernels/int16_lut.ts)
// equal TFLite's gen_lut computed here step by step in float32
// (Math.fround after every operation) with a correctly rounded exp. The
// runtime uses its own expf (kernels/exp_f32.ts, within 1 ulp), so this
// checks that no table entry moved, in both builds.
import { describe, it, expect, beforeAll } from "vitest";
import { compileHarness } from "../../helpers/harness.ts";

interface Harness {
  memory: WebAssembly.Memory;
  heapBase(): number;
  lut(fn: number, inputMin: number, inputMax: number, dst: number): void;
}

const builds: Record<"simd" | "scalar", Harness> = {} as never;

beforeAll(async () => {
  builds.simd = await compileHarness<Harness>("int16_lut", true);
  builds.scalar = await compileHarness<Harness>("int16_lut", false);
}, 60_000);

const f = Math.fround;
const roundHalfAway = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
const clampToInt16 = (v: number) => Math.trunc(Math.min(Math.max(v, -32768), 32767));

/** TFLite's gen_lut in float32 for fn over [inputMin, inputMax], outputs in [-1, 1]. */
function referenceLut(fn: (x: number) => number, inputMin: number, inputMax: number): number[] {
  const step = f(f(inputMax - inputMin) / 512);
  const halfStep = f(step / 2);
  const scale = 32768;
  const table: number[] = [];
  for (let i = 0; i < 512; i++) {
    const x = f(inputMin + f(i * step));
    const value = fn(x);
    const valueMidpoint = fn(f(x + halfStep));
    const valueNext = fn(f(inputMin + f((i + 1) * step)));
    const sample = roundHalfAway(f(value * scale));
    const midpointInterpolated = roundHalfAway(f(f(f(valueNext * scale) + roundHalfAway(f(value * scale))) / 2));
    const midpoint = roundHalfAway(f(valueMidpoint * scale));
    const bias = roundHalfAway(f(f(midpointInterpolated - midpoint) / 2));
    table.push(clampToInt16(f(sample - bias)));
  }
  table.push(clampToInt16(roundHalfAway(f(fn(inputMax) * scale))));
  return table;
}

const tables = [
  { name: "exp on [-10, 0]", fn: 0, min: -10, max: 0, reference: (x: number) => f(Math.exp(x)) },
  { name: "1 / (1 + x) on [0, 1]", fn: 1, min: 0, max: 1, reference: (x: number) => f(1 / f(1 + x)) },
];

describe("int16 SOFTMAX lookup tables = TFLite's gen_lut with a correctly rounded exp", () => {
  for (const t of tables) {
    it(t.name, () => {
      const expected = referenceLut(t.reference, t.min, t.max);
      for (const build of ["simd", "scalar"] as const) {
        const h = builds[build];
        const at = h.heapBase();
        h.lut(t.fn, t.min, t.max, at);
        const got = Array.from(new Int16Array(h.memory.buffer, at, 513));
        const bad = got.findIndex((v, i) => v !== expected[i]);
        expect(bad, `${build}: entry ${bad} is ${got[bad]}, TFLite's ${expected[bad]}`).toBe(-1);
      }
    });
  }
});
