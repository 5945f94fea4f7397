// The browser half of the runtime benchmark: real TFLite (tfjs-tflite) and
// wasmlite (its raw ABI, no JS API in the loop) timed in the same Chromium page.
import { readFile, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChromiumPage } from "../tests/helpers/chromium-page.ts";
import { tfliteFiles, TFLITE_SCRIPTS } from "../tests/helpers/tflite-oracle.ts";
import { SIMD_WASM } from "../runtime-wasm/js/node.ts";
import { timeCalls, type Timing } from "./timing.mjs";

const PAGE = `<!doctype html><meta charset="utf-8"><title>wasmlite bench</title>
${TFLITE_SCRIPTS}
<script>
  const timeCalls = ${timeCalls.toString()};
  const bytesOf = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  // Engine call: the interpreter's invoke alone, input already in place.
  // Public API: what an app calls, float array in, float array out.
  window.benchTflite = async (modelB64, inputValues) => {
    const model = await tflite.loadTFLiteModel(bytesOf(modelB64).buffer, { numThreads: 1 });
    const runner = model.modelRunner;
    const info = model.inputs[0];
    const engine = await timeCalls(() => runner.infer());
    const api = await timeCalls(() => {
      const x = tf.tensor(inputValues, info.shape, info.dtype);
      const y = model.predict(x);
      y.dataSync();
      x.dispose();
      y.dispose();
    });
    return { engine, api };
  };
  window.benchWasmlite = async (modelB64, inputValues) => {
    const module = await WebAssembly.compileStreaming(fetch("/wasmlite.wasm"));
    const { createRuntime } = await import("/wasmlite-js.mjs");
    const runtime = await createRuntime({ simd: module });
    const model = runtime.load(bytesOf(modelB64));
    const input = Float32Array.from(inputValues);
    const engine = await timeCalls(() => model.invoke());
    const api = await timeCalls(() => model.predict(input));
    return { engine, api };
  };
  window.benchReady = true;
</script>`;

export interface BrowserModel {
  bytes: Uint8Array;
  /** One input, as the model's dtype expects (floats for float models, integers for int8 ones). */
  input: number[];
}

type Measured = { engine: Timing; api: Timing };
type Bench = (model: string, input: number[]) => Promise<Measured>;

/** Runs each model in wasmlite (SIMD build, its JS API) and real TFLite in one Chromium page. */
export async function runBrowserBench(models: Record<string, BrowserModel>): Promise<{ model: string; runtime: string; timing: Timing }[]> {
  const files = tfliteFiles();
  const jsApi = await buildJsApi();
  const host = await ChromiumPage.open({
    html: PAGE,
    files: { ...files.files, "/wasmlite.wasm": SIMD_WASM, "/wasmlite-js.mjs": jsApi },
    directories: files.directories,
    readyFlag: "benchReady",
  });
  const rows: { model: string; runtime: string; timing: Timing }[] = [];
  try {
    for (const [name, { bytes, input }] of Object.entries(models)) {
      const b64 = Buffer.from(bytes).toString("base64");
      const run = (fn: "benchWasmlite" | "benchTflite") =>
        host.page.evaluate(([f, m, x]) => ((window as unknown as Record<string, Bench>)[f]!)(m, x), [fn, b64, input] as const);
      const ours = await run("benchWasmlite");
      const theirs = await run("benchTflite");
      rows.push({ model: `${name}, engine call`, runtime: "wasmlite SIMD", timing: ours.engine });
      rows.push({ model: `${name}, engine call`, runtime: "TFLite (tfjs-tflite, 1 thread)", timing: theirs.engine });
      rows.push({ model: `${name}, public API`, runtime: "wasmlite SIMD", timing: ours.api });
      rows.push({ model: `${name}, public API`, runtime: "TFLite (tfjs-tflite, 1 thread)", timing: theirs.api });
    }
  } finally {
    await host.close();
  }
  return rows;
}

/** runtime-wasm/js/index.ts as browser JavaScript (types stripped by esbuild, which tsx brings). */
async function buildJsApi(): Promise<string> {
  const { transform } = await import("esbuild");
  const source = await readFile(fileURLToPath(new URL("../runtime-wasm/js/index.ts", import.meta.url)), "utf8");
  const { code } = await transform(source, { loader: "ts", format: "esm", target: "es2022" });
  const file = join(await mkdtemp(join(tmpdir(), "wasmlite-bench-")), "wasmlite-js.mjs");
  await writeFile(file, code);
  return file;
}
