// Real TensorFlow Lite as a test oracle: @tensorflow/tfjs-tflite (TFLite
// compiled to WebAssembly) in headless Chromium. Inputs and outputs cross as
// plain number arrays and are written straight into, and read straight out
// of, TFLite's own tensor buffers (no tfjs conversions).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { ChromiumPage, CHROMIUM } from "./chromium-page.ts";

export { CHROMIUM };

const require = createRequire(import.meta.url);
/** The installed folder of an npm package (works for packages whose "exports" hide package.json). */
export function packageDir(name: string): string {
  for (const path of require.resolve.paths(name) ?? []) {
    const dir = join(path, name);
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  throw new Error(`package ${name} is not installed`);
}

/** The scripts and wasm files tfjs-tflite needs, for a ChromiumPage. */
export function tfliteFiles(): { files: Record<string, string>; directories: Record<string, string> } {
  return {
    files: {
      "/tf-core.js": join(packageDir("@tensorflow/tfjs-core"), "dist/tf-core.min.js"),
      "/tf-backend-cpu.js": join(packageDir("@tensorflow/tfjs-backend-cpu"), "dist/tf-backend-cpu.min.js"),
      "/tf-tflite.js": join(packageDir("@tensorflow/tfjs-tflite"), "dist/tf-tflite.min.js"),
    },
    directories: { "/wasm/": join(packageDir("@tensorflow/tfjs-tflite"), "wasm") },
  };
}

/** Script tags loading tfjs-tflite with its wasm path set. */
export const TFLITE_SCRIPTS = `<script src="/tf-core.js"></script>
<script src="/tf-backend-cpu.js"></script>
<script src="/tf-tflite.js"></script>
<script>tflite.setWasmPath("/wasm/");</script>`;
const PAGE = `<!doctype html><meta charset="utf-8"><title>tflite oracle</title>
${TFLITE_SCRIPTS}
<script>
  const ARRAYS = { float32: Float32Array, int32: Int32Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array };
  window.oracleRun = async (modelBase64, inputSets) => {
    const bytes = Uint8Array.from(atob(modelBase64), (c) => c.charCodeAt(0));
    const model = await tflite.loadTFLiteModel(bytes.buffer, { numThreads: 1 });
    const runner = model.modelRunner;
    const results = [];
    for (const inputs of inputSets) {
      const modelInputs = runner.getInputs();
      if (modelInputs.length !== inputs.length) throw new Error("model has " + modelInputs.length + " inputs, " + inputs.length + " given");
      modelInputs.forEach((t, i) => t.data().set(ARRAYS[t.dataType].from(inputs[i])));
      if (!runner.infer()) throw new Error("TFLite inference failed");
      results.push(runner.getOutputs().map((t) => ({ dtype: t.dataType, shape: t.shape, data: Array.from(t.data()) })));
    }
    return results;
  };
  window.oracleProfile = async (modelBase64) => {
    const bytes = Uint8Array.from(atob(modelBase64), (c) => c.charCodeAt(0));
    // TFLite's profiler now and then records no event for a run (seen under
    // load); a model always runs at least one node, so run it again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const model = await tflite.loadTFLiteModel(bytes.buffer, { numThreads: 1, enableProfiling: true });
      // Zero inputs: valid for every model (an index input's uninitialised bytes may not be).
      model.modelRunner.getInputs().forEach((t) => t.data().fill(0));
      if (!model.modelRunner.infer()) throw new Error("TFLite inference failed");
      const nodes = model.getProfilingResults().map((r) => r.nodeType);
      if (nodes.length > 0) return nodes;
    }
    throw new Error("TFLite's profiler recorded no node in 5 runs");
  };
  window.oracleReady = true;
</script>`;

export interface OracleOutput {
  dtype: string;
  shape: string;
  data: number[];
}

export class TfliteOracle {
  readonly #host: ChromiumPage;

  private constructor(host: ChromiumPage) {
    this.#host = host;
  }

  static async start(): Promise<TfliteOracle> {
    return new TfliteOracle(await ChromiumPage.open({ html: PAGE, ...tfliteFiles(), readyFlag: "oracleReady" }));
  }

  /** Runs the model on each input set (one number array per model input); returns each run's outputs. */
  async run(model: Uint8Array, inputSets: number[][][]): Promise<OracleOutput[][]> {
    const base64 = Buffer.from(model).toString("base64");
    return this.#host.page.evaluate(
      ([m, sets]) =>
        (window as unknown as { oracleRun: (m: string, s: number[][][]) => Promise<OracleOutput[][]> }).oracleRun(
          m,
          sets,
        ),
      [base64, inputSets] as const,
    );
  }

  /** The node types TFLite ran (after delegation): shows which nodes a delegate such as XNNPACK took. */
  async profile(model: Uint8Array): Promise<string[]> {
    const base64 = Buffer.from(model).toString("base64");
    return this.#host.page.evaluate(
      (m) => (window as unknown as { oracleProfile: (m: string) => Promise<string[]> }).oracleProfile(m),
      base64,
    );
  }

  async close(): Promise<void> {
    await this.#host.close();
  }
}
