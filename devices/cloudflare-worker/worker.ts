// A Cloudflare Worker (ES module) serving one model: POST /predict with the
// input as a JSON array of numbers or as raw little-endian float32 bytes;
// answers the outputs (dequantised to floats) and the top-k labels. GET /
// describes the model. Workers cannot compile WebAssembly from bytes at run
// time, so the runtime arrives as a compiled module import, the model as a
// data module, and the labels (read from the model's metadata when the
// Worker was built) as a small JS module. One runtime per isolate, created
// by the first request and reused by every later one.
import wasm from "./wasmlite.wasm";
import modelBytes from "./model.tflite";
import labels from "./labels.js";
import { createRuntime, WasmliteError, ErrorCode, type Model, type Runtime } from "@wasmlite/runtime";
import { parseInput, readBody, RequestError } from "./request.ts";

interface Loaded {
  runtime: Runtime;
  model: Model;
}

let loaded: Promise<Loaded> | undefined;

async function load(): Promise<Loaded> {
  const runtime = await createRuntime({ simd: wasm }, { simd: true });
  const model = runtime.load(new Uint8Array(modelBytes));
  if (model.inputs.length !== 1) {
    throw new Error(`this Worker serves single-input models; the model has ${model.inputs.length} inputs`);
  }
  return { runtime, model };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

function describe({ runtime, model }: Loaded) {
  const tensor = (t: Model["inputs"][number]) => ({ name: t.name, dtype: t.dtype, shape: t.shape });
  return {
    inputs: model.inputs.map(tensor),
    outputs: model.outputs.map(tensor),
    labels,
    simd: runtime.simd,
    arenaBytes: model.arenaBytes,
    memoryBytes: runtime.memory.buffer.byteLength,
  };
}

function predict({ model }: Loaded, values: Float32Array, top: number) {
  const outputs = model.predict(values).map((o) => Array.from(o));
  // Top-k names the classes of a classifier: one output of several scores.
  if (outputs.length !== 1 || outputs[0]!.length < 2) return { outputs };
  const ranked = outputs[0]!
    .map((score, index) => ({ index, label: labels[index] ?? String(index), score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, top);
  return { outputs, top: ranked };
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    let ready: Loaded;
    try {
      ready = await (loaded ??= load());
    } catch (e) {
      loaded = undefined;
      return json(500, { error: `the model does not load: ${(e as Error).message}` });
    }
    if (url.pathname === "/") {
      if (request.method !== "GET") return json(405, { error: "use GET /" }, { allow: "GET" });
      return json(200, describe(ready));
    }
    if (url.pathname !== "/predict") return json(404, { error: `no route ${url.pathname}; POST /predict or GET /` });
    if (request.method !== "POST") return json(405, { error: "use POST /predict" }, { allow: "POST" });
    try {
      const top = parseTop(url.searchParams.get("top"));
      const body = await readBody(request);
      const values = parseInput(request.headers.get("content-type"), body, ready.model.inputs[0]!);
      return json(200, predict(ready, values, top));
    } catch (e) {
      if (e instanceof RequestError) return json(e.status, { error: e.message });
      // The request's values, refused by the runtime (a token id outside an
      // embedding's table, a fraction for an int32 input), are the client's
      // to fix; anything else is the Worker's.
      if (e instanceof WasmliteError) {
        const clients = e.code === ErrorCode.BAD_INPUT || e.code === ErrorCode.BAD_CALL;
        return json(clients ? 400 : 500, { error: e.message });
      }
      throw e;
    }
  },
};

function parseTop(text: string | null): number {
  if (text === null) return 3;
  const top = Number(text);
  if (!Number.isInteger(top) || top < 1 || top > 1000) {
    throw new RequestError(400, `?top= must be an integer from 1 to 1000, got '${text}'`);
  }
  return top;
}
