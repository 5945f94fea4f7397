// wasmlite and the reference against real TFLite (tfjs-tflite in headless
// Chromium) on random inputs: every operator's cases (ops/*.cases.ts), MLPerf
// Tiny's models and the trainer's exports.
//
// Float outputs agree within 1e-5 of the output tensor's magnitude (its
// largest |value|, at least 1): kernels sum products in different orders,
// and float32 summation error scales with the size of the terms, not with a
// result that cancellation may have made small. That holds per operator; a
// multi-operator float graph is also checked operator by operator, and the
// whole graph, where differences propagate, within 1e-4 (the worst seen is
// in the report). A case may name a looser bound and why (a hybrid operator
// quantises floats on the fly, a step function that a last-place difference
// can cross); the count within 1e-5 is then held to a recorded floor.
//
// Integer outputs: wasmlite equals tests/reference/ (TFLM's arithmetic)
// exactly, here and in tests/runtime/reference.test.ts. TFLite's web build does not
// always use that arithmetic: it hands most int8 graphs to the XNNPACK
// delegate (fp32 requantization), runs int8 FULLY_CONNECTED through ruy
// (single rounding), and its optimized QUANTIZE divides by a double scale
// where the reference divides by a float. Where TFLite's path rounds like
// the reference, its outputs must equal the reference's. Where it is one of
// those named paths, each element must be within the path's bound, and the
// number of exactly equal elements must not fall below the count recorded in
// tflite-exact-rates.json (so a drift on either side shows). A multi-operator
// graph on such a path is also cut into single operators, each held to that
// rule; the whole graph, where 1-LSB differences grow, is held to its floor
// only. The path TFLite took is read from its profiler, not assumed.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { TfliteOracle, CHROMIUM } from "../helpers/tflite-oracle.ts";
import { haveTool } from "../helpers/system.ts";
import { bothBuilds, type Builds } from "../helpers/runtimes.ts";
import { MLPERF_DIR, mlperfModel } from "../helpers/fixtures.ts";
import { Rng } from "../helpers/mutate.ts";
import { randomInputs, type BuiltModel } from "../helpers/models.ts";
import { extractOperator } from "../helpers/extract.ts";
import {
  loadCaseFiles,
  inputsFor,
  RUNS,
  EXACT,
  XNNPACK_QS8,
  RUY_FC,
  LUT,
  type Rounding,
  type Case,
} from "../helpers/cases.ts";
import { ReferenceModel } from "../reference/interpreter.ts";
import { readModel } from "@wasmlite/format";
import type { Model } from "@wasmlite/runtime";
import { sequential, dense, slice, normalization, oneHot } from "@wasmlite/trainer";
import { exportTflite } from "../../trainer/export/tflite.ts";
import {
  mnistMlp,
  mnistCnn,
  mnistDepthwise,
  mnistConv1d,
  sineRnn,
  sineLstm,
  tokenLstm,
  sineJordan,
  sigmoidLeakyPrelu,
  sigmoidLeakyPreluData,
} from "../helpers/trained.ts";

const available = haveTool(CHROMIUM, "chromium");
const caseFiles = await loadCaseFiles();

// Exact-match counts seen on TFLite's rounding paths, per comparison. Rerun
// the whole suite with WASMLITE_RECORD_EXACT_RATES=1 to rewrite the file
// after a deliberate change (new cases, a new TFLite), and review its diff.
const RATES_FILE = new URL("./tflite-exact-rates.json", import.meta.url);
const RECORD = process.env.WASMLITE_RECORD_EXACT_RATES === "1";
const floors: Record<string, number> = RECORD ? {} : JSON.parse(readFileSync(RATES_FILE, "utf8"));
const recorded: Record<string, number> = {};

let oracle: TfliteOracle;
let builds: Builds;
const report: string[] = [];

beforeAll(async () => {
  if (!available) return;
  builds = await bothBuilds();
  oracle = await TfliteOracle.start();
}, 120_000);

afterAll(async () => {
  await oracle?.close();
  if (RECORD && Object.keys(recorded).length) {
    // The whole file is rewritten from this run: record with the whole suite, not a filtered one.
    const sorted = Object.fromEntries(
      Object.keys(recorded)
        .sort()
        .map((k) => [k, recorded[k]]),
    );
    writeFileSync(RATES_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
  }
  if (report.length) console.log(["wasmlite vs real TFLite (tfjs-tflite):", ...report].join("\n  "));
});

function runWasmlite(model: Model, inputs: readonly (readonly number[])[]): number[][] {
  model.inputs.forEach((t, i) => (t.data as Int8Array).set(inputs[i]!));
  model.invoke();
  return model.outputs.map((t) => Array.from(t.data as Int8Array));
}

/**
 * Compares a whole model. When TFLite's path may round differently (lsb > 0)
 * or the graph is float, a multi-operator model is also cut into its
 * operators, each compared alone.
 */
async function compare(
  name: string,
  bytes: Uint8Array,
  inputSets: number[][][],
  rounding: Rounding = EXACT,
  float?: Case["tfliteFloat"],
): Promise<void> {
  const summary = readModel(bytes);
  const operators = summary.operators.length;
  const floatGraph = summary.tensors[summary.outputs[0]!]!.type === "FLOAT32";
  if ((rounding.lsb > 0 || floatGraph) && operators > 1) {
    for (let i = 0; i < operators; i++) {
      const single = extractOperator(bytes, i);
      const path = (await oracle.profile(single.bytes)).join("+");
      const input = summary.tensors[summary.operators[i]!.inputs[0]!]!;
      await compareModel(
        `${name} ${single.name}`,
        single.bytes,
        inputsFor(single, 1000 + i, Math.min(RUNS, inputSets.length)),
        operatorRounding(summary.operators[i]!.op, input.type, path),
        true,
      );
    }
    await compareModel(name, bytes, inputSets, rounding, false, 1e-4);
    return;
  }
  await compareModel(name, bytes, inputSets, rounding, true, float);
}

/** What to expect of one operator, from the path TFLite's profiler says it took. */
function operatorRounding(op: string, inputType: string, path: string): Rounding {
  if (inputType === "FLOAT32") return EXACT; // float bounds apply, whatever the path
  if (op === "MAX_POOL_2D" || op === "RESHAPE") return EXACT; // nothing to round, whatever the path
  if (path.includes("XNNPack")) return XNNPACK_QS8;
  if (op === "FULLY_CONNECTED" && inputType === "INT8") return RUY_FC;
  if ((op === "TANH" || op === "SOFTMAX") && inputType === "INT8") return LUT;
  return EXACT;
}

/**
 * Holds a comparison's count of matching elements to its recorded floor:
 * exactly equal on an integer rounding path, within FLOAT_BOUND under a
 * looser float bound.
 */
function checkFloor(name: string, exact: number, elements: number, what = "equal to"): void {
  if (RECORD) {
    recorded[name] = exact;
    return;
  }
  const floor = floors[name];
  expect(
    floor,
    `${name}: no exact-match floor recorded in tflite-exact-rates.json (run with WASMLITE_RECORD_EXACT_RATES=1)`,
  ).toBeTypeOf("number");
  expect(
    exact,
    `${name}: ${exact}/${elements} ${what} TFLite's outputs, fewer than the ${floor} recorded`,
  ).toBeGreaterThanOrEqual(floor!);
}

/** The float bound, as a fraction of the output's magnitude (see the file's head). */
const FLOAT_BOUND = 1e-5;

async function compareModel(
  name: string,
  bytes: Uint8Array,
  inputSets: number[][][],
  rounding: Rounding,
  perElement: boolean,
  float: Case["tfliteFloat"] | number = FLOAT_BOUND,
): Promise<void> {
  const floatBound = typeof float === "number" ? float : float.bound;
  const path = (await oracle.profile(bytes)).join("+");
  if ("why" in rounding) {
    // Guard the explanation: an XNNPACK excuse must match what TFLite actually ran.
    expect(path.includes("XNNPack"), `${name}: TFLite ran ${path}; expected ${rounding.why}`).toBe(
      rounding === XNNPACK_QS8,
    );
  }
  const expected = await oracle.run(bytes, inputSets);
  const simd = builds.simd.load(bytes);
  const mvp = builds.mvp.load(bytes);
  const reference = ReferenceModel.supports(bytes) ? new ReferenceModel(bytes) : undefined;
  let elements = 0;
  let exact = 0;
  let close = 0; // float elements within FLOAT_BOUND
  let worstRel = 0;
  let worstLsb = 0;
  let integer = false;
  inputSets.forEach((inputs, run) => {
    const a = runWasmlite(simd, inputs);
    expect(runWasmlite(mvp, inputs), `${name}: SIMD and MVP builds differ (run ${run})`).toEqual(a);
    const ours = reference?.invoke(inputs) ?? a;
    if (reference) expect(a, `${name}: wasmlite differs from the reference (run ${run})`).toEqual(ours);
    expect(expected[run]!.length, `${name}: TFLite and wasmlite give different numbers of outputs`).toBe(a.length);
    expected[run]!.forEach((tflite, o) => {
      const got = ours[o]!;
      expect(got.length, `${name} output ${o} length`).toBe(tflite.data.length);
      const isFloat = tflite.dtype.startsWith("float");
      integer ||= !isFloat;
      const magnitude = Math.max(1, ...tflite.data.map(Math.abs));
      for (let k = 0; k < got.length; k++) {
        elements++;
        const diff = Math.abs(got[k]! - tflite.data[k]!);
        if (diff === 0) exact++;
        const where = `${name} run ${run} output ${o}[${k}]: ${got[k]} vs TFLite ${tflite.data[k]} (TFLite ran ${path})`;
        if (isFloat) {
          worstRel = Math.max(worstRel, diff / magnitude);
          if (diff <= FLOAT_BOUND * magnitude) close++;
          expect(diff, where).toBeLessThanOrEqual(floatBound * magnitude);
        } else {
          worstLsb = Math.max(worstLsb, diff);
          if (perElement) expect(diff, where).toBeLessThanOrEqual(rounding.lsb);
        }
      }
    });
  });
  if (integer && (rounding.lsb > 0 || !perElement)) checkFloor(name, exact, elements);
  if (typeof float === "object") checkFloor(name, close, elements, `within ${FLOAT_BOUND} of`);
  const note = !perElement
    ? ` (whole graph${integer ? `, worst ${worstLsb} LSB` : ""}; each operator checked alone above)`
    : "why" in rounding
      ? ` (worst ${worstLsb} LSB, ${rounding.lsb} allowed: ${rounding.why})`
      : "";
  const floatNote =
    worstRel > 0
      ? `, worst difference ${worstRel.toExponential(2)} of the output's magnitude` +
        (typeof float === "object" ? ` (${close} within ${FLOAT_BOUND}; ${float.bound} allowed: ${float.why})` : "")
      : "";
  report.push(`${name} [TFLite ran ${path}]: ${exact}/${elements} exactly equal${floatNote}${note}`);
}

// MLPerf Tiny models the runtime does not run yet, and why.
const UNSUPPORTED_MLPERF: Record<string, string> = {
  "kws_ref_model_float32.tflite":
    "dynamic-range quantised: CONV_2D with int8 weights on float activations (hybrid), not implemented",
};

describe.skipIf(!available)("wasmlite vs real TFLite", () => {
  // Each operator's cases (tests/runtime/ops/*.cases.ts), then whole models; recurrent state carries across runs in both.
  for (const { file: group, cases } of caseFiles) {
    for (const c of cases) {
      if (c.tfliteRefuses) {
        // Checked against the reference only (tests/runtime/reference.test.ts); if TFLite learns to run it, compare it here.
        it(`${group}: ${c.model.name} (TFLite refuses: ${c.tfliteRefuses})`, async () => {
          await expect(oracle.run(c.model.bytes, c.inputs.slice(0, 1))).rejects.toThrow(/initialize|inference failed/);
        });
        continue;
      }
      if (c.tfliteDisagrees) {
        // Checked against the reference only; if TFLite comes to agree, compare it here.
        it(`${group}: ${c.model.name} (TFLite disagrees: ${c.tfliteDisagrees})`, async () => {
          const theirs = (await oracle.run(c.model.bytes, c.inputs.slice(0, 1)))[0]!.map((o) => Array.from(o.data));
          const ours = runWasmlite(builds.simd.load(c.model.bytes), c.inputs[0]!);
          expect(theirs).not.toEqual(ours);
        });
        continue;
      }
      it(`${group}: ${c.model.name}`, async () =>
        compare(c.model.name, c.model.bytes, c.inputs, c.tflite, c.tfliteFloat));
    }
  }

  // MLPerf Tiny's reference models, whole graphs and operator by operator.
  for (const file of readdirSync(MLPERF_DIR)
    .filter((f) => f.endsWith(".tflite"))
    .sort()) {
    if (UNSUPPORTED_MLPERF[file]) {
      it(`MLPerf Tiny ${file}: refused by name (${UNSUPPORTED_MLPERF[file]})`, () => {
        expect(() => builds.simd.load(mlperfModel(file))).toThrow(/operator 0 \(CONV_2D\).*INT8.*UNSUPPORTED_TYPE/);
      });
      continue;
    }
    it(`MLPerf Tiny ${file}`, async () => {
      const bytes = mlperfModel(file);
      const summary = readModel(bytes);
      const input = summary.tensors[summary.inputs[0]!]!;
      const model: BuiltModel = {
        name: file,
        bytes,
        inputs: [
          { elements: input.shape.reduce((p, d) => p * d, 1), kind: input.type === "INT8" ? "int8" : "float32" },
        ],
      };
      const rng = new Rng(file.length);
      const inputs = Array.from({ length: 5 }, () => randomInputs(model, rng));
      await compare(file, bytes, inputs, input.type === "INT8" ? XNNPACK_QS8 : EXACT);
    }, 300_000);
  }
});

describe.skipIf(!available)("trainer exports: wasmlite vs real TFLite", () => {
  it("an MLP trained on MNIST digits, exported float32 and int8, gives TFLite's outputs", async () => {
    const { model: m, digits: small } = mnistMlp(1000, 2);
    const f = exportTflite(m, { kind: "float32" });
    await compare(
      "trainer export float32",
      f,
      inputsFor({ name: "f32", bytes: f, inputs: [{ elements: 784, kind: "float32" }] }, 400),
      EXACT,
    );
    const q = exportTflite(m, {
      kind: "int8",
      calibration: slice(small, 0, 200),
    });
    // Per-channel int8 weights: TFLite runs FULLY_CONNECTED through ruy (each operator is also compared alone).
    await compare(
      "trainer export int8",
      q,
      inputsFor({ name: "int8", bytes: q, inputs: [{ elements: 784, kind: "int8" }] }, 401),
      RUY_FC,
    );
  });

  it("sigmoid, leaky ReLU and PReLU layers, exported float32 and int8 (LOGISTIC, LEAKY_RELU, PRELU)", async () => {
    const d = sigmoidLeakyPreluData();
    const m = sigmoidLeakyPrelu(d);
    const f = exportTflite(m, { kind: "float32" });
    await compare(
      "trainer sigmoid / leaky ReLU / PReLU float32",
      f,
      inputsFor({ name: "f", bytes: f, inputs: [{ elements: 6, kind: "float32" }] }, 403),
      EXACT,
    );
    const q = exportTflite(m, { kind: "int8", calibration: d });
    // TFLite hands most of it to XNNPACK; each operator is also compared alone.
    await compare(
      "trainer sigmoid / leaky ReLU / PReLU int8",
      q,
      inputsFor({ name: "q", bytes: q, inputs: [{ elements: 6, kind: "int8" }] }, 404),
      XNNPACK_QS8,
    );
  });

  it("a CNN trained on MNIST digits (CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D), exported float32 and int8", async () => {
    const { model: m, digits } = mnistCnn(1000, 2);
    const f = exportTflite(m, { kind: "float32" });
    await compare(
      "trainer CNN float32",
      f,
      inputsFor({ name: "f", bytes: f, inputs: [{ elements: 784, kind: "float32" }] }, 405),
      EXACT,
    );
    const calibration = slice(digits, 0, 200);
    const q = exportTflite(m, { kind: "int8", calibration });
    // TFLite hands the int8 convolutions and pools to XNNPACK; each operator is also compared alone.
    await compare(
      "trainer CNN int8",
      q,
      inputsFor({ name: "q", bytes: q, inputs: [{ elements: 784, kind: "int8" }] }, 406),
      XNNPACK_QS8,
    );
  });

  it("a separable CNN (DEPTHWISE_CONV_2D with multipliers 1 and 2, MEAN), exported float32 and int8", async () => {
    const { model: m, digits } = mnistDepthwise(1000, 8);
    const f = exportTflite(m, { kind: "float32" });
    const floatInputs = inputsFor({ name: "f", bytes: f, inputs: [{ elements: 784, kind: "float32" }] }, 407);
    await compare("trainer separable CNN float32", f, floatInputs, EXACT);
    const calibration = slice(digits, 0, 200);
    const q = exportTflite(m, { kind: "int8", calibration });
    // TFLite hands the int8 convolutions to XNNPACK; each operator is also compared alone.
    const intInputs = inputsFor({ name: "q", bytes: q, inputs: [{ elements: 784, kind: "int8" }] }, 408);
    await compare("trainer separable CNN int8", q, intInputs, XNNPACK_QS8);
  });

  it("a 1-D CNN over MNIST's rows (CONV_2D with 1 x k windows between RESHAPEs, MAX_POOL_2D, AVERAGE_POOL_2D, MEAN), float32 and int8", async () => {
    const { model: m, digits } = mnistConv1d(1000, 5);
    const f = exportTflite(m, { kind: "float32" });
    const floatInputs = inputsFor({ name: "f", bytes: f, inputs: [{ elements: 784, kind: "float32" }] }, 421);
    await compare("trainer 1-D CNN float32", f, floatInputs, EXACT);
    const q = exportTflite(m, { kind: "int8", calibration: slice(digits, 0, 200) });
    // TFLite hands the int8 convolutions and pools to XNNPACK; each operator is also compared alone.
    const intInputs = inputsFor({ name: "q", bytes: q, inputs: [{ elements: 784, kind: "int8" }] }, 422);
    await compare("trainer 1-D CNN int8", q, intInputs, XNNPACK_QS8);
  });

  it("a SimpleRNN's last step (UNIDIRECTIONAL_SEQUENCE_RNN, STRIDED_SLICE), float32 and int8 (the hybrid RNN)", async () => {
    const { model: m, train } = sineRnn();
    const f = exportTflite(m, { kind: "float32" });
    await compare(
      "trainer SimpleRNN float32",
      f,
      inputsFor({ name: "f", bytes: f, inputs: [{ elements: 20, kind: "float32" }] }, 409),
      EXACT,
    );
    const q = exportTflite(m, { kind: "int8", calibration: train });
    // The hybrid RNN computes in float between its int8 edges; each operator is also compared alone.
    await compare(
      "trainer SimpleRNN int8",
      q,
      inputsFor({ name: "q", bytes: q, inputs: [{ elements: 20, kind: "int8" }] }, 410),
      XNNPACK_QS8,
    );
  });

  it("an LSTM's last step (UNIDIRECTIONAL_SEQUENCE_LSTM, STRIDED_SLICE), float32 and int8 (the integer LSTM)", async () => {
    const { model: m, train } = sineLstm();
    const f = exportTflite(m, { kind: "float32" });
    await compare(
      "trainer LSTM float32",
      f,
      inputsFor({ name: "f", bytes: f, inputs: [{ elements: 20, kind: "float32" }] }, 411),
      EXACT,
    );
    const q = exportTflite(m, { kind: "int8", calibration: train });
    // TFLite runs its own integer LSTM kernel and hands the FULLY_CONNECTED after it to XNNPACK.
    await compare(
      "trainer LSTM int8",
      q,
      inputsFor({ name: "q", bytes: q, inputs: [{ elements: 20, kind: "int8" }] }, 412),
      XNNPACK_QS8,
    );
  });

  it("token ids through an embedding and an LSTM (GATHER from int32 input), float32 and int8", async () => {
    const { model: m, train } = tokenLstm();
    const ids = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: RUNS }, () => [Array.from({ length: 12 }, () => rng.next() % 20)]);
    };
    await compare("trainer embedding + LSTM float32", exportTflite(m, { kind: "float32" }), ids(413), EXACT);
    // TFLite runs every operator itself here (no XNNPACK behind an int32 input): its int8 FULLY_CONNECTED is ruy's.
    const q = exportTflite(m, { kind: "int8", calibration: train });
    await compare("trainer embedding + LSTM int8", q, ids(414), RUY_FC);
  });

  it("a Jordan network, unrolled (STRIDED_SLICE, FULLY_CONNECTED, ADD, TANH per step), float32 and int8", async () => {
    const { model: m, train } = sineJordan();
    const f = exportTflite(m, { kind: "float32" });
    const floatInputs = inputsFor({ name: "f", bytes: f, inputs: [{ elements: 12, kind: "float32" }] }, 415);
    await compare("trainer Jordan float32", f, floatInputs, EXACT);
    const q = exportTflite(m, { kind: "int8", calibration: train });
    // TFLite hands the int8 FULLY_CONNECTED and ADD operators to XNNPACK; each operator is also compared alone.
    const intInputs = inputsFor({ name: "q", bytes: q, inputs: [{ elements: 12, kind: "int8" }] }, 416);
    await compare("trainer Jordan int8", q, intInputs, XNNPACK_QS8);
  });

  it("with input normalisation: float32 folds it into the first layer; int8 takes float input, SUB, MUL, QUANTIZE", async () => {
    const rng = new Rng(31);
    const n = 200;
    const unit = () => rng.next() / 2 ** 32;
    const x = Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === 0 ? 50 + 20 * (unit() - 0.5) : unit() - 0.5));
    const y = oneHot(
      Array.from({ length: n }, (_, s) => (x[s * 4 + 1]! + (x[s * 4]! - 50) / 20 > 0 ? 1 : 0)),
      2,
      "labels",
    );
    const train = { x, y, n, inputShape: [4], targetSize: 2, labels: ["no", "yes"] };
    const m = sequential(
      [normalization(train), dense({ units: 6, activation: "relu" }), dense({ units: 2, activation: "softmax" })],
      { inputShape: [4], seed: 2 },
    );
    m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    m.fit(train, { epochs: 5, batchSize: 16 });
    const inputs = Array.from({ length: RUNS }, (_, r) => [Array.from(x.subarray(r * 4, r * 4 + 4))]);
    await compare("trainer export normalised float32", exportTflite(m, { kind: "float32" }), inputs, EXACT);
    // TFLite delegates the float prefix to XNNPACK; each operator is also compared alone.
    await compare(
      "trainer export normalised int8",
      exportTflite(m, { kind: "int8", calibration: train }),
      inputs,
      XNNPACK_QS8,
    );
  });
});
