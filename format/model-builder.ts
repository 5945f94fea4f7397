// Builds .tflite model files: tensors, 16-byte aligned buffers, operators,
// metadata. Writes what TensorFlow's converter writes for the same graph
// (schema version 3, both builtin-code fields, buffer 0 empty), so the files
// run in TFLite and TFLite Micro too.
import * as flatbuffers from "flatbuffers";
import * as tfl from "./generated/tflite_generated.ts";

export const { TensorType, BuiltinOperator, ActivationFunctionType, BuiltinOptions, Padding } = tfl;
export type Padding = tfl.Padding;
export type TensorType = tfl.TensorType;
export type BuiltinOperator = tfl.BuiltinOperator;
export type ActivationFunctionType = tfl.ActivationFunctionType;

export interface QuantizationSpec {
  scale: readonly number[];
  zeroPoint: readonly number[];
  /** Axis of per-channel quantization (when scale has more than one entry). */
  quantizedDimension?: number;
}

export interface TensorSpec {
  name: string;
  shape: readonly number[];
  type: TensorType;
  /** Constant data (little-endian bytes, or a typed array viewed as bytes). */
  data?: ArrayBufferView;
  quantization?: QuantizationSpec;
  isVariable?: boolean;
}

/** Builtin options, by operator. Omitted fields take TFLite's defaults. */
export type OperatorOptions =
  | { type: "FullyConnectedOptions"; activation?: ActivationFunctionType; keepNumDims?: boolean }
  | { type: "AddOptions"; activation?: ActivationFunctionType }
  | { type: "SubOptions"; activation?: ActivationFunctionType }
  | { type: "MulOptions"; activation?: ActivationFunctionType }
  | { type: "SoftmaxOptions"; beta: number }
  | { type: "LeakyReluOptions"; alpha: number }
  | { type: "ReshapeOptions"; newShape: readonly number[] }
  | {
      type: "Conv2DOptions";
      padding: Padding;
      strideW: number;
      strideH: number;
      activation?: ActivationFunctionType;
      dilationW?: number;
      dilationH?: number;
    }
  | {
      type: "DepthwiseConv2DOptions";
      padding: Padding;
      strideW: number;
      strideH: number;
      depthMultiplier: number;
      activation?: ActivationFunctionType;
      dilationW?: number;
      dilationH?: number;
    }
  | {
      type: "Pool2DOptions";
      padding: Padding;
      strideW: number;
      strideH: number;
      filterW: number;
      filterH: number;
      activation?: ActivationFunctionType;
    }
  | { type: "ConcatenationOptions"; axis: number; activation?: ActivationFunctionType }
  | { type: "ReducerOptions"; keepDims: boolean }
  | {
      type: "UnidirectionalSequenceLSTMOptions";
      activation?: ActivationFunctionType;
      cellClip?: number;
      timeMajor?: boolean;
    }
  | {
      type: "SequenceRNNOptions";
      activation?: ActivationFunctionType;
      timeMajor?: boolean;
      asymmetricQuantizeInputs?: boolean;
    }
  | { type: "StridedSliceOptions"; beginMask?: number; endMask?: number; shrinkAxisMask?: number; offset?: boolean }
  | { type: "GatherOptions"; axis: number; batchDims?: number }
  | { type: "PadOptions" }
  | { type: "PadV2Options" };

export interface OperatorSpec {
  op: BuiltinOperator;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: readonly number[];
  outputs: readonly number[];
  options?: OperatorOptions;
  version?: number;
  /** Tensors internal to the operator (the integer LSTM reads its hidden-state scale from the 5th). */
  intermediates?: readonly number[];
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

export class ModelBuilder {
  readonly #tensors: TensorSpec[] = [];
  readonly #operators: OperatorSpec[] = [];
  readonly #metadata: { name: string; data: Uint8Array }[] = [];
  #inputs: number[] = [];
  #outputs: number[] = [];
  description = "wasmlite";

  /** Adds a tensor; returns its index. */
  addTensor(spec: TensorSpec): number {
    this.#tensors.push(spec);
    return this.#tensors.length - 1;
  }

  addOperator(spec: OperatorSpec): void {
    this.#operators.push(spec);
  }

  setInputs(indices: readonly number[]): void {
    this.#inputs = [...indices];
  }

  setOutputs(indices: readonly number[]): void {
    this.#outputs = [...indices];
  }

  /** A named metadata entry; objects are stored as UTF-8 JSON. */
  addMetadata(name: string, value: Uint8Array | object): void {
    const data = value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value));
    this.#metadata.push({ name, data });
  }

  finish(): Uint8Array {
    const b = new flatbuffers.Builder(1024);

    // Buffers: 0 is the empty sentinel, then one per constant tensor, then metadata.
    const bufferData: (Uint8Array | undefined)[] = [undefined];
    const tensorBuffer = this.#tensors.map((t) => {
      if (!t.data) return 0;
      bufferData.push(bytesOf(t.data));
      return bufferData.length - 1;
    });
    const metadataBuffer = this.#metadata.map((m) => {
      bufferData.push(m.data);
      return bufferData.length - 1;
    });
    // Written in reverse so the data lands in file order.
    const bufferOffsets: number[] = new Array(bufferData.length);
    for (let i = bufferData.length - 1; i >= 0; i--) {
      const data = bufferData[i];
      let dataOffset = 0;
      if (data && data.length > 0) {
        b.startVector(1, data.length, 16);
        for (let k = data.length - 1; k >= 0; k--) b.addInt8(data[k]!);
        dataOffset = b.endVector();
      }
      tfl.Buffer.startBuffer(b);
      if (dataOffset) tfl.Buffer.addData(b, dataOffset);
      bufferOffsets[i] = tfl.Buffer.endBuffer(b);
    }

    const tensorOffsets = this.#tensors.map((t, i) => {
      const name = b.createString(t.name);
      const shape = tfl.Tensor.createShapeVector(b, [...t.shape]);
      let quant = 0;
      if (t.quantization) {
        const q = t.quantization;
        if (q.scale.length !== q.zeroPoint.length)
          throw new Error(`tensor '${t.name}': ${q.scale.length} scales but ${q.zeroPoint.length} zero points`);
        const scale = tfl.QuantizationParameters.createScaleVector(b, [...q.scale]);
        const zp = tfl.QuantizationParameters.createZeroPointVector(
          b,
          q.zeroPoint.map((z) => BigInt(z)),
        );
        tfl.QuantizationParameters.startQuantizationParameters(b);
        tfl.QuantizationParameters.addScale(b, scale);
        tfl.QuantizationParameters.addZeroPoint(b, zp);
        if (q.quantizedDimension) tfl.QuantizationParameters.addQuantizedDimension(b, q.quantizedDimension);
        quant = tfl.QuantizationParameters.endQuantizationParameters(b);
      }
      tfl.Tensor.startTensor(b);
      tfl.Tensor.addShape(b, shape);
      tfl.Tensor.addType(b, t.type);
      tfl.Tensor.addBuffer(b, tensorBuffer[i]!);
      tfl.Tensor.addName(b, name);
      if (quant) tfl.Tensor.addQuantization(b, quant);
      if (t.isVariable) tfl.Tensor.addIsVariable(b, true);
      return tfl.Tensor.endTensor(b);
    });

    // Operator codes: one per distinct (op, version).
    const codes: { op: BuiltinOperator; version: number }[] = [];
    const codeIndex = (op: BuiltinOperator, version: number) => {
      let i = codes.findIndex((c) => c.op === op && c.version === version);
      if (i < 0) i = codes.push({ op, version }) - 1;
      return i;
    };
    const operatorOffsets = this.#operators.map((o) => {
      const opcode = codeIndex(o.op, o.version ?? 1);
      const inputs = tfl.Operator.createInputsVector(b, [...o.inputs]);
      const outputs = tfl.Operator.createOutputsVector(b, [...o.outputs]);
      const intermediates = o.intermediates ? tfl.Operator.createIntermediatesVector(b, [...o.intermediates]) : 0;
      const [optionsType, options] = o.options ? writeOptions(b, o.options) : [tfl.BuiltinOptions.NONE, 0];
      tfl.Operator.startOperator(b);
      tfl.Operator.addOpcodeIndex(b, opcode);
      tfl.Operator.addInputs(b, inputs);
      tfl.Operator.addOutputs(b, outputs);
      if (intermediates) tfl.Operator.addIntermediates(b, intermediates);
      if (options) {
        tfl.Operator.addBuiltinOptionsType(b, optionsType);
        tfl.Operator.addBuiltinOptions(b, options);
      }
      return tfl.Operator.endOperator(b);
    });

    const subgraph = tfl.SubGraph.createSubGraph(
      b,
      tfl.SubGraph.createTensorsVector(b, tensorOffsets),
      tfl.SubGraph.createInputsVector(b, this.#inputs),
      tfl.SubGraph.createOutputsVector(b, this.#outputs),
      tfl.SubGraph.createOperatorsVector(b, operatorOffsets),
      b.createString("main"),
    );
    const codeOffsets = codes.map((c) => {
      tfl.OperatorCode.startOperatorCode(b);
      // TF writes both: the old byte field clamped to 127, and the int32 one.
      tfl.OperatorCode.addDeprecatedBuiltinCode(
        b,
        Math.min(c.op, tfl.BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES),
      );
      tfl.OperatorCode.addVersion(b, c.version);
      tfl.OperatorCode.addBuiltinCode(b, c.op);
      return tfl.OperatorCode.endOperatorCode(b);
    });
    const metadataOffsets = this.#metadata.map((m, i) => {
      const name = b.createString(m.name);
      tfl.Metadata.startMetadata(b);
      tfl.Metadata.addName(b, name);
      tfl.Metadata.addBuffer(b, metadataBuffer[i]!);
      return tfl.Metadata.endMetadata(b);
    });
    const model = tfl.Model.createModel(
      b,
      3,
      tfl.Model.createOperatorCodesVector(b, codeOffsets),
      tfl.Model.createSubgraphsVector(b, [subgraph]),
      b.createString(this.description),
      tfl.Model.createBuffersVector(b, bufferOffsets),
      0,
      this.#metadata.length ? tfl.Model.createMetadataVector(b, metadataOffsets) : 0,
      0,
    );
    b.finish(model, "TFL3");
    return b.asUint8Array().slice();
  }
}

function writeOptions(b: flatbuffers.Builder, o: OperatorOptions): [tfl.BuiltinOptions, number] {
  const act = (o as { activation?: ActivationFunctionType }).activation ?? tfl.ActivationFunctionType.NONE;
  switch (o.type) {
    case "FullyConnectedOptions":
      tfl.FullyConnectedOptions.startFullyConnectedOptions(b);
      tfl.FullyConnectedOptions.addFusedActivationFunction(b, act);
      if (o.keepNumDims) tfl.FullyConnectedOptions.addKeepNumDims(b, true);
      return [tfl.BuiltinOptions.FullyConnectedOptions, tfl.FullyConnectedOptions.endFullyConnectedOptions(b)];
    case "AddOptions":
      return [tfl.BuiltinOptions.AddOptions, tfl.AddOptions.createAddOptions(b, act, true)];
    case "SubOptions":
      return [tfl.BuiltinOptions.SubOptions, tfl.SubOptions.createSubOptions(b, act, true)];
    case "MulOptions":
      return [tfl.BuiltinOptions.MulOptions, tfl.MulOptions.createMulOptions(b, act)];
    case "SoftmaxOptions":
      return [tfl.BuiltinOptions.SoftmaxOptions, tfl.SoftmaxOptions.createSoftmaxOptions(b, o.beta)];
    case "LeakyReluOptions":
      return [tfl.BuiltinOptions.LeakyReluOptions, tfl.LeakyReluOptions.createLeakyReluOptions(b, o.alpha)];
    case "Conv2DOptions":
      return [
        tfl.BuiltinOptions.Conv2DOptions,
        tfl.Conv2DOptions.createConv2DOptions(
          b,
          o.padding,
          o.strideW,
          o.strideH,
          act,
          o.dilationW ?? 1,
          o.dilationH ?? 1,
          tfl.TensorType.FLOAT32,
        ),
      ];
    case "DepthwiseConv2DOptions":
      return [
        tfl.BuiltinOptions.DepthwiseConv2DOptions,
        tfl.DepthwiseConv2DOptions.createDepthwiseConv2DOptions(
          b,
          o.padding,
          o.strideW,
          o.strideH,
          o.depthMultiplier,
          act,
          o.dilationW ?? 1,
          o.dilationH ?? 1,
        ),
      ];
    case "Pool2DOptions":
      return [
        tfl.BuiltinOptions.Pool2DOptions,
        tfl.Pool2DOptions.createPool2DOptions(b, o.padding, o.strideW, o.strideH, o.filterW, o.filterH, act),
      ];
    case "ConcatenationOptions":
      return [
        tfl.BuiltinOptions.ConcatenationOptions,
        tfl.ConcatenationOptions.createConcatenationOptions(b, o.axis, act),
      ];
    case "ReducerOptions":
      return [tfl.BuiltinOptions.ReducerOptions, tfl.ReducerOptions.createReducerOptions(b, o.keepDims)];
    case "UnidirectionalSequenceLSTMOptions":
      tfl.UnidirectionalSequenceLSTMOptions.startUnidirectionalSequenceLSTMOptions(b);
      tfl.UnidirectionalSequenceLSTMOptions.addFusedActivationFunction(
        b,
        o.activation ?? tfl.ActivationFunctionType.TANH,
      );
      if (o.cellClip) tfl.UnidirectionalSequenceLSTMOptions.addCellClip(b, o.cellClip);
      if (o.timeMajor) tfl.UnidirectionalSequenceLSTMOptions.addTimeMajor(b, true);
      return [
        tfl.BuiltinOptions.UnidirectionalSequenceLSTMOptions,
        tfl.UnidirectionalSequenceLSTMOptions.endUnidirectionalSequenceLSTMOptions(b),
      ];
    case "SequenceRNNOptions":
      return [
        tfl.BuiltinOptions.SequenceRNNOptions,
        tfl.SequenceRNNOptions.createSequenceRNNOptions(
          b,
          o.timeMajor ?? false,
          o.activation ?? tfl.ActivationFunctionType.TANH,
          o.asymmetricQuantizeInputs ?? false,
        ),
      ];
    case "StridedSliceOptions": {
      const { beginMask = 0, endMask = 0, shrinkAxisMask = 0, offset = false } = o;
      const table = tfl.StridedSliceOptions.createStridedSliceOptions(
        b,
        beginMask,
        endMask,
        0,
        0,
        shrinkAxisMask,
        offset,
      );
      return [tfl.BuiltinOptions.StridedSliceOptions, table];
    }
    case "GatherOptions":
      return [tfl.BuiltinOptions.GatherOptions, tfl.GatherOptions.createGatherOptions(b, o.axis, o.batchDims ?? 0)];
    case "PadOptions":
      tfl.PadOptions.startPadOptions(b);
      return [tfl.BuiltinOptions.PadOptions, tfl.PadOptions.endPadOptions(b)];
    case "PadV2Options":
      tfl.PadV2Options.startPadV2Options(b);
      return [tfl.BuiltinOptions.PadV2Options, tfl.PadV2Options.endPadV2Options(b)];
    case "ReshapeOptions": {
      const shape = tfl.ReshapeOptions.createNewShapeVector(b, [...o.newShape]);
      return [tfl.BuiltinOptions.ReshapeOptions, tfl.ReshapeOptions.createReshapeOptions(b, shape)];
    }
  }
}
