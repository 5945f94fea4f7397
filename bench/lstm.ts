// The benchmark LSTM: 28 steps x 28 inputs (an MNIST image fed row by row),
// 64 cells, the whole output sequence flattened into FC 10 (the layout of
// TFLM's mnist_lstm). One set of random weights written three ways:
// .tflite float32 (UNIDIRECTIONAL_SEQUENCE_LSTM, 24-input layout), ONNX
// (an LSTM node) and a tfjs step loop.
import * as tf from "@tensorflow/tfjs-core";
import { uniformGenerator as rng } from "./random.ts";
import { ModelBuilder, TensorType, BuiltinOperator, ActivationFunctionType } from "../format/index.ts";
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
  const perGate = (n: number, scale: number) => Object.fromEntries(GATES.map((g) => [g, fill(n, scale)])) as Record<Gate, Float32Array>;
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

export function lstmTflite(w: LstmWeights): Uint8Array {
  const b = new ModelBuilder();
  const f32 = TensorType.FLOAT32;
  const x = b.addTensor({ name: "image_rows", shape: [1, STEPS, FEATURES], type: f32 });
  const inputs: number[] = [x];
  for (const g of GATES) inputs.push(b.addTensor({ name: `${g}_w`, shape: [CELLS, FEATURES], type: f32, data: w.w[g] }));
  for (const g of GATES) inputs.push(b.addTensor({ name: `${g}_u`, shape: [CELLS, CELLS], type: f32, data: w.u[g] }));
  inputs.push(-1, -1, -1); // no peepholes
  for (const g of GATES) inputs.push(b.addTensor({ name: `${g}_b`, shape: [CELLS], type: f32, data: w.b[g] }));
  inputs.push(-1, -1); // no projection
  inputs.push(b.addTensor({ name: "h", shape: [1, CELLS], type: f32, isVariable: true }));
  inputs.push(b.addTensor({ name: "c", shape: [1, CELLS], type: f32, isVariable: true }));
  inputs.push(-1, -1, -1, -1); // no layer norm
  const seq = b.addTensor({ name: "sequence", shape: [1, STEPS, CELLS], type: f32 });
  b.addOperator({
    op: BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, inputs, outputs: [seq],
    options: { type: "UnidirectionalSequenceLSTMOptions", activation: ActivationFunctionType.TANH },
  });
  const flatShape = b.addTensor({ name: "flat_shape", shape: [2], type: TensorType.INT32, data: Int32Array.of(1, STEPS * CELLS) });
  const flat = b.addTensor({ name: "flat", shape: [1, STEPS * CELLS], type: f32 });
  b.addOperator({ op: BuiltinOperator.RESHAPE, inputs: [seq, flatShape], outputs: [flat] });
  const fc = b.addTensor({ name: "fc_w", shape: [CLASSES, STEPS * CELLS], type: f32, data: w.fc });
  const fcBias = b.addTensor({ name: "fc_b", shape: [CLASSES], type: f32, data: w.fcBias });
  const logits = b.addTensor({ name: "logits", shape: [1, CLASSES], type: f32 });
  b.addOperator({ op: BuiltinOperator.FULLY_CONNECTED, inputs: [flat, fc, fcBias], outputs: [logits], options: { type: "FullyConnectedOptions" } });
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
      { opType: "LSTM", input: ["image_rows", "W", "R", "B"], output: ["sequence"], attribute: [intAttribute("hidden_size", CELLS)] },
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
 * tfjs has no fused LSTM kernel: this is the step loop tf.layers.lstm runs,
 * with the four gates' weights concatenated so each step is one matMul for
 * the input (hoisted out of the loop) and one for the recurrent state.
 */
export function lstmTfjs(w: LstmWeights): (rows: tf.Tensor2D) => Float32Array {
  const cat = (parts: Float32Array[], rows: number) =>
    tf.transpose(tf.concat(parts.map((p) => tf.tensor2d(p, [CELLS, rows])), 0)) as tf.Tensor2D; // [rows, 4*CELLS]
  const W = cat(GATES.map((g) => w.w[g]), FEATURES);
  const U = cat(GATES.map((g) => w.u[g]), CELLS);
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
