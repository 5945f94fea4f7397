// Bit-exactness with TFLite Micro's reference kernels, as a tested fact:
// every integer model the suites know runs in both runtime builds and in
// tests/reference/ (TFLite's integer arithmetic re-written in TypeScript,
// sharing no code with the runtime), and every output element must be equal.
// The reference itself is held to TFLM's golden vectors first.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readdirSync } from "node:fs";
import { ReferenceModel } from "../reference/interpreter.ts";
import { bothBuilds, type Builds } from "../helpers/runtimes.ts";
import { fixture, readCsvInts, seanetCases, MLPERF_DIR, mlperfModel } from "../helpers/fixtures.ts";
import { loadCaseFiles, inputsFor, type Case } from "../helpers/cases.ts";
import { Rng } from "../helpers/mutate.ts";
import type { Model } from "@wasmlite/runtime";
import { sequential, dense, slice, normalization, oneHot } from "@wasmlite/trainer";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { readModel } from "@wasmlite/format";
import { mnistMlp, sigmoidLeakyPrelu, sigmoidLeakyPreluData } from "../helpers/trained.ts";

const caseFiles = await loadCaseFiles();
let builds: Builds;
const report: string[] = [];
beforeAll(async () => {
  builds = await bothBuilds();
});
afterAll(() => console.log(["runtime = reference (elements compared per model):", ...report].join("\n  ")));

function runRuntime(model: Model, inputs: readonly (readonly number[])[]): number[][] {
  model.inputs.forEach((t, i) => (t.data as Int8Array).set(inputs[i]!));
  model.invoke();
  return model.outputs.map((t) => Array.from(t.data as Int8Array));
}

/** Runs both builds and the reference over the input sets in order (state carries over) and requires equal outputs. */
function expectExact(name: string, bytes: Uint8Array, inputSets: readonly (readonly (readonly number[])[])[]): void {
  const reference = new ReferenceModel(bytes);
  const simd = builds.simd.load(bytes);
  const mvp = builds.mvp.load(bytes);
  let elements = 0;
  inputSets.forEach((inputs, run) => {
    const expected = reference.invoke(inputs);
    for (const [build, model] of [
      ["SIMD", simd],
      ["MVP", mvp],
    ] as const) {
      const got = runRuntime(model, inputs);
      expect(got.length, `${name}: output count`).toBe(expected.length);
      got.forEach((out, o) => {
        const first = out.findIndex((v, k) => v !== expected[o]![k]);
        const detail =
          first < 0 ? "" : `: element ${first} is ${out[first]}, the reference gives ${expected[o]![first]}`;
        expect(first, `${name} (${build} build) run ${run} output ${o}${detail}`).toBe(-1);
        expect(out.length).toBe(expected[o]!.length);
      });
    }
    elements += expected.reduce((n, o) => n + o.length, 0);
  });
  report.push(`${name}: ${elements}`);
}

/** Cases whose every operator the reference computes exactly (integer kernels, or float ones that are a single rounding). */
function exactCases(cases: Case[]): Case[] {
  return cases.filter((c) => ReferenceModel.supports(c.model.bytes));
}

describe("the reference itself against TFLM's golden vectors (exactly)", () => {
  for (const op of ["add", "sub", "leaky_relu", "quantize", "conv", "pad", "strided_slice"]) {
    for (const c of seanetCases(op)) {
      it(`seanet ${c.name}`, () => {
        const out = new ReferenceModel(fixture(c.model)).invoke(c.inputs.map(readCsvInts))[0]!;
        expect(out).toEqual(readCsvInts(c.golden));
      });
    }
  }
});

describe("runtime = reference, bit for bit, both builds", () => {
  it("TFLM's seanet models on their test vectors", () => {
    for (const op of ["add", "sub", "leaky_relu", "quantize", "conv", "pad", "strided_slice"]) {
      for (const c of seanetCases(op)) expectExact(`seanet ${c.name}`, fixture(c.model), [c.inputs.map(readCsvInts)]);
    }
  });

  it("TFLM's hello_world int8 (every input), simple_add", () => {
    expectExact(
      "hello_world int8",
      fixture("hello_world/hello_world_int8.tflite"),
      Array.from({ length: 256 }, (_, i) => [[i - 128]]),
    );
    const simpleAdd = fixture("simple_add/simple_add_model.tflite");
    const sizes = builds.simd.load(simpleAdd).inputs.map((t) => t.data.length);
    const rng = new Rng(3);
    expectExact(
      "simple_add",
      simpleAdd,
      Array.from({ length: 20 }, () => sizes.map((n) => Array.from({ length: n }, () => (rng.next() % 256) - 128))),
    );
  });

  // Each operator's cases (tests/runtime/ops/*.cases.ts), then whole models; recurrent state carries across runs.
  for (const { file, cases } of caseFiles) {
    for (const c of exactCases(cases))
      it(`${file}: ${c.model.name}`, () => expectExact(c.model.name, c.model.bytes, c.inputs));
  }

  // MLPerf Tiny's int8 reference models (the TinyML benchmark), whole graphs.
  for (const file of readdirSync(MLPERF_DIR)
    .filter((f) => f.endsWith(".tflite"))
    .sort()) {
    const bytes = mlperfModel(file);
    if (!ReferenceModel.supports(bytes)) continue;
    it(`MLPerf Tiny ${file} on random inputs`, () => {
      const elements = builds.simd.load(bytes).inputs[0]!.data.length;
      const rng = new Rng(file.length);
      expectExact(
        file,
        bytes,
        Array.from({ length: 4 }, () => [Array.from({ length: elements }, () => (rng.next() % 256) - 128)]),
      );
    });
  }

  it("the trainer's int8 exports: an MNIST MLP (int8 input) and a normalised one (float input, SUB, MUL, QUANTIZE)", () => {
    const { model: m, digits: small } = mnistMlp(300, 1);
    const q = exportTflite(m, {
      kind: "int8",
      calibration: slice(small, 0, 100),
    });
    expectExact(
      "trainer MNIST MLP int8",
      q,
      inputsFor({ name: "int8", bytes: q, inputs: [{ elements: 784, kind: "int8" }] }, 401),
    );

    const rng = new Rng(31);
    const n = 100;
    const x = Float32Array.from({ length: n * 4 }, (_, i) =>
      i % 4 === 0 ? 50 + 20 * (rng.next() / 2 ** 32 - 0.5) : rng.next() / 2 ** 32 - 0.5,
    );
    const y = oneHot(
      Array.from({ length: n }, (_, s) => (x[s * 4 + 1]! + (x[s * 4]! - 50) / 20 > 0 ? 1 : 0)),
      2,
      "labels",
    );
    const data = { x, y, n, inputShape: [4], targetSize: 2, labels: ["no", "yes"] };
    const norm = sequential(
      [normalization(data), dense({ units: 6, activation: "relu" }), dense({ units: 2, activation: "softmax" })],
      { inputShape: [4], seed: 2 },
    );
    norm.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    norm.fit(data, { epochs: 2, batchSize: 16 });
    const inputs = Array.from({ length: 40 }, (_, r) => [Array.from(x.subarray(r * 4, r * 4 + 4))]);
    expectExact("trainer normalised int8", exportTflite(norm, { kind: "int8", calibration: data }), inputs);
  });

  it("the trainer's int8 export of sigmoid, leaky ReLU and PReLU layers (LOGISTIC, LEAKY_RELU, PRELU operators)", () => {
    const d = sigmoidLeakyPreluData();
    const m = sigmoidLeakyPrelu(d);
    const q = exportTflite(m, { kind: "int8", calibration: d });
    expect(readModel(q).operators.map((o) => o.op)).toEqual([
      "FULLY_CONNECTED",
      "LOGISTIC",
      "FULLY_CONNECTED",
      "LEAKY_RELU",
      "FULLY_CONNECTED",
      "PRELU",
      "FULLY_CONNECTED",
      "SOFTMAX",
    ]);
    expectExact(
      "trainer sigmoid / leaky ReLU / PReLU int8",
      q,
      inputsFor({ name: "q", bytes: q, inputs: [{ elements: 6, kind: "int8" }] }, 402),
    );
  });
});

describe("what the reference covers", () => {
  it("every integer case is run exactly (float and hybrid-RNN models are compared with real TFLite instead)", () => {
    const all = caseFiles.flatMap((f) => f.cases);
    const skipped = all.filter((c) => !ReferenceModel.supports(c.model.bytes)).map((c) => c.model.name);
    for (const name of skipped)
      expect(name, `${name} is left out of the exact comparison`).toMatch(/float32|float|RNN hybrid/);
    console.log(
      `reference: ${all.length - skipped.length} of ${all.length} cases exact; left to tolerances: ${skipped.join("; ")}`,
    );
  });

  it("MLPerf Tiny: all int8 models are covered", () => {
    const files = readdirSync(MLPERF_DIR).filter((f) => f.endsWith(".tflite"));
    const covered = files.filter((f) => ReferenceModel.supports(mlperfModel(f)));
    expect(covered.sort()).toEqual([
      "ad01_int8.tflite",
      "kws_ref_model.tflite",
      "pretrainedResnet_quant.tflite",
      "str_ww_ref_model.tflite",
      "vww_96_int8.tflite",
    ]);
  });
});
