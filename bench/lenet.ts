// LeNet-5 (LeCun et al. 1998, with ReLU and max pooling: conv 6@5x5 -> max-pool 2 -> conv 16@5x5 ->
// max-pool 2 -> FC 120 -> FC 84 -> FC 10, ReLU, softmax; 32x32x1 input) with
// one set of random weights, written for each runtime in its own layout:
// .tflite float32 and int8 (NHWC, OHWI filters), ONNX (NCHW, OIHW filters,
// FC1 columns permuted to NCHW flatten order) and tfjs (NHWC, HWIO filters).
import {
  ModelBuilder,
  TensorType,
  BuiltinOperator,
  ActivationFunctionType,
  Padding,
  quantizeWeightsPerChannel,
  quantizeBias,
  chooseQuantParams,
} from "@wasmlite/format";

import { uniformGenerator as rng } from "./random.ts";
import { onnxModel, tensor, intAttribute as int, intsAttribute as ints } from "./onnx.ts";

export interface LenetWeights {
  conv1: Float32Array;
  conv1Bias: Float32Array; // [6, 5, 5, 1] OHWI
  conv2: Float32Array;
  conv2Bias: Float32Array; // [16, 5, 5, 6]
  fc1: Float32Array;
  fc1Bias: Float32Array; // [120, 400], columns in NHWC flatten order
  fc2: Float32Array;
  fc2Bias: Float32Array; // [84, 120]
  fc3: Float32Array;
  fc3Bias: Float32Array; // [10, 84]
}

export function lenetWeights(seed = 5): LenetWeights {
  const r = rng(seed);
  const glorot = (n: number, fanIn: number, fanOut: number) =>
    Float32Array.from({ length: n }, () => r() * Math.sqrt(6 / (fanIn + fanOut)));
  const small = (n: number) => Float32Array.from({ length: n }, () => r() * 0.05);
  return {
    conv1: glorot(6 * 25, 25, 150),
    conv1Bias: small(6),
    conv2: glorot(16 * 150, 150, 400),
    conv2Bias: small(16),
    fc1: glorot(120 * 400, 400, 120),
    fc1Bias: small(120),
    fc2: glorot(84 * 120, 120, 84),
    fc2Bias: small(84),
    fc3: glorot(10 * 84, 84, 10),
    fc3Bias: small(10),
  };
}

export function sampleImages(count: number, batch: number, seed = 9): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: batch * 1024 }, () => (r() + 1) / 2));
}

const LAYERS = ["conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2", "logits", "probabilities"] as const;
const SHAPES = (b: number): Record<(typeof LAYERS)[number], number[]> => ({
  conv1: [b, 28, 28, 6],
  pool1: [b, 14, 14, 6],
  conv2: [b, 10, 10, 16],
  pool2: [b, 5, 5, 16],
  flatten: [b, 400],
  fc1: [b, 120],
  fc2: [b, 84],
  logits: [b, 10],
  probabilities: [b, 10],
});

/** Activation ranges per layer, for int8 calibration: [min, max]. */
export type Ranges = Record<(typeof LAYERS)[number], [number, number]>;

/**
 * LeNet-5 as .tflite. float32 when `ranges` is absent; int8 otherwise
 * (per-channel weights, activations quantised from the calibrated ranges).
 * `intermediatesAsOutputs` exposes every layer (for calibration).
 */
export function lenetTflite(
  w: LenetWeights,
  batch: number,
  ranges?: Ranges,
  intermediatesAsOutputs = false,
): Uint8Array {
  const b = new ModelBuilder();
  const int8 = ranges !== undefined;
  const shapes = SHAPES(batch);
  const quantOf = (name: (typeof LAYERS)[number] | "image") => {
    if (!int8) return undefined;
    if (name === "image") return quantSpec(chooseQuantParams(0, 1));
    if (name === "probabilities") return { scale: [1 / 256], zeroPoint: [-128] };
    // Pooling, flatten keep their input's quantisation.
    const source = name === "pool1" ? "conv1" : name === "pool2" || name === "flatten" ? "conv2" : name;
    return quantSpec(chooseQuantParams(ranges[source][0], ranges[source][1]));
  };
  const scaleOf = (name: (typeof LAYERS)[number] | "image") => quantOf(name)?.scale[0] ?? 1;
  const act = (name: (typeof LAYERS)[number]) =>
    b.addTensor({
      name,
      shape: shapes[name],
      type: int8 ? TensorType.INT8 : TensorType.FLOAT32,
      quantization: quantOf(name),
    });
  const image = b.addTensor({
    name: "image",
    shape: [batch, 32, 32, 1],
    type: int8 ? TensorType.INT8 : TensorType.FLOAT32,
    quantization: quantOf("image"),
  });
  const t = Object.fromEntries(LAYERS.map((l) => [l, act(l)])) as Record<(typeof LAYERS)[number], number>;
  const params = (name: string, values: Float32Array, bias: Float32Array, shape: number[], inputScale: number) => {
    if (!int8) {
      return [
        b.addTensor({ name, shape, type: TensorType.FLOAT32, data: values }),
        b.addTensor({ name: `${name}_bias`, shape: [shape[0]!], type: TensorType.FLOAT32, data: bias }),
      ];
    }
    const q = quantizeWeightsPerChannel(values, shape[0]!);
    return [
      b.addTensor({
        name,
        shape,
        type: TensorType.INT8,
        data: q.values,
        quantization: { scale: q.scales, zeroPoint: q.scales.map(() => 0), quantizedDimension: 0 },
      }),
      b.addTensor({
        name: `${name}_bias`,
        shape: [shape[0]!],
        type: TensorType.INT32,
        data: quantizeBias(bias, inputScale, q.scales),
        quantization: { scale: q.scales.map((s) => Math.fround(s * inputScale)), zeroPoint: q.scales.map(() => 0) },
      }),
    ];
  };
  const relu = ActivationFunctionType.RELU;
  const convOptions = {
    type: "Conv2DOptions",
    padding: Padding.VALID,
    strideW: 1,
    strideH: 1,
    activation: relu,
  } as const;
  const poolOptions = {
    type: "Pool2DOptions",
    padding: Padding.VALID,
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
  } as const;
  b.addOperator({
    op: BuiltinOperator.CONV_2D,
    inputs: [image, ...params("conv1_w", w.conv1, w.conv1Bias, [6, 5, 5, 1], scaleOf("image"))],
    outputs: [t.conv1],
    options: convOptions,
  });
  b.addOperator({ op: BuiltinOperator.MAX_POOL_2D, inputs: [t.conv1], outputs: [t.pool1], options: poolOptions });
  b.addOperator({
    op: BuiltinOperator.CONV_2D,
    inputs: [t.pool1, ...params("conv2_w", w.conv2, w.conv2Bias, [16, 5, 5, 6], scaleOf("pool1"))],
    outputs: [t.conv2],
    options: convOptions,
  });
  b.addOperator({ op: BuiltinOperator.MAX_POOL_2D, inputs: [t.conv2], outputs: [t.pool2], options: poolOptions });
  const newShape = b.addTensor({
    name: "flatten_shape",
    shape: [2],
    type: TensorType.INT32,
    data: Int32Array.of(batch, 400),
  });
  b.addOperator({
    op: BuiltinOperator.RESHAPE,
    inputs: [t.pool2, newShape],
    outputs: [t.flatten],
    options: { type: "ReshapeOptions", newShape: [batch, 400] },
  });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs: [t.flatten, ...params("fc1_w", w.fc1, w.fc1Bias, [120, 400], scaleOf("flatten"))],
    outputs: [t.fc1],
    options: { type: "FullyConnectedOptions", activation: relu },
  });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs: [t.fc1, ...params("fc2_w", w.fc2, w.fc2Bias, [84, 120], scaleOf("fc1"))],
    outputs: [t.fc2],
    options: { type: "FullyConnectedOptions", activation: relu },
  });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs: [t.fc2, ...params("fc3_w", w.fc3, w.fc3Bias, [10, 84], scaleOf("fc2"))],
    outputs: [t.logits],
    options: { type: "FullyConnectedOptions" },
  });
  b.addOperator({
    op: BuiltinOperator.SOFTMAX,
    inputs: [t.logits],
    outputs: [t.probabilities],
    options: { type: "SoftmaxOptions", beta: 1 },
  });
  b.setInputs([image]);
  b.setOutputs(intermediatesAsOutputs ? LAYERS.map((l) => t[l]) : [t.probabilities]);
  return b.finish();
}

function quantSpec(p: { scale: number; zeroPoint: number }) {
  return { scale: [p.scale], zeroPoint: [p.zeroPoint] };
}

/** FC1's weights with columns permuted from NHWC flatten order (h, w, c) to NCHW (c, h, w). */
function fc1ToNchw(fc1: Float32Array): Float32Array {
  const out = new Float32Array(fc1.length);
  for (let o = 0; o < 120; o++) {
    for (let h = 0; h < 5; h++)
      for (let x = 0; x < 5; x++)
        for (let c = 0; c < 16; c++) {
          out[o * 400 + c * 25 + h * 5 + x] = fc1[o * 400 + (h * 5 + x) * 16 + c]!;
        }
  }
  return out;
}

/** OHWI -> OIHW. */
function ohwiToOihw(w: Float32Array, o: number, h: number, wd: number, i: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < wd; x++)
        for (let c = 0; c < i; c++) {
          out[((a * i + c) * h + y) * wd + x] = w[((a * h + y) * wd + x) * i + c]!;
        }
  return out;
}

export function lenetOnnx(w: LenetWeights, batch: number): Uint8Array {
  return onnxModel({
    name: "lenet5",
    nodes: [
      {
        opType: "Conv",
        input: ["image", "conv1_w", "conv1_b"],
        output: ["c1"],
        attribute: [ints("kernel_shape", [5, 5])],
      },
      { opType: "Relu", input: ["c1"], output: ["r1"] },
      {
        opType: "MaxPool",
        input: ["r1"],
        output: ["p1"],
        attribute: [ints("kernel_shape", [2, 2]), ints("strides", [2, 2])],
      },
      {
        opType: "Conv",
        input: ["p1", "conv2_w", "conv2_b"],
        output: ["c2"],
        attribute: [ints("kernel_shape", [5, 5])],
      },
      { opType: "Relu", input: ["c2"], output: ["r2"] },
      {
        opType: "MaxPool",
        input: ["r2"],
        output: ["p2"],
        attribute: [ints("kernel_shape", [2, 2]), ints("strides", [2, 2])],
      },
      { opType: "Flatten", input: ["p2"], output: ["flat"], attribute: [int("axis", 1)] },
      { opType: "Gemm", input: ["flat", "fc1_w", "fc1_b"], output: ["f1"], attribute: [int("transB", 1)] },
      { opType: "Relu", input: ["f1"], output: ["g1"] },
      { opType: "Gemm", input: ["g1", "fc2_w", "fc2_b"], output: ["f2"], attribute: [int("transB", 1)] },
      { opType: "Relu", input: ["f2"], output: ["g2"] },
      { opType: "Gemm", input: ["g2", "fc3_w", "fc3_b"], output: ["logits"], attribute: [int("transB", 1)] },
      { opType: "Softmax", input: ["logits"], output: ["probabilities"], attribute: [int("axis", 1)] },
    ],
    initializers: [
      tensor("conv1_w", [6, 1, 5, 5], ohwiToOihw(w.conv1, 6, 5, 5, 1)),
      tensor("conv1_b", [6], w.conv1Bias),
      tensor("conv2_w", [16, 6, 5, 5], ohwiToOihw(w.conv2, 16, 5, 5, 6)),
      tensor("conv2_b", [16], w.conv2Bias),
      tensor("fc1_w", [120, 400], fc1ToNchw(w.fc1)),
      tensor("fc1_b", [120], w.fc1Bias),
      tensor("fc2_w", [84, 120], w.fc2),
      tensor("fc2_b", [84], w.fc2Bias),
      tensor("fc3_w", [10, 84], w.fc3),
      tensor("fc3_b", [10], w.fc3Bias),
    ],
    input: ["image", [batch, 1, 32, 32]],
    output: ["probabilities", [batch, 10]],
  });
}

/** OHWI -> HWIO, tfjs's conv2d filter layout. */
export function ohwiToHwio(w: Float32Array, o: number, h: number, wd: number, i: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < wd; x++)
        for (let c = 0; c < i; c++) {
          out[((y * wd + x) * i + c) * o + a] = w[((a * h + y) * wd + x) * i + c]!;
        }
  return out;
}
