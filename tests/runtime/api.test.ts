// The JS API and the ABI behind it: errors are WasmliteErrors with codes and
// messages naming the problem; views are zero-copy; invoke never grows memory.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { createRuntime, simdSupported, WasmliteError, ErrorCode, type Runtime } from "@wasmlite/runtime";
import { createNodeRuntime, SIMD_WASM, MVP_WASM } from "@wasmlite/runtime/node";
import { ModelBuilder, TensorType, BuiltinOperator } from "@wasmlite/format";
import { fixture } from "../helpers/fixtures.ts";
import { lenet, conv } from "../helpers/cnn.ts";
import { readModel } from "@wasmlite/format";
import { withEveryTensorAsOutput } from "../helpers/extract.ts";
import { randomInputs, gather } from "../helpers/models.ts";
import { Rng } from "../helpers/mutate.ts";

let rt: Runtime;
beforeAll(async () => {
  rt = await createNodeRuntime();
});

function expectError(fn: () => unknown, code: number, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WasmliteError);
  expect((caught as WasmliteError).code).toBe(code);
  expect((caught as WasmliteError).message).toMatch(message);
}

/** A one-FC float model: y = W x (+ b). */
function tinyFc(opts: { weights?: Float32Array; bias?: Float32Array | null; biasShape?: number[] } = {}): Uint8Array {
  const b = new ModelBuilder();
  const x = b.addTensor({ name: "x", shape: [1, 3], type: TensorType.FLOAT32 });
  const w = b.addTensor({
    name: "w",
    shape: [2, 3],
    type: TensorType.FLOAT32,
    data: opts.weights ?? new Float32Array([1, 2, 3, 4, 5, 6]),
  });
  const inputs = [x, w];
  if (opts.bias !== null) {
    inputs.push(
      b.addTensor({
        name: "b",
        shape: opts.biasShape ?? [2],
        type: TensorType.FLOAT32,
        data: opts.bias ?? new Float32Array([0.5, -0.5]),
      }),
    );
  }
  const y = b.addTensor({ name: "y", shape: [1, 2], type: TensorType.FLOAT32 });
  b.addOperator({
    op: BuiltinOperator.FULLY_CONNECTED,
    inputs,
    outputs: [y],
    options: { type: "FullyConnectedOptions" },
  });
  b.setInputs([x]);
  b.setOutputs([y]);
  return b.finish();
}

describe("createRuntime", () => {
  it("auto-detects SIMD and accepts precompiled modules (as Workers need)", async () => {
    const simd = new WebAssembly.Module(readFileSync(SIMD_WASM));
    const mvp = new WebAssembly.Module(readFileSync(MVP_WASM));
    const auto = await createRuntime({ simd, mvp });
    expect(auto.simd).toBe(simdSupported());
    expect((await createRuntime({ simd, mvp }, { simd: false })).simd).toBe(false);
    expect((await createRuntime({ simd: readFileSync(SIMD_WASM) }, { simd: true })).simd).toBe(true);
  });

  it("refuses a SIMD request without the SIMD build", async () => {
    await expect(createRuntime({ mvp: readFileSync(MVP_WASM) }, { simd: true })).rejects.toThrow(WasmliteError);
  });
});

describe("load and invoke", () => {
  it("computes a fully connected layer and exposes descriptors", () => {
    const model = rt.load(tinyFc());
    expect(model.inputs[0]).toMatchObject({
      name: "x",
      dtype: "float32",
      shape: [1, 3],
      scale: 0,
      zeroPoint: 0,
      byteLength: 12,
    });
    expect(model.outputs[0]).toMatchObject({ name: "y", dtype: "float32", shape: [1, 2] });
    const [y] = model.predict(new Float32Array([1, 0, -1]));
    expect(Array.from(y!)).toEqual([1 - 3 + 0.5, 4 - 6 - 0.5]);
  });

  it("input and output views are zero-copy views of the runtime's memory", () => {
    const model = rt.load(tinyFc({ bias: null }));
    const x = model.inputs[0]!.data as Float32Array;
    const y = model.outputs[0]!.data as Float32Array;
    expect(x.buffer).toBe(rt.memory.buffer);
    x.set([1, 1, 1]);
    model.invoke();
    expect(Array.from(y)).toEqual([6, 15]);
    x.set([2, 0, 0]);
    model.invoke();
    expect(Array.from(y)).toEqual([2, 8]);
  });

  it("invoke never grows memory, and the arena is at least the lower bound", () => {
    const model = rt.load(fixture("hello_world/hello_world_int8.tflite"));
    const bytes = rt.memory.buffer.byteLength;
    for (let i = 0; i < 100; i++) model.invoke();
    expect(rt.memory.buffer.byteLength).toBe(bytes);
    expect(model.arenaBytes).toBeGreaterThanOrEqual(model.arenaLowerBound);
    expect(model.memoryBytes).toBeLessThanOrEqual(bytes);
  });

  it("the planner reuses memory: a chain of FC layers needs the input and two live buffers, not one per tensor", () => {
    const b = new ModelBuilder();
    let prev = b.addTensor({ name: "x", shape: [1, 64], type: TensorType.FLOAT32 });
    b.setInputs([prev]);
    for (let l = 0; l < 6; l++) {
      const w = b.addTensor({
        name: `w${l}`,
        shape: [64, 64],
        type: TensorType.FLOAT32,
        data: new Float32Array(64 * 64).fill(0.01),
      });
      const y = b.addTensor({ name: `y${l}`, shape: [1, 64], type: TensorType.FLOAT32 });
      b.addOperator({ op: BuiltinOperator.FULLY_CONNECTED, inputs: [prev, w, -1], outputs: [y] });
      prev = y;
    }
    b.setOutputs([prev]);
    const bytes = b.finish();
    // 7 activations of 256 bytes: the input (kept through invoke) and at most two others are live at once.
    const model = rt.load(bytes);
    expect(model.arenaLowerBound).toBe(768);
    expect(model.arenaBytes).toBe(768);
    // With overwriteInputs the input's bytes are reused after the first layer: two buffers.
    const reusing = rt.load(bytes, { overwriteInputs: true });
    expect(reusing.arenaLowerBound).toBe(512);
    expect(reusing.arenaBytes).toBe(512);
  });

  it("sharing memory never changes results: LeNet-5 gives the same bytes with and without a shared arena", () => {
    for (const kind of ["float32", "int8"] as const) {
      const model = lenet(kind, 3);
      const separate = withEveryTensorAsOutput(model.bytes);
      const rng = new Rng(5);
      const inputs = Array.from({ length: 5 }, () => randomInputs(model, rng)[0]!);
      const run = (bytes: Uint8Array) => {
        const m = rt.load(bytes);
        return {
          arena: m.arenaBytes,
          outputs: inputs.map((x) => {
            (m.inputs[0]!.data as Int8Array).set(x);
            m.invoke();
            return Array.from(m.outputs[0]!.data as Int8Array);
          }),
        };
      };
      const shared = run(model.bytes);
      const unshared = run(separate);
      expect(shared.arena).toBeLessThan(unshared.arena);
      expect(shared.outputs).toEqual(unshared.outputs);
    }
  });

  it("the planner reaches the max-live lower bound on LeNet-5 and micro_speech, in both builds", async () => {
    const models = {
      "LeNet-5 float32": lenet("float32", 1).bytes,
      "LeNet-5 int8": lenet("int8", 1).bytes,
      micro_speech: fixture("micro_speech/micro_speech_quantized.tflite"),
    };
    // The builds' scratch differs (int8 CONV_2D: a widened, padded input in SIMD, one im2col row in MVP).
    for (const simd of [true, false]) {
      const runtime = simd ? rt : await createNodeRuntime({ simd: false });
      for (const [name, bytes] of Object.entries(models)) {
        for (const overwriteInputs of [false, true]) {
          const m = runtime.load(bytes, { overwriteInputs });
          const mode = overwriteInputs ? ", overwriteInputs" : "";
          console.log(
            `${name} (${simd ? "SIMD" : "MVP"}${mode}): arena ${m.arenaBytes} B, lower bound ${m.arenaLowerBound} B, total memory ${m.memoryBytes} B`,
          );
          expect(m.arenaBytes, name + mode).toBe(m.arenaLowerBound);
          if (simd && name === "LeNet-5 int8") {
            // conv1 does pool1 (and conv2 pool2), so the 28x28x6 and 10x10x16
            // unpooled tensors have no buffer. With the input kept, the peak is
            // during conv2: the image (1,024 B) + pool1 (14x14x6 = 1,176 B,
            // 1,184 aligned) + its widened copy (2 x 1,176 + 16 B) + pool2
            // (5x5x16 = 400 B). With overwriteInputs, during conv1: the image +
            // its widened copy (2 x 1,024 + 16 B) + pool1.
            expect(m.arenaLowerBound).toBe(overwriteInputs ? 1024 + 2064 + 1184 : 1024 + 1184 + 2368 + 400);
          }
        }
      }
    }
  });

  it("a second load invalidates the first model's handle", () => {
    const first = rt.load(tinyFc());
    rt.load(tinyFc());
    expectError(() => first.invoke(), ErrorCode.NOT_LOADED, /unloaded/);
  });

  it("predict checks input lengths", () => {
    const model = rt.load(tinyFc());
    expectError(() => model.predict(new Float32Array(4)), ErrorCode.BAD_CALL, /'x' has 3 elements \[1,3\], 4 given/);
  });
});

describe("indices from the host (GATHER): checked at every invoke", () => {
  // An embedding table [5, 2] looked up by 3 int32 ids from the host.
  const table = gather({ kind: "float32", shape: [5, 2], indicesShape: [3], seed: 1 });
  for (const build of ["SIMD", "MVP"] as const) {
    it(`${build} build: an id outside the table fails invoke() with BAD_INPUT naming it; the next valid invoke works`, async () => {
      const runtime = build === "SIMD" ? rt : await createRuntime({ mvp: readFileSync(MVP_WASM) }, { simd: false });
      const model = runtime.load(table.bytes);
      const params = Float32Array.from({ length: 10 }, (_, i) => i);
      const ok = model.predict([params, Int32Array.from([4, 0, 2])])[0]!;
      expect(Array.from(ok)).toEqual([8, 9, 0, 1, 4, 5]);
      for (const [ids, bad] of [
        [[1, 5, 0], /indices\[1\] is 5, outside 0\.\.4/],
        [[-1, 0, 0], /indices\[0\] is -1, outside 0\.\.4/],
        [[0, 0, 2147483647], /indices\[2\] is 2147483647/],
      ] as const)
        expectError(() => model.predict([params, Int32Array.from(ids)]), ErrorCode.BAD_INPUT, bad);
      expectError(
        () => model.predict([params, Float32Array.from([0, 9, 0])]),
        ErrorCode.BAD_INPUT,
        /operator 0 \(GATHER\)/,
      );
      expect(Array.from(model.predict([params, Float32Array.from([3, 3, 1])])[0]!)).toEqual([6, 7, 6, 7, 2, 3]);
      expectError(
        () => model.predict([params, Float32Array.from([0, 1.5, 2])]),
        ErrorCode.BAD_CALL,
        /input 1 'indices' takes whole numbers \(int32\); element 1 is 1.5/,
      );
    });
  }

  it("constant indices outside the table are refused at load", () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "table", shape: [4, 3], type: TensorType.FLOAT32 });
    const ids = b.addTensor({ name: "ids", shape: [2], type: TensorType.INT32, data: Int32Array.from([1, 4]) });
    const y = b.addTensor({ name: "y", shape: [2, 3], type: TensorType.FLOAT32 });
    b.addOperator({
      op: BuiltinOperator.GATHER,
      inputs: [x, ids],
      outputs: [y],
      options: { type: "GatherOptions", axis: 0 },
    });
    b.setInputs([x]);
    b.setOutputs([y]);
    expectError(
      () => rt.load(b.finish()),
      ErrorCode.INVALID_MODEL,
      /input 1 \(tensor 1 'ids'\) holds an index outside/,
    );
  });
});

describe("clear errors for bad models", () => {
  it("not a TFLite file", () => {
    expectError(
      () => rt.load(new TextEncoder().encode("definitely not a model")),
      ErrorCode.MALFORMED,
      /file identifier/,
    );
    expectError(() => rt.load(new Uint8Array(3)), ErrorCode.MALFORMED, /shorter than a FlatBuffer header/);
  });

  it("an unsupported operator is named", () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "x", shape: [4], type: TensorType.FLOAT32 });
    const y = b.addTensor({ name: "y", shape: [4], type: TensorType.FLOAT32 });
    b.addOperator({ op: BuiltinOperator.SQUEEZE, inputs: [x], outputs: [y] });
    b.setInputs([x]);
    b.setOutputs([y]);
    expectError(
      () => rt.load(b.finish()),
      ErrorCode.UNSUPPORTED_OPERATOR,
      /operator 0 \(SQUEEZE\): operator is not supported by wasmlite/,
    );
  });

  it("a buffer whose size disagrees with its tensor names the tensor", () => {
    expectError(
      () => rt.load(tinyFc({ weights: new Float32Array(5) })),
      ErrorCode.INVALID_MODEL,
      /tensor 1 'w': buffer \d+ holds 20 bytes but .* need 24/,
    );
  });

  it("a bias of the wrong length names the operator and the input", () => {
    expectError(
      () => rt.load(tinyFc({ bias: new Float32Array(3), biasShape: [3] })),
      ErrorCode.INVALID_MODEL,
      /operator 0 \(FULLY_CONNECTED\): input 2 \(tensor 2 'b'\) must have one bias per output channel/,
    );
  });

  it("an out-of-range tensor index names the operator", () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "x", shape: [1], type: TensorType.FLOAT32 });
    const y = b.addTensor({ name: "y", shape: [1], type: TensorType.FLOAT32 });
    b.addOperator({ op: BuiltinOperator.RELU, inputs: [7], outputs: [y] });
    b.setInputs([x]);
    b.setOutputs([y]);
    expectError(() => rt.load(b.finish()), ErrorCode.INVALID_MODEL, /operator 0 inputs\[0\] = 7 is not a tensor index/);
  });

  it("a tensor read before anything writes it", () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "x", shape: [1], type: TensorType.FLOAT32 });
    const ghost = b.addTensor({ name: "ghost", shape: [1], type: TensorType.FLOAT32 });
    const y = b.addTensor({ name: "y", shape: [1], type: TensorType.FLOAT32 });
    b.addOperator({ op: BuiltinOperator.ADD, inputs: [x, ghost], outputs: [y] });
    b.setInputs([x]);
    b.setOutputs([y]);
    expectError(
      () => rt.load(b.finish()),
      ErrorCode.INVALID_MODEL,
      /reads tensor 1 'ghost' before any operator writes it/,
    );
  });

  it("a type an operator does not support names the tensor and type", () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "x", shape: [4], type: TensorType.INT32 });
    const y = b.addTensor({ name: "y", shape: [4], type: TensorType.INT32 });
    b.addOperator({ op: BuiltinOperator.RELU, inputs: [x], outputs: [y] });
    b.setInputs([x]);
    b.setOutputs([y]);
    expectError(
      () => rt.load(b.finish()),
      ErrorCode.UNSUPPORTED_TYPE,
      /operator 0 \(RELU\): tensor 0 'x' has type INT32/,
    );
  });

  it("a MEAN whose scales make the float rescaling infinite is refused by name (it trapped the MVP build: found by the fuzzer)", async () => {
    const b = new ModelBuilder();
    const x = b.addTensor({
      name: "x",
      shape: [1, 4, 4, 3],
      type: TensorType.INT8,
      quantization: { scale: [0.0157], zeroPoint: [-20] },
    });
    const axes = b.addTensor({ name: "axes", shape: [2], type: TensorType.INT32, data: Int32Array.of(1, 2) });
    const y = b.addTensor({
      name: "y",
      shape: [1, 1, 1, 3],
      type: TensorType.INT8,
      quantization: { scale: [7.6e-43], zeroPoint: [-15] },
    });
    b.addOperator({
      op: BuiltinOperator.MEAN,
      inputs: [x, axes],
      outputs: [y],
      options: { type: "ReducerOptions", keepDims: true },
    });
    b.setInputs([x]);
    b.setOutputs([y]);
    const bytes = b.finish();
    for (const simd of [true, false]) {
      const runtime = await createNodeRuntime({ simd });
      expectError(
        () => runtime.load(bytes),
        ErrorCode.INVALID_MODEL,
        /operator 0 \(MEAN\): the input and output scales give a non-finite rescaling/,
      );
    }
  });

  it("convolution options out of range are named", () => {
    const bad = (patch: (o: Record<string, number>) => void) => {
      const m = readModel(
        conv({ kind: "float32", input: [1, 5, 5, 2], outChannels: 3, kernel: [3, 3], padding: "VALID", seed: 1 }).bytes,
      );
      const o = { ...(m.operators[0]!.options as Record<string, number>) };
      patch(o);
      const b = new ModelBuilder();
      for (const t of m.tensors)
        b.addTensor({
          name: t.name,
          shape: t.shape,
          type: TensorType[t.type as keyof typeof TensorType],
          data: t.data,
        });
      b.addOperator({
        op: BuiltinOperator.CONV_2D,
        inputs: m.operators[0]!.inputs,
        outputs: m.operators[0]!.outputs,
        options: {
          type: "Conv2DOptions",
          padding: o.padding!,
          strideW: o.strideW!,
          strideH: o.strideH!,
          dilationW: o.dilationWFactor,
          dilationH: o.dilationHFactor,
        },
      });
      b.setInputs(m.inputs);
      b.setOutputs(m.outputs);
      return b.finish();
    };
    expectError(
      () => rt.load(bad((o) => (o.strideW = 0))),
      ErrorCode.INVALID_MODEL,
      /CONV_2D\): strides must be between 1 and 4096/,
    );
    expectError(
      () => rt.load(bad((o) => (o.dilationHFactor = 0))),
      ErrorCode.INVALID_MODEL,
      /dilations must be between 1 and 4096/,
    );
    expectError(() => rt.load(bad((o) => (o.padding = 7))), ErrorCode.INVALID_MODEL, /padding must be SAME or VALID/);
    expectError(
      () => rt.load(bad((o) => (o.dilationWFactor = 3))),
      ErrorCode.INVALID_MODEL,
      /kernel is larger than the input/,
    );
    expectError(
      () => rt.load(bad((o) => (o.strideH = 2))),
      ErrorCode.INVALID_MODEL,
      /output 0 \(tensor \d+ 'y'\) does not have the shape the convolution produces/,
    );
  });

  it("a convolution whose padded input would take 1 GiB is refused by name, in both builds", async () => {
    // SAME padding with dilation 4096 pads 2x2 pixels to 4098x4098: with 64 int8 channels
    // (widened to 2 bytes) or 32 float ones, 2^30 bytes or more.
    const huge = [
      conv({
        kind: "int8",
        input: [1, 2, 2, 64],
        outChannels: 1,
        kernel: [2, 2],
        dilation: [4096, 4096],
        padding: "SAME",
        seed: 1,
      }),
      conv({
        kind: "float32",
        input: [1, 2, 2, 32],
        outChannels: 1,
        kernel: [2, 2],
        dilation: [4096, 4096],
        padding: "SAME",
        seed: 1,
      }),
    ];
    for (const simd of [true, false]) {
      const runtime = await createNodeRuntime({ simd });
      for (const model of huge) {
        expectError(
          () => runtime.load(model.bytes),
          ErrorCode.UNSUPPORTED_FEATURE,
          /CONV_2D\): padded input would take 1 GiB or more/,
        );
      }
    }
    // With one channel (4098 x 4098 x 2 bytes, 32 MB) the same geometry loads and runs.
    const large = conv({
      kind: "int8",
      input: [1, 2, 2, 1],
      outChannels: 1,
      kernel: [2, 2],
      dilation: [4096, 4096],
      padding: "SAME",
      seed: 1,
    });
    const model = rt.load(large.bytes);
    model.invoke();
  });

  it("a memory limit turns a huge model into OUT_OF_MEMORY, not a crash", async () => {
    const limited = await createNodeRuntime({ memoryLimitBytes: 1 << 20 });
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "x", shape: [1024, 1024], type: TensorType.FLOAT32 });
    const y = b.addTensor({ name: "y", shape: [1024, 1024], type: TensorType.FLOAT32 });
    b.addOperator({ op: BuiltinOperator.RELU, inputs: [x], outputs: [y] });
    b.setInputs([x]);
    b.setOutputs([y]);
    expectError(() => limited.load(b.finish()), ErrorCode.OUT_OF_MEMORY, /more than the limit of 1048576/);
  });

  it("the raw ABI answers misuse with error codes, never a trap", () => {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(MVP_WASM)), {});
    const x = instance.exports as Record<string, (...args: number[]) => number>;
    expect(x.wl_invoke!()).toBe(ErrorCode.NOT_LOADED);
    expect(x.wl_error_code!()).toBe(ErrorCode.NOT_LOADED);
    expect(x.wl_input_tensor!(0)).toBe(-1);
    expect(x.wl_tensor_data!(12345)).toBe(0);
    const ptr = x.wl_model_reserve!(16);
    expect(ptr).toBeGreaterThan(0);
    expect(x.wl_load!(17)).toBe(ErrorCode.BAD_CALL); // more than reserved
    expect(x.wl_load!(16)).toBe(ErrorCode.MALFORMED); // 16 zero bytes
  });
});

describe("SIMD detection", () => {
  it("Node 20 supports WebAssembly SIMD, and the probe says so", () => {
    expect(simdSupported()).toBe(true);
  });
});
