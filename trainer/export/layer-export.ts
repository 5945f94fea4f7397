// The .tflite file being written, as a layer's exportTo() sees it: the tensor
// the previous layer produced (with its shape and int8 quantisation), this
// layer's calibrated ranges, and the helpers every layer uses to add its
// weights, biases, output tensors and operators. tflite.ts walks the layers
// and hands each one this object; the layer itself knows what it becomes.
//
// int8 is TFLite's post-training scheme: weights symmetric per output
// channel, int32 biases at input scale x weight scale, activations
// asymmetric per tensor from calibrated ranges; LOGISTIC / SOFTMAX outputs
// at 1/256 (zero point -128) and TANH at 1/128, as TFLite requires.
import {
  ModelBuilder,
  TensorType,
  BuiltinOperator,
  ActivationFunctionType,
  quantizeWeightsPerChannel,
  quantizeBias,
  chooseQuantParams,
  type OperatorSpec,
  type OperatorOptions,
  type QuantizationSpec,
} from "@wasmlite/format";
import type { Workspace, Buf } from "../workspace.ts";
import type { ActivationName, ActivationOptions } from "../activations.ts";

/** A calibrated range of values (int8 export). */
export interface Range {
  min: number;
  max: number;
}

/** What calibration recorded for one layer. */
export interface LayerRanges {
  output: Range;
  /** By the names the layer's calibrationValues() gives. */
  values: Record<string, Range>;
}

export type Quant = QuantizationSpec | undefined;

export class LayerExport {
  readonly builder = new ModelBuilder();
  /** The tensor the next layer reads, its shape (batch 1 first) and its int8 quantisation. */
  tensor = -1;
  shape: number[] = [];
  quant: Quant;
  /** The layer being exported: its name (for messages) and its place in the model. */
  layer = "";
  index = 0;
  /** Its calibrated ranges (int8 files only). */
  ranges?: LayerRanges;

  constructor(
    readonly int8: boolean,
    readonly ws: Workspace,
  ) {}

  /** The type of activation tensors: INT8 or FLOAT32. */
  get activationType(): TensorType {
    return this.int8 ? TensorType.INT8 : TensorType.FLOAT32;
  }

  /** Asymmetric int8 parameters for a calibrated range; nothing in a float32 file. */
  quantOf(range: Range | undefined): Quant {
    if (!this.int8) return undefined;
    if (!range) throw new Error(`${this.layer}: no calibrated range for an int8 tensor`);
    const q = chooseQuantParams(range.min, range.max, "int8");
    return { scale: [q.scale], zeroPoint: [q.zeroPoint] };
  }

  /** The calibrated range of this layer's output, or of a value it named in calibrationValues(). */
  range(value = "output"): Range | undefined {
    if (!this.ranges) return undefined;
    return value === "output" ? this.ranges.output : this.ranges.values[value];
  }

  /** Values that replace a buffer's at export (a neighbour's fold in a layer's weights, Layer.foldsInto). */
  readonly overrides = new Map<Buf, Float32Array>();

  /** A parameter's values (its `value` buffer, or what a fold made of it), copied. */
  values(p: { value: Buf }): Float32Array {
    return Float32Array.from(this.overrides.get(p.value) ?? this.ws.f32(p.value));
  }

  /** A new activation tensor of the file's type. */
  addActivationTensor(name: string, shape: readonly number[], quant: Quant): number {
    return this.builder.addTensor({ name, shape, type: this.activationType, quantization: quant });
  }

  /** A float32 or int32 constant (shapes, indices, float-only data). */
  addConstant(name: string, shape: readonly number[], data: Float32Array | Int32Array): number {
    const type = data instanceof Int32Array ? TensorType.INT32 : TensorType.FLOAT32;
    return this.builder.addTensor({ name, shape, type, data });
  }

  /**
   * Weights with their output channels along `axis` (0 for FULLY_CONNECTED
   * and CONV_2D, 3 for DEPTHWISE_CONV_2D; null: one scale for the tensor):
   * float32, or int8 symmetric per channel. Returns the tensor and the int8
   * scales (for the bias).
   */
  addWeights(
    name: string,
    shape: readonly number[],
    w: Float32Array,
    axis: number | null = 0,
  ): { index: number; scales: number[] } {
    if (!this.int8)
      return { index: this.builder.addTensor({ name, shape, type: TensorType.FLOAT32, data: w }), scales: [] };
    if (axis === null) {
      const q = quantizeWeightsPerChannel(w, 1);
      const quantization = { scale: q.scales, zeroPoint: [0] };
      return {
        index: this.builder.addTensor({ name, shape, type: TensorType.INT8, data: q.values, quantization }),
        scales: q.scales,
      };
    }
    // quantizeWeightsPerChannel takes the channel as the outermost axis.
    const channels = shape[axis]!;
    const before = shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const q = quantizeWeightsPerChannel(swapOuterAxes(w, before, channels), channels);
    const values = swapOuterAxes(q.values, channels, before);
    const quantization = { scale: q.scales, zeroPoint: q.scales.map(() => 0), quantizedDimension: axis };
    return {
      index: this.builder.addTensor({ name, shape, type: TensorType.INT8, data: values, quantization }),
      scales: q.scales,
    };
  }

  /**
   * A bias: float32, or int32 at input scale x each channel's weight scale
   * (the input: the current tensor unless `input` says otherwise).
   */
  addBias(name: string, bias: Float32Array, weightScales: readonly number[], input: Quant = this.quant): number {
    const shape = [bias.length];
    if (!this.int8) return this.builder.addTensor({ name, shape, type: TensorType.FLOAT32, data: bias });
    const inScale = input!.scale[0]!;
    const scales = weightScales.map((s) => Math.fround(inScale * s));
    const data = quantizeBias(bias, inScale, weightScales);
    return this.builder.addTensor({
      name,
      shape,
      type: TensorType.INT32,
      data,
      quantization: { scale: scales, zeroPoint: scales.map(() => 0) },
    });
  }

  addOperator(spec: OperatorSpec): void {
    this.builder.addOperator(spec);
  }

  /**
   * RESHAPE of the current tensor to `shape` (batch 1 first), which becomes
   * the current tensor; the values and their quantisation are unchanged.
   */
  reshape(name: string, shape: number[]): void {
    const newShape = this.addConstant(`${name}/shape`, [shape.length], Int32Array.from(shape));
    const out = this.addActivationTensor(name, shape, this.quant);
    this.addOperator({
      op: BuiltinOperator.RESHAPE,
      inputs: [this.tensor, newShape],
      outputs: [out],
      options: { type: "ReshapeOptions", newShape: shape },
    });
    this.setOutput(out, shape, this.quant);
  }

  /** Makes `tensor` the one the next layer reads. */
  setOutput(tensor: number, shape: number[], quant: Quant): void {
    this.tensor = tensor;
    this.shape = shape;
    this.quant = quant;
  }

  /** A standalone activation operator after the current tensor (nothing for identity). */
  addActivation(name: ActivationName, options: ActivationOptions, range: Range | undefined): void {
    if (name === "identity") return;
    if (name === "hardThreshold")
      throw new Error(
        `${this.layer}: the hard threshold activation cannot be exported (TFLite has no such operator); train with sigmoid or tanh instead`,
      );
    const quant = fixedActivationQuant(this.int8, name) ?? this.quantOf(range);
    const out = this.addActivationTensor(`${this.layer}/${name}`, this.shape, quant);
    const op = {
      sigmoid: BuiltinOperator.LOGISTIC,
      tanh: BuiltinOperator.TANH,
      relu: BuiltinOperator.RELU,
      leakyRelu: BuiltinOperator.LEAKY_RELU,
      softmax: BuiltinOperator.SOFTMAX,
    }[name];
    const opts =
      name === "softmax"
        ? { type: "SoftmaxOptions" as const, beta: 1 }
        : name === "leakyRelu"
          ? { type: "LeakyReluOptions" as const, alpha: options.alpha ?? 0.01 }
          : undefined;
    this.addOperator({ op, inputs: [this.tensor], outputs: [out], options: opts });
    this.setOutput(out, this.shape, quant);
  }

  /**
   * An operator with weights and a bias (FULLY_CONNECTED, CONV_2D,
   * DEPTHWISE_CONV_2D) ending in `activation`: ReLU is fused into it; any
   * other activation follows as its own operator, so the operator's output is
   * the pre-activation (calibrated under the layer's "preactivation" value).
   */
  addWeighted(spec: {
    op: BuiltinOperator;
    weightsShape: readonly number[];
    weights: Float32Array;
    /** The weights' output-channel axis (3 for DEPTHWISE_CONV_2D). */
    weightsAxis?: number;
    bias: Float32Array;
    outputShape: number[];
    activation: ActivationName;
    activationOptions: ActivationOptions;
    options: (fused: ActivationFunctionType) => OperatorOptions;
  }): void {
    const fusedRelu = spec.activation === "relu";
    const ownOutput = fusedRelu || spec.activation === "identity" ? "output" : "preactivation";
    const quant = this.quantOf(this.range(ownOutput));
    const weights = this.addWeights(`${this.layer}/kernel`, spec.weightsShape, spec.weights, spec.weightsAxis ?? 0);
    const bias = this.addBias(`${this.layer}/bias`, spec.bias, weights.scales);
    const out = this.addActivationTensor(this.layer, spec.outputShape, quant);
    this.addOperator({
      op: spec.op,
      inputs: [this.tensor, weights.index, bias],
      outputs: [out],
      options: spec.options(fusedRelu ? ActivationFunctionType.RELU : ActivationFunctionType.NONE),
    });
    this.setOutput(out, spec.outputShape, quant);
    if (!fusedRelu) this.addActivation(spec.activation, spec.activationOptions, this.range());
  }
}

/** The output quantisation TFLite requires of LOGISTIC, SOFTMAX and TANH. */
export function fixedActivationQuant(int8: boolean, name: ActivationName): Quant {
  if (!int8) return undefined;
  if (name === "sigmoid" || name === "softmax") return { scale: [1 / 256], zeroPoint: [-128] };
  if (name === "tanh") return { scale: [1 / 128], zeroPoint: [0] };
  return undefined;
}

/**
 * `w` viewed as [a, b, inner] (row-major), returned as [b, a, inner]. With
 * a the axes before the channel axis and b the channels, it moves the
 * channels to the front; with the two counts swapped, back again.
 */
function swapOuterAxes<T extends Float32Array | Int8Array>(w: T, a: number, b: number): T {
  const inner = w.length / (a * b);
  const out = new (w.constructor as new (n: number) => T)(w.length);
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++) out.set(w.subarray((i * b + j) * inner, (i * b + j + 1) * inner), (j * a + i) * inner);
  return out;
}
