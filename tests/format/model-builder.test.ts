// format/model-builder.ts, read back field by field with the generated bindings (format/model-reader.ts):
// every options table with its defaults and with every field set, operator codes as TensorFlow writes
// them, buffers, quantisation, variables, intermediates, metadata; and its refusal.
import { describe, it, expect } from "vitest";
import * as flatbuffers from "flatbuffers";
import {
  readModel,
  ModelBuilder,
  TensorType,
  BuiltinOperator as Op,
  ActivationFunctionType as Act,
  Padding,
  type OperatorOptions,
  tflite as tfl,
} from "@wasmlite/format";

/** An operator code past the old byte field's range (the bindings know only our subset's names). */
const CODE_PAST_127 = 150 as Op;

/** A one-operator model with the given options; its operator as read back. */
function readOptions(options: OperatorOptions, op: Op = Op.ADD) {
  const b = new ModelBuilder();
  const t = b.addTensor({ name: "t", shape: [1], type: TensorType.FLOAT32 });
  b.addOperator({ op, inputs: [t], outputs: [t], options });
  b.setInputs([t]);
  b.setOutputs([t]);
  const o = readModel(b.finish()).operators[0]!;
  return { type: o.optionsType, ...o.options };
}

describe("ModelBuilder: options tables", () => {
  it("fused activations: given, or NONE", () => {
    expect(readOptions({ type: "FullyConnectedOptions" })).toMatchObject({
      type: "FullyConnectedOptions",
      fusedActivationFunction: Act.NONE,
      keepNumDims: false,
    });
    expect(readOptions({ type: "FullyConnectedOptions", activation: Act.RELU6, keepNumDims: true })).toMatchObject({
      fusedActivationFunction: Act.RELU6,
      keepNumDims: true,
    });
    expect(readOptions({ type: "AddOptions", activation: Act.RELU })).toMatchObject({
      type: "AddOptions",
      fusedActivationFunction: Act.RELU,
      potScaleInt16: true,
    });
    expect(readOptions({ type: "SubOptions" })).toMatchObject({
      type: "SubOptions",
      fusedActivationFunction: Act.NONE,
      potScaleInt16: true,
    });
    expect(readOptions({ type: "MulOptions", activation: Act.TANH })).toMatchObject({
      type: "MulOptions",
      fusedActivationFunction: Act.TANH,
    });
    expect(readOptions({ type: "ConcatenationOptions", axis: -1, activation: Act.RELU_N1_TO_1 })).toMatchObject({
      type: "ConcatenationOptions",
      axis: -1,
      fusedActivationFunction: Act.RELU_N1_TO_1,
    });
  });

  it("scalars: softmax beta, leaky ReLU alpha, reducer keepDims, gather axis and batch dims", () => {
    expect(readOptions({ type: "SoftmaxOptions", beta: 0.5 })).toMatchObject({ type: "SoftmaxOptions", beta: 0.5 });
    expect(readOptions({ type: "LeakyReluOptions", alpha: 0.25 })).toMatchObject({ alpha: 0.25 });
    expect(readOptions({ type: "ReducerOptions", keepDims: true })).toMatchObject({ keepDims: true });
    expect(readOptions({ type: "GatherOptions", axis: 1 })).toMatchObject({ axis: 1, batchDims: 0 });
    expect(readOptions({ type: "GatherOptions", axis: 2, batchDims: 1 })).toMatchObject({ axis: 2, batchDims: 1 });
    expect(readOptions({ type: "ReshapeOptions", newShape: [1, -1, 3] })).toMatchObject({ newShape: [1, -1, 3] });
    expect(readOptions({ type: "PadOptions" })).toEqual({ type: "PadOptions" });
    expect(readOptions({ type: "PadV2Options" })).toEqual({ type: "PadV2Options" });
  });

  it("windows: convolution, depthwise and pooling geometry; dilation 1 unless given", () => {
    const conv = { padding: Padding.SAME, strideW: 2, strideH: 3 };
    expect(readOptions({ type: "Conv2DOptions", ...conv })).toMatchObject({
      type: "Conv2DOptions",
      ...conv,
      fusedActivationFunction: Act.NONE,
      dilationWFactor: 1,
      dilationHFactor: 1,
    });
    expect(
      readOptions({ type: "Conv2DOptions", ...conv, activation: Act.RELU, dilationW: 4, dilationH: 5 }),
    ).toMatchObject({ fusedActivationFunction: Act.RELU, dilationWFactor: 4, dilationHFactor: 5 });
    expect(readOptions({ type: "DepthwiseConv2DOptions", ...conv, depthMultiplier: 2 })).toMatchObject({
      ...conv,
      depthMultiplier: 2,
      fusedActivationFunction: Act.NONE,
      dilationWFactor: 1,
      dilationHFactor: 1,
    });
    expect(
      readOptions({
        type: "DepthwiseConv2DOptions",
        ...conv,
        depthMultiplier: 1,
        activation: Act.RELU6,
        dilationW: 2,
        dilationH: 3,
      }),
    ).toMatchObject({ fusedActivationFunction: Act.RELU6, dilationWFactor: 2, dilationHFactor: 3 });
    expect(
      readOptions({ type: "Pool2DOptions", padding: Padding.VALID, strideW: 1, strideH: 2, filterW: 3, filterH: 4 }),
    ).toMatchObject({ padding: Padding.VALID, strideW: 1, strideH: 2, filterWidth: 3, filterHeight: 4 });
  });

  it("recurrent and slicing: tanh and batch-major unless given; masks 0 unless given", () => {
    expect(readOptions({ type: "UnidirectionalSequenceLSTMOptions" })).toMatchObject({
      fusedActivationFunction: Act.TANH,
      cellClip: 0,
      timeMajor: false,
    });
    expect(
      readOptions({ type: "UnidirectionalSequenceLSTMOptions", activation: Act.RELU, cellClip: 3, timeMajor: true }),
    ).toMatchObject({ fusedActivationFunction: Act.RELU, cellClip: 3, timeMajor: true });
    expect(readOptions({ type: "SequenceRNNOptions" })).toMatchObject({
      timeMajor: false,
      fusedActivationFunction: Act.TANH,
      asymmetricQuantizeInputs: false,
    });
    expect(
      readOptions({
        type: "SequenceRNNOptions",
        timeMajor: true,
        activation: Act.RELU,
        asymmetricQuantizeInputs: true,
      }),
    ).toMatchObject({ timeMajor: true, fusedActivationFunction: Act.RELU, asymmetricQuantizeInputs: true });
    expect(readOptions({ type: "StridedSliceOptions" })).toMatchObject({
      beginMask: 0,
      endMask: 0,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask: 0,
      offset: false,
    });
    expect(
      readOptions({ type: "StridedSliceOptions", beginMask: 1, endMask: 2, shrinkAxisMask: 4, offset: true }),
    ).toMatchObject({ beginMask: 1, endMask: 2, shrinkAxisMask: 4, offset: true });
  });
});

describe("ModelBuilder: the file", () => {
  it("operator codes: one per (operator, version), both code fields, the old one clamped to 127", () => {
    const b = new ModelBuilder();
    const t = b.addTensor({ name: "t", shape: [1], type: TensorType.FLOAT32 });
    for (const [op, version] of [
      [Op.ADD, 1],
      [Op.ADD, 2],
      [Op.ADD, 1],
      [CODE_PAST_127, 1],
    ] as const)
      b.addOperator({ op, inputs: [t], outputs: [t], version });
    b.addOperator({ op: Op.MUL, inputs: [t], outputs: [t] }); // version 1 unless given
    const ops = readModel(b.finish()).operators;
    expect(ops.map((o) => [o.code, o.version])).toEqual([
      [Op.ADD, 1],
      [Op.ADD, 2],
      [Op.ADD, 1],
      [CODE_PAST_127, 1],
      [Op.MUL, 1],
    ]);
    expect(ops.map((o) => o.optionsType)).toEqual(["NONE", "NONE", "NONE", "NONE", "NONE"]);
    expect(ops.map((o) => o.intermediates)).toEqual([[], [], [], [], []]);
    const raw = b.finish();
    // Three distinct (op, version) pairs plus MUL: four codes; a code past 127 has 127 in the old field.
    const codes = readCodes(raw);
    expect(codes).toEqual([
      { deprecated: Op.ADD, code: Op.ADD, version: 1 },
      { deprecated: Op.ADD, code: Op.ADD, version: 2 },
      { deprecated: 127, code: CODE_PAST_127, version: 1 },
      { deprecated: Op.MUL, code: Op.MUL, version: 1 },
    ]);
  });

  it("tensors: buffers in order (0 empty, then data, then metadata), quantisation, variables; inputs and outputs", () => {
    const b = new ModelBuilder();
    b.description = "test model";
    const a = b.addTensor({ name: "a", shape: [2], type: TensorType.INT8, data: Int8Array.from([1, -1]) });
    const v = b.addTensor({
      name: "v",
      shape: [1, 3],
      type: TensorType.INT16,
      isVariable: true,
      quantization: { scale: [0.5], zeroPoint: [0] },
    });
    const w = b.addTensor({
      name: "w",
      shape: [2, 1],
      type: TensorType.INT8,
      data: Int16Array.from([0x0102]),
      quantization: { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 1 },
    });
    const x = b.addTensor({ name: "x", shape: [1], type: TensorType.FLOAT32 });
    b.addOperator({ op: Op.ADD, inputs: [a, -1, v], outputs: [x], intermediates: [w] });
    b.setInputs([x, v]);
    b.setOutputs([a]);
    b.addMetadata("bytes", Uint8Array.from([7, 8]));
    b.addMetadata("json", { k: [1] });
    const m = readModel(b.finish());
    expect(m.description).toBe("test model");
    expect([m.inputs, m.outputs]).toEqual([[x, v], [a]]);
    expect(m.operators[0]).toMatchObject({ inputs: [a, -1, v], outputs: [x], intermediates: [w] });
    expect(m.tensors.map((t) => [t.name, t.buffer, t.dataBytes, t.isVariable])).toEqual([
      ["a", 1, 2, false],
      ["v", 0, 0, true],
      ["w", 2, 2, false],
      ["x", 0, 0, false],
    ]);
    expect(Array.from(m.tensors[0]!.data!)).toEqual([1, 255]);
    expect(Array.from(m.tensors[2]!.data!)).toEqual([2, 1]); // little-endian bytes of the view
    expect(m.tensors[1]).toMatchObject({ scale: [0.5], zeroPoint: [0], quantizedDimension: 0 });
    expect(m.tensors[2]).toMatchObject({
      scale: [0.1, 0.2].map(Math.fround),
      zeroPoint: [0, 0],
      quantizedDimension: 1,
    });
    expect(m.tensors[3]).toMatchObject({ scale: [], zeroPoint: [] });
    expect(Array.from(m.metadata.bytes!)).toEqual([7, 8]);
    expect(new TextDecoder().decode(m.metadata.json)).toBe('{"k":[1]}');
    // Buffers: 0 (empty), a, w, then the two metadata entries; no more. The one subgraph is "main", as TF names it.
    const file = tfl.Model.getRootAsModel(new flatbuffers.ByteBuffer(b.finish()));
    expect(file.buffersLength()).toBe(5);
    // Each entry of the buffers vector is a forward offset to a table of its own (0 would point at the entry).
    const bb = new flatbuffers.ByteBuffer(b.finish());
    const model = bb.readInt32(0);
    const buffers = model + bb.__offset(model, 12); // Model field 4: buffers
    const entries = bb.__vector(buffers);
    expect(Array.from({ length: bb.__vector_len(buffers) }, (_, i) => bb.readInt32(entries + 4 * i) > 0)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(file.buffers(0)!.dataLength()).toBe(0);
    expect([1, 2, 3, 4].map((i) => file.buffers(i)!.dataLength())).toEqual([2, 2, 2, 9]);
    expect(file.subgraphsLength()).toBe(1);
    expect(file.subgraphs(0)!.name()).toBe("main");
  });

  it("an empty model: buffer 0 only, no metadata; the bytes own their buffer", () => {
    const b = new ModelBuilder();
    const first = b.finish();
    const m = readModel(first);
    expect([m.tensors, m.operators, m.inputs, m.outputs, m.metadata]).toEqual([[], [], [], [], {}]);
    expect(m.description).toBe("wasmlite");
    expect(m.version).toBe(3);
    expect(b.finish()).toEqual(first);
    // Not a view into the builder's larger scratch buffer: a host may transfer or keep .buffer whole.
    expect([first.byteOffset, first.buffer.byteLength]).toEqual([0, first.length]);
  });

  it("refuses a quantisation whose scales and zero points differ in number", () => {
    const b = new ModelBuilder();
    b.addTensor({ name: "q", shape: [2], type: TensorType.INT8, quantization: { scale: [1, 2], zeroPoint: [0] } });
    expect(() => b.finish()).toThrow("tensor 'q': 2 scales but 1 zero points");
  });
});

/** The operator code table as written: both code fields and the version (readModel takes the larger field). */
function readCodes(bytes: Uint8Array) {
  const model = tfl.Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes)).unpack();
  return model.operatorCodes.map((c) => ({
    deprecated: c.deprecatedBuiltinCode,
    code: c.builtinCode,
    version: c.version,
  }));
}
