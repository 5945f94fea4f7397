// The benchmark MLP 784-128-10 (ReLU), with one set of random weights written
// three ways: .tflite float32, .tflite int8 (per-channel weights, activations
// calibrated on sample inputs), and ONNX (float32) for onnxruntime-web.
import { uniformGenerator as rng } from "./random.ts";
import { onnxModel, tensor, intAttribute } from "./onnx.ts";
import {
  ModelBuilder,
  TensorType,
  BuiltinOperator,
  ActivationFunctionType,
  quantizeWeightsPerChannel,
  quantizeBias,
  chooseQuantParams,
} from "@wasmlite/format";

export const SIZES = [784, 128, 10] as const;

export interface MlpWeights {
  w1: Float32Array; // [128, 784]
  b1: Float32Array;
  w2: Float32Array; // [10, 128]
  b2: Float32Array;
}

export function makeWeights(seed = 42): MlpWeights {
  const r = rng(seed);
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => r() * scale);
  return {
    w1: fill(128 * 784, Math.sqrt(6 / (784 + 128))),
    b1: fill(128, 0.05),
    w2: fill(10 * 128, Math.sqrt(6 / (128 + 10))),
    b2: fill(10, 0.05),
  };
}

/** Sample inputs in [0, 1], like normalised pixels. */
export function sampleInputs(count: number, seed = 7): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: 784 }, () => (r() + 1) / 2));
}

function dense(x: Float32Array, w: Float32Array, b: Float32Array, units: number, relu: boolean): Float32Array {
  const depth = x.length;
  const y = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    let acc = b[u]!;
    for (let k = 0; k < depth; k++) acc += w[u * depth + k]! * x[k]!;
    y[u] = relu ? Math.max(0, acc) : acc;
  }
  return y;
}

export function tfliteFloat(w: MlpWeights): Uint8Array {
  const b = new ModelBuilder();
  const x = b.addTensor({ name: "input", shape: [1, 784], type: TensorType.FLOAT32 });
  const h = b.addTensor({ name: "hidden", shape: [1, 128], type: TensorType.FLOAT32 });
  const y = b.addTensor({ name: "logits", shape: [1, 10], type: TensorType.FLOAT32 });
  const w1 = b.addTensor({ name: "w1", shape: [128, 784], type: TensorType.FLOAT32, data: w.w1 });
  const b1 = b.addTensor({ name: "b1", shape: [128], type: TensorType.FLOAT32, data: w.b1 });
  const w2 = b.addTensor({ name: "w2", shape: [10, 128], type: TensorType.FLOAT32, data: w.w2 });
  const b2 = b.addTensor({ name: "b2", shape: [10], type: TensorType.FLOAT32, data: w.b2 });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs: [x, w1, b1],
    outputs: [h],
    options: { type: "FullyConnectedOptions", activation: ActivationFunctionType.RELU },
  });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs: [h, w2, b2],
    outputs: [y],
    options: { type: "FullyConnectedOptions" },
  });
  b.setInputs([x]);
  b.setOutputs([y]);
  return b.finish();
}

export function tfliteInt8(w: MlpWeights): Uint8Array {
  // Calibrate activation ranges on sample inputs.
  let hMax = 0;
  let yMin = 0;
  let yMax = 0;
  for (const x of sampleInputs(64, 11)) {
    const h = dense(x, w.w1, w.b1, 128, true);
    const y = dense(h, w.w2, w.b2, 10, false);
    hMax = Math.max(hMax, ...h);
    yMin = Math.min(yMin, ...y);
    yMax = Math.max(yMax, ...y);
  }
  const xq = chooseQuantParams(0, 1);
  const hq = chooseQuantParams(0, hMax);
  const yq = chooseQuantParams(yMin, yMax);
  const q1 = quantizeWeightsPerChannel(w.w1, 128);
  const q2 = quantizeWeightsPerChannel(w.w2, 10);
  const b = new ModelBuilder();
  const quant = (p: { scale: number; zeroPoint: number }) => ({ scale: [p.scale], zeroPoint: [p.zeroPoint] });
  const perChannel = (scales: number[]) => ({ scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 });
  const x = b.addTensor({ name: "input", shape: [1, 784], type: TensorType.INT8, quantization: quant(xq) });
  const h = b.addTensor({ name: "hidden", shape: [1, 128], type: TensorType.INT8, quantization: quant(hq) });
  const y = b.addTensor({ name: "logits", shape: [1, 10], type: TensorType.INT8, quantization: quant(yq) });
  const w1 = b.addTensor({
    name: "w1",
    shape: [128, 784],
    type: TensorType.INT8,
    data: q1.values,
    quantization: perChannel(q1.scales),
  });
  const b1 = b.addTensor({
    name: "b1",
    shape: [128],
    type: TensorType.INT32,
    data: quantizeBias(w.b1, xq.scale, q1.scales),
    quantization: perChannel(q1.scales.map((s) => Math.fround(s * xq.scale))),
  });
  const w2 = b.addTensor({
    name: "w2",
    shape: [10, 128],
    type: TensorType.INT8,
    data: q2.values,
    quantization: perChannel(q2.scales),
  });
  const b2 = b.addTensor({
    name: "b2",
    shape: [10],
    type: TensorType.INT32,
    data: quantizeBias(w.b2, hq.scale, q2.scales),
    quantization: perChannel(q2.scales.map((s) => Math.fround(s * hq.scale))),
  });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs: [x, w1, b1],
    outputs: [h],
    options: { type: "FullyConnectedOptions", activation: ActivationFunctionType.RELU },
  });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs: [h, w2, b2],
    outputs: [y],
    options: { type: "FullyConnectedOptions" },
  });
  b.setInputs([x]);
  b.setOutputs([y]);
  return b.finish();
}

export function onnxFloat(w: MlpWeights): Uint8Array {
  return onnxModel({
    name: "mlp",
    nodes: [
      { opType: "Gemm", input: ["input", "w1", "b1"], output: ["h"], attribute: [intAttribute("transB", 1)] },
      { opType: "Relu", input: ["h"], output: ["hidden"] },
      { opType: "Gemm", input: ["hidden", "w2", "b2"], output: ["logits"], attribute: [intAttribute("transB", 1)] },
    ],
    initializers: [
      tensor("w1", [128, 784], w.w1),
      tensor("b1", [128], w.b1),
      tensor("w2", [10, 128], w.w2),
      tensor("b2", [10], w.b2),
    ],
    input: ["input", [1, 784]],
    output: ["logits", [1, 10]],
  });
}
