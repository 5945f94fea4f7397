// The browser half of the benchmarks: real TFLite (tfjs-tflite) and wasmlite
// (SIMD build, its JS API) timed in the same Chromium page, in alternating
// rounds.
import { writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChromiumPage } from "../tests/helpers/chromium-page.ts";
import { tfliteFiles, TFLITE_SCRIPTS } from "../tests/helpers/tflite-oracle.ts";
import { SIMD_WASM } from "@wasmlite/runtime/node";
import { timeCalls, timeInRounds, type Timing } from "./timing.mjs";

const PAGE = `<!doctype html><meta charset="utf-8"><title>wasmlite bench</title>
${TFLITE_SCRIPTS}
<script>
  const timeCalls = ${timeCalls.toString()};
  const timeInRounds = ${timeInRounds.toString()};
  const bytesOf = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  // Engine call: the interpreter's invoke alone, input already in place.
  // Public API: what an app calls, float array in, float array out.
  // Both runtimes timed in alternating rounds (timeInRounds), as in Node;
  // 21 rounds, not 7: a round's figure for either runtime wanders by up to
  // 1.7x on this VM, and over 7 rounds the medians' ratio for LeNet-5 int8
  // ranged 1.94x-2.53x between runs of the same build (2.4x-2.5x over 30).
  window.benchBoth = async (modelB64, inputValues) => {
    const bytes = bytesOf(modelB64);
    const tfliteModel = await tflite.loadTFLiteModel(bytes.slice().buffer, { numThreads: 1 });
    const runner = tfliteModel.modelRunner;
    const info = tfliteModel.inputs[0];
    const module = await WebAssembly.compileStreaming(fetch("/wasmlite.wasm"));
    const { createRuntime } = await import("/wasmlite-js.mjs");
    const model = (await createRuntime({ simd: module })).load(bytes);
    const input = Float32Array.from(inputValues);
    const [oursEngine, theirsEngine, oursApi, theirsApi] = await timeInRounds([
      () => model.invoke(),
      () => runner.infer(),
      () => model.predict(input),
      () => {
        const x = tf.tensor(inputValues, info.shape, info.dtype);
        const y = tfliteModel.predict(x);
        y.dataSync();
        x.dispose();
        y.dispose();
      },
    ], 21);
    return { ours: { engine: oursEngine, api: oursApi }, theirs: { engine: theirsEngine, api: theirsApi } };
  };
  window.benchReady = true;
</script>`;

export interface BrowserModel {
  bytes: Uint8Array;
  /** One input, as the model's dtype expects (floats for float models, integers for int8 ones). */
  input: number[];
}

type Measured = { engine: Timing; api: Timing };
type Bench = (model: string, input: number[]) => Promise<{ ours: Measured; theirs: Measured }>;

/** Runs each model in wasmlite (SIMD build, its JS API) and real TFLite in one Chromium page. */
export async function runBrowserBench(
  models: Record<string, BrowserModel>,
): Promise<{ model: string; runtime: string; timing: Timing }[]> {
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
      const { ours, theirs } = await host.page.evaluate(
        ([m, x]) => (window as unknown as Record<string, Bench>).benchBoth!(m, x),
        [b64, input] as const,
      );
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

/**
 * runtime-wasm/js/index.ts as one browser JavaScript module: types stripped
 * and the operator-name table it imports bundled in (esbuild, which tsx brings).
 */
async function buildJsApi(): Promise<string> {
  const { build } = await import("esbuild");
  const entry = fileURLToPath(new URL("@wasmlite/runtime", import.meta.url));
  const result = await build({ entryPoints: [entry], bundle: true, format: "esm", target: "es2022", write: false });
  const file = join(await mkdtemp(join(tmpdir(), "wasmlite-bench-")), "wasmlite-js.mjs");
  await writeFile(file, result.outputFiles[0]!.text);
  return file;
}
