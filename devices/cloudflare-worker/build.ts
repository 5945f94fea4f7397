// Builds the Worker for one model into a folder that deploys as it is
// (`npx wrangler deploy` there) and runs locally in workerd
// (`npx workerd serve workerd.capnp`):
//   worker.js      worker.ts and the runtime API, bundled (esbuild)
//   wasmlite.wasm  the SIMD build, imported as a compiled module
//   model.tflite   the model, imported as a data module
//   labels.js      the labels from the model's "wasmlite" metadata (or [])
//   wrangler.toml, workerd.capnp
// The model is loaded in Node's runtime first, so a model the Worker could
// not serve is refused here, not on the first request. The folder is
// written beside its destination and renamed into place: never half-built.
//
//   node --import tsx devices/cloudflare-worker/build.ts --model FILE --out DIR [--conformance]
import { build } from "esbuild";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readModel } from "@wasmlite/format";
import { labelsFromMetadata } from "@wasmlite/format";
import { createNodeRuntime, SIMD_WASM } from "@wasmlite/runtime/node";
import { CONFORMANCE_CASES } from "../conformance/cases.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = resolve(HERE, "../../tests/fixtures");
/** The newest date every workerd this package has been tested with accepts. */
const COMPATIBILITY_DATE = "2024-09-23";

export interface WorkerBuildOptions {
  model: string;
  out: string;
  /** Also build the conformance Worker (its models from tests/fixtures/, a checkout only). */
  conformance?: boolean;
}

export interface WorkerBuild {
  labels: string[];
  /** Bytes of each file written. */
  files: Record<string, number>;
}

export async function buildWorker(options: WorkerBuildOptions): Promise<WorkerBuild> {
  const modelBytes = new Uint8Array(readFileSync(options.model));
  const runtime = await createNodeRuntime({ simd: true });
  const model = runtime.load(modelBytes);
  if (model.inputs.length !== 1) {
    throw new Error(`${options.model}: the Worker serves single-input models; this one has ${model.inputs.length}`);
  }
  const labels = labelsFromMetadata(readModel(modelBytes).metadata) ?? [];

  const out = resolve(options.out);
  const staging = mkdtempSync(join(dirname(out), `.${basename(out)}-`));
  try {
    const bundle = (entry: string, outfile: string, external: string[]) =>
      build({
        entryPoints: [join(HERE, entry)],
        bundle: true,
        format: "esm",
        target: "es2022",
        platform: "neutral",
        external,
        outfile: join(staging, outfile),
        logLevel: "error",
      });
    await bundle("worker.ts", "worker.js", ["./wasmlite.wasm", "./model.tflite", "./labels.js"]);
    copyFileSync(SIMD_WASM, join(staging, "wasmlite.wasm"));
    writeFileSync(join(staging, "model.tflite"), modelBytes);
    writeFileSync(join(staging, "labels.js"), `export default ${JSON.stringify(labels)};\n`);
    writeFileSync(join(staging, "wrangler.toml"), wranglerToml());
    const modules = [
      `(name = "worker.js", esModule = embed "worker.js")`,
      `(name = "labels.js", esModule = embed "labels.js")`,
      `(name = "wasmlite.wasm", wasm = embed "wasmlite.wasm")`,
      `(name = "model.tflite", data = embed "model.tflite")`,
    ];
    let conformanceModules: string[] | undefined;
    if (options.conformance) {
      await bundle("conformance-worker.ts", "conformance.js", ["./wasmlite.wasm", "./conformance-models.js"]);
      conformanceModules = [
        `(name = "conformance.js", esModule = embed "conformance.js")`,
        `(name = "conformance-models.js", esModule = embed "conformance-models.js")`,
        `(name = "wasmlite.wasm", wasm = embed "wasmlite.wasm")`,
      ];
      const imports: string[] = [];
      CONFORMANCE_CASES.forEach((c, i) => {
        const name = `fixture-${i}.tflite`;
        copyFileSync(join(FIXTURES, c.path), join(staging, name));
        conformanceModules!.push(`(name = "${name}", data = embed "${name}")`);
        imports.push(`import m${i} from "./${name}";`);
      });
      const table = CONFORMANCE_CASES.map((c, i) => `  ${JSON.stringify(c.path)}: m${i},`);
      writeFileSync(
        join(staging, "conformance-models.js"),
        `${imports.join("\n")}\nexport default {\n${table.join("\n")}\n};\n`,
      );
    }
    writeFileSync(join(staging, "workerd.capnp"), workerdConfig(modules, conformanceModules));
    const files = Object.fromEntries(
      ["worker.js", "wasmlite.wasm", "model.tflite", "labels.js"].map((f) => [f, statSync(join(staging, f)).size]),
    );
    chmodSync(staging, 0o755); // mkdtemp makes it private
    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
    return { labels, files };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

function wranglerToml(): string {
  return `# Deploy as it is: npx wrangler deploy (from this folder).
name = "wasmlite-predict"
main = "worker.js"
compatibility_date = "${COMPATIBILITY_DATE}"
# worker.js is already bundled; upload it with its modules as they are.
no_bundle = true
rules = [
  { type = "ESModule", globs = ["**/*.js"] },
  { type = "CompiledWasm", globs = ["**/*.wasm"] },
  { type = "Data", globs = ["**/*.tflite"] },
]
`;
}

/** workerd's config: the predict Worker on socket "http" (127.0.0.1:8787; --socket-addr http=HOST:PORT moves it). */
function workerdConfig(modules: string[], conformance?: string[]): string {
  const worker = (name: string, list: string[]) => `const ${name} :Workerd.Worker = (
  modules = [
    ${list.join(",\n    ")},
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;
  const services = [`(name = "predict", worker = .predictWorker)`];
  const sockets = [`(name = "http", address = "127.0.0.1:8787", http = (), service = "predict")`];
  if (conformance) {
    services.push(`(name = "conformance", worker = .conformanceWorker)`);
    sockets.push(`(name = "conformance", address = "127.0.0.1:8788", http = (), service = "conformance")`);
  }
  return `# Run locally: npx workerd serve workerd.capnp (from this folder).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ${services.join(",\n    ")},
  ],
  sockets = [
    ${sockets.join(",\n    ")},
  ],
);

${worker("predictWorker", modules)}${conformance ? "\n" + worker("conformanceWorker", conformance) : ""}`;
}

async function main(): Promise<void> {
  let values: { model?: string; out?: string; conformance?: boolean };
  try {
    ({ values } = parseArgs({
      options: { model: { type: "string" }, out: { type: "string" }, conformance: { type: "boolean" } },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!values.model || !values.out) throw new UsageError("--model FILE and --out DIR are required");
  if (!existsSync(values.model)) {
    throw new UsageError(`--model ${values.model}: no such file (\`npm start\` writes out/mnist-mlp/model.tflite)`);
  }
  const built = await buildWorker({ model: values.model, out: values.out, conformance: values.conformance });
  for (const [file, bytes] of Object.entries(built.files)) console.log(`${file.padEnd(14)} ${bytes} bytes`);
  console.log(`labels: ${built.labels.length ? built.labels.join(", ") : "none in the model's metadata"}`);
  console.log(`run locally:  cd ${values.out} && npx workerd serve workerd.capnp   (http://127.0.0.1:8787)`);
  console.log(`deploy:       cd ${values.out} && npx wrangler deploy`);
}

class UsageError extends Error {}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(
      e instanceof UsageError ? `${e.message}\nusage: build.ts --model FILE --out DIR [--conformance]` : e.message,
    );
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
