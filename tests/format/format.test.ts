// format/: the schema subset reads TFLite's own files correctly, our writer's
// files read back, and what tflite.fbs generates is current: the flatc
// bindings and the runtime's field ids and enum values (schema.ts).
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { readModel, ModelBuilder, TensorType, BuiltinOperator } from "@wasmlite/format";
import { fixture, allModels } from "../helpers/fixtures.ts";
import { haveTool } from "../helpers/system.ts";
import { runtimeSchemaSource } from "../../format/runtime-schema.mjs";

describe("reading TFLM's files with our schema subset", () => {
  it("hello_world_int8: three FULLY_CONNECTED, int8 in/out, int32 bias, quantized", () => {
    const m = readModel(fixture("hello_world/hello_world_int8.tflite"));
    expect(m.version).toBe(3);
    expect(m.operators.map((o) => o.op)).toEqual(["FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED"]);
    const input = m.tensors[m.inputs[0]!]!;
    expect(input.shape).toEqual([1, 1]);
    expect(input.type).toBe("INT8");
    expect(input.scale.length).toBe(1);
    expect(input.scale[0]).toBeGreaterThan(0);
    const fc = m.operators[0]!;
    expect(fc.optionsType).toBe("FullyConnectedOptions");
    expect(m.tensors[fc.inputs[1]!]!.type).toBe("INT8");
    expect(m.tensors[fc.inputs[1]!]!.dataBytes).toBe(16);
    expect(m.tensors[fc.inputs[2]!]!.type).toBe("INT32");
  });

  it("hello_world_float: float32 throughout", () => {
    const m = readModel(fixture("hello_world/hello_world_float.tflite"));
    expect(m.operators.map((o) => o.op)).toEqual(["FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED"]);
    expect(m.tensors.every((t) => t.type === "FLOAT32")).toBe(true);
  });

  it("micro_speech: the operators and the [1,1960] int8 input the README states", () => {
    const m = readModel(fixture("micro_speech/micro_speech_quantized.tflite"));
    expect(new Set(m.operators.map((o) => o.op))).toEqual(
      new Set(["DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "RESHAPE", "SOFTMAX"]),
    );
    const input = m.tensors[m.inputs[0]!]!;
    expect(input.shape).toEqual([1, 1960]);
    expect(input.type).toBe("INT8");
    expect(m.tensors[m.outputs[0]!]!.shape).toEqual([1, 4]);
  });

  it("mnist_lstm: UNIDIRECTIONAL_SEQUENCE_LSTM with a [1,28,28] input; int8 variant has per-channel or per-tensor int8 weights", () => {
    const f = readModel(fixture("mnist_lstm/trained_lstm.tflite"));
    expect(f.operators.map((o) => o.op)).toContain("UNIDIRECTIONAL_SEQUENCE_LSTM");
    expect(f.tensors[f.inputs[0]!]!.shape).toEqual([1, 28, 28]);
    const q = readModel(fixture("mnist_lstm/trained_lstm_int8.tflite"));
    expect(q.operators.map((o) => o.op)).toContain("UNIDIRECTIONAL_SEQUENCE_LSTM");
    expect(q.tensors.some((t) => t.type === "INT16")).toBe(true);
  });

  it("seanet fixtures: int16 activations with symmetric quantization", () => {
    for (const path of allModels().filter((p) => p.startsWith("seanet/"))) {
      const m = readModel(fixture(path));
      const op = path.split("/")[1]!.toUpperCase();
      expect(
        m.operators.map((o) => o.op),
        path,
      ).toContain(op === "CONV" ? "CONV_2D" : op);
      const out = m.tensors[m.outputs[0]!]!;
      expect(["INT16", "INT32"], path).toContain(out.type);
      expect(out.scale.length, path).toBe(1);
    }
  });

  it("every fixture parses, and every operator and tensor type is named by our schema", () => {
    const files = allModels();
    expect(files.length).toBe(128); // every .tflite copied from ../shared/conformance/tflm (seanet/strided_slice: 34)
    for (const path of files) {
      const m = readModel(fixture(path));
      for (const o of m.operators) expect(o.op, path).not.toMatch(/^builtin operator #/);
      for (const t of m.tensors) expect(t.type, path).not.toMatch(/^type#/);
    }
  });
});

describe("our writer", () => {
  it("writes a model that reads back with the same tensors, operators, 16-byte aligned data and metadata", () => {
    const b = new ModelBuilder();
    const x = b.addTensor({
      name: "x",
      shape: [1, 3],
      type: TensorType.INT8,
      quantization: { scale: [0.5], zeroPoint: [-3] },
    });
    const w = b.addTensor({
      name: "w",
      shape: [2, 3],
      type: TensorType.INT8,
      data: new Int8Array([1, -2, 3, -4, 5, -6]),
      quantization: { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0 },
    });
    const y = b.addTensor({
      name: "y",
      shape: [1, 2],
      type: TensorType.INT8,
      quantization: { scale: [0.25], zeroPoint: [1] },
    });
    b.addOperator({
      op: BuiltinOperator.FULLY_CONNECTED,
      inputs: [x, w, -1],
      outputs: [y],
      options: { type: "FullyConnectedOptions" },
    });
    b.setInputs([x]);
    b.setOutputs([y]);
    b.addMetadata("wasmlite.labels", ["cat", "dog"]);
    const bytes = b.finish();
    const m = readModel(bytes);
    expect(m.inputs).toEqual([x]);
    expect(m.outputs).toEqual([y]);
    expect(m.operators).toHaveLength(1);
    expect(m.operators[0]).toMatchObject({
      op: "FULLY_CONNECTED",
      code: 9,
      version: 1,
      inputs: [0, 1, -1],
      outputs: [2],
      optionsType: "FullyConnectedOptions",
      activation: 0,
    });
    expect(m.operators[0]!.options).toMatchObject({ fusedActivationFunction: 0, keepNumDims: false });
    expect(m.tensors[w]!.scale).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    expect(m.tensors[x]!.zeroPoint).toEqual([-3]);
    expect(JSON.parse(new TextDecoder().decode(m.metadata["wasmlite.labels"]))).toEqual(["cat", "dog"]);
    // The weights' bytes sit at a 16-byte aligned offset of the file.
    const needle = Uint8Array.from([1, 254, 3, 252, 5, 250]);
    const at = bytes.findIndex((_, i) => needle.every((v, k) => bytes[i + k] === v));
    expect(at).toBeGreaterThan(0);
    expect(at % 16).toBe(0);
  });
});

describe.skipIf(!haveTool("flatc", "flatbuffers-compiler"))("generated bindings", () => {
  it("format/generated equals a fresh flatc generation from format/tflite.fbs", () => {
    const formatDir = fileURLToPath(new URL("../../format/", import.meta.url));
    const fresh = mkdtempSync(join(tmpdir(), "wasmlite-gen-"));
    try {
      execFileSync("node", [join(formatDir, "generate.mjs"), "--out", fresh], { stdio: "pipe" });
      const list = (dir: string): string[] =>
        readdirSync(dir, { recursive: true, encoding: "utf8" })
          .filter((f) => statSync(join(dir, f)).isFile())
          .sort();
      const committed = join(formatDir, "generated");
      expect(list(fresh)).toEqual(list(committed));
      for (const f of list(fresh)) {
        expect(readFileSync(join(fresh, f), "utf8"), relative(formatDir, join(committed, f))).toBe(
          readFileSync(join(committed, f), "utf8"),
        );
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe("the runtime's schema constants", () => {
  const fbs = readFileSync(new URL("../../format/tflite.fbs", import.meta.url), "utf8");

  it("runtime-wasm/assembly/schema.ts is what tflite.fbs generates (run npm run gen:format after changing it)", () => {
    const committed = readFileSync(new URL("../../runtime-wasm/assembly/schema.ts", import.meta.url), "utf8");
    expect(committed).toBe(runtimeSchemaSource(fbs));
  });

  it("field ids count deprecated placeholders and give a union field two ids, as flatc lays tables out", () => {
    const schema = runtimeSchemaSource(fbs);
    // TFLite's own numbering (schema.fbs), against which the runtime reads real files.
    for (const [table, field, id] of [
      ["Tensor", "sparsity", 6],
      ["Tensor", "shape_signature", 7],
      ["QuantizationParameters", "details_type", 4],
      ["QuantizationParameters", "quantized_dimension", 6],
      ["Operator", "builtin_options_type", 3],
      ["Operator", "builtin_options", 4],
      ["Operator", "intermediates", 8],
      ["DepthwiseConv2DOptions", "dilation_h_factor", 6],
      ["UnidirectionalSequenceLSTMOptions", "time_major", 3],
    ] as const) {
      const block = schema.slice(schema.indexOf(`export namespace ${table} {`));
      expect(block.slice(0, block.indexOf("}")), `${table}.${field}`).toContain(`export const ${field}: i32 = ${id};`);
    }
    expect(schema).toContain("export const OPTIONS_CONV2D: i32 = 1;");
    expect(schema).toContain("export const OPTIONS_SEQUENCE_RNN: i32 = 31;");
    expect(schema).toContain("export const OP_UNIDIRECTIONAL_SEQUENCE_LSTM: i32 = 44;");
    expect(schema).toContain("export const TYPE_INT8: i32 = 9;");
  });
});
