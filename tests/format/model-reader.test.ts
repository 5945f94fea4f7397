// format/model-reader.ts on files written field by field with the generated bindings, including what
// our writer never writes: an operator code only in the deprecated field, a type or options table this
// schema subset does not know, an operator whose code index is missing, metadata without its buffer.
// The "wasmlite" metadata entry is read leniently (format/wasmlite-metadata.ts).
import { describe, it, expect } from "vitest";
import * as flatbuffers from "flatbuffers";
import { readModel, tflite as tfl, wasmliteMetadata, labelsFromMetadata } from "@wasmlite/format";

function write(model: tfl.ModelT): Uint8Array {
  const b = new flatbuffers.Builder(256);
  b.finish(model.pack(b), "TFL3");
  return b.asUint8Array();
}

/** A model of one subgraph whose operators and tensors are given; buffer 0 empty as the converter writes. */
function modelWith(p: {
  codes?: tfl.OperatorCodeT[];
  tensors?: tfl.TensorT[];
  operators?: tfl.OperatorT[];
  buffers?: tfl.BufferT[];
  metadata?: tfl.MetadataT[];
  subgraphs?: number;
}): tfl.ModelT {
  const graph = new tfl.SubGraphT(p.tensors ?? [], [0], [0], p.operators ?? []);
  return new tfl.ModelT(
    3,
    p.codes ?? [],
    p.subgraphs === 0 ? [] : [graph],
    "made by hand",
    p.buffers ?? [new tfl.BufferT()],
    [],
    p.metadata ?? [],
  );
}

describe("readModel", () => {
  it("refuses bytes that are not a TFLite model, and a model without a subgraph", () => {
    expect(() => readModel(new Uint8Array(16))).toThrow("not a TFLite model (file identifier is not TFL3)");
    expect(() => readModel(write(modelWith({ subgraphs: 0 })))).toThrow("model has no subgraph");
  });

  it("an operator's code from whichever field holds it; a missing code index reads as code -1, version 1", () => {
    const codes = [
      new tfl.OperatorCodeT(tfl.BuiltinOperator.FULLY_CONNECTED, null, 2, tfl.BuiltinOperator.ADD), // old files
      new tfl.OperatorCodeT(127, null, 3, 130 as tfl.BuiltinOperator), // a code past 127: the new field only
    ];
    const operators = [0, 1, 5].map((opcodeIndex) => new tfl.OperatorT(opcodeIndex, [0], [0]));
    const m = readModel(write(modelWith({ codes, operators, tensors: [new tfl.TensorT([1])] })));
    expect(m.operators.map((o) => [o.op, o.code, o.version])).toEqual([
      ["FULLY_CONNECTED", 9, 2],
      [expect.any(String), 130, 3],
      [expect.any(String), -1, 1],
    ]);
  });

  it("the schema version and description; a file without a description reads as ''", () => {
    const m = readModel(write(modelWith({})));
    expect([m.version, m.description]).toEqual([3, "made by hand"]);
    const unnamed = modelWith({});
    unnamed.description = null;
    expect(readModel(write(unnamed)).description).toBe("");
  });

  it("tensors: shape, type (by number when unknown), quantisation, variable flag, constant data", () => {
    const q = new tfl.QuantizationParametersT([], [], [0.5, 0.25], [BigInt(3), BigInt(-1)], undefined, null, 1);
    const tensors = [
      new tfl.TensorT([2, 3], tfl.TensorType.INT8, 1, "w", q),
      new tfl.TensorT([4], 99 as tfl.TensorType, 0, null, null, true),
    ];
    const m = readModel(write(modelWith({ tensors, buffers: [new tfl.BufferT(), new tfl.BufferT([1, 2, 3])] })));
    const [w, v] = m.tensors;
    expect(w).toMatchObject({ index: 0, name: "w", shape: [2, 3], type: "INT8", buffer: 1, dataBytes: 3 });
    expect(w).toMatchObject({ scale: [0.5, 0.25], zeroPoint: [3, -1], quantizedDimension: 1, isVariable: false });
    expect(Array.from(w!.data!)).toEqual([1, 2, 3]);
    expect(v).toMatchObject({ index: 1, name: "", type: "type#99", dataBytes: 0, data: undefined });
    expect(v).toMatchObject({ scale: [], zeroPoint: [], quantizedDimension: 0, isVariable: true });
  });

  it("options: the table's name and fields, the fused activation; unknown tables by number", () => {
    const fc = new tfl.FullyConnectedOptionsT(tfl.ActivationFunctionType.RELU);
    const operators = [
      new tfl.OperatorT(0, [0], [0], tfl.BuiltinOptions.FullyConnectedOptions, fc, [], undefined, [], [0]),
      new tfl.OperatorT(0, [0], [0]),
    ];
    const codes = [new tfl.OperatorCodeT(9, null, 1, tfl.BuiltinOperator.FULLY_CONNECTED)];
    const m = readModel(write(modelWith({ codes, operators, tensors: [new tfl.TensorT([1])] })));
    expect(m.operators[0]).toMatchObject({
      optionsType: "FullyConnectedOptions",
      activation: tfl.ActivationFunctionType.RELU,
      intermediates: [0],
    });
    expect(m.operators[0]!.options).toMatchObject({ fusedActivationFunction: tfl.ActivationFunctionType.RELU });
    expect(m.operators[1]).toMatchObject({ optionsType: "NONE", activation: undefined, options: null });
    // An options table this schema subset does not know: named by its number, its fields unread.
    const unknown = new tfl.OperatorT(0, [0], [0], 200 as tfl.BuiltinOptions);
    const u = readModel(write(modelWith({ codes, operators: [unknown], tensors: [new tfl.TensorT([1])] })));
    expect(u.operators[0]).toMatchObject({ optionsType: "options#200", options: null });
  });

  it("metadata by name; an entry whose buffer is missing reads as empty", () => {
    const metadata = [new tfl.MetadataT("wasmlite", 1), new tfl.MetadataT("lost", 7)];
    const json = Array.from(new TextEncoder().encode('{"labels":["cat",2]}'));
    const m = readModel(write(modelWith({ metadata, buffers: [new tfl.BufferT(), new tfl.BufferT(json)] })));
    expect(Object.keys(m.metadata)).toEqual(["wasmlite", "lost"]);
    expect(m.metadata.lost!.length).toBe(0);
    expect(labelsFromMetadata(m.metadata)).toEqual(["cat", "2"]);
  });
});

describe("the wasmlite metadata entry", () => {
  const entry = (text: string) => ({ wasmlite: new TextEncoder().encode(text) });

  it("is the JSON object stored under 'wasmlite'", () => {
    expect(wasmliteMetadata(entry('{"labels":["a","b"],"source":"x"}'))).toEqual({ labels: ["a", "b"], source: "x" });
    expect(labelsFromMetadata(entry('{"labels":["a","b"]}'))).toEqual(["a", "b"]);
  });

  it("is absent when missing, not JSON, or JSON that is not an object; labels only when an array", () => {
    expect(wasmliteMetadata({})).toBeUndefined();
    expect(wasmliteMetadata({ other: new Uint8Array([1]) })).toBeUndefined();
    expect(wasmliteMetadata(entry("{not json"))).toBeUndefined();
    expect(wasmliteMetadata(entry("null"))).toBeUndefined();
    expect(wasmliteMetadata(entry("3"))).toBeUndefined();
    expect(labelsFromMetadata(entry('{"labels":"a,b"}'))).toBeUndefined();
    expect(labelsFromMetadata(entry("{}"))).toBeUndefined();
    expect(labelsFromMetadata({})).toBeUndefined();
  });
});
