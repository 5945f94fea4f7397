// The integer LSTM's int16 activations (runtime-wasm/assembly/gemmlowp16.ts:
// gemmlowp's logistic and tanh on FixedPoint<int16_t, IntegerBits>) on every
// one of the 65,536 inputs, for each input format TFLite uses (0..6 integer
// bits): the SIMD path (eight lanes) equals the scalar path bit for bit, and
// both stay within TFLM's int16 tolerance (16 units of 2^-15) of the exact
// functions. (Whole LSTMs are compared with real TFLite in tflite-oracle.test.ts.)
import { describe, it, expect, beforeAll } from "vitest";
import { compileHarness } from "../../helpers/harness.ts";

interface Harness {
  memory: WebAssembly.Memory;
  heapBase(): number;
  logisticRow(src: number, dst: number, n: number, integerBits: number): void;
  tanhRow(src: number, dst: number, n: number, integerBits: number): void;
  tableRow(table: number, tanh: number, src: number, dst: number, n: number, integerBits: number): void;
}

const builds: Record<"simd" | "scalar", Harness> = {} as never;

beforeAll(async () => {
  builds.simd = await compileHarness<Harness>("gemmlowp16", true);
  builds.scalar = await compileHarness<Harness>("gemmlowp16", false);
}, 60_000);

/** Every int16 value through the half-table path (the SIMD build's integer LSTM). */
function everyInputByTable(h: Harness, tanh: boolean, integerBits: number): Int16Array {
  const n = 65536;
  const base = h.heapBase();
  const table = base + 4 * n;
  const need = table + 2 * 32776; // HALF_TABLE_LENGTH
  if (h.memory.buffer.byteLength < need) h.memory.grow(Math.ceil((need - h.memory.buffer.byteLength) / 65536));
  const src = new Int16Array(h.memory.buffer, base, n);
  for (let i = 0; i < n; i++) src[i] = i - 32768;
  h.tableRow(table, tanh ? 1 : 0, base, base + 2 * n, n, integerBits);
  return new Int16Array(h.memory.buffer, base + 2 * n, n).slice();
}

/** Every int16 value through one row function; returns the outputs. */
function everyInput(h: Harness, fn: "logisticRow" | "tanhRow", integerBits: number): Int16Array {
  const n = 65536;
  const base = h.heapBase();
  const need = base + 4 * n;
  if (h.memory.buffer.byteLength < need) h.memory.grow(Math.ceil((need - h.memory.buffer.byteLength) / 65536));
  const src = new Int16Array(h.memory.buffer, base, n);
  for (let i = 0; i < n; i++) src[i] = i - 32768;
  h[fn](base, base + 2 * n, n, integerBits);
  return new Int16Array(h.memory.buffer, base + 2 * n, n).slice();
}

describe("int16 fixed-point logistic and tanh (integer LSTM)", () => {
  for (const [fn, exact] of [
    ["logisticRow", (x: number) => 1 / (1 + Math.exp(-x))],
    ["tanhRow", Math.tanh],
  ] as const) {
    it(`${fn}: SIMD = scalar on all 65,536 inputs, within 16/32768 of the exact function, for 0..6 integer bits`, () => {
      const worst: string[] = [];
      for (let bits = 0; bits <= 6; bits++) {
        const simd = everyInput(builds.simd, fn, bits);
        const scalar = everyInput(builds.scalar, fn, bits);
        expect(
          Array.from(simd).findIndex((v, i) => v !== scalar[i]),
          `${fn} Q${bits}: first input where SIMD and scalar differ`,
        ).toBe(-1);
        let err = 0;
        for (let i = 0; i < 65536; i++) {
          const x = (i - 32768) / 2 ** (15 - bits);
          err = Math.max(err, Math.abs(scalar[i]! - exact(x) * 32768));
        }
        expect(err, `${fn} Q${bits}`).toBeLessThanOrEqual(16);
        worst.push(`Q${bits}: ${err.toFixed(2)}`);
      }
      console.log(`${fn} worst error in units of 2^-15: ${worst.join(", ")}`);
    });
  }

  for (const fn of ["logisticRow", "tanhRow"] as const) {
    it(`${fn} as a half table (the integer LSTM's lookups) = the function on all 65,536 inputs, 0..6 integer bits`, () => {
      for (let bits = 0; bits <= 6; bits++) {
        const computed = everyInput(builds.scalar, fn, bits);
        const looked = everyInputByTable(builds.simd, fn === "tanhRow", bits);
        expect(
          Array.from(looked).findIndex((v, i) => v !== computed[i]),
          `${fn} Q${bits}: first input where the table differs`,
        ).toBe(-1);
      }
    });
  }
});
