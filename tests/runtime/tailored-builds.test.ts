// Tailored runtimes (`wasmlite build-runtime`): built from a model, they run
// it bit for bit as the full builds do, refuse by name what they leave out
// (an operator, a tensor type), and stay within the size budgets. Also: the
// generated sources checked in for the full builds are current, and every
// builtin operator of the schema has its name.
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { buildTailoredRuntime, modelSelection } from "@wasmlite/runtime-builder";
import { createNodeRuntime } from "@wasmlite/runtime/node";
import { WasmliteError, ErrorCode, type Runtime, type Model } from "@wasmlite/runtime";
import { BUILTIN_OPERATOR_NAMES } from "@wasmlite/runtime/operator-names";
import { generatedSources, OPERATOR_NAMES } from "@wasmlite/runtime-builder";
import { ModelBuilder, TensorType, readModel, tflite } from "@wasmlite/format";
import { TFLM_DIR } from "../helpers/fixtures.ts";
import { lenet } from "../helpers/cnn.ts";
import { editModel } from "../helpers/edit-model.ts";
import { randomInputs } from "../helpers/models.ts";
import { Rng } from "../helpers/mutate.ts";
import { AbiHost, AbiError } from "../helpers/abi-host.ts";
import { mutate } from "../helpers/mutate.ts";
import * as flatbuffers from "flatbuffers";

// The size budgets for builds holding only what one model uses (a microcontroller's flash).
const HELLO_WORLD_BUDGET = 16 * 1024;
const LENET_BUDGET = 32 * 1024;

const dir = mkdtempSync(join(tmpdir(), "wasmlite-build-runtime-"));
const HELLO_INT8 = join(TFLM_DIR, "hello_world/hello_world_int8.tflite");
const HELLO_FLOAT = join(TFLM_DIR, "hello_world/hello_world_float.tflite");
const MICRO_SPEECH = join(TFLM_DIR, "micro_speech/micro_speech_quantized.tflite");
const LENET = join(dir, "lenet-int8.tflite");

interface Pair {
  simd: Runtime;
  mvp: Runtime;
}

async function runtimes(buildDir?: string): Promise<Pair> {
  const [simd, mvp] = await Promise.all([
    createNodeRuntime({ dir: buildDir, simd: true }),
    createNodeRuntime({ dir: buildDir, simd: false }),
  ]);
  return { simd, mvp };
}

/** Output bytes of `model` for one input vector per model input. */
function outputsFor(model: Model, inputs: number[][]): Uint8Array[] {
  model.inputs.forEach((t, i) => (t.data as Float32Array).set(inputs[i]!)); // every input of these models is a number type
  model.invoke();
  return model.outputs.map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.byteLength).slice());
}

function loadError(rt: Runtime, bytes: Uint8Array): WasmliteError {
  try {
    rt.load(bytes);
  } catch (e) {
    if (e instanceof WasmliteError) return e;
    throw e;
  }
  throw new Error("the model loaded");
}

let full: Pair;
beforeAll(async () => {
  full = await runtimes();
  writeFileSync(LENET, lenet("int8", 5).bytes);
});

describe("a runtime tailored to hello_world int8 (the CLI)", () => {
  const out = join(dir, "hello");
  let tailored: Pair;
  beforeAll(async () => {
    const r = await runCli(["build-runtime", "--model", HELLO_INT8, "--out", out]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/operators: FULLY_CONNECTED\nkernel types: INT8/);
    tailored = await runtimes(out);
  }, 120_000);

  it(`holds FULLY_CONNECTED for int8 only, each build at most ${HELLO_WORLD_BUDGET} bytes`, () => {
    const manifest = JSON.parse(readFileSync(join(out, "wasmlite-build.json"), "utf8"));
    expect(manifest.operators).toEqual(["FULLY_CONNECTED"]);
    expect(manifest.types).toEqual(["INT8"]);
    console.log("hello_world int8 tailored sizes:", manifest.sizes);
    for (const file of ["wasmlite.wasm", "wasmlite-mvp.wasm"]) {
      const bytes = readFileSync(join(out, file)).length;
      expect(manifest.sizes[file].bytes).toBe(bytes);
      expect(bytes).toBeLessThanOrEqual(HELLO_WORLD_BUDGET);
    }
  });

  it("runs the model bit for bit as the full builds do, on every int8 input", () => {
    const bytes = new Uint8Array(readFileSync(HELLO_INT8));
    for (const build of ["simd", "mvp"] as const) {
      const a = full[build].load(bytes);
      const b = tailored[build].load(bytes);
      expect(tailored[build].simd).toBe(build === "simd");
      for (let q = -128; q < 128; q++) expect(outputsFor(b, [[q]]), `input ${q}`).toEqual(outputsFor(a, [[q]]));
    }
  });

  it("refuses a model needing an operator it lacks, naming the operator and the rebuild command", () => {
    for (const build of ["simd", "mvp"] as const) {
      const e = loadError(tailored[build], new Uint8Array(readFileSync(MICRO_SPEECH)));
      expect(e.code).toBe(ErrorCode.UNSUPPORTED_OPERATOR);
      expect(e.message).toMatch(
        /^operator 0 \(RESHAPE\): operator is not in this tailored wasmlite build; rebuild it with `wasmlite build-runtime --model MODEL.tflite`/,
      );
    }
  });

  it("refuses a model whose tensor type it has no kernels for, naming the type", () => {
    for (const build of ["simd", "mvp"] as const) {
      const e = loadError(tailored[build], new Uint8Array(readFileSync(HELLO_FLOAT)));
      expect(e.code).toBe(ErrorCode.UNSUPPORTED_TYPE);
      expect(e.message).toMatch(
        /^operator 0 \(FULLY_CONNECTED\): input 0 has type FLOAT32, which this tailored wasmlite build has no kernels for; rebuild/,
      );
    }
  });

  const TRANSPOSE: number = 39; // the schema's code (format's BuiltinOperator lists only what the builder writes)
  it("names an operator wasmlite has nowhere (through the JS API: the build holds only its own names)", () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "x", shape: [2, 3], type: TensorType.FLOAT32 });
    const y = b.addTensor({ name: "y", shape: [3, 2], type: TensorType.FLOAT32 });
    b.addOperator({ op: TRANSPOSE, inputs: [x], outputs: [y] });
    b.setInputs([x]);
    b.setOutputs([y]);
    const e = loadError(tailored.simd, b.finish());
    expect(e.message).toMatch(/^operator 0 \(TRANSPOSE\): operator is not in this tailored wasmlite build/);
  });
});

describe("a runtime tailored to LeNet-5 int8", () => {
  const out = join(dir, "lenet");
  let tailored: Pair;
  beforeAll(async () => {
    await buildTailoredRuntime({ models: [LENET], ops: [], out });
    tailored = await runtimes(out);
  }, 120_000);

  it(`holds its five operators, each build at most ${LENET_BUDGET} bytes`, () => {
    const manifest = JSON.parse(readFileSync(join(out, "wasmlite-build.json"), "utf8"));
    expect(manifest.operators).toEqual(["FULLY_CONNECTED", "SOFTMAX", "RESHAPE", "CONV_2D", "MAX_POOL_2D"]);
    expect(manifest.types).toEqual(["INT8"]);
    console.log("LeNet-5 int8 tailored sizes:", manifest.sizes);
    for (const file of ["wasmlite.wasm", "wasmlite-mvp.wasm"]) {
      expect(readFileSync(join(out, file)).length).toBeLessThanOrEqual(LENET_BUDGET);
    }
  });

  it("runs it bit for bit as the full builds do (the SIMD build's conv + max-pool pass included)", () => {
    const model = lenet("int8", 5);
    const rng = new Rng(18);
    for (const build of ["simd", "mvp"] as const) {
      const a = full[build].load(model.bytes);
      const b = tailored[build].load(model.bytes);
      // Same plan: the pass that lets the convolution do the pooling ran in both.
      expect(b.arenaBytes).toBe(a.arenaBytes);
      for (let k = 0; k < 8; k++) {
        const inputs = randomInputs(model, rng);
        expect(outputsFor(b, inputs), `input ${k}`).toEqual(outputsFor(a, inputs));
      }
    }
  });
});

describe("tailored builds under malformed models", () => {
  /** Every tensor of `bytes` given each type in turn (through the FlatBuffers object API), then `flips` random byte flips. */
  function variants(bytes: Uint8Array, flips: number, rng: Rng): Uint8Array[] {
    const out: Uint8Array[] = [];
    const tensorCount = tflite.Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes)).subgraphs(0)!.tensorsLength();
    for (let t = 0; t < tensorCount; t++) {
      for (const type of [
        tflite.TensorType.FLOAT32,
        tflite.TensorType.INT8,
        tflite.TensorType.INT16,
        tflite.TensorType.INT32,
      ]) {
        out.push(editModel(bytes, (model) => void (model.subgraphs[0]!.tensors[t]!.type = type)));
      }
    }
    for (let i = 0; i < flips; i++) out.push(mutate(bytes, "flip", rng));
    return out;
  }

  it("every tensor retyped, and random flips: each loads and runs or is refused with an error code, never a trap", async () => {
    const cases = [
      { dir: join(dir, "hello"), bytes: new Uint8Array(readFileSync(HELLO_INT8)) },
      { dir: join(dir, "lenet"), bytes: new Uint8Array(readFileSync(LENET)) },
    ];
    const rng = new Rng(1818);
    for (const { dir: buildDir, bytes } of cases) {
      for (const [file, simd] of [
        ["wasmlite.wasm", true],
        ["wasmlite-mvp.wasm", false],
      ] as const) {
        const host = await AbiHost.create(simd, 256 << 20, new Uint8Array(readFileSync(join(buildDir, file))));
        let ran = 0;
        let refused = 0;
        for (const model of variants(bytes, 300, rng)) {
          try {
            host.load(model);
            host.invoke();
            ran++;
          } catch (e) {
            if (!(e instanceof AbiError)) throw new Error(`${buildDir}/${file}: ${(e as Error).message}`);
            refused++;
          }
        }
        expect(ran + refused).toBeGreaterThan(300);
        expect(refused).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});

describe("wasmlite build-runtime: what it selects and what it refuses", () => {
  it("selects every operator of micro_speech and the input types of its typed operators", () => {
    const selection = modelSelection(readModel(new Uint8Array(readFileSync(MICRO_SPEECH))), "micro_speech");
    expect(selection).toEqual({
      operators: ["FULLY_CONNECTED", "SOFTMAX", "RESHAPE", "DEPTHWISE_CONV_2D"],
      types: ["INT8"],
    });
  });

  it("refuses a model using an operator wasmlite does not implement, before compiling anything", async () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "x", shape: [4], type: TensorType.FLOAT32 });
    const y = b.addTensor({ name: "y", shape: [4], type: TensorType.FLOAT32 });
    const TRANSPOSE: number = 39; // past the operators format/'s bindings know: named from the schema's full list
    b.addOperator({ op: TRANSPOSE, inputs: [x], outputs: [y] });
    b.setInputs([x]);
    b.setOutputs([y]);
    const file = join(dir, "transpose.tflite");
    writeFileSync(file, b.finish());
    const out = join(dir, "transpose-build");
    const r = await runCli(["build-runtime", "--model", file, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /transpose\.tflite uses TRANSPOSE, which wasmlite does not implement \(operators it has: FULLY_CONNECTED, /,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("refuses unknown operators and types, a missing --out, a model given without --model, and an unreadable model", async () => {
    const cases: [string[], number, RegExp][] = [
      [
        ["build-runtime", "--ops", "CONV_2D,TRANSPOSE", "--out", dir],
        1,
        /--ops: not operators wasmlite implements: TRANSPOSE/,
      ],
      [
        ["build-runtime", "--ops", "CONV_2D", "--types", "int8,uint8", "--out", dir],
        1,
        /--types: .*UINT8 \(choose from FLOAT32, INT8, INT16\)/,
      ],
      [["build-runtime", "--model", HELLO_INT8], 2, /wasmlite build-runtime: --out DIR is required/],
      [["build-runtime", HELLO_INT8, "--out", dir], 2, /takes models as --model FILE/],
      [["build-runtime", "--out", dir], 1, /needs at least one --model or --ops/],
      [["build-runtime", "--model", join(dir, "missing.tflite"), "--out", dir], 1, /cannot read .*missing\.tflite/],
      [["build-runtime", "--model", LENET + "x", "--out", dir], 1, /cannot read/],
    ];
    writeFileSync(join(dir, "garbage.tflite"), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    cases.push([
      ["build-runtime", "--model", join(dir, "garbage.tflite"), "--out", dir],
      1,
      /garbage\.tflite is not a readable TFLite model/,
    ]);
    for (const [argv, code, message] of cases) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(code);
      expect(r.err, argv.join(" ")).toMatch(message);
    }
  });
});

describe("generated runtime sources", () => {
  it("assembly/registry.ts, operator_names.ts and build_types.ts are what operators.mjs generates for the full builds", () => {
    for (const [file, text] of Object.entries(generatedSources())) {
      expect(readFileSync(new URL(`../../runtime-wasm/assembly/${file}`, import.meta.url), "utf8"), file).toBe(text);
    }
  });

  it("every builtin operator of format/tflite.fbs has its name, at its code (the names go on to the newest schema's)", () => {
    const codes = Object.entries(tflite.BuiltinOperator).filter(([, v]) => typeof v === "number");
    expect(codes.length).toBeGreaterThan(20);
    expect(new Set(BUILTIN_OPERATOR_NAMES).size).toBe(BUILTIN_OPERATOR_NAMES.length); // no name twice
    expect(BUILTIN_OPERATOR_NAMES.every((n) => /^[A-Z][A-Z0-9_]*$/.test(n))).toBe(true); // no holes
    for (const [name, code] of codes) expect(BUILTIN_OPERATOR_NAMES[code as number], name).toBe(name);
  });

  it("the full builds name every builtin operator they do not implement themselves (no JS API between)", async () => {
    for (const simd of [true, false]) {
      const host = await AbiHost.create(simd);
      for (const [code, name] of BUILTIN_OPERATOR_NAMES.entries()) {
        if (OPERATOR_NAMES.includes(name)) continue;
        const b = new ModelBuilder();
        const x = b.addTensor({ name: "x", shape: [1], type: TensorType.FLOAT32 });
        const y = b.addTensor({ name: "y", shape: [1], type: TensorType.FLOAT32 });
        b.addOperator({ op: code, inputs: [x], outputs: [y] });
        b.setInputs([x]);
        b.setOutputs([y]);
        expect(() => host.load(b.finish()), name).toThrow(`operator 0 (${name}): `);
      }
    }
  });
});
