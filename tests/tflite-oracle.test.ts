// wasmlite against real TFLite (tfjs-tflite in headless Chromium) on random
// inputs: TFLM's hello_world models and models our own writer builds.
//
// Float outputs agree within 1e-5 of the output tensor's magnitude (its
// largest |value|, at least 1): kernels sum products in different orders,
// and float32 summation error scales with the size of the terms, not with a
// result that cancellation may have made small. That holds per operator; in
// a multi-operator float graph each operator is also checked alone, and the
// whole graph, where differences propagate, within 1e-3 (wiring or memory
// errors are far larger).
//
// Integer outputs: wasmlite follows TFLite Micro's reference kernels bit for
// bit (tests/conformance-tflm.test.ts checks that against TFLM's goldens).
// TFLite's web build does not always use that arithmetic: it hands most int8
// graphs to the XNNPACK delegate (fp32 requantization), runs int8
// FULLY_CONNECTED through ruy (single rounding), and its optimized QUANTIZE
// divides by a double scale where the reference divides by a float. Where
// TFLite's path rounds like the reference, outputs must be equal. Where it is
// one of those named paths, each element must be within 1 (TFLM's own
// tolerance) and the exact-match rate is reported. The path TFLite took is
// read from its profiler, not assumed.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { TfliteOracle, CHROMIUM } from "./helpers/tflite-oracle.ts";
import { haveTool } from "./helpers/system.ts";
import { bothBuilds, type Builds } from "./helpers/runtimes.ts";
import { fixture } from "./helpers/fixtures.ts";
import { Rng } from "./helpers/mutate.ts";
import { mlp, binary, unary, prelu, randomInputs, type BuiltModel } from "./helpers/models.ts";
import { extractOperator } from "./helpers/extract.ts";
import { conv, convPool, depthwise, pool, padModel, concat, meanModel, lenet } from "./helpers/cnn.ts";
import { lstm, rnn } from "./helpers/rnn.ts";
import { readModel } from "../format/index.ts";
import { BuiltinOperator, ActivationFunctionType } from "../format/index.ts";
import type { Model } from "../runtime-wasm/js/index.ts";
import { sequential, dense, flatten, take, normalization, oneHot } from "../trainer/index.ts";
import { mnistSplit } from "../trainer/data/mnist.ts";
import { exportTflite } from "../trainer/export/tflite.ts";

const RUNS = 40;
const available = haveTool(CHROMIUM, "chromium");

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
  if (report.length) console.log(["wasmlite vs real TFLite (tfjs-tflite):", ...report].join("\n  "));
});

function runWasmlite(model: Model, inputs: number[][]): number[][] {
  model.inputs.forEach((t, i) => (t.data as Int8Array).set(inputs[i]!));
  model.invoke();
  return model.outputs.map((t) => Array.from(t.data as Int8Array));
}

/** Why TFLite's integer result may differ from TFLM's reference, and by how much; EXACT = must be equal. */
type Rounding = { lsb: 0 } | { lsb: number; why: string };
const EXACT: Rounding = { lsb: 0 };
const XNNPACK_QS8: Rounding = { lsb: 1, why: "XNNPACK QS8 kernel, fp32 requantization" };
const RUY_FC: Rounding = { lsb: 1, why: "TFLite int8 FULLY_CONNECTED via ruy, single rounding" };
const OPT_QUANTIZE: Rounding = { lsb: 1, why: "TFLite optimized AffineQuantize divides by a double scale" };
// A different algorithm, not a rounding difference: the bound is TFLM's own
// tolerance for int16 LOGISTIC/TANH (16 units, logistic_test.cc / tanh_test.cc).
const OPT_INT16_POT: Rounding = { lsb: 16, why: "for power-of-two int16 input scales TFLite switches to its optimized gemmlowp int16 kernel; TFLM (and wasmlite) always read the sigmoid table; bound: TFLM's int16 tolerance" };
const LUT_DOUBLE: Rounding = { lsb: 1, why: "TFLite builds the int16 SOFTMAX tables in double (and scale x beta in float first); TFLM (and wasmlite) build them in float" };
const LUT: Rounding = { lsb: 1, why: "TFLite evaluates int8 TANH/SOFTMAX from a float-built lookup table; TFLM (and wasmlite) in gemmlowp fixed point" };

/**
 * Compares a whole model. When TFLite's path may round differently (lsb 1)
 * and the model has several operators, a 1-LSB difference in one layer can
 * grow through the next, so each operator is also cut out and compared alone
 * (where the 1-LSB rule applies), and the whole graph is only reported.
 */
async function compare(name: string, bytes: Uint8Array, inputSets: number[][][], rounding: Rounding = EXACT): Promise<void> {
  const summary = readModel(bytes);
  const operators = summary.operators.length;
  const floatGraph = summary.tensors[summary.outputs[0]!]!.type === "FLOAT32";
  if ((rounding.lsb > 0 || floatGraph) && operators > 1) {
    for (let i = 0; i < operators; i++) {
      const single = extractOperator(bytes, i);
      const path = (await oracle.profile(single.bytes)).join("+");
      const input = summary.tensors[summary.operators[i]!.inputs[0]!]!;
      await compareModel(`${name} ${single.name}`, single.bytes, inputsFor(single, 1000 + i), operatorRounding(summary.operators[i]!.op, input.type, path), true);
    }
    await compareModel(name, bytes, inputSets, rounding, false, floatGraph ? 1e-3 : 1e-5);
    return;
  }
  await compareModel(name, bytes, inputSets, rounding, true);
}

/** What to expect of one operator, from the path TFLite's profiler says it took. */
function operatorRounding(op: string, inputType: string, path: string): Rounding {
  if (inputType === "FLOAT32") return EXACT; // float bounds apply, whatever the path
  if (path.includes("XNNPack")) return XNNPACK_QS8;
  if (op === "FULLY_CONNECTED" && inputType === "INT8") return RUY_FC;
  if ((op === "TANH" || op === "SOFTMAX") && inputType === "INT8") return LUT;
  return EXACT;
}

async function compareModel(name: string, bytes: Uint8Array, inputSets: number[][][], rounding: Rounding, assertIntegers: boolean, floatBound = 1e-5): Promise<void> {
  const path = (await oracle.profile(bytes)).join("+");
  if ("why" in rounding) {
    // Guard the explanation: an XNNPACK excuse must match what TFLite actually ran.
    expect(path.includes("XNNPack"), `${name}: TFLite ran ${path}; expected ${rounding.why}`).toBe(rounding === XNNPACK_QS8);
  }
  const expected = await oracle.run(bytes, inputSets);
  const simd = builds.simd.load(bytes);
  const mvp = builds.mvp.load(bytes);
  let elements = 0;
  let exact = 0;
  let worstRel = 0;
  inputSets.forEach((inputs, run) => {
    const a = runWasmlite(simd, inputs);
    const b = runWasmlite(mvp, inputs);
    expect(b, `${name}: SIMD and MVP builds differ (run ${run})`).toEqual(a);
    expected[run]!.forEach((ref, o) => {
      const got = a[o]!;
      expect(got.length, `${name} output ${o} length`).toBe(ref.data.length);
      const isFloat = ref.dtype.startsWith("float");
      const magnitude = Math.max(1, ...ref.data.map(Math.abs));
      for (let k = 0; k < got.length; k++) {
        elements++;
        if (got[k] === ref.data[k]) exact++;
        if (isFloat) {
          const err = Math.abs(got[k]! - ref.data[k]!) / magnitude;
          worstRel = Math.max(worstRel, err);
          expect(Math.abs(got[k]! - ref.data[k]!), `${name} run ${run} output ${o}[${k}]: ${got[k]} vs TFLite ${ref.data[k]}`).toBeLessThanOrEqual(floatBound * magnitude);
        } else if (!assertIntegers) {
          // Whole multi-layer graph on a differently-rounding path: reported below, asserted per operator.
        } else if (rounding.lsb === 0) {
          expect(got[k], `${name} run ${run} output ${o}[${k}] (TFLite ran ${path})`).toBe(ref.data[k]);
        } else {
          expect(Math.abs(got[k]! - ref.data[k]!), `${name} run ${run} output ${o}[${k}] (TFLite ran ${path})`).toBeLessThanOrEqual(rounding.lsb);
        }
      }
    });
  });
  const note = !assertIntegers || floatBound > 1e-5
    ? " (whole graph; each operator checked alone above)"
    : "why" in rounding ? ` (within ${rounding.lsb} allowed: ${rounding.why})` : "";
  report.push(`${name} [TFLite ran ${path}]: ${exact}/${elements} exactly equal${worstRel > 0 ? `, worst difference ${worstRel.toExponential(2)} of the output's magnitude` : ""}${note}`);
}

function inputsFor(model: BuiltModel, seed: number): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: RUNS }, () => randomInputs(model, rng));
}

describe.skipIf(!available)("wasmlite vs real TFLite", () => {
  it("hello_world float and int8, on random inputs", async () => {
    const rng = new Rng(7);
    await compare("hello_world_float", fixture("hello_world/hello_world_float.tflite"), Array.from({ length: 200 }, () => [[Math.fround((rng.next() % 6284) / 1000)]]));
    await compare("hello_world_int8", fixture("hello_world/hello_world_int8.tflite"), Array.from({ length: 256 }, (_, i) => [[i - 128]]), XNNPACK_QS8);
  });

  const writerModels: [BuiltModel, Rounding][] = [
    [mlp({ kind: "float32", sizes: [784, 128, 10], seed: 1, head: "softmax" }), EXACT],
    [mlp({ kind: "float32", sizes: [33, 17, 5], batch: 3, seed: 2 }), EXACT],
    [mlp({ kind: "int8", sizes: [784, 128, 10], seed: 3 }), XNNPACK_QS8],
    [mlp({ kind: "int8", sizes: [784, 128, 10], perChannel: true, seed: 4 }), RUY_FC],
    [mlp({ kind: "int8", sizes: [37, 19, 3], perChannel: true, batch: 4, seed: 5 }), RUY_FC],
    [mlp({ kind: "int16", sizes: [64, 24, 8], perChannel: true, seed: 6 }), EXACT],
    [binary({ op: BuiltinOperator.ADD, kind: "float32", shapeA: [2, 3, 4], shapeB: [4], activation: ActivationFunctionType.RELU6, seed: 10 }), EXACT],
    [binary({ op: BuiltinOperator.ADD, kind: "int8", shapeA: [2, 3, 5], shapeB: [2, 3, 5], seed: 11 }), EXACT],
    [binary({ op: BuiltinOperator.ADD, kind: "int8", shapeA: [4, 1, 3], shapeB: [1, 5, 3], activation: ActivationFunctionType.RELU, seed: 12 }), EXACT],
    [binary({ op: BuiltinOperator.SUB, kind: "int8", shapeA: [3, 7], shapeB: [1, 7], seed: 13 }), EXACT],
    [binary({ op: BuiltinOperator.SUB, kind: "float32", shapeA: [5, 1], shapeB: [1, 6], seed: 14 }), EXACT],
    [binary({ op: BuiltinOperator.MUL, kind: "float32", shapeA: [2, 8], shapeB: [2, 8], activation: ActivationFunctionType.RELU_N1_TO_1, seed: 15 }), EXACT],
    [binary({ op: BuiltinOperator.MUL, kind: "int8", shapeA: [6, 5], shapeB: [5], seed: 16 }), XNNPACK_QS8],
    [binary({ op: BuiltinOperator.MUL, kind: "int16", shapeA: [4, 9], shapeB: [4, 9], seed: 17 }), EXACT],
    [unary({ op: BuiltinOperator.RELU, inKind: "float32", outKind: "float32", shape: [3, 11], seed: 20 }), EXACT],
    [unary({ op: BuiltinOperator.RELU, inKind: "int8", outKind: "int8", shape: [3, 11], seed: 21 }), EXACT],
    [unary({ op: BuiltinOperator.RELU6, inKind: "float32", outKind: "float32", shape: [40], seed: 22 }), EXACT],
    [unary({ op: BuiltinOperator.RELU6, inKind: "int8", outKind: "int8", shape: [40], sameQuant: true, seed: 23 }), EXACT],
    [unary({ op: BuiltinOperator.LEAKY_RELU, inKind: "float32", outKind: "float32", shape: [50], options: { type: "LeakyReluOptions", alpha: 0.2 }, seed: 24 }), EXACT],
    [unary({ op: BuiltinOperator.LEAKY_RELU, inKind: "int8", outKind: "int8", shape: [50], options: { type: "LeakyReluOptions", alpha: 0.1 }, seed: 25 }), XNNPACK_QS8],
    [unary({ op: BuiltinOperator.LEAKY_RELU, inKind: "int16", outKind: "int16", shape: [50], options: { type: "LeakyReluOptions", alpha: 0.3 }, seed: 26 }), EXACT],
    [prelu({ kind: "float32", shape: [1, 4, 6], seed: 27 }), EXACT],
    [prelu({ kind: "int8", shape: [1, 4, 6], seed: 28 }), EXACT],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "float32", outKind: "int8", shape: [64], seed: 30 }), EXACT],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "float32", outKind: "int16", shape: [64], seed: 31 }), OPT_QUANTIZE],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "int8", outKind: "int8", shape: [64], seed: 32 }), XNNPACK_QS8],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "int16", outKind: "int8", shape: [64], seed: 33 }), EXACT],
    [unary({ op: BuiltinOperator.DEQUANTIZE, inKind: "int8", outKind: "float32", shape: [64], seed: 34 }), EXACT],
    [unary({ op: BuiltinOperator.DEQUANTIZE, inKind: "int16", outKind: "float32", shape: [64], seed: 35 }), EXACT],
    [unary({ op: BuiltinOperator.RESHAPE, inKind: "int8", outKind: "int8", shape: [2, 3, 4], outShape: [6, 4], sameQuant: true, options: { type: "ReshapeOptions", newShape: [6, 4] }, seed: 36 }), EXACT],
    [unary({ op: BuiltinOperator.LOGISTIC, inKind: "float32", outKind: "float32", shape: [100], seed: 37 }), EXACT],
    [unary({ op: BuiltinOperator.TANH, inKind: "float32", outKind: "float32", shape: [100], seed: 38 }), EXACT],
    [unary({ op: BuiltinOperator.SOFTMAX, inKind: "float32", outKind: "float32", shape: [4, 25], options: { type: "SoftmaxOptions", beta: 0.7 }, seed: 39 }), EXACT],
    [unary({ op: BuiltinOperator.LOGISTIC, inKind: "int8", outKind: "int8", shape: [256], outQuant: { scale: [1 / 256], zeroPoint: [-128] }, seed: 40 }), XNNPACK_QS8],
    [unary({ op: BuiltinOperator.TANH, inKind: "int8", outKind: "int8", shape: [256], outQuant: { scale: [1 / 128], zeroPoint: [0] }, seed: 41 }), LUT],
    [unary({ op: BuiltinOperator.SOFTMAX, inKind: "int8", outKind: "int8", shape: [8, 10], options: { type: "SoftmaxOptions", beta: 1 }, outQuant: { scale: [1 / 256], zeroPoint: [-128] }, seed: 42 }), LUT],
  ];
  // Every int16 input at once: each segment of the sigmoid table is read.
  const everyInt16 = [Array.from({ length: 65536 }, (_, i) => i - 32768)];
  for (const [op, scale] of [[BuiltinOperator.LOGISTIC, 2 ** -12], [BuiltinOperator.LOGISTIC, 3.1e-4], [BuiltinOperator.TANH, 2 ** -12], [BuiltinOperator.TANH, 2 ** -11], [BuiltinOperator.TANH, 5.3e-4]] as const) {
    const model = unary({
      op, inKind: "int16", outKind: "int16", shape: [65536], seed: 50, label: `${BuiltinOperator[op]} int16, input scale ${scale}, every int16 input`,
      inQuant: { scale: [scale], zeroPoint: [0] }, outQuant: { scale: [2 ** -15], zeroPoint: [0] },
    });
    it(`our writer's ${model.name}`, async () => {
      const powerOfTwo = Number.isInteger(Math.log2(scale));
      await compare(model.name, model.bytes, [everyInt16], powerOfTwo ? OPT_INT16_POT : EXACT);
    });
  }

  for (const [scale, beta] of [[3e-4, 1], [1e-3, 0.5], [2 ** -10, 1]] as const) {
    const model = unary({
      op: BuiltinOperator.SOFTMAX, inKind: "int16", outKind: "int16", shape: [16, 24], seed: 60, label: `SOFTMAX int16, input scale ${scale}, beta ${beta}`,
      options: { type: "SoftmaxOptions", beta }, inQuant: { scale: [scale], zeroPoint: [0] }, outQuant: { scale: [1 / 32768], zeroPoint: [0] },
    });
    it(`our writer's ${model.name}`, async () => {
      await compare(model.name, model.bytes, inputsFor(model, 61), LUT_DOUBLE);
    });
  }

  for (const [i, [model, rounding]] of writerModels.entries()) {
    it(`our writer's ${model.name}`, async () => {
      await compare(model.name, model.bytes, inputsFor(model, 100 + i), rounding);
    });
  }
});

describe.skipIf(!available)("convolutional models: wasmlite vs real TFLite", () => {
  it("micro_speech (TFLM's keyword model) on random int8 spectrograms", async () => {
    const bytes = fixture("micro_speech/micro_speech_quantized.tflite");
    const rng = new Rng(99);
    const inputs = Array.from({ length: 200 }, () => [Array.from({ length: 1960 }, () => (rng.next() % 256) - 128)]);
    await compare("micro_speech", bytes, inputs, XNNPACK_QS8);
  });

  for (const kind of ["float32", "int8"] as const) {
    const model = lenet(kind, 7);
    it(`${model.name} built with our writer`, async () => {
      await compare(model.name, model.bytes, inputsFor(model, 8), kind === "int8" ? XNNPACK_QS8 : EXACT);
    });
  }

  const awkward: [BuiltModel, Rounding][] = [];
  for (const kind of ["float32", "int8"] as const) {
    const r = kind === "int8" ? XNNPACK_QS8 : EXACT;
    awkward.push(
      [conv({ kind, input: [1, 9, 11, 1], outChannels: 3, kernel: [3, 3], padding: "SAME", seed: 1 }), r],
      [conv({ kind, input: [1, 10, 9, 3], outChannels: 7, kernel: [3, 3], stride: [2, 2], padding: "SAME", seed: 2 }), r],
      [conv({ kind, input: [2, 12, 12, 7], outChannels: 17, kernel: [3, 3], dilation: [2, 2], padding: "VALID", activation: ActivationFunctionType.RELU, seed: 3 }), r],
      [conv({ kind, input: [1, 6, 5, 17], outChannels: 5, kernel: [1, 1], padding: "VALID", seed: 4 }), r],
      [conv({ kind, input: [1, 13, 13, 3], outChannels: 4, kernel: [7, 7], stride: [2, 3], padding: "SAME", activation: ActivationFunctionType.RELU6, seed: 5 }), r],
      // One input channel: the SIMD build's pixel-lane kernel (rows of 17, 8, 9, 13 and 12
      // outputs: blocks of 8 then a half block of 4 or a whole one overlapping the one
      // before; channel counts not a multiple of 3, 1x1, 3x2 and 7x7, vertical stride and
      // dilation, per-tensor weights), equal to the MVP build's im2col.
      [conv({ kind, input: [2, 12, 19, 1], outChannels: 5, kernel: [3, 3], padding: "VALID", activation: ActivationFunctionType.RELU, seed: 21 }), r],
      [conv({ kind, input: [1, 8, 8, 1], outChannels: 1, kernel: [1, 1], padding: "VALID", seed: 22 }), r],
      [conv({ kind, input: [1, 10, 15, 1], outChannels: 4, kernel: [7, 7], padding: "VALID", perChannel: false, seed: 23 }), r],
      [conv({ kind, input: [2, 11, 13, 1], outChannels: 4, kernel: [3, 2], stride: [2, 1], dilation: [2, 1], padding: "SAME", activation: ActivationFunctionType.RELU6, seed: 26 }), r],
      [conv({ kind, input: [1, 6, 14, 1], outChannels: 4, kernel: [3, 3], padding: "VALID", activation: ActivationFunctionType.RELU, seed: 40 }), r],
      [conv({ kind, input: [1, 7, 8, 6], outChannels: 9, kernel: [3, 2], stride: [1, 2], padding: "SAME", groups: 3, seed: 25 }), r],
      // Image rows of 6 values (fewer than one vector when widened in the SIMD build).
      [conv({ kind, input: [1, 5, 3, 2], outChannels: 3, kernel: [2, 2], padding: "SAME", seed: 27 }), r],
      // CONV_2D -> MAX_POOL_2D. The SIMD build's convolution does a 2x2,
      // stride-2 pooling itself where it can (equal to the MVP build, which
      // never does): the pixel-lane kernel with odd convolution sizes, batch 2
      // and a RELU only on the pooling; eight convolution columns; 14 (a last
      // whole block overlapping the one before); the
      // channel-lane kernel, with groups; a vertical stride (pixel lanes) and
      // a dilation (channel lanes). Not absorbed: a window past the
      // image (SAME on 9 columns), a 3x3 window, the unpooled tensor also an
      // output, a requantisation that shifts left.
      [convPool({ kind, input: [2, 13, 21, 1], outChannels: 5, kernel: [3, 3], padding: "VALID", window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", poolActivation: ActivationFunctionType.RELU, seed: 30 }), r],
      [convPool({ kind, input: [1, 8, 10, 1], outChannels: 3, kernel: [3, 3], padding: "VALID", activation: ActivationFunctionType.RELU, window: [2, 2], poolStride: [2, 2], poolPadding: "SAME", seed: 31 }), r],
      [convPool({ kind, input: [1, 9, 16, 1], outChannels: 6, kernel: [3, 3], padding: "VALID", window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", seed: 41 }), r],
      [convPool({ kind, input: [1, 11, 10, 3], outChannels: 10, kernel: [3, 3], padding: "SAME", activation: ActivationFunctionType.RELU6, window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", seed: 32 }), r],
      [convPool({ kind, input: [2, 9, 8, 6], outChannels: 9, kernel: [2, 2], padding: "SAME", groups: 3, window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", poolActivation: ActivationFunctionType.RELU6, seed: 33 }), r],
      [convPool({ kind, input: [1, 20, 12, 1], outChannels: 3, kernel: [3, 3], stride: [2, 1], padding: "VALID", window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", seed: 38 }), r],
      [convPool({ kind, input: [1, 12, 12, 3], outChannels: 4, kernel: [3, 3], dilation: [2, 2], padding: "VALID", activation: ActivationFunctionType.RELU, window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", seed: 39 }), r],
      [convPool({ kind, input: [1, 10, 9, 3], outChannels: 7, kernel: [3, 3], padding: "SAME", window: [2, 2], poolStride: [2, 2], poolPadding: "SAME", seed: 34 }), r],
      [convPool({ kind, input: [1, 12, 12, 2], outChannels: 4, kernel: [3, 3], padding: "VALID", window: [3, 3], poolStride: [2, 2], poolPadding: "VALID", seed: 35 }), r],
      [convPool({ kind, input: [1, 12, 12, 1], outChannels: 4, kernel: [3, 3], padding: "VALID", window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", exposeConv: true, seed: 36 }), r],
      [convPool({ kind, input: [1, 12, 12, 3], outChannels: 4, kernel: [3, 3], padding: "VALID", window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", outputRange: 0.005, seed: 37 }), r],
      [depthwise({ kind, input: [1, 9, 9, 3], multiplier: 2, kernel: [3, 3], padding: "SAME", seed: 6 }), r],
      [depthwise({ kind, input: [1, 12, 10, 17], multiplier: 1, kernel: [3, 3], stride: [2, 2], dilation: [1, 2], padding: "VALID", seed: 7 }), r],
      [depthwise({ kind, input: [1, 8, 8, 16], multiplier: 1, kernel: [5, 5], padding: "SAME", activation: ActivationFunctionType.RELU, seed: 8 }), r],
      [pool({ kind, max: true, input: [1, 7, 9, 3], window: [2, 2], stride: [2, 2], padding: "SAME", seed: 9 }), EXACT],
      // 8 + 8 + 1 channels, clamped by RELU6, batch 2: the SIMD build's int8 max-pool chunks and tail.
      [pool({ kind, max: true, input: [2, 9, 8, 17], window: [3, 3], stride: [2, 2], padding: "VALID", activation: ActivationFunctionType.RELU6, seed: 24 }), EXACT],
      [pool({ kind, max: false, input: [1, 7, 9, 5], window: [3, 2], stride: [2, 2], padding: "SAME", seed: 10 }), EXACT],
      [pool({ kind, max: false, input: [2, 10, 10, 7], window: [3, 3], stride: [3, 3], padding: "VALID", seed: 11 }), EXACT],
      [padModel({ kind, input: [1, 5, 6, 3], paddings: [[0, 0], [1, 2], [3, 0], [0, 1]], seed: 12 }), EXACT],
      [padModel({ kind, input: [2, 7], paddings: [[1, 1], [2, 3]], constant: kind === "float32" ? 1.5 : 9, seed: 13 }), EXACT],
      [concat({ kind, shapes: [[1, 4, 4, 3], [1, 4, 4, 5], [1, 4, 4, 1]], axis: 3, seed: 14 }), EXACT],
      [concat({ kind, shapes: [[2, 3], [4, 3]], axis: 0, seed: 15 }), EXACT],
      [meanModel({ kind, input: [1, 6, 7, 9], axes: [1, 2], keepDims: true, sameQuant: false, seed: 16 }), EXACT],
      [meanModel({ kind, input: [2, 5, 4, 3], axes: [1, 2], keepDims: false, sameQuant: true, seed: 17 }), kind === "int8" ? XNNPACK_QS8 : EXACT],
    );
  }
  for (const [i, [model, rounding]] of awkward.entries()) {
    it(`awkward: ${model.name}`, async () => {
      await compare(model.name, model.bytes, inputsFor(model, 200 + i), rounding);
    });
  }
});

describe.skipIf(!available)("trainer exports: wasmlite vs real TFLite", () => {
  it("an MLP trained on MNIST digits, exported float32 and int8, gives TFLite's outputs", async () => {
    const { train } = mnistSplit();
    const small = take(train, Array.from({ length: 1000 }, (_, i) => i));
    const m = sequential([flatten(), dense({ units: 24, activation: "relu" }), dense({ units: 16, activation: "tanh" }), dense({ units: 10, activation: "softmax" })], { inputShape: [28, 28, 1], seed: 5 });
    m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    m.fit(small, { epochs: 2, batchSize: 32 });
    const f = exportTflite(m, { kind: "float32" });
    await compare("trainer export float32", f, inputsFor({ name: "f32", bytes: f, inputs: [{ elements: 784, kind: "float32" }] }, 400), EXACT);
    const q = exportTflite(m, { kind: "int8", calibration: take(small, Array.from({ length: 200 }, (_, i) => i)) });
    // Per-channel int8 weights: TFLite runs FULLY_CONNECTED through ruy (each operator is also compared alone).
    await compare("trainer export int8", q, inputsFor({ name: "int8", bytes: q, inputs: [{ elements: 784, kind: "int8" }] }, 401), RUY_FC);
  });

  it("with input normalisation: float32 folds it into the first layer; int8 takes float input, SUB, MUL, QUANTIZE", async () => {
    const rng = new Rng(31);
    const n = 200;
    const x = Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === 0 ? 50 + 20 * (rng.next() - 0.5) : rng.next() - 0.5));
    const y = oneHot(Array.from({ length: n }, (_, s) => (x[s * 4 + 1]! + (x[s * 4]! - 50) / 20 > 0 ? 1 : 0)), 2, "labels");
    const train = { x, y, n, inputShape: [4], targetSize: 2, labels: ["no", "yes"] };
    const m = sequential([normalization(train), dense({ units: 6, activation: "relu" }), dense({ units: 2, activation: "softmax" })], { inputShape: [4], seed: 2 });
    m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    m.fit(train, { epochs: 5, batchSize: 16 });
    const inputs = Array.from({ length: RUNS }, (_, r) => [Array.from(x.subarray(r * 4, r * 4 + 4))]);
    await compare("trainer export normalised float32", exportTflite(m, { kind: "float32" }), inputs, EXACT);
    // TFLite delegates the float prefix to XNNPACK; each operator is also compared alone.
    await compare("trainer export normalised int8", exportTflite(m, { kind: "int8", calibration: train }), inputs, XNNPACK_QS8);
  });
});

describe.skipIf(!available)("recurrent models: wasmlite vs real TFLite (state carried across runs in both)", () => {
  it("mnist_lstm float (TFLM's model) on 100 random inputs", async () => {
    const rng = new Rng(123);
    const inputs = Array.from({ length: 100 }, () => [Array.from({ length: 784 }, () => Math.fround(rng.next() / 2 ** 32))]);
    await compare("mnist_lstm float", fixture("mnist_lstm/trained_lstm.tflite"), inputs, EXACT);
  });

  it("mnist_lstm int8 (TFLM's model) on 100 random inputs", async () => {
    const rng = new Rng(124);
    const inputs = Array.from({ length: 100 }, () => [Array.from({ length: 784 }, () => (rng.next() % 256) - 128)]);
    // TFLite hands the FULLY_CONNECTED after the LSTM to XNNPACK, so each operator is
    // also compared alone: the LSTM (TFLite's own integer kernel) must match exactly.
    await compare("mnist_lstm int8", fixture("mnist_lstm/trained_lstm_int8.tflite"), inputs, XNNPACK_QS8);
  });

  const models = [
    lstm({ batch: 1, steps: 50, features: 8, cells: 13, seed: 1 }),
    lstm({ batch: 2, steps: 1, features: 3, cells: 6, seed: 2 }),
    lstm({ batch: 1, steps: 20, features: 16, cells: 32, cellClip: 3, seed: 3 }),
    lstm({ batch: 3, steps: 7, features: 5, cells: 9, cifg: true, seed: 4 }),
    lstm({ batch: 2, steps: 6, features: 4, cells: 5, timeMajor: true, seed: 5 }),
    // Steps beyond one chunk of input products (8) with an odd last chunk.
    lstm({ batch: 3, steps: 11, features: 9, cells: 21, timeMajor: true, seed: 18 }),
    lstm({ batch: 2, steps: 17, features: 6, cells: 40, seed: 19 }),
    lstm({ kind: "int8", batch: 1, steps: 50, features: 8, cells: 13, seed: 6 }),
    lstm({ kind: "int8", batch: 2, steps: 1, features: 3, cells: 6, seed: 7 }),
    lstm({ kind: "int8", batch: 1, steps: 20, features: 16, cells: 32, cellClip: 3, cellScaleLog2: -12, seed: 8 }),
    lstm({ kind: "int8", batch: 3, steps: 7, features: 5, cells: 9, cifg: true, seed: 9 }),
    lstm({ kind: "int8", batch: 2, steps: 6, features: 4, cells: 5, timeMajor: true, cellScaleLog2: -10, seed: 10 }),
    lstm({ kind: "int8", batch: 3, steps: 11, features: 9, cells: 21, timeMajor: true, seed: 20 }),
    rnn({ batch: 1, steps: 50, features: 8, units: 13, seed: 11 }),
    rnn({ batch: 2, steps: 1, features: 3, units: 6, activation: ActivationFunctionType.RELU, seed: 12 }),
    rnn({ batch: 3, steps: 9, features: 7, units: 5, timeMajor: true, activation: ActivationFunctionType.RELU6, seed: 13 }),
    rnn({ kind: "int8", batch: 1, steps: 50, features: 8, units: 13, seed: 14 }),
    rnn({ kind: "int8", batch: 2, steps: 1, features: 3, units: 6, activation: ActivationFunctionType.RELU, seed: 15 }),
    rnn({ kind: "int8", batch: 3, steps: 9, features: 7, units: 5, timeMajor: true, seed: 16 }),
    rnn({ kind: "int8", batch: 2, steps: 20, features: 16, units: 32, asymmetricQuantizeInputs: true, seed: 17 }),
  ];
  for (const [i, model] of models.entries()) {
    it(`our writer's ${model.name}`, async () => {
      await compare(model.name, model.bytes, inputsFor(model, 300 + i), EXACT);
    });
  }
});
