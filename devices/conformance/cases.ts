// The cross-host conformance set: which models every host runs, the input
// bytes each gets (generated from a seed, so no host needs data files), and
// the digest of the output bytes a host reports. Node, the browser, the
// Worker and the microcontroller all run these same cases; the promise
// under test is that one .wasm, model and input give the same output bytes
// on every host. Host-agnostic on purpose: it imports only the runtime API's
// types and uses Web Crypto, which Node 20, browsers and workerd all have.
import type { DType, Model, Runtime, TensorInfo } from "@wasmlite/runtime";

export interface ConformanceCase {
  /** Short name, printed in every host's table. */
  name: string;
  /** The model file, relative to tests/fixtures/. */
  path: string;
}

/**
 * Real models from TFLite Micro and MLPerf Tiny (tests/fixtures/): int8,
 * int16-activation, float and recurrent graphs, so both integer and float
 * kernels of each build are on the line.
 */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  { name: "hello_world int8", path: "tflm/hello_world/hello_world_int8.tflite" },
  { name: "hello_world float", path: "tflm/hello_world/hello_world_float.tflite" },
  { name: "simple_add", path: "tflm/simple_add/simple_add_model.tflite" },
  { name: "micro_speech", path: "tflm/micro_speech/micro_speech_quantized.tflite" },
  { name: "mnist_lstm int8", path: "tflm/mnist_lstm/trained_lstm_int8.tflite" },
  { name: "mnist_lstm float", path: "tflm/mnist_lstm/trained_lstm.tflite" },
  { name: "kws int8", path: "mlperf-tiny/kws_ref_model.tflite" },
  { name: "ad01 int8", path: "mlperf-tiny/ad01_int8.tflite" },
  { name: "ad01 float", path: "mlperf-tiny/ad01_fp32.tflite" },
  { name: "vww_96 int8", path: "mlperf-tiny/vww_96_int8.tflite" },
  { name: "vww_96 float", path: "mlperf-tiny/vww_96_float.tflite" },
  { name: "resnet int8", path: "mlperf-tiny/pretrainedResnet_quant.tflite" },
];

/** How many times each model is invoked, each time on fresh inputs. */
export const INVOCATIONS = 2;

/** mulberry32: a tiny, well-mixed 32-bit generator any host can rewrite exactly. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** FNV-1a of the case name: a different, stable seed per model. */
function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The raw little-endian bytes of one input for one invocation: integers
 * uniform over their type's whole range, floats uniform in [-1, 1) (in
 * steps of 2^-23, exactly representable), booleans 0 or 1.
 */
export function inputBytes(caseName: string, invocation: number, input: number, dtype: DType, byteLength: number) {
  const next = generator(nameSeed(caseName) ^ Math.imul(invocation + 1, 0x9e3779b1) ^ Math.imul(input + 1, 0x85ebca6b));
  const bytes = new Uint8Array(byteLength);
  const view = new DataView(bytes.buffer);
  switch (dtype) {
    case "float32":
      for (let i = 0; i < byteLength; i += 4) view.setFloat32(i, (next() >>> 8) / 2 ** 23 - 1, true);
      break;
    case "bool":
      for (let i = 0; i < byteLength; i++) bytes[i] = next() & 1;
      break;
    default: // int8, uint8, int16, int32, int64: every bit pattern is a valid value
      for (let i = 0; i < byteLength; i++) bytes[i] = next() & 0xff;
  }
  return bytes;
}

export interface ConformanceResult {
  name: string;
  /** SHA-256 (hex) of every output's bytes, in output order, over all invocations; or the load/invoke error. */
  digest: string;
  outputBytes: number;
}

/** A tensor's bytes, viewed in place in the runtime's memory (whatever its type). */
export function tensorBytes(t: TensorInfo): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.byteLength);
}

/** Runs one case on a loaded model: INVOCATIONS times fresh inputs, digest of the outputs. */
export async function runCase(c: ConformanceCase, model: Model): Promise<ConformanceResult> {
  const chunks: Uint8Array[] = [];
  for (let k = 0; k < INVOCATIONS; k++) {
    model.inputs.forEach((t, i) => tensorBytes(t).set(inputBytes(c.name, k, i, t.dtype, t.byteLength)));
    model.invoke();
    for (const t of model.outputs) chunks.push(tensorBytes(t).slice());
  }
  const total = chunks.reduce((n, b) => n + b.length, 0);
  const all = new Uint8Array(total);
  chunks.reduce((at, b) => (all.set(b, at), at + b.length), 0);
  return { name: c.name, digest: await sha256Hex(all), outputBytes: total };
}

/** Runs the whole set on one runtime; `read` fetches a model by its path under tests/fixtures/. */
export async function runConformance(
  runtime: Runtime,
  read: (path: string) => Promise<Uint8Array>,
): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  for (const c of CONFORMANCE_CASES) {
    try {
      results.push(await runCase(c, runtime.load(await read(c.path))));
    } catch (e) {
      results.push({ name: c.name, digest: `error: ${(e as Error).message}`, outputBytes: 0 });
    }
  }
  return results;
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
