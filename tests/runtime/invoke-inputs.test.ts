// Inputs survive invoke(): a host that fills the inputs once and invokes
// again (a benchmark loop, a retry, a host that updates part of an input)
// gets the same outputs every time, on both builds, and the input bytes are
// unchanged. With `overwriteInputs` (TFLM's reuse of input bytes) the arena
// is no larger, and refilling the inputs before every invoke gives the same
// outputs as the default mode.
import { describe, it, expect, beforeAll } from "vitest";
import { readdirSync } from "node:fs";
import { bothBuilds, type Builds } from "../helpers/runtimes.ts";
import { allModels, fixture, mlperfModel, MLPERF_DIR } from "../helpers/fixtures.ts";
import { allCases } from "../helpers/cases.ts";
import { lenet } from "../helpers/cnn.ts";
import { lstm } from "../helpers/rnn.ts";
import { WasmliteError, type Model } from "@wasmlite/runtime";

let builds: Builds;
beforeAll(async () => {
  builds = await bothBuilds();
});

/**
 * The input pattern, (i * 37) % 251 - 125, scaled into each type's
 * range; an index input (`below[k]` set: a GATHER's ids) takes it modulo its table's size.
 */
function fill(model: Model, below: readonly (number | undefined)[] = []): void {
  model.inputs.forEach((t, k) => {
    const d = t.data;
    const size = below[k];
    if (size !== undefined) {
      for (let i = 0; i < d.length; i++) d[i] = ((i * 37) % 251) % size;
      return;
    }
    if (d instanceof BigInt64Array) {
      for (let i = 0; i < d.length; i++) d[i] = BigInt(((i * 37) % 251) - 125);
      return;
    }
    for (let i = 0; i < d.length; i++) {
      const v = ((i * 37) % 251) - 125;
      d[i] = t.dtype === "float32" ? v / 50 : t.dtype === "uint8" || t.dtype === "bool" ? v + 125 : v;
    }
  });
}

const bytesOf = (views: Model["inputs"]) =>
  views.map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.byteLength).slice());

const cases = await allCases();

/** Every model the suite runs: TFLM's files, MLPerf Tiny's, and the exactness suites' cases. */
function corpus(): { name: string; bytes: Uint8Array; below?: (number | undefined)[] }[] {
  const list: { name: string; bytes: Uint8Array; below?: (number | undefined)[] }[] = allModels().map((path) => ({
    name: path,
    bytes: fixture(path),
  }));
  for (const file of readdirSync(MLPERF_DIR)
    .filter((f) => f.endsWith(".tflite"))
    .sort()) {
    list.push({ name: file, bytes: mlperfModel(file) });
  }
  for (const c of cases) {
    list.push({ name: c.model.name, bytes: c.model.bytes, below: c.model.inputs.map((i) => i.below) });
  }
  return list;
}

function loadOrSkip(rt: Builds["simd"], bytes: Uint8Array, overwriteInputs: boolean): Model | undefined {
  try {
    return rt.load(bytes, { overwriteInputs });
  } catch (e) {
    if (e instanceof WasmliteError) return undefined; // a model the runtime refuses (tested elsewhere)
    throw e;
  }
}

/**
 * Lets the worker's event loop run between models: the corpus takes ~40 s
 * under CI load, and vitest's worker RPC fails the run when a worker stays
 * blocked for 60 s.
 */
const yieldToVitest = () => new Promise((resolve) => setImmediate(resolve));

describe("inputs survive invoke", () => {
  it("four invokes on one filled input give the same outputs, and leave the input bytes as they were (every model, both builds)", async () => {
    let checked = 0;
    for (const { name, bytes, below } of corpus()) {
      await yieldToVitest();
      for (const build of ["simd", "mvp"] as const) {
        const model = loadOrSkip(builds[build], bytes, false);
        if (!model) continue;
        fill(model, below);
        const inputs = bytesOf(model.inputs);
        let first: Uint8Array[] | undefined;
        for (let k = 0; k < 4; k++) {
          model.resetState(); // recurrent models: each invoke from the initial state
          model.invoke();
          const outputs = bytesOf(model.outputs);
          if (first) expect(outputs, `${name} (${build}), invoke ${k + 1}`).toEqual(first);
          else first = outputs;
          expect(bytesOf(model.inputs), `${name} (${build}): input bytes after invoke ${k + 1}`).toEqual(inputs);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  }, 300_000);

  it("the case that found it: kws_ref_model after 200 invokes gives the first invoke's outputs, on both builds", () => {
    for (const build of ["simd", "mvp"] as const) {
      const model = builds[build].load(mlperfModel("kws_ref_model.tflite"));
      fill(model);
      model.invoke();
      const first = bytesOf(model.outputs);
      for (let k = 0; k < 200; k++) model.invoke();
      expect(bytesOf(model.outputs), build).toEqual(first);
    }
  });

  it("overwriteInputs: an arena no larger, and refilling before every invoke gives the default mode's outputs", async () => {
    let smaller = 0;
    for (const { name, bytes, below } of corpus()) {
      await yieldToVitest();
      for (const build of ["simd", "mvp"] as const) {
        const keep = loadOrSkip(builds[build], bytes, false);
        if (!keep) continue;
        fill(keep, below);
        keep.resetState();
        keep.invoke();
        const expected = bytesOf(keep.outputs);
        const keepArena = keep.arenaBytes;
        const reuse = builds[build].load(bytes, { overwriteInputs: true });
        expect(reuse.overwritesInputs).toBe(true);
        expect(reuse.arenaBytes, name).toBeLessThanOrEqual(keepArena);
        expect(reuse.arenaBytes, name).toBeGreaterThanOrEqual(reuse.arenaLowerBound);
        if (reuse.arenaBytes < keepArena) smaller++;
        for (let k = 0; k < 2; k++) {
          fill(reuse, below);
          reuse.resetState();
          reuse.invoke();
          expect(bytesOf(reuse.outputs), `${name} (${build}), invoke ${k + 1}`).toEqual(expected);
        }
      }
    }
    expect(smaller).toBeGreaterThan(0);
  }, 300_000);

  it("arena sizes in both modes (printed for the notes; the planner tests hold each to its lower bound)", () => {
    const models = [
      { name: "LeNet-5 int8", bytes: lenet("int8", 1).bytes },
      { name: "LeNet-5 float32", bytes: lenet("float32", 1).bytes },
      { name: "kws_ref_model", bytes: mlperfModel("kws_ref_model.tflite") },
      { name: "vww_96_int8", bytes: mlperfModel("vww_96_int8.tflite") },
      { name: "mnist_lstm int8", bytes: fixture("mnist_lstm/trained_lstm_int8.tflite") },
      { name: "mnist_lstm float32", bytes: fixture("mnist_lstm/trained_lstm.tflite") },
      { name: "LSTM H=64 float32", bytes: lstm({ batch: 1, steps: 28, features: 28, cells: 64, seed: 1 }).bytes },
    ];
    const rows: string[] = [];
    for (const { name, bytes } of models) {
      const cells: number[] = [];
      for (const build of ["simd", "mvp"] as const) {
        const keep = builds[build].load(bytes).arenaBytes;
        const reuse = builds[build].load(bytes, { overwriteInputs: true }).arenaBytes;
        expect(reuse).toBeLessThanOrEqual(keep);
        cells.push(keep, reuse);
      }
      rows.push(`| ${name} | ${cells.join(" | ")} |`);
    }
    console.log(
      [
        "| model | SIMD kept | SIMD overwritten | MVP kept | MVP overwritten |",
        "|---|---:|---:|---:|---:|",
        ...rows,
      ].join("\n"),
    );
  });
});
