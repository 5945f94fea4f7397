// Real TensorFlow Lite as a test oracle: @tensorflow/tfjs-tflite (TFLite
// compiled to WebAssembly) in headless Chromium, driven by playwright-core.
// The page is served from 127.0.0.1 by a throwaway HTTP server. Inputs and
// outputs cross as plain number arrays and are written straight into, and
// read straight out of, TFLite's own tensor buffers (no tfjs conversions).
import { createServer, type Server } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const require = createRequire(import.meta.url);
const pkgDir = (name: string) => join(require.resolve(`${name}/package.json`), "..");

export const CHROMIUM = "/usr/bin/chromium";

const FILES: Record<string, () => string> = {
  "/tf-core.js": () => join(pkgDir("@tensorflow/tfjs-core"), "dist/tf-core.min.js"),
  "/tf-backend-cpu.js": () => join(pkgDir("@tensorflow/tfjs-backend-cpu"), "dist/tf-backend-cpu.min.js"),
  "/tf-tflite.js": () => join(pkgDir("@tensorflow/tfjs-tflite"), "dist/tf-tflite.min.js"),
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>tflite oracle</title>
<script src="/tf-core.js"></script>
<script src="/tf-backend-cpu.js"></script>
<script src="/tf-tflite.js"></script>
<script>
  tflite.setWasmPath("/wasm/");
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
    const model = await tflite.loadTFLiteModel(bytes.buffer, { numThreads: 1, enableProfiling: true });
    model.modelRunner.infer();
    return model.getProfilingResults().map((r) => r.nodeType);
  };
  window.oracleReady = true;
</script>`;

export interface OracleOutput {
  dtype: string;
  shape: string;
  data: number[];
}

export class TfliteOracle {
  readonly #server: Server;
  readonly #context: BrowserContext;
  readonly #page: Page;
  readonly #profile: string;

  private constructor(server: Server, context: BrowserContext, page: Page, profile: string) {
    this.#server = server;
    this.#context = context;
    this.#page = page;
    this.#profile = profile;
  }

  static async start(): Promise<TfliteOracle> {
    const wasmDir = join(pkgDir("@tensorflow/tfjs-tflite"), "wasm");
    const server = createServer((req, res) => {
      const url = (req.url ?? "/").split("?")[0]!;
      const send = async (file: string, type: string) => {
        try {
          const body = await readFile(file);
          res.writeHead(200, { "content-type": type });
          res.end(body);
        } catch {
          res.writeHead(404).end();
        }
      };
      if (url === "/") {
        res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
      } else if (FILES[url]) {
        void send(FILES[url]!(), "text/javascript");
      } else if (url.startsWith("/wasm/") && /^[\w.]+$/.test(url.slice(6))) {
        void send(join(wasmDir, url.slice(6)), url.endsWith(".wasm") ? "application/wasm" : "text/javascript");
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const profile = await mkdtemp(join(tmpdir(), "wasmlite-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (window as unknown as { oracleReady?: boolean }).oracleReady === true, null, { timeout: 30_000 }).catch((e) => {
      throw new Error(`tfjs-tflite page did not start: ${errors.join("; ") || (e as Error).message}`);
    });
    return new TfliteOracle(server, context, page, profile);
  }

  /** Runs the model on each input set (one number array per model input); returns each run's outputs. */
  async run(model: Uint8Array, inputSets: number[][][]): Promise<OracleOutput[][]> {
    const base64 = Buffer.from(model).toString("base64");
    return this.#page.evaluate(
      ([m, sets]) => (window as unknown as { oracleRun: (m: string, s: number[][][]) => Promise<OracleOutput[][]> }).oracleRun(m, sets),
      [base64, inputSets] as const,
    );
  }

  /** The node types TFLite ran (after delegation): shows which nodes a delegate such as XNNPACK took. */
  async profile(model: Uint8Array): Promise<string[]> {
    const base64 = Buffer.from(model).toString("base64");
    return this.#page.evaluate((m) => (window as unknown as { oracleProfile: (m: string) => Promise<string[]> }).oracleProfile(m), base64);
  }

  async close(): Promise<void> {
    await this.#context.close();
    await new Promise((resolve) => this.#server.close(resolve));
    await rm(this.#profile, { recursive: true, force: true });
  }
}
