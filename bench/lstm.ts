// The benchmark LSTM: 28 steps x 28 inputs (an MNIST image fed row by row),
// 64 cells, the whole output sequence flattened into FC 10 (the layout of
// TFLM's mnist_lstm). One set of random weights written four ways: .tflite
// float32 and int8 (UNIDIRECTIONAL_SEQUENCE_LSTM, 24-input layout), ONNX (an
// LSTM node) and a tfjs step loop.
import * as tf from "@tensorflow/tfjs-core";
import { uniformGenerator as rng } from "./random.ts";
import {
  ModelBuilder,
  TensorType,
  BuiltinOperator,
  ActivationFunctionType,
  quantizeWeightsPerChannel,
  quantizeBias,
} from "@wasmlite/format";
import { onnxModel, tensor, intAttribute } from "./onnx.ts";

export const STEPS = 28;
export const FEATURES = 28;
export const CELLS = 64;
export const CLASSES = 10;

/** Gates in TFLite's order. ONNX orders them input, output, forget, cell. */
const GATES = ["input", "forget", "cell", "output"] as const;
type Gate = (typeof GATES)[number];

export interface LstmWeights {
  /** [CELLS, FEATURES] per gate. */
  w: Record<Gate, Float32Array>;
  /** [CELLS, CELLS] per gate. */
  u: Record<Gate, Float32Array>;
  /** [CELLS] per gate. */
  b: Record<Gate, Float32Array>;
  /** [CLASSES, STEPS * CELLS] */
  fc: Float32Array;
  fcBias: Float32Array;
}

export function lstmWeights(seed = 64): LstmWeights {
  const r = rng(seed);
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => r() * scale);
  const perGate = (n: number, scale: number) =>
    Object.fromEntries(GATES.map((g) => [g, fill(n, scale)])) as Record<Gate, Float32Array>;
  const glorot = Math.sqrt(6 / (FEATURES + CELLS));
  return {
    w: perGate(CELLS * FEATURES, glorot),
    u: perGate(CELLS * CELLS, glorot),
    b: perGate(CELLS, 0.1),
    fc: fill(CLASSES * STEPS * CELLS, Math.sqrt(6 / (STEPS * CELLS + CLASSES))),
    fcBias: fill(CLASSES, 0.05),
  };
}

/** One image, pixels in [0, 1], row-major [STEPS, FEATURES]. */
export function sampleSequence(seed = 5): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: STEPS * FEATURES }, () => (r() + 1) / 2);
}

/**
 * The .tflite model, float32 or integer. The integer one is what TFLite's
 * converter makes of it: int8 input ([0, 1] pixels), per-tensor int8 weights,
 * int8 hidden state and output in [-1, 1], int16 cell state (2^-11: up to 16),
 * the hidden state's scale in the LSTM's 5th intermediate, then an int8 FC
 * whose logits are quantised over [-logitRange, logitRange].
 */
export function lstmTflite(w: LstmWeights, kind: "float32" | "int8" = "float32", logitRange = 8): Uint8Array {
  const b = new ModelBuilder();
  const int8 = kind === "int8";
  const f32 = TensorType.FLOAT32;
  const act = int8 ? TensorType.INT8 : f32;
  const inputQ = { scale: [1 / 255], zeroPoint: [-128] };
  const stateQ = { scale: [1 / 128], zeroPoint: [0] };
  const logitQ = { scale: [(2 * logitRange) / 255], zeroPoint: [0] };
  const quant = (q: { scale: number[]; zeroPoint: number[] }) => (int8 ? q : undefined);
  // A weight matrix (and its scale times the scale of what it multiplies).
  const matrix = (name: string, shape: number[], data: Float32Array, inScale: number) => {
    if (!int8) return { index: b.addTensor({ name, shape, type: f32, data }), scale: 1 };
    const q = quantizeWeightsPerChannel(data, 1);
    return {
      index: b.addTensor({
        name,
        shape,
        type: TensorType.INT8,
        data: q.values,
        quantization: { scale: q.scales, zeroPoint: [0] },
      }),
      scale: q.scales[0]! * inScale,
    };
  };
  const bias = (name: string, data: Float32Array, scale: number) =>
    int8
      ? b.addTensor({
          name,
          shape: [data.length],
          type: TensorType.INT32,
          data: quantizeBias(data, 1, [scale]),
          quantization: { scale: [scale], zeroPoint: [0] },
        })
      : b.addTensor({ name, shape: [data.length], type: f32, data });

  const x = b.addTensor({ name: "image_rows", shape: [1, STEPS, FEATURES], type: act, quantization: quant(inputQ) });
  const inputs: number[] = [x];
  const inputProductScale: Record<string, number> = {};
  for (const g of GATES) {
    const m = matrix(`${g}_w`, [CELLS, FEATURES], w.w[g], inputQ.scale[0]!);
    inputs.push(m.index);
    inputProductScale[g] = m.scale;
  }
  for (const g of GATES) inputs.push(matrix(`${g}_u`, [CELLS, CELLS], w.u[g], stateQ.scale[0]!).index);
  inputs.push(-1, -1, -1); // no peepholes
  // An integer gate bias has the input product's scale.
  for (const g of GATES) inputs.push(bias(`${g}_b`, w.b[g], inputProductScale[g]!));
  inputs.push(-1, -1); // no projection
  inputs.push(b.addTensor({ name: "h", shape: [1, CELLS], type: act, isVariable: true, quantization: quant(stateQ) }));
  inputs.push(
    b.addTensor({
      name: "c",
      shape: [1, CELLS],
      type: int8 ? TensorType.INT16 : f32,
      isVariable: true,
      quantization: quant({ scale: [2 ** -11], zeroPoint: [0] }),
    }),
  );
  inputs.push(-1, -1, -1, -1); // no layer norm
  const seq = b.addTensor({ name: "sequence", shape: [1, STEPS, CELLS], type: act, quantization: quant(stateQ) });
  const intermediates = int8
    ? [
        ...GATES.map((g) => b.addTensor({ name: `${g}_intermediate`, shape: [0], type: f32 })),
        b.addTensor({ name: "hidden", shape: [0], type: TensorType.INT8, quantization: stateQ }),
      ]
    : undefined;
  b.addOperator({
    op: BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM,
    inputs,
    outputs: [seq],
    intermediates,
    options: { type: "UnidirectionalSequenceLSTMOptions", activation: ActivationFunctionType.TANH },
  });
  const flatShape = b.addTensor({
    name: "flat_shape",
    shape: [2],
    type: TensorType.INT32,
    data: Int32Array.of(1, STEPS * CELLS),
  });
  const flat = b.addTensor({ name: "flat", shape: [1, STEPS * CELLS], type: act, quantization: quant(stateQ) });
  b.addOperator({ op: BuiltinOperator.RESHAPE, inputs: [seq, flatShape], outputs: [flat] });
  const fc = matrix("fc_w", [CLASSES, STEPS * CELLS], w.fc, stateQ.scale[0]!);
  const fcBias = bias("fc_b", w.fcBias, fc.scale);
  const logits = b.addTensor({ name: "logits", shape: [1, CLASSES], type: act, quantization: quant(logitQ) });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs: [flat, fc.index, fcBias],
    outputs: [logits],
    options: { type: "FullyConnectedOptions" },
  });
  b.setInputs([x]);
  b.setOutputs([logits]);
  return b.finish();
}

/** ONNX: LSTM (time-major, batch 1) -> Reshape [1, STEPS*CELLS] -> Gemm. */
export function lstmOnnx(w: LstmWeights): Uint8Array {
  const onnxOrder: Gate[] = ["input", "output", "forget", "cell"];
  const concat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const W = concat(onnxOrder.map((g) => w.w[g]));
  const R = concat(onnxOrder.map((g) => w.u[g]));
  // B is [Wb; Rb]: TFLite has one bias per gate, so the recurrent half is zero.
  const B = concat([...onnxOrder.map((g) => w.b[g]), new Float32Array(4 * CELLS)]);
  return onnxModel({
    name: "lstm",
    nodes: [
      {
        opType: "LSTM",
        input: ["image_rows", "W", "R", "B"],
        output: ["sequence"],
        attribute: [intAttribute("hidden_size", CELLS)],
      },
      { opType: "Reshape", input: ["sequence", "flat_shape"], output: ["flat"] },
      { opType: "Gemm", input: ["flat", "fc_w", "fc_b"], output: ["logits"], attribute: [intAttribute("transB", 1)] },
    ],
    initializers: [
      tensor("W", [1, 4 * CELLS, FEATURES], W),
      tensor("R", [1, 4 * CELLS, CELLS], R),
      tensor("B", [1, 8 * CELLS], B),
      tensor("flat_shape", [2], BigInt64Array.of(1n, BigInt(STEPS * CELLS))),
      tensor("fc_w", [CLASSES, STEPS * CELLS], w.fc),
      tensor("fc_b", [CLASSES], w.fcBias),
    ],
    input: ["image_rows", [STEPS, 1, FEATURES]],
    output: ["logits", [1, CLASSES]],
  });
}

/**
 * onnxruntime's own int8 LSTM: the com.microsoft DynamicQuantizeLSTM node
 * (int8 weights with per-tensor scales, float input and state, the input and
 * state quantised per step), then the same Reshape and float Gemm.
 */
export function lstmOnnxInt8(w: LstmWeights): Uint8Array {
  const onnxOrder: Gate[] = ["input", "output", "forget", "cell"];
  // W and R are [1, columns, 4 * CELLS] here: each gate's [CELLS, columns] matrix transposed, side by side.
  const quantized = (perGate: Record<Gate, Float32Array>, columns: number) => {
    const all = new Float32Array(4 * CELLS * columns);
    onnxOrder.forEach((g, k) => {
      for (let r = 0; r < CELLS; r++)
        for (let c = 0; c < columns; c++) all[c * 4 * CELLS + k * CELLS + r] = perGate[g][r * columns + c]!;
    });
    const q = quantizeWeightsPerChannel(all, 1);
    return { values: q.values, scale: Float32Array.of(q.scales[0]!) };
  };
  const W = quantized(w.w, FEATURES);
  const R = quantized(w.u, CELLS);
  const B = new Float32Array(8 * CELLS);
  onnxOrder.forEach((g, k) => B.set(w.b[g], k * CELLS));
  return onnxModel({
    name: "lstm_int8",
    nodes: [
      {
        opType: "DynamicQuantizeLSTM",
        domain: "com.microsoft",
        input: ["image_rows", "W", "R", "B", "", "", "", "", "W_scale", "W_zero_point", "R_scale", "R_zero_point"],
        output: ["sequence"],
        attribute: [intAttribute("hidden_size", CELLS)],
      },
      { opType: "Reshape", input: ["sequence", "flat_shape"], output: ["flat"] },
      { opType: "Gemm", input: ["flat", "fc_w", "fc_b"], output: ["logits"], attribute: [intAttribute("transB", 1)] },
    ],
    initializers: [
      tensor("W", [1, FEATURES, 4 * CELLS], W.values),
      tensor("R", [1, CELLS, 4 * CELLS], R.values),
      tensor("B", [1, 8 * CELLS], B),
      tensor("W_scale", [1], W.scale),
      tensor("W_zero_point", [1], new Int8Array(1)),
      tensor("R_scale", [1], R.scale),
      tensor("R_zero_point", [1], new Int8Array(1)),
      tensor("flat_shape", [2], BigInt64Array.of(1n, BigInt(STEPS * CELLS))),
      tensor("fc_w", [CLASSES, STEPS * CELLS], w.fc),
      tensor("fc_b", [CLASSES], w.fcBias),
    ],
    input: ["image_rows", [STEPS, 1, FEATURES]],
    output: ["logits", [1, CLASSES]],
  });
}

/**
 * tfjs has no fused LSTM kernel: this is the step loop tf.layers.lstm runs,
 * with the four gates' weights concatenated so each step is one matMul for
 * the input (hoisted out of the loop) and one for the recurrent state.
 */
export function lstmTfjs(w: LstmWeights): (rows: tf.Tensor2D) => Float32Array {
  const cat = (parts: Float32Array[], rows: number) =>
    tf.transpose(
      tf.concat(
        parts.map((p) => tf.tensor2d(p, [CELLS, rows])),
        0,
      ),
    ) as tf.Tensor2D; // [rows, 4*CELLS]
  const W = cat(
    GATES.map((g) => w.w[g]),
    FEATURES,
  );
  const U = cat(
    GATES.map((g) => w.u[g]),
    CELLS,
  );
  const b = tf.concat(GATES.map((g) => tf.tensor1d(w.b[g])));
  const fc = tf.tensor2d(w.fc, [CLASSES, STEPS * CELLS]);
  const fcBias = tf.tensor1d(w.fcBias);
  return (rows) =>
    tf.tidy(() => {
      const xw = tf.add(tf.matMul(rows, W), b); // [STEPS, 4*CELLS]
      let h: tf.Tensor2D = tf.zeros([1, CELLS]);
      let c: tf.Tensor2D = tf.zeros([1, CELLS]);
      const outputs: tf.Tensor2D[] = [];
      for (let t = 0; t < STEPS; t++) {
        const z = tf.add(tf.slice(xw, [t, 0], [1, 4 * CELLS]), tf.matMul(h, U));
        const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
        h = tf.mul(tf.sigmoid(o), tf.tanh(c));
        outputs.push(h);
      }
      const flat = tf.reshape(tf.concat(outputs, 0), [1, STEPS * CELLS]);
      return tf.add(tf.matMul(flat, fc, false, true), fcBias).dataSync() as Float32Array;
    });
}
