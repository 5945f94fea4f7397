// The models both exactness suites run: tests/runtime/reference.test.ts (the
// runtime against the independent reference, every integer model, no
// browser needed) and tests/runtime/tflite-oracle.test.ts (the runtime and the
// reference against real TFLite). Each case carries how TFLite's web build
// may round it: TFLite takes optimised paths (XNNPACK, ruy, lookup tables)
// whose integer results can differ from TFLM's reference kernels by 1.
import { Rng } from "./mutate.ts";
import { mlp, binary, unary, prelu, stridedSlice, gather, randomInputs, type BuiltModel } from "./models.ts";
import { conv, convPool, depthwise, pool, padModel, concat, meanModel, lenet } from "./cnn.ts";
import { lstm, rnn } from "./rnn.ts";
import { fixture } from "./fixtures.ts";
import { BuiltinOperator, ActivationFunctionType } from "@wasmlite/format";

/** Why TFLite's integer result may differ from TFLM's reference, and by how much; EXACT = must be equal. */
export type Rounding = { lsb: 0 } | { lsb: number; why: string };
export const EXACT: Rounding = { lsb: 0 };
export const XNNPACK_QS8: Rounding = {
  lsb: 1,
  why: "XNNPACK's QS8 kernels: requantization in fp32, ties rounded to even",
};
export const RUY_FC: Rounding = { lsb: 1, why: "TFLite int8 FULLY_CONNECTED via ruy, single rounding" };
export const OPT_QUANTIZE: Rounding = { lsb: 1, why: "TFLite optimized AffineQuantize divides by a double scale" };
// A different algorithm, not a rounding difference: for power-of-two int16
// input scales TFLite evaluates gemmlowp's 16-bit fixed-point function, TFLM
// (and wasmlite) always read the sigmoid table. The bounds are the worst
// difference over every int16 input (TFLM's own tests allow 16).
const POT_WHY =
  "for power-of-two int16 input scales TFLite switches to its optimized gemmlowp int16 kernel; TFLM (and wasmlite) always read the sigmoid table";
export const OPT_INT16_POT_LOGISTIC: Rounding = { lsb: 7, why: `${POT_WHY}; worst over every input: 7` };
export const OPT_INT16_POT_TANH: Rounding = {
  lsb: 12,
  why: `${POT_WHY}; worst over every input: 12 (tanh doubles the table's error)`,
};
export const LUT_DOUBLE: Rounding = {
  lsb: 1,
  why: "TFLite builds the int16 SOFTMAX tables in double (and scale x beta in float first); TFLM (and wasmlite) build them in float",
};
// On every case here (every int8 input of TANH, softmax rows) the two agree
// exactly, so no difference is allowed.
export const LUT: Rounding = {
  lsb: 0,
  why: "TFLite evaluates int8 TANH/SOFTMAX from a float-built lookup table; TFLM (and wasmlite) in gemmlowp fixed point; equal on every case seen",
};

export const OPT_CONV_16X8: Rounding = {
  lsb: 1,
  why: "TFLite runs an int16 CONV_2D with an int32 bias on its optimized kernel, which requantises its own way (the reference kernel only with an int64 bias); TFLM always runs the reference kernel",
};

export interface Case {
  model: BuiltModel;
  /** What to expect of real TFLite's integer outputs on this model. */
  tflite: Rounding;
  /** Set when TFLite's web build cannot run the model (why): it is checked against the reference only. */
  tfliteRefuses?: string;
  /** Set when TFLite's web build runs the model but, for the stated reason, gives other outputs (reference only). */
  tfliteDisagrees?: string;
  /** Input sets, one number array per model input, run in order (recurrent state carries over). */
  inputs: number[][][];
}

export const RUNS = 40;

export function inputsFor(model: BuiltModel, seed: number, runs = RUNS): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: runs }, () => randomInputs(model, rng));
}

const withInputs = (list: [BuiltModel, Rounding][], seedBase: number): Case[] =>
  list.map(([model, tflite], i) => ({ model, tflite, inputs: inputsFor(model, seedBase + i) }));

/** Single operators (and small MLPs) built by our writer, with awkward shapes and every type. */
export function operatorCases(): Case[] {
  const list: [BuiltModel, Rounding][] = [
    [mlp({ kind: "float32", sizes: [784, 128, 10], seed: 1, head: "softmax" }), EXACT],
    [mlp({ kind: "float32", sizes: [33, 17, 5], batch: 3, seed: 2 }), EXACT],
    [mlp({ kind: "int8", sizes: [784, 128, 10], seed: 3 }), XNNPACK_QS8],
    [mlp({ kind: "int8", sizes: [784, 128, 10], perChannel: true, seed: 4 }), RUY_FC],
    [mlp({ kind: "int8", sizes: [37, 19, 3], perChannel: true, batch: 4, seed: 5 }), RUY_FC],
    [mlp({ kind: "int16", sizes: [64, 24, 8], perChannel: true, seed: 6 }), EXACT],
    [
      binary({
        op: BuiltinOperator.ADD,
        kind: "float32",
        shapeA: [2, 3, 4],
        shapeB: [4],
        activation: ActivationFunctionType.RELU6,
        seed: 10,
      }),
      EXACT,
    ],
    [binary({ op: BuiltinOperator.ADD, kind: "int8", shapeA: [2, 3, 5], shapeB: [2, 3, 5], seed: 11 }), EXACT],
    [
      binary({
        op: BuiltinOperator.ADD,
        kind: "int8",
        shapeA: [4, 1, 3],
        shapeB: [1, 5, 3],
        activation: ActivationFunctionType.RELU,
        seed: 12,
      }),
      EXACT,
    ],
    [binary({ op: BuiltinOperator.SUB, kind: "int8", shapeA: [3, 7], shapeB: [1, 7], seed: 13 }), EXACT],
    [binary({ op: BuiltinOperator.SUB, kind: "float32", shapeA: [5, 1], shapeB: [1, 6], seed: 14 }), EXACT],
    [
      binary({
        op: BuiltinOperator.MUL,
        kind: "float32",
        shapeA: [2, 8],
        shapeB: [2, 8],
        activation: ActivationFunctionType.RELU_N1_TO_1,
        seed: 15,
      }),
      EXACT,
    ],
    [binary({ op: BuiltinOperator.MUL, kind: "int8", shapeA: [6, 5], shapeB: [5], seed: 16 }), XNNPACK_QS8],
    [binary({ op: BuiltinOperator.MUL, kind: "int16", shapeA: [4, 9], shapeB: [4, 9], seed: 17 }), EXACT],
    [unary({ op: BuiltinOperator.RELU, inKind: "float32", outKind: "float32", shape: [3, 11], seed: 20 }), EXACT],
    [unary({ op: BuiltinOperator.RELU, inKind: "int8", outKind: "int8", shape: [3, 11], seed: 21 }), EXACT],
    [unary({ op: BuiltinOperator.RELU6, inKind: "float32", outKind: "float32", shape: [40], seed: 22 }), EXACT],
    [
      unary({ op: BuiltinOperator.RELU6, inKind: "int8", outKind: "int8", shape: [40], sameQuant: true, seed: 23 }),
      EXACT,
    ],
    [
      unary({
        op: BuiltinOperator.LEAKY_RELU,
        inKind: "float32",
        outKind: "float32",
        shape: [50],
        options: { type: "LeakyReluOptions", alpha: 0.2 },
        seed: 24,
      }),
      EXACT,
    ],
    [
      unary({
        op: BuiltinOperator.LEAKY_RELU,
        inKind: "int8",
        outKind: "int8",
        shape: [50],
        options: { type: "LeakyReluOptions", alpha: 0.1 },
        seed: 25,
      }),
      XNNPACK_QS8,
    ],
    [
      unary({
        op: BuiltinOperator.LEAKY_RELU,
        inKind: "int16",
        outKind: "int16",
        shape: [50],
        options: { type: "LeakyReluOptions", alpha: 0.3 },
        seed: 26,
      }),
      EXACT,
    ],
    [prelu({ kind: "float32", shape: [1, 4, 6], seed: 27 }), EXACT],
    [prelu({ kind: "int8", shape: [1, 4, 6], seed: 28 }), EXACT],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "float32", outKind: "int8", shape: [64], seed: 30 }), EXACT],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "float32", outKind: "int16", shape: [64], seed: 31 }), OPT_QUANTIZE],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "int8", outKind: "int8", shape: [64], seed: 32 }), XNNPACK_QS8],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "int16", outKind: "int8", shape: [64], seed: 33 }), EXACT],
    [unary({ op: BuiltinOperator.DEQUANTIZE, inKind: "int8", outKind: "float32", shape: [64], seed: 34 }), EXACT],
    [unary({ op: BuiltinOperator.DEQUANTIZE, inKind: "int16", outKind: "float32", shape: [64], seed: 35 }), EXACT],
    [
      unary({
        op: BuiltinOperator.RESHAPE,
        inKind: "int8",
        outKind: "int8",
        shape: [2, 3, 4],
        outShape: [6, 4],
        sameQuant: true,
        options: { type: "ReshapeOptions", newShape: [6, 4] },
        seed: 36,
      }),
      EXACT,
    ],
    [unary({ op: BuiltinOperator.LOGISTIC, inKind: "float32", outKind: "float32", shape: [100], seed: 37 }), EXACT],
    [unary({ op: BuiltinOperator.TANH, inKind: "float32", outKind: "float32", shape: [100], seed: 38 }), EXACT],
    [
      unary({
        op: BuiltinOperator.SOFTMAX,
        inKind: "float32",
        outKind: "float32",
        shape: [4, 25],
        options: { type: "SoftmaxOptions", beta: 0.7 },
        seed: 39,
      }),
      EXACT,
    ],
    [
      unary({
        op: BuiltinOperator.LOGISTIC,
        inKind: "int8",
        outKind: "int8",
        shape: [256],
        outQuant: { scale: [1 / 256], zeroPoint: [-128] },
        seed: 40,
      }),
      XNNPACK_QS8,
    ],
    [
      unary({
        op: BuiltinOperator.TANH,
        inKind: "int8",
        outKind: "int8",
        shape: [256],
        outQuant: { scale: [1 / 128], zeroPoint: [0] },
        seed: 41,
      }),
      LUT,
    ],
    [
      unary({
        op: BuiltinOperator.SOFTMAX,
        inKind: "int8",
        outKind: "int8",
        shape: [8, 10],
        options: { type: "SoftmaxOptions", beta: 1 },
        outQuant: { scale: [1 / 256], zeroPoint: [-128] },
        seed: 42,
      }),
      LUT,
    ],
  ];
  // The int16 (16x8) forms and other paths the runtime claims: rescaling
  // RELU, RELU6 and PRELU, int16 ADD/SUB broadcasting, requantising QUANTIZE
  // between every integer type, DEQUANTIZE from uint8, RELU_N1_TO_1 fused.
  const claimed: [BuiltModel, Rounding][] = [
    [unary({ op: BuiltinOperator.RELU, inKind: "int16", outKind: "int16", shape: [4, 33], seed: 70 }), EXACT],
    [
      unary({
        op: BuiltinOperator.RELU6,
        inKind: "int16",
        outKind: "int16",
        shape: [70],
        sameQuant: true,
        inQuant: { scale: [3e-4], zeroPoint: [0] },
        seed: 71,
      }),
      EXACT,
    ],
    [prelu({ kind: "int16", shape: [2, 3, 7], seed: 72 }), EXACT],
    [
      unary({
        op: BuiltinOperator.RESHAPE,
        inKind: "int16",
        outKind: "int16",
        shape: [3, 8],
        outShape: [2, 12],
        sameQuant: true,
        options: { type: "ReshapeOptions", newShape: [2, 12] },
        seed: 73,
      }),
      EXACT,
    ],
    [
      binary({
        op: BuiltinOperator.ADD,
        kind: "int16",
        shapeA: [3, 1, 6],
        shapeB: [4, 6],
        activation: ActivationFunctionType.RELU,
        seed: 74,
      }),
      EXACT,
    ],
    [binary({ op: BuiltinOperator.SUB, kind: "int16", shapeA: [5, 4], shapeB: [4], seed: 75 }), EXACT],
    [
      binary({
        op: BuiltinOperator.ADD,
        kind: "int8",
        shapeA: [3, 9],
        shapeB: [3, 9],
        activation: ActivationFunctionType.RELU_N1_TO_1,
        seed: 76,
      }),
      EXACT,
    ],
    [
      binary({
        op: BuiltinOperator.MUL,
        kind: "int8",
        shapeA: [2, 3, 4],
        shapeB: [4],
        activation: ActivationFunctionType.RELU_N1_TO_1,
        seed: 77,
      }),
      XNNPACK_QS8,
    ],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "int8", outKind: "int16", shape: [64], seed: 78 }), EXACT],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "int16", outKind: "int16", shape: [64], seed: 79 }), EXACT],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "int8", outKind: "int32", shape: [64], seed: 80 }), EXACT],
    [unary({ op: BuiltinOperator.QUANTIZE, inKind: "int16", outKind: "int32", shape: [64], seed: 81 }), EXACT],
    [unary({ op: BuiltinOperator.DEQUANTIZE, inKind: "uint8", outKind: "float32", shape: [64], seed: 82 }), EXACT],
    [prelu({ kind: "int8", shape: [2, 5, 6], alphaZeroPoint: -20, seed: 83 }), EXACT],
    // STRIDED_SLICE: the last step of a sequence as TensorFlow's converter writes it (masks and a
    // shrunk axis), negative strides and indices, every element type, `offset`.
    [
      stridedSlice({
        kind: "float32",
        shape: [1, 7, 5],
        begin: [0, -1, 0],
        end: [0, 0, 0],
        strides: [1, 1, 1],
        beginMask: 5,
        endMask: 5,
        shrinkAxisMask: 2,
        seed: 84,
      }),
      EXACT,
    ],
    [
      stridedSlice({
        kind: "int8",
        shape: [2, 6, 5, 3],
        begin: [1, -2, 4, 0],
        end: [2, 0, 0, 3],
        strides: [1, -2, -2, 1],
        endMask: 2,
        seed: 85,
      }),
      EXACT,
    ],
    [
      stridedSlice({
        kind: "float32",
        shape: [3, 8, 4],
        begin: [-1, -7, 1],
        end: [-4, 100, 3],
        strides: [-1, 2, 1],
        shrinkAxisMask: 4,
        seed: 87,
      }),
      EXACT,
    ],
  ];
  const cases = [...withInputs(list, 100), ...withInputs(claimed, 170)];
  const offsetSlice = stridedSlice({
    kind: "int16",
    shape: [4, 9],
    begin: [1, 2],
    end: [2, 5],
    strides: [2, 3],
    offset: true,
    seed: 86,
  });
  // GATHER: an embedding lookup (runtime int32 ids), other axes, batch_dims, constant int32 and int64 indices.
  const gathers: [BuiltModel, Rounding][] = [
    [gather({ kind: "float32", shape: [10, 4], indicesShape: [3, 5], seed: 300 }), EXACT],
    [gather({ kind: "int8", shape: [2, 7, 3], indicesShape: [4], axis: 1, seed: 301 }), EXACT],
    [
      gather({ kind: "int16", shape: [3, 5, 6], indicesShape: [2, 2], axis: -1, constantIndices: "int32", seed: 302 }),
      EXACT,
    ],
    [gather({ kind: "int32", shape: [4, 6], indicesShape: [4, 3], axis: 1, batchDims: 1, seed: 303 }), EXACT],
    [gather({ kind: "float32", shape: [5, 3], indicesShape: [7], constantIndices: "int64", seed: 304 }), EXACT],
  ];
  cases.push(...withInputs(gathers, 300));
  cases.push({
    model: offsetSlice,
    tflite: EXACT,
    tfliteDisagrees:
      "tfjs-tflite's TFLite predates StridedSliceOptions.offset and ignores it (end is then not begin + end)",
    inputs: inputsFor(offsetSlice, 86),
  });
  // QUANTIZE on exact ties: x / scale = k + 1/2 (scale 0.5, x a multiple of 0.25), which TFLM rounds
  // away from zero. (TFLite hands float -> int8 to XNNPACK, which rounds ties to even.)
  for (const outKind of ["int8", "int16"] as const) {
    const model = unary({
      op: BuiltinOperator.QUANTIZE,
      inKind: "float32",
      outKind,
      shape: [401],
      seed: 84,
      label: `QUANTIZE float32 -> ${outKind} on rounding ties`,
      outQuant: { scale: [0.5], zeroPoint: [outKind === "int8" ? 3 : 0] },
    });
    cases.push({
      model,
      tflite: outKind === "int8" ? XNNPACK_QS8 : EXACT,
      inputs: [[Array.from({ length: 401 }, (_, k) => (k - 200) * 0.25)]],
    });
  }
  refusedByTflite(cases, {
    "PRELU int16 [2,3,7]": "TFLite's PRELU has no int16 kernel (inference fails)",
    "QUANTIZE int8 -> int16 [64]":
      "TFLite's QUANTIZE requantises int8 only to int8 (the model does not initialise); TFLM does int8 -> int16",
    "QUANTIZE int8 -> int32 [64]": "TFLite's QUANTIZE has no int8 -> int32 (the model does not initialise); TFLM has",
  });
  // Every int16 input at once: each segment of the sigmoid table is read.
  const everyInt16 = [Array.from({ length: 65536 }, (_, i) => i - 32768)];
  for (const [op, scale] of [
    [BuiltinOperator.LOGISTIC, 2 ** -12],
    [BuiltinOperator.LOGISTIC, 3.1e-4],
    [BuiltinOperator.TANH, 2 ** -12],
    [BuiltinOperator.TANH, 2 ** -11],
    [BuiltinOperator.TANH, 5.3e-4],
  ] as const) {
    const model = unary({
      op,
      inKind: "int16",
      outKind: "int16",
      shape: [65536],
      seed: 50,
      label: `${BuiltinOperator[op]} int16, input scale ${scale}, every int16 input`,
      inQuant: { scale: [scale], zeroPoint: [0] },
      outQuant: { scale: [2 ** -15], zeroPoint: [0] },
    });
    const pot = op === BuiltinOperator.LOGISTIC ? OPT_INT16_POT_LOGISTIC : OPT_INT16_POT_TANH;
    cases.push({ model, tflite: Number.isInteger(Math.log2(scale)) ? pot : EXACT, inputs: [everyInt16] });
  }
  for (const [scale, beta] of [
    [3e-4, 1],
    [1e-3, 0.5],
    [2 ** -10, 1],
  ] as const) {
    const model = unary({
      op: BuiltinOperator.SOFTMAX,
      inKind: "int16",
      outKind: "int16",
      shape: [16, 24],
      seed: 60,
      label: `SOFTMAX int16, input scale ${scale}, beta ${beta}`,
      options: { type: "SoftmaxOptions", beta },
      inQuant: { scale: [scale], zeroPoint: [0] },
      outQuant: { scale: [1 / 32768], zeroPoint: [0] },
    });
    cases.push({ model, tflite: LUT_DOUBLE, inputs: inputsFor(model, 61) });
  }
  return cases;
}

/** Convolutional models: TFLM's micro_speech, LeNet-5, and single operators with awkward geometry. */
export function convolutionCases(): Case[] {
  const rng = new Rng(99);
  const microSpeech: BuiltModel = {
    name: "micro_speech",
    bytes: fixture("micro_speech/micro_speech_quantized.tflite"),
    inputs: [{ elements: 1960, kind: "int8" }],
  };
  const cases: Case[] = [
    {
      model: microSpeech,
      tflite: XNNPACK_QS8,
      inputs: Array.from({ length: 200 }, () => [Array.from({ length: 1960 }, () => (rng.next() % 256) - 128)]),
    },
  ];
  for (const kind of ["float32", "int8"] as const) {
    const model = lenet(kind, 7);
    cases.push({ model, tflite: kind === "int8" ? XNNPACK_QS8 : EXACT, inputs: inputsFor(model, 8) });
  }
  const awkward: [BuiltModel, Rounding][] = [];
  for (const kind of ["float32", "int8"] as const) {
    const r = kind === "int8" ? XNNPACK_QS8 : EXACT;
    awkward.push(
      [conv({ kind, input: [1, 9, 11, 1], outChannels: 3, kernel: [3, 3], padding: "SAME", seed: 1 }), r],
      [
        conv({ kind, input: [1, 10, 9, 3], outChannels: 7, kernel: [3, 3], stride: [2, 2], padding: "SAME", seed: 2 }),
        r,
      ],
      [
        conv({
          kind,
          input: [2, 12, 12, 7],
          outChannels: 17,
          kernel: [3, 3],
          dilation: [2, 2],
          padding: "VALID",
          activation: ActivationFunctionType.RELU,
          seed: 3,
        }),
        r,
      ],
      [conv({ kind, input: [1, 6, 5, 17], outChannels: 5, kernel: [1, 1], padding: "VALID", seed: 4 }), r],
      [
        conv({
          kind,
          input: [1, 13, 13, 3],
          outChannels: 4,
          kernel: [7, 7],
          stride: [2, 3],
          padding: "SAME",
          activation: ActivationFunctionType.RELU6,
          seed: 5,
        }),
        r,
      ],
      // One input channel: the SIMD build's pixel-lane kernel (rows of 17, 8, 9, 13 and 12
      // outputs: blocks of 8 then a half block of 4 or a whole one overlapping the one
      // before; channel counts not a multiple of 3, 1x1, 3x2 and 7x7, vertical stride and
      // dilation, per-tensor weights), equal to the MVP build's im2col.
      [
        conv({
          kind,
          input: [2, 12, 19, 1],
          outChannels: 5,
          kernel: [3, 3],
          padding: "VALID",
          activation: ActivationFunctionType.RELU,
          seed: 21,
        }),
        r,
      ],
      [conv({ kind, input: [1, 8, 8, 1], outChannels: 1, kernel: [1, 1], padding: "VALID", seed: 22 }), r],
      [
        conv({
          kind,
          input: [1, 10, 15, 1],
          outChannels: 4,
          kernel: [7, 7],
          padding: "VALID",
          perChannel: false,
          seed: 23,
        }),
        r,
      ],
      [
        conv({
          kind,
          input: [2, 11, 13, 1],
          outChannels: 4,
          kernel: [3, 2],
          stride: [2, 1],
          dilation: [2, 1],
          padding: "SAME",
          activation: ActivationFunctionType.RELU6,
          seed: 26,
        }),
        r,
      ],
      [
        conv({
          kind,
          input: [1, 6, 14, 1],
          outChannels: 4,
          kernel: [3, 3],
          padding: "VALID",
          activation: ActivationFunctionType.RELU,
          seed: 40,
        }),
        r,
      ],
      [
        conv({
          kind,
          input: [1, 7, 8, 6],
          outChannels: 9,
          kernel: [3, 2],
          stride: [1, 2],
          padding: "SAME",
          groups: 3,
          seed: 25,
        }),
        r,
      ],
      // Image rows of 6 values (fewer than one vector when widened in the SIMD build).
      [conv({ kind, input: [1, 5, 3, 2], outChannels: 3, kernel: [2, 2], padding: "SAME", seed: 27 }), r],
      // CONV_2D -> MAX_POOL_2D. The SIMD build's convolution does a 2x2,
      // stride-2 pooling itself where it can (equal to the MVP build, which
      // never does): the pixel-lane kernel with odd convolution sizes, batch 2
      // and a RELU only on the pooling; eight convolution columns; 14 (a last
      // whole block overlapping the one before); the channel-lane kernel, with
      // groups; a vertical stride (pixel lanes) and a dilation (channel lanes).
      // Not absorbed: a window past the image (SAME on 9 columns), a 3x3
      // window, the unpooled tensor also an output, a requantisation that
      // shifts left.
      [
        convPool({
          kind,
          input: [2, 13, 21, 1],
          outChannels: 5,
          kernel: [3, 3],
          padding: "VALID",
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "VALID",
          poolActivation: ActivationFunctionType.RELU,
          seed: 30,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 8, 10, 1],
          outChannels: 3,
          kernel: [3, 3],
          padding: "VALID",
          activation: ActivationFunctionType.RELU,
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "SAME",
          seed: 31,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 9, 16, 1],
          outChannels: 6,
          kernel: [3, 3],
          padding: "VALID",
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "VALID",
          seed: 41,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 11, 10, 3],
          outChannels: 10,
          kernel: [3, 3],
          padding: "SAME",
          activation: ActivationFunctionType.RELU6,
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "VALID",
          seed: 32,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [2, 9, 8, 6],
          outChannels: 9,
          kernel: [2, 2],
          padding: "SAME",
          groups: 3,
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "VALID",
          poolActivation: ActivationFunctionType.RELU6,
          seed: 33,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 20, 12, 1],
          outChannels: 3,
          kernel: [3, 3],
          stride: [2, 1],
          padding: "VALID",
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "VALID",
          seed: 38,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 12, 12, 3],
          outChannels: 4,
          kernel: [3, 3],
          dilation: [2, 2],
          padding: "VALID",
          activation: ActivationFunctionType.RELU,
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "VALID",
          seed: 39,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 10, 9, 3],
          outChannels: 7,
          kernel: [3, 3],
          padding: "SAME",
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "SAME",
          seed: 34,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 12, 12, 2],
          outChannels: 4,
          kernel: [3, 3],
          padding: "VALID",
          window: [3, 3],
          poolStride: [2, 2],
          poolPadding: "VALID",
          seed: 35,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 12, 12, 1],
          outChannels: 4,
          kernel: [3, 3],
          padding: "VALID",
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "VALID",
          exposeConv: true,
          seed: 36,
        }),
        r,
      ],
      [
        convPool({
          kind,
          input: [1, 12, 12, 3],
          outChannels: 4,
          kernel: [3, 3],
          padding: "VALID",
          window: [2, 2],
          poolStride: [2, 2],
          poolPadding: "VALID",
          outputRange: 0.005,
          seed: 37,
        }),
        r,
      ],
      [depthwise({ kind, input: [1, 9, 9, 3], multiplier: 2, kernel: [3, 3], padding: "SAME", seed: 6 }), r],
      [
        depthwise({
          kind,
          input: [1, 12, 10, 17],
          multiplier: 1,
          kernel: [3, 3],
          stride: [2, 2],
          dilation: [1, 2],
          padding: "VALID",
          seed: 7,
        }),
        r,
      ],
      [
        depthwise({
          kind,
          input: [1, 8, 8, 16],
          multiplier: 1,
          kernel: [5, 5],
          padding: "SAME",
          activation: ActivationFunctionType.RELU,
          seed: 8,
        }),
        r,
      ],
      [pool({ kind, max: true, input: [1, 7, 9, 3], window: [2, 2], stride: [2, 2], padding: "SAME", seed: 9 }), EXACT],
      // 8 + 8 + 1 channels, clamped by RELU6, batch 2: the SIMD build's int8 max-pool chunks and tail.
      [
        pool({
          kind,
          max: true,
          input: [2, 9, 8, 17],
          window: [3, 3],
          stride: [2, 2],
          padding: "VALID",
          activation: ActivationFunctionType.RELU6,
          seed: 24,
        }),
        EXACT,
      ],
      [
        pool({ kind, max: false, input: [1, 7, 9, 5], window: [3, 2], stride: [2, 2], padding: "SAME", seed: 10 }),
        EXACT,
      ],
      [
        pool({ kind, max: false, input: [2, 10, 10, 7], window: [3, 3], stride: [3, 3], padding: "VALID", seed: 11 }),
        EXACT,
      ],
      [
        padModel({
          kind,
          input: [1, 5, 6, 3],
          paddings: [
            [0, 0],
            [1, 2],
            [3, 0],
            [0, 1],
          ],
          seed: 12,
        }),
        EXACT,
      ],
      [
        padModel({
          kind,
          input: [2, 7],
          paddings: [
            [1, 1],
            [2, 3],
          ],
          constant: kind === "float32" ? 1.5 : 9,
          seed: 13,
        }),
        EXACT,
      ],
      [
        concat({
          kind,
          shapes: [
            [1, 4, 4, 3],
            [1, 4, 4, 5],
            [1, 4, 4, 1],
          ],
          axis: 3,
          seed: 14,
        }),
        EXACT,
      ],
      [
        concat({
          kind,
          shapes: [
            [2, 3],
            [4, 3],
          ],
          axis: 0,
          seed: 15,
        }),
        EXACT,
      ],
      [meanModel({ kind, input: [1, 6, 7, 9], axes: [1, 2], keepDims: true, sameQuant: false, seed: 16 }), EXACT],
      [
        meanModel({ kind, input: [2, 5, 4, 3], axes: [1, 2], keepDims: false, sameQuant: true, seed: 17 }),
        kind === "int8" ? XNNPACK_QS8 : EXACT,
      ],
      // MEAN over other axes: the last, the first and a non-adjacent pair.
      [meanModel({ kind, input: [3, 4, 5, 6], axes: [-1], keepDims: false, sameQuant: false, seed: 18 }), EXACT],
      [meanModel({ kind, input: [4, 3, 5], axes: [0], keepDims: true, sameQuant: true, seed: 19 }), EXACT],
      [meanModel({ kind, input: [2, 3, 4, 5], axes: [1, 3], keepDims: false, sameQuant: false, seed: 20 }), EXACT],
    );
  }
  // int8 without a bias and with RELU_N1_TO_1; the int16 (16x8) convolution
  // with each bias TFLM accepts (int64, int32, none: they choose the
  // accumulator), and int16 pooling, padding, concatenation and mean.
  const r8 = XNNPACK_QS8;
  awkward.push(
    [
      conv({
        kind: "int8",
        input: [1, 7, 6, 4],
        outChannels: 5,
        kernel: [3, 3],
        padding: "SAME",
        bias: "none",
        seed: 50,
      }),
      r8,
    ],
    [
      conv({
        kind: "int8",
        input: [1, 8, 7, 3],
        outChannels: 6,
        kernel: [2, 3],
        padding: "VALID",
        activation: ActivationFunctionType.RELU_N1_TO_1,
        seed: 51,
      }),
      r8,
    ],
    [
      depthwise({
        kind: "int8",
        input: [1, 7, 7, 4],
        multiplier: 2,
        kernel: [3, 3],
        padding: "VALID",
        activation: ActivationFunctionType.RELU_N1_TO_1,
        seed: 52,
      }),
      r8,
    ],
    [conv({ kind: "int16", input: [1, 9, 8, 3], outChannels: 5, kernel: [3, 3], padding: "SAME", seed: 53 }), EXACT],
    [
      conv({
        kind: "int16",
        input: [2, 7, 9, 4],
        outChannels: 6,
        kernel: [3, 2],
        stride: [2, 1],
        padding: "VALID",
        activation: ActivationFunctionType.RELU6,
        bias: "int32",
        seed: 54,
      }),
      OPT_CONV_16X8,
    ],
    [
      conv({
        kind: "int16",
        input: [1, 6, 6, 2],
        outChannels: 3,
        kernel: [3, 3],
        dilation: [2, 2],
        padding: "SAME",
        bias: "none",
        seed: 55,
      }),
      EXACT,
    ],
    [
      conv({
        kind: "int16",
        input: [1, 6, 7, 6],
        outChannels: 6,
        kernel: [3, 3],
        padding: "SAME",
        groups: 2,
        seed: 56,
      }),
      EXACT,
    ],
    [
      pool({
        kind: "int16",
        max: true,
        input: [1, 7, 9, 5],
        window: [3, 3],
        stride: [2, 2],
        padding: "SAME",
        activation: ActivationFunctionType.RELU,
        seed: 57,
      }),
      EXACT,
    ],
    [
      pool({
        kind: "int16",
        max: false,
        input: [2, 8, 6, 3],
        window: [2, 3],
        stride: [2, 2],
        padding: "VALID",
        seed: 58,
      }),
      EXACT,
    ],
    [
      padModel({
        kind: "int16",
        input: [1, 4, 5, 2],
        paddings: [
          [0, 0],
          [2, 1],
          [0, 3],
          [1, 0],
        ],
        seed: 59,
      }),
      EXACT,
    ],
    [
      concat({
        kind: "int16",
        shapes: [
          [2, 3, 4],
          [2, 5, 4],
        ],
        axis: 1,
        seed: 60,
      }),
      EXACT,
    ],
    [
      meanModel({ kind: "int16", input: [1, 5, 6, 4], axes: [1, 2], keepDims: true, sameQuant: false, seed: 61 }),
      EXACT,
    ],
    [meanModel({ kind: "int16", input: [3, 4, 5], axes: [2], keepDims: false, sameQuant: true, seed: 62 }), EXACT],
    // Vertical dilation, batch 2 and 4 + 4 + 2 channels: the MVP build's int8 depthwise path steps rows by the
    // dilation and does channels in fours, then one at a time.
    [
      depthwise({
        kind: "int8",
        input: [2, 9, 7, 10],
        multiplier: 1,
        kernel: [3, 2],
        dilation: [2, 1],
        padding: "SAME",
        seed: 63,
      }),
      r8,
    ],
  );
  const all = [...cases, ...withInputs(awkward, 200)];
  refusedByTflite(all, {
    "CONV_2D int8 in [1,7,6,4] 5@3x3 stride 1,1 dilation 1,1 SAME no bias":
      "TFLite's int8 CONV_2D needs a bias (the model does not initialise); TFLM's does not",
    "CONV_2D int16 in [1,6,6,2] 3@3x3 stride 1,1 dilation 2,2 SAME no bias":
      "TFLite's 16x8 CONV_2D needs a bias (the model does not initialise); TFLM's does not",
  });
  return all;
}

/** Marks the named cases as ones TFLite's web build cannot run; every name must match a case. */
function refusedByTflite(cases: Case[], reasons: Record<string, string>): void {
  for (const [name, why] of Object.entries(reasons)) {
    const c = cases.find((x) => x.model.name === name);
    if (!c) throw new Error(`no case named ${name}`);
    c.tfliteRefuses = why;
  }
}

/** Recurrent models: TFLM's mnist_lstm, and LSTMs and RNNs built by our writer. State carries across runs. */
export function recurrentCases(): Case[] {
  const rng = new Rng(123);
  const mnistInputs = (ints: boolean) =>
    Array.from({ length: 100 }, () => [
      Array.from({ length: 784 }, () => (ints ? (rng.next() % 256) - 128 : Math.fround(rng.next() / 2 ** 32))),
    ]);
  const cases: Case[] = [
    {
      model: {
        name: "mnist_lstm float",
        bytes: fixture("mnist_lstm/trained_lstm.tflite"),
        inputs: [{ elements: 784, kind: "float32" }],
      },
      tflite: EXACT,
      inputs: mnistInputs(false),
    },
    // TFLite hands the FULLY_CONNECTED after the LSTM to XNNPACK (the LSTM itself runs TFLite's own integer kernel).
    {
      model: {
        name: "mnist_lstm int8",
        bytes: fixture("mnist_lstm/trained_lstm_int8.tflite"),
        inputs: [{ elements: 784, kind: "int8" }],
      },
      tflite: XNNPACK_QS8,
      inputs: mnistInputs(true),
    },
  ];
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
    // A nonzero state zero point: the state starts at it (TFLite's ResetVariableTensor), not at 0.
    lstm({ kind: "int8", batch: 2, steps: 5, features: 4, cells: 7, stateZeroPoint: 9, seed: 21 }),
    rnn({ batch: 1, steps: 50, features: 8, units: 13, seed: 11 }),
    rnn({ batch: 2, steps: 1, features: 3, units: 6, activation: ActivationFunctionType.RELU, seed: 12 }),
    rnn({
      batch: 3,
      steps: 9,
      features: 7,
      units: 5,
      timeMajor: true,
      activation: ActivationFunctionType.RELU6,
      seed: 13,
    }),
    rnn({ kind: "int8", batch: 1, steps: 50, features: 8, units: 13, seed: 14 }),
    rnn({ kind: "int8", batch: 2, steps: 1, features: 3, units: 6, activation: ActivationFunctionType.RELU, seed: 15 }),
    rnn({ kind: "int8", batch: 3, steps: 9, features: 7, units: 5, timeMajor: true, seed: 16 }),
    rnn({ kind: "int8", batch: 2, steps: 20, features: 16, units: 32, asymmetricQuantizeInputs: true, seed: 17 }),
  ];
  return [...cases, ...models.map((model, i) => ({ model, tflite: EXACT, inputs: inputsFor(model, 300 + i) }))];
}
