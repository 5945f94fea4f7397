// Quirks real model files carry that TFLite Micro runs, so wasmlite must run
// them too, with the results of the same model without the quirk (each case
// is loaded twice, with and without, in both builds, and the output bytes
// compared). What wasmlite still refuses, and why, is written beside each
// check in runtime-wasm/assembly/model.ts and the kernels' prepare.
import { describe, it, expect, beforeAll } from "vitest";
import { ModelBuilder, TensorType, BuiltinOperator, ActivationFunctionType } from "@wasmlite/format";
import { bothBuilds, type Builds } from "../helpers/runtimes.ts";
import { WasmliteError, ErrorCode } from "@wasmlite/runtime";
import { AbiHost } from "../helpers/abi-host.ts";
import { editModel } from "../helpers/edit-model.ts";

let builds: Builds;
beforeAll(async () => {
  builds = await bothBuilds();
});

type Quant = { scale: number[]; zeroPoint: number[]; quantizedDimension?: number };

/** Output bytes of `bytes` (one model input, filled with `input`) in both builds; they must agree. */
function run(bytes: Uint8Array, input: ArrayLike<number>): Uint8Array {
  const outputs = (["simd", "mvp"] as const).map((build) => {
    const model = builds[build].load(bytes);
    (model.inputs[0]!.data as Float32Array).set(input);
    model.invoke();
    const y = model.outputs[0]!;
    return new Uint8Array(y.data.buffer, y.data.byteOffset, y.byteLength).slice();
  });
  expect(outputs[1]).toEqual(outputs[0]);
  return outputs[0]!;
}

/** An int8 FULLY_CONNECTED, [1, 3] -> [1, 2], with each tensor's quantisation given. */
function fcInt8(q: { x: Quant; w: Quant; b: Quant; y: Quant }): Uint8Array {
  const b = new ModelBuilder();
  const x = b.addTensor({ name: "x", shape: [1, 3], type: TensorType.INT8, quantization: q.x });
  const w = b.addTensor({
    name: "w",
    shape: [2, 3],
    type: TensorType.INT8,
    quantization: q.w,
    data: Int8Array.of(12, -7, 100, -128, 5, 33),
  });
  const bias = b.addTensor({
    name: "b",
    shape: [2],
    type: TensorType.INT32,
    quantization: q.b,
    data: Int32Array.of(40, -900),
  });
  const y = b.addTensor({ name: "y", shape: [1, 2], type: TensorType.INT8, quantization: q.y });
  b.addOperator({ op: BuiltinOperator.FULLY_CONNECTED, inputs: [x, w, bias], outputs: [y] });
  b.setInputs([x]);
  b.setOutputs([y]);
  return b.finish();
}

/**
 * The model with tensor `name`'s zero points replaced (our writer refuses a
 * count that differs from the scales', so the file is rewritten through the
 * FlatBuffers object API).
 */
function withZeroPoints(bytes: Uint8Array, name: string, zeroPoints: number[]): Uint8Array {
  return editModel(bytes, (model) => {
    const tensor = model.subgraphs[0]!.tensors.find((t) => t.name === name)!;
    tensor.quantization!.zeroPoint = zeroPoints.map((z) => BigInt(z));
  });
}

const PLAIN = {
  x: { scale: [0.05], zeroPoint: [3] },
  w: { scale: [0.02], zeroPoint: [0] },
  b: { scale: [0.001], zeroPoint: [0] },
  y: { scale: [0.08], zeroPoint: [-5] },
};
const X = [17, -90, 64];

describe("model quirks TFLM runs, and wasmlite runs the same", () => {
  it("a per-tensor quantised tensor whose (unused) quantized_dimension is out of range, or negative", () => {
    const expected = run(fcInt8(PLAIN), X);
    for (const dim of [7, -1, 1000]) {
      const odd = (q: Quant) => ({ ...q, quantizedDimension: dim });
      expect(
        run(fcInt8({ x: odd(PLAIN.x), w: odd(PLAIN.w), b: odd(PLAIN.b), y: odd(PLAIN.y) }), X),
        `dim ${dim}`,
      ).toEqual(expected);
    }
  });

  it("per-channel scales no kernel reads (a bias's), with a quantized_dimension outside its rank", () => {
    const expected = run(fcInt8(PLAIN), X);
    const bias = { scale: [0.001, 0.002], zeroPoint: [0, 0], quantizedDimension: 3 };
    expect(run(fcInt8({ ...PLAIN, b: bias }), X)).toEqual(expected);
  });

  it("more zero points than scales (the extra ones are unused)", () => {
    const expected = run(fcInt8(PLAIN), X);
    expect(run(withZeroPoints(fcInt8(PLAIN), "y", [-5, 9, 9]), X)).toEqual(expected);
  });

  it("scales without zero points: not quantised (a float tensor carrying a scale)", () => {
    const float = (q: Quant | undefined) => {
      const b = new ModelBuilder();
      const x = b.addTensor({ name: "x", shape: [1, 3], type: TensorType.FLOAT32, quantization: q });
      const w = b.addTensor({
        name: "w",
        shape: [2, 3],
        type: TensorType.FLOAT32,
        data: Float32Array.of(1, 2, 3, 4, 5, 6),
      });
      const y = b.addTensor({ name: "y", shape: [1, 2], type: TensorType.FLOAT32, quantization: q });
      b.addOperator({ op: BuiltinOperator.FULLY_CONNECTED, inputs: [x, w, -1], outputs: [y] });
      b.setInputs([x]);
      b.setOutputs([y]);
      return b.finish();
    };
    const expected = run(float(undefined), [0.5, -1, 2]);
    const scaleOnly = withZeroPoints(withZeroPoints(float({ scale: [0.1], zeroPoint: [0] }), "x", []), "y", []);
    expect(run(scaleOnly, [0.5, -1, 2])).toEqual(expected);
  });

  it("a variable tensor with a buffer: the buffer is ignored and the state starts at zero, as TFLM's allocator does", async () => {
    const rnn = (initial: Float32Array | undefined) => {
      const b = new ModelBuilder();
      const f32 = TensorType.FLOAT32;
      const x = b.addTensor({ name: "x", shape: [1, 3, 2], type: f32 });
      const w = b.addTensor({
        name: "W",
        shape: [4, 2],
        type: f32,
        data: Float32Array.of(0.5, -1, 0.25, 2, -0.75, 1, 1.5, 0),
      });
      const u = b.addTensor({
        name: "U",
        shape: [4, 4],
        type: f32,
        data: Float32Array.from({ length: 16 }, (_, i) => ((i % 5) - 2) / 4),
      });
      const bias = b.addTensor({ name: "b", shape: [4], type: f32, data: Float32Array.of(0.1, -0.2, 0.3, 0) });
      const h = b.addTensor({ name: "h", shape: [1, 4], type: f32, isVariable: true, data: initial });
      const y = b.addTensor({ name: "y", shape: [1, 3, 4], type: f32 });
      b.addOperator({
        op: BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN,
        inputs: [x, w, u, bias, h],
        outputs: [y],
        options: { type: "SequenceRNNOptions", activation: ActivationFunctionType.TANH },
      });
      b.setInputs([x]);
      b.setOutputs([y]);
      return b.finish();
    };
    const input = [0.3, -0.6, 1, 0.2, -0.4, 0.9];
    const expected = run(rnn(undefined), input);
    expect(run(rnn(new Float32Array(4)), input)).toEqual(expected);
    expect(run(rnn(Float32Array.of(1, 2, 3, 4)), input)).toEqual(expected);
    // The state lives in the arena: the model's bytes in memory (its buffer included) stay as loaded.
    for (const simd of [true, false]) {
      const host = await AbiHost.create(simd);
      const bytes = rnn(Float32Array.of(1, 2, 3, 4));
      host.load(bytes);
      host.invoke();
      expect(host.modelIntact(bytes), simd ? "SIMD" : "MVP").toBe(true);
    }
  });

  it("int32 ADD whose tensors carry quantisation parameters (ignored for int32, as TFLite does)", () => {
    const add = (q: Quant | undefined) => {
      const b = new ModelBuilder();
      const i32 = TensorType.INT32;
      const a = b.addTensor({ name: "a", shape: [3], type: i32, quantization: q });
      const c = b.addTensor({ name: "c", shape: [3], type: i32, quantization: q, data: Int32Array.of(5, -7, 1 << 20) });
      const y = b.addTensor({ name: "y", shape: [3], type: i32, quantization: q });
      b.addOperator({ op: BuiltinOperator.ADD, inputs: [a, c], outputs: [y] });
      b.setInputs([a]);
      b.setOutputs([y]);
      return b.finish();
    };
    const expected = run(add(undefined), [1, 2, 3]);
    expect(new Int32Array(expected.buffer)).toEqual(Int32Array.of(6, -5, (1 << 20) + 3));
    expect(run(add({ scale: [1], zeroPoint: [0] }), [1, 2, 3])).toEqual(expected);
  });
});

describe("what stays refused: TFLM would read past the data", () => {
  it("fewer zero points than scales", () => {
    const bytes = withZeroPoints(fcInt8({ ...PLAIN, w: { scale: [0.02, 0.03], zeroPoint: [0, 0] } }), "w", [0]);
    let caught: unknown;
    try {
      builds.simd.load(bytes);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WasmliteError);
    expect((caught as WasmliteError).code).toBe(ErrorCode.INVALID_MODEL);
    expect((caught as WasmliteError).message).toMatch(/tensor 1 'w'.*has 2 quantization scales but only 1 zero points/);
  });

  it("per-channel weights whose scale count or axis disagrees with the kernel's", () => {
    const wrongAxis = fcInt8({ ...PLAIN, w: { scale: [0.02, 0.03], zeroPoint: [0, 0], quantizedDimension: 1 } });
    const wrongCount = fcInt8({
      ...PLAIN,
      w: { scale: [0.02, 0.03, 0.04], zeroPoint: [0, 0, 0], quantizedDimension: 0 },
    });
    for (const bytes of [wrongAxis, wrongCount]) {
      expect(() => builds.simd.load(bytes)).toThrow(
        /operator 0 \(FULLY_CONNECTED\): input 1 .*per-channel scales must run along dimension 0/,
      );
    }
  });
});
