// Convolutional models built with our writer, for comparing wasmlite with
// real TFLite: single operators with awkward geometry, and LeNet-5.
// Random weights, deterministic from a seed; quantisation chosen so outputs
// use most of the int8 range.
import {
  ModelBuilder,
  TensorType,
  BuiltinOperator,
  ActivationFunctionType,
  Padding,
  quantizeWeightsPerChannel,
  quantizeBias,
  type OperatorOptions,
  type QuantizationSpec,
} from "@wasmlite/format";
import { Rng } from "./mutate.ts";
import { uniform, type BuiltModel, type Kind } from "./models.ts";

const TYPE: Record<Kind, TensorType> = { float32: TensorType.FLOAT32, int8: TensorType.INT8, int16: TensorType.INT16 };
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Activation quantisation for a value range of about +-range. */
function quantFor(kind: Kind, range: number, rng: Rng): QuantizationSpec | undefined {
  if (kind === "float32") return undefined;
  if (kind === "int16") return { scale: [Math.fround(range / 32767)], zeroPoint: [0] };
  return { scale: [Math.fround((2 * range) / 255)], zeroPoint: [Math.round(uniform(rng, -20, 20))] };
}

interface Activation {
  index: number;
  shape: number[];
  scale: number;
  quant: QuantizationSpec | undefined;
}

class Graph {
  readonly b = new ModelBuilder();
  readonly rng: Rng;
  constructor(
    readonly kind: Kind,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }
  /** An activation tensor; `quant` overrides the quantisation chosen for `range`. */
  activation(name: string, shape: number[], range: number, quant?: QuantizationSpec): Activation {
    const q = quant ?? quantFor(this.kind, range, this.rng);
    return {
      index: this.b.addTensor({ name, shape, type: TYPE[this.kind], quantization: q }),
      shape,
      scale: q?.scale[0] ?? 1,
      quant: q,
    };
  }
  /**
   * Weights [out, ...rest] with per-channel (axis) or per-tensor quantisation, and a bias:
   * int32 for int8 activations, int64 for int16 unless `int16Bias` says int32.
   */
  weights(
    name: string,
    shape: number[],
    channelAxis: number,
    inputScale: number,
    perChannel: boolean,
    int16Bias: "int64" | "int32" = "int64",
  ): { w: number; b: number; maxAbs: number } {
    const channels = shape[channelAxis]!;
    const values = Float32Array.from({ length: size(shape) }, () => uniform(this.rng, -0.5, 0.5));
    const bias = Float32Array.from({ length: channels }, () => uniform(this.rng, -0.2, 0.2));
    if (this.kind === "float32") {
      return {
        w: this.b.addTensor({ name, shape, type: TensorType.FLOAT32, data: values }),
        b: this.b.addTensor({ name: `${name}_bias`, shape: [channels], type: TensorType.FLOAT32, data: bias }),
        maxAbs: 0.5,
      };
    }
    // Channel-major copy for per-channel quantisation along channelAxis.
    const inner = size(shape.slice(channelAxis + 1));
    const outer = size(shape.slice(0, channelAxis));
    const byChannel = new Float32Array(values.length);
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < channels; c++)
        for (let i = 0; i < inner; i++)
          byChannel[(c * outer + o) * inner + i] = values[(o * channels + c) * inner + i]!;
    const q = quantizeWeightsPerChannel(byChannel, perChannel ? channels : 1);
    const scales = perChannel ? q.scales : [q.scales[0]!];
    const data = new Int8Array(values.length);
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < channels; c++)
        for (let i = 0; i < inner; i++) data[(o * channels + c) * inner + i] = q.values[(c * outer + o) * inner + i]!;
    const biasScales = scales.map((s) => Math.fround(inputScale * s));
    const qb = quantizeBias(bias, inputScale, scales);
    const biasTensor =
      this.kind === "int16" && int16Bias === "int64"
        ? { type: TensorType.INT64, data: BigInt64Array.from(qb, (v) => BigInt(v)) }
        : { type: TensorType.INT32, data: qb };
    return {
      w: this.b.addTensor({
        name,
        shape,
        type: TensorType.INT8,
        data,
        quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: channelAxis },
      }),
      b: this.b.addTensor({
        name: `${name}_bias`,
        shape: [channels],
        ...biasTensor,
        quantization: { scale: biasScales, zeroPoint: biasScales.map(() => 0) },
      }),
      maxAbs: 0.5,
    };
  }
  op(op: BuiltinOperator, inputs: number[], outputs: number[], options?: OperatorOptions): void {
    this.b.addOperator({ op, inputs, outputs, options });
  }
  finish(name: string, inputs: { index: number; shape: number[] }[], outputs: number[]): BuiltModel {
    this.b.setInputs(inputs.map((i) => i.index));
    this.b.setOutputs(outputs);
    return { name, bytes: this.b.finish(), inputs: inputs.map((i) => ({ elements: size(i.shape), kind: this.kind })) };
  }
}

const outSize = (padding: "SAME" | "VALID", n: number, k: number, stride: number, dilation: number) =>
  padding === "SAME" ? Math.ceil(n / stride) : Math.floor((n - ((k - 1) * dilation + 1)) / stride) + 1;

export interface ConvSpec {
  kind: Kind;
  input: [number, number, number, number];
  outChannels: number;
  kernel: [number, number];
  stride?: [number, number];
  dilation?: [number, number];
  padding: "SAME" | "VALID";
  activation?: ActivationFunctionType;
  perChannel?: boolean;
  groups?: number; // input channels split into groups, each with outChannels / groups filters
  /** The bias tensor: int32 for int8 (the default); int64 (default) or int32 for int16; or none. */
  bias?: "int32" | "int64" | "none";
  seed: number;
}

/** Adds spec's CONV_2D on a new input x to g; its output's quantisation covers +-outputRange (default: from the filter size). */
function addConv(g: Graph, spec: ConvSpec, outputRange?: number): { x: Activation; y: Activation; label: string } {
  const [n, h, w, c] = spec.input;
  const [kh, kw] = spec.kernel;
  const [sh, sw] = spec.stride ?? [1, 1];
  const [dh, dw] = spec.dilation ?? [1, 1];
  const x = g.activation("x", [...spec.input], 2);
  const groups = spec.groups ?? 1;
  const wt = g.weights(
    "w",
    [spec.outChannels, kh, kw, c / groups],
    0,
    x.scale,
    spec.perChannel ?? true,
    spec.bias === "int32" ? "int32" : "int64",
  );
  const outShape = [n, outSize(spec.padding, h, kh, sh, dh), outSize(spec.padding, w, kw, sw, dw), spec.outChannels];
  const y = g.activation("y", outShape, outputRange ?? 2 * 0.5 * Math.sqrt(kh * kw * c));
  g.op(BuiltinOperator.CONV_2D, spec.bias === "none" ? [x.index, wt.w] : [x.index, wt.w, wt.b], [y.index], {
    type: "Conv2DOptions",
    padding: spec.padding === "SAME" ? Padding.SAME : Padding.VALID,
    strideW: sw,
    strideH: sh,
    dilationW: dw,
    dilationH: dh,
    activation: spec.activation,
  });
  const biasLabel = spec.bias ? ` ${spec.bias === "none" ? "no" : spec.bias} bias` : "";
  const activationLabel = spec.activation ? ` ${ActivationFunctionType[spec.activation]}` : "";
  const label = `CONV_2D ${spec.kind} in [${spec.input}] ${spec.outChannels}@${kh}x${kw} stride ${sh},${sw} dilation ${dh},${dw} ${spec.padding}${groups > 1 ? ` ${groups} groups` : ""}${biasLabel}${activationLabel}`;
  return { x, y, label };
}

export function conv(spec: ConvSpec): BuiltModel {
  const g = new Graph(spec.kind, spec.seed);
  const { x, y, label } = addConv(g, spec);
  return g.finish(label, [{ index: x.index, shape: [...spec.input] }], [y.index]);
}

/**
 * CONV_2D then MAX_POOL_2D: in the SIMD build the convolution absorbs a 2x2,
 * stride-2 pooling that fits the image (ops/conv2d.ts, absorbMaxPool), unless
 * the unpooled tensor is also a graph output (`exposeConv`) or the
 * requantisation shifts left (`outputRange` small enough).
 */
export function convPool(
  spec: ConvSpec & {
    window: [number, number];
    poolStride: [number, number];
    poolPadding: "SAME" | "VALID";
    poolActivation?: ActivationFunctionType;
    exposeConv?: boolean;
    outputRange?: number;
  },
): BuiltModel {
  const g = new Graph(spec.kind, spec.seed);
  const { x, y, label } = addConv(g, spec, spec.outputRange);
  const [ph, pw] = spec.window;
  const pooledShape = [
    y.shape[0]!,
    outSize(spec.poolPadding, y.shape[1]!, ph, spec.poolStride[0], 1),
    outSize(spec.poolPadding, y.shape[2]!, pw, spec.poolStride[1], 1),
    spec.outChannels,
  ];
  const p = g.activation("pooled", pooledShape, 0, y.quant);
  g.op(BuiltinOperator.MAX_POOL_2D, [y.index], [p.index], {
    type: "Pool2DOptions",
    padding: spec.poolPadding === "SAME" ? Padding.SAME : Padding.VALID,
    strideW: spec.poolStride[1],
    strideH: spec.poolStride[0],
    filterW: pw,
    filterH: ph,
    activation: spec.poolActivation,
  });
  const poolLabel = `${label} -> MAX_POOL_2D ${ph}x${pw} stride ${spec.poolStride} ${spec.poolPadding}${spec.exposeConv ? ", both outputs" : ""}${spec.outputRange !== undefined ? `, output range ${spec.outputRange}` : ""}`;
  return g.finish(
    poolLabel,
    [{ index: x.index, shape: [...spec.input] }],
    spec.exposeConv ? [p.index, y.index] : [p.index],
  );
}

export function depthwise(spec: Omit<ConvSpec, "outChannels"> & { multiplier: number }): BuiltModel {
  const g = new Graph(spec.kind, spec.seed);
  const [n, h, w, c] = spec.input;
  const [kh, kw] = spec.kernel;
  const [sh, sw] = spec.stride ?? [1, 1];
  const [dh, dw] = spec.dilation ?? [1, 1];
  const outC = c * spec.multiplier;
  const x = g.activation("x", [...spec.input], 2);
  const wt = g.weights("w", [1, kh, kw, outC], 3, x.scale, spec.perChannel ?? true);
  const outShape = [n, outSize(spec.padding, h, kh, sh, dh), outSize(spec.padding, w, kw, sw, dw), outC];
  const y = g.activation("y", outShape, 2 * 0.5 * Math.sqrt(kh * kw));
  g.op(BuiltinOperator.DEPTHWISE_CONV_2D, [x.index, wt.w, wt.b], [y.index], {
    type: "DepthwiseConv2DOptions",
    padding: spec.padding === "SAME" ? Padding.SAME : Padding.VALID,
    strideW: sw,
    strideH: sh,
    depthMultiplier: spec.multiplier,
    dilationW: dw,
    dilationH: dh,
    activation: spec.activation,
  });
  const label = `DEPTHWISE_CONV_2D ${spec.kind} in [${spec.input}] x${spec.multiplier} ${kh}x${kw} stride ${sh},${sw} dilation ${dh},${dw} ${spec.padding}`;
  return g.finish(label, [{ index: x.index, shape: [...spec.input] }], [y.index]);
}

export function pool(spec: {
  kind: Kind;
  max: boolean;
  input: [number, number, number, number];
  window: [number, number];
  stride: [number, number];
  padding: "SAME" | "VALID";
  activation?: ActivationFunctionType;
  seed: number;
}): BuiltModel {
  const g = new Graph(spec.kind, spec.seed);
  const [n, h, w, c] = spec.input;
  const x = g.activation("x", [...spec.input], 2);
  const outShape = [
    n,
    outSize(spec.padding, h, spec.window[0], spec.stride[0], 1),
    outSize(spec.padding, w, spec.window[1], spec.stride[1], 1),
    c,
  ];
  const y = g.activation("y", outShape, 2, x.quant); // pooling keeps the input's quantisation
  g.op(spec.max ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D, [x.index], [y.index], {
    type: "Pool2DOptions",
    padding: spec.padding === "SAME" ? Padding.SAME : Padding.VALID,
    strideW: spec.stride[1],
    strideH: spec.stride[0],
    filterW: spec.window[1],
    filterH: spec.window[0],
    activation: spec.activation,
  });
  const label = `${spec.max ? "MAX" : "AVERAGE"}_POOL_2D ${spec.kind} in [${spec.input}] window ${spec.window} stride ${spec.stride} ${spec.padding}`;
  return g.finish(label, [{ index: x.index, shape: [...spec.input] }], [y.index]);
}

export function padModel(spec: {
  kind: Kind;
  input: number[];
  paddings: [number, number][];
  constant?: number;
  seed: number;
}): BuiltModel {
  const g = new Graph(spec.kind, spec.seed);
  const x = g.activation("x", spec.input, 2);
  const p = g.b.addTensor({
    name: "paddings",
    shape: [spec.input.length, 2],
    type: TensorType.INT32,
    data: Int32Array.from(spec.paddings.flat()),
  });
  const y = g.activation(
    "y",
    spec.input.map((d, i) => d + spec.paddings[i]![0] + spec.paddings[i]![1]),
    2,
    x.quant,
  );
  const inputs = [x.index, p];
  if (spec.constant !== undefined) {
    const data =
      spec.kind === "float32"
        ? Float32Array.of(spec.constant)
        : spec.kind === "int8"
          ? Int8Array.of(spec.constant)
          : Int16Array.of(spec.constant);
    inputs.push(g.b.addTensor({ name: "constant", shape: [1], type: TYPE[spec.kind], data, quantization: x.quant }));
  }
  g.op(spec.constant === undefined ? BuiltinOperator.PAD : BuiltinOperator.PADV2, inputs, [y.index], {
    type: spec.constant === undefined ? "PadOptions" : "PadV2Options",
  });
  return g.finish(
    `${spec.constant === undefined ? "PAD" : "PADV2"} ${spec.kind} [${spec.input}] by ${JSON.stringify(spec.paddings)}`,
    [{ index: x.index, shape: spec.input }],
    [y.index],
  );
}

export function concat(spec: { kind: Kind; shapes: number[][]; axis: number; seed: number }): BuiltModel {
  const g = new Graph(spec.kind, spec.seed);
  const first = g.activation("x0", spec.shapes[0]!, 2);
  const xs = [first, ...spec.shapes.slice(1).map((s, i) => g.activation(`x${i + 1}`, s, 2, first.quant))];
  const rank = spec.shapes[0]!.length;
  const axis = spec.axis < 0 ? spec.axis + rank : spec.axis;
  const outShape = spec.shapes[0]!.map((d, k) => (k === axis ? spec.shapes.reduce((a, s) => a + s[k]!, 0) : d));
  const y = g.activation("y", outShape, 2, first.quant);
  g.op(
    BuiltinOperator.CONCATENATION,
    xs.map((x) => x.index),
    [y.index],
    { type: "ConcatenationOptions", axis: spec.axis },
  );
  return g.finish(
    `CONCATENATION ${spec.kind} ${spec.shapes.map((s) => `[${s}]`).join(" + ")} axis ${spec.axis}`,
    xs.map((x) => ({ index: x.index, shape: x.shape })),
    [y.index],
  );
}

export function meanModel(spec: {
  kind: Kind;
  input: number[];
  axes: number[];
  keepDims: boolean;
  sameQuant: boolean;
  seed: number;
}): BuiltModel {
  const g = new Graph(spec.kind, spec.seed);
  const x = g.activation("x", spec.input, 2);
  const axes = g.b.addTensor({
    name: "axes",
    shape: [spec.axes.length],
    type: TensorType.INT32,
    data: Int32Array.from(spec.axes),
  });
  const reduced = new Set(spec.axes.map((a) => (a < 0 ? a + spec.input.length : a)));
  const outShape = spec.keepDims
    ? spec.input.map((d, k) => (reduced.has(k) ? 1 : d))
    : spec.input.filter((_, k) => !reduced.has(k));
  const y = g.activation("y", outShape, 1.5, spec.sameQuant ? x.quant : undefined);
  g.op(BuiltinOperator.MEAN, [x.index, axes], [y.index], { type: "ReducerOptions", keepDims: spec.keepDims });
  return g.finish(
    `MEAN ${spec.kind} [${spec.input}] axes ${spec.axes}${spec.keepDims ? " keep_dims" : ""}${spec.sameQuant ? " same quantisation" : ""}`,
    [{ index: x.index, shape: spec.input }],
    [y.index],
  );
}

/**
 * LeNet-5 (LeCun et al. 1998) with ReLU and max pooling: conv 6@5x5 -> pool -> conv 16@5x5
 * -> pool -> FC 120 -> FC 84 -> FC 10, ReLU, softmax; input 32x32x1.
 */
export function lenet(kind: "float32" | "int8", seed: number): BuiltModel {
  const g = new Graph(kind, seed);
  const relu = ActivationFunctionType.RELU;
  const x = g.activation("image", [1, 32, 32, 1], 2);
  const convLayer = (name: string, input: Activation, outC: number, range: number): Activation => {
    const c = input.shape[3]!;
    const wt = g.weights(name, [outC, 5, 5, c], 0, input.scale, true);
    const y = g.activation(
      `${name}_out`,
      [1, input.shape[1]! - 4, input.shape[2]! - 4, outC],
      range,
      kind === "int8" ? { scale: [Math.fround(range / 255)], zeroPoint: [-128] } : undefined,
    );
    g.op(BuiltinOperator.CONV_2D, [input.index, wt.w, wt.b], [y.index], {
      type: "Conv2DOptions",
      padding: Padding.VALID,
      strideW: 1,
      strideH: 1,
      activation: relu,
    });
    return y;
  };
  const poolLayer = (name: string, input: Activation): Activation => {
    const y = g.activation(name, [1, input.shape[1]! / 2, input.shape[2]! / 2, input.shape[3]!], 0, input.quant);
    g.op(BuiltinOperator.MAX_POOL_2D, [input.index], [y.index], {
      type: "Pool2DOptions",
      padding: Padding.VALID,
      strideW: 2,
      strideH: 2,
      filterW: 2,
      filterH: 2,
    });
    return y;
  };
  const denseLayer = (
    name: string,
    input: Activation,
    units: number,
    range: number,
    act: ActivationFunctionType,
  ): Activation => {
    const depth = input.shape[1]!;
    const wt = g.weights(name, [units, depth], 0, input.scale, true);
    const quant =
      kind === "int8"
        ? act === relu
          ? { scale: [Math.fround(range / 255)], zeroPoint: [-128] }
          : undefined
        : undefined;
    const y = g.activation(`${name}_out`, [1, units], range, quant);
    g.op(BuiltinOperator.FULLY_CONNECTED, [input.index, wt.w, wt.b], [y.index], {
      type: "FullyConnectedOptions",
      activation: act,
    });
    return y;
  };
  const c1 = convLayer("conv1", x, 6, 6);
  const p1 = poolLayer("pool1", c1);
  const c2 = convLayer("conv2", p1, 16, 12);
  const p2 = poolLayer("pool2", c2);
  const flat = g.activation("flatten", [1, 400], 0, p2.quant);
  const shape = g.b.addTensor({
    name: "flatten_shape",
    shape: [2],
    type: TensorType.INT32,
    data: Int32Array.of(1, 400),
  });
  g.op(BuiltinOperator.RESHAPE, [p2.index, shape], [flat.index], { type: "ReshapeOptions", newShape: [1, 400] });
  const f1 = denseLayer("fc1", flat, 120, 16, relu);
  const f2 = denseLayer("fc2", f1, 84, 16, relu);
  const logits = denseLayer("fc3", f2, 10, 16, ActivationFunctionType.NONE);
  const probabilities = g.activation(
    "probabilities",
    [1, 10],
    1,
    kind === "int8" ? { scale: [1 / 256], zeroPoint: [-128] } : undefined,
  );
  g.op(BuiltinOperator.SOFTMAX, [logits.index], [probabilities.index], { type: "SoftmaxOptions", beta: 1 });
  return g.finish(`LeNet-5 ${kind}`, [{ index: x.index, shape: [1, 32, 32, 1] }], [probabilities.index]);
}
