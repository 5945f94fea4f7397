// Cuts one operator out of a model as a standalone one-operator model with the
// same tensors (shapes, types, quantisation, constant data) and options, so a
// kernel can be compared in isolation. Supports the options our writer knows.
import {
  readModel,
  ModelBuilder,
  TensorType,
  BuiltinOperator,
  type OperatorOptions,
  type ModelSummary,
} from "@wasmlite/format";
import type { BuiltModel, Kind } from "./models.ts";

const KIND: Record<string, Kind | "int32" | "uint8"> = {
  FLOAT32: "float32",
  INT8: "int8",
  INT16: "int16",
  INT32: "int32",
  UINT8: "uint8",
};

export function extractOperator(bytes: Uint8Array, index: number): BuiltModel {
  const m = readModel(bytes);
  const op = m.operators[index];
  if (!op) throw new Error(`model has no operator ${index}`);
  const b = new ModelBuilder();
  const remap = new Map<number, number>();
  const take = (t: number) => {
    if (t < 0) return -1;
    if (!remap.has(t)) {
      const s = m.tensors[t]!;
      remap.set(t, b.addTensor(writerTensor(s)));
    }
    return remap.get(t)!;
  };
  const inputs = op.inputs.map(take);
  const outputs = op.outputs.map(take);
  const intermediates = op.intermediates.map(take);
  const options = writerOptions(op.optionsType, op.options ?? {});
  b.addOperator({ op: op.code as BuiltinOperator, inputs, outputs, options, version: op.version, intermediates });
  // Graph inputs: everything the operator reads that is neither constant nor recurrent state.
  const variableInputs = op.inputs.filter((t) => t >= 0 && m.tensors[t]!.dataBytes === 0 && !m.tensors[t]!.isVariable);
  b.setInputs(variableInputs.map((t) => remap.get(t)!));
  b.setOutputs(outputs);
  return {
    name: `operator ${index} (${op.op})`,
    bytes: b.finish(),
    inputs: variableInputs.map((t) => ({
      elements: m.tensors[t]!.shape.reduce((p, d) => p * d, 1),
      kind: KIND[m.tensors[t]!.type]!,
      below: op.op === "GATHER" && t === op.inputs[1] ? gatherAxisSize(m, op) : undefined,
    })),
  };
}

/** A tensor the reader gave, as the writer takes it (shape, type, data, quantisation, variable). */
function writerTensor(t: ModelSummary["tensors"][number]) {
  return {
    name: t.name,
    shape: t.shape,
    type: TensorType[t.type as keyof typeof TensorType],
    data: t.data,
    quantization: t.scale.length
      ? { scale: t.scale, zeroPoint: t.zeroPoint, quantizedDimension: t.quantizedDimension }
      : undefined,
    isVariable: t.isVariable,
  };
}

/** Adds every tensor of `m` to `b`, in order (so tensor indices stay the same). */
function copyTensors(m: ModelSummary, b: ModelBuilder): void {
  for (const t of m.tensors) b.addTensor(writerTensor(t));
}

/**
 * The same model with every non-constant tensor also a graph output: the
 * planner then cannot share any memory between them.
 */
export function withEveryTensorAsOutput(bytes: Uint8Array): Uint8Array {
  const m = readModel(bytes);
  const b = new ModelBuilder();
  copyTensors(m, b);
  for (const op of m.operators) {
    b.addOperator({
      op: op.code as BuiltinOperator,
      inputs: op.inputs,
      outputs: op.outputs,
      options: writerOptions(op.optionsType, op.options ?? {}),
      version: op.version,
      intermediates: op.intermediates,
    });
  }
  b.setInputs(m.inputs);
  b.setOutputs([
    ...m.outputs,
    ...m.tensors
      .filter((t) => t.dataBytes === 0 && !t.isVariable && !m.inputs.includes(t.index) && !m.outputs.includes(t.index))
      .map((t) => t.index),
  ]);
  return b.finish();
}

/**
 * The same model with one more constant tensor (float32 zeros of `shape`)
 * as input `slot` of operator `op`: fills an omitted optional input, such as
 * an LSTM's peephole, projection or layer-norm weights.
 */
export function withExtraInput(
  bytes: Uint8Array,
  op: number,
  slot: number,
  shape: number[],
  type: TensorType = TensorType.FLOAT32,
): Uint8Array {
  return withInput(bytes, op, slot, (b) => {
    const elements = shape.reduce((p, d) => p * d, 1);
    const data =
      type === TensorType.FLOAT32
        ? new Float32Array(elements)
        : type === TensorType.INT16
          ? new Int16Array(elements)
          : new Int8Array(elements);
    return b.addTensor({
      name: `extra_input_${slot}`,
      shape,
      type,
      data,
      quantization: type === TensorType.FLOAT32 ? undefined : { scale: [0.01], zeroPoint: [0] },
    });
  });
}

/** The model with input `slot` of operator `op` omitted (tensor index -1, TFLite's mark of an absent input). */
export function withInputOmitted(bytes: Uint8Array, op: number, slot: number): Uint8Array {
  return withInput(bytes, op, slot, () => -1);
}

/** The model rebuilt with input `slot` of operator `op` replaced by the tensor index `tensor` gives. */
function withInput(bytes: Uint8Array, op: number, slot: number, tensor: (b: ModelBuilder) => number): Uint8Array {
  const m = readModel(bytes);
  const b = new ModelBuilder();
  copyTensors(m, b);
  const replacement = tensor(b);
  m.operators.forEach((o, i) => {
    const inputs = i === op ? o.inputs.map((t, k) => (k === slot ? replacement : t)) : o.inputs;
    b.addOperator({
      op: o.code as BuiltinOperator,
      inputs,
      outputs: o.outputs,
      options: writerOptions(o.optionsType, o.options ?? {}),
      version: o.version,
      intermediates: o.intermediates,
    });
  });
  b.setInputs(m.inputs);
  b.setOutputs(m.outputs);
  return b.finish();
}

/**
 * The reader's options object as our writer's options. `o` is one of flatc's
 * object-API *OptionsT classes (field names the schema's, camel-cased), which
 * share no type: each case reads its own fields.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function writerOptions(type: string, o: any): OperatorOptions | undefined {
  const activation = o.fusedActivationFunction;
  switch (type) {
    case "NONE":
      return undefined;
    case "FullyConnectedOptions":
      return { type, activation, keepNumDims: o.keepNumDims };
    case "AddOptions":
    case "SubOptions":
    case "MulOptions":
      return { type, activation };
    case "SoftmaxOptions":
      return { type, beta: o.beta };
    case "LeakyReluOptions":
      return { type, alpha: o.alpha };
    case "Conv2DOptions":
      return {
        type,
        padding: o.padding,
        strideW: o.strideW,
        strideH: o.strideH,
        activation,
        dilationW: o.dilationWFactor,
        dilationH: o.dilationHFactor,
      };
    case "DepthwiseConv2DOptions":
      return {
        type,
        padding: o.padding,
        strideW: o.strideW,
        strideH: o.strideH,
        depthMultiplier: o.depthMultiplier,
        activation,
        dilationW: o.dilationWFactor,
        dilationH: o.dilationHFactor,
      };
    case "Pool2DOptions":
      return {
        type,
        padding: o.padding,
        strideW: o.strideW,
        strideH: o.strideH,
        filterW: o.filterWidth,
        filterH: o.filterHeight,
        activation,
      };
    case "StridedSliceOptions":
      return { type, beginMask: o.beginMask, endMask: o.endMask, shrinkAxisMask: o.shrinkAxisMask, offset: o.offset };
    case "ReducerOptions":
      return { type, keepDims: (o as unknown as { keepDims: boolean }).keepDims };
    case "ReshapeOptions":
      return { type, newShape: (o as unknown as { newShape: number[] }).newShape };
    case "UnidirectionalSequenceLSTMOptions":
      return { type, activation, cellClip: o.cellClip, timeMajor: o.timeMajor };
    case "SequenceRNNOptions":
      return { type, activation, timeMajor: o.timeMajor, asymmetricQuantizeInputs: o.asymmetricQuantizeInputs };
    case "GatherOptions":
      return { type, axis: o.axis ?? 0, batchDims: o.batchDims };
  }
  throw new Error(`extractOperator: ${type} not supported`);
}

/** A GATHER's indices must lie below its params' size on the gathered axis. */
function gatherAxisSize(m: ModelSummary, op: ModelSummary["operators"][number]): number {
  const params = m.tensors[op.inputs[0]!]!.shape;
  const axis = (op.options as { axis?: number } | undefined)?.axis ?? 0;
  return params[axis < 0 ? axis + params.length : axis]!;
}
