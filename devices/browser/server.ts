// Serves the browser pages (demo.html, conformance.html) from 127.0.0.1 with
// URL paths that mirror this repository, so each page imports the runtime
// exactly as an installed package lays it out (runtime-wasm/js/browser.js
// fetching ../build/wasmlite.wasm). TypeScript sources are served as
// JavaScript, types stripped by the TypeScript compiler on request.
//
//   node --import tsx devices/browser/server.ts [--model FILE] [--port N]
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** URL prefixes (repository folders) the server answers, and the file types; everything else is 404. */
const SERVED = [
  "devices/browser/",
  "devices/conformance/",
  "runtime-wasm/js/",
  "runtime-wasm/build/",
  "tests/fixtures/",
];

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".tflite": "application/octet-stream",
};

export interface BrowserServerOptions {
  /** The .tflite file the demo page classifies with (served as /model.tflite). */
  model?: string;
  /** Default 0: any free port. */
  port?: number;
}

export interface BrowserServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  close(): Promise<void>;
}

export async function startBrowserServer(options: BrowserServerOptions = {}): Promise<BrowserServer> {
  const server: Server = createServer((req, res) => {
    answer(new URL(req.url ?? "/", "http://127.0.0.1").pathname, options).then(
      ({ status, type, body, location }) =>
        res
          .writeHead(status, { "content-type": type, "cache-control": "no-store", ...(location ? { location } : {}) })
          .end(body),
      (e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(e.message),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", done);
  });
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

interface Answer {
  status: number;
  type: string;
  body: string | Uint8Array;
  location?: string;
}

const notFound = (why: string): Answer => ({ status: 404, type: "text/plain", body: why });

async function answer(path: string, options: BrowserServerOptions): Promise<Answer> {
  if (path === "/") return { status: 302, type: "text/plain", body: "", location: "/devices/browser/demo.html" };
  if (path === "/model.tflite") {
    if (!options.model) return notFound("no model: start the server with --model FILE");
    return { status: 200, type: TYPES[".tflite"]!, body: await readFile(options.model) };
  }
  const relative = normalize(decodeURIComponent(path.slice(1)));
  if (relative.split(sep).includes("..") || !SERVED.some((prefix) => relative.startsWith(prefix))) {
    return notFound(`${path} is not served`);
  }
  const file = join(ROOT, relative);
  const extension = file.slice(file.lastIndexOf("."));
  if (!TYPES[extension]) return notFound(`${path}: only ${Object.keys(TYPES).join(", ")} files are served`);
  if (existsSync(file))
    return { status: 200, type: TYPES[extension] ?? "application/octet-stream", body: await readFile(file) };
  const source = file.replace(/\.js$/, ".ts");
  if (extension === ".js" && existsSync(source)) {
    return { status: 200, type: TYPES[".js"]!, body: stripTypes(await readFile(source, "utf8"), source) };
  }
  return notFound(`${path}: no such file${extension === ".wasm" ? " (run `npm run build:runtime`)" : ""}`);
}

/** TypeScript to browser JavaScript: types removed, './x.ts' imports rewritten to './x.js'. */
function stripTypes(source: string, fileName: string): string {
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      rewriteRelativeImportExtensions: true,
    },
  }).outputText;
}

async function main(): Promise<void> {
  const usage = "usage: node --import tsx devices/browser/server.ts [--model FILE] [--port N]";
  let values: { model?: string; port?: string };
  try {
    ({ values } = parseArgs({ options: { model: { type: "string" }, port: { type: "string", default: "8080" } } }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be an integer in [0, 65535], got '${values.port}'`);
  }
  if (values.model && !existsSync(values.model)) {
    throw new UsageError(`--model ${values.model}: no such file (\`npm start\` writes out/mnist-mlp/model.tflite)`);
  }
  const server = await startBrowserServer({ model: values.model, port }).catch((e: Error) => {
    throw new Error(`cannot listen on 127.0.0.1:${port}: ${e.message}`);
  });
  console.log(`demo:        ${server.origin}/devices/browser/demo.html${values.model ? "" : " (needs --model)"}`);
  console.log(`conformance: ${server.origin}/devices/browser/conformance.html`);
  console.log("Ctrl-C stops the server.");
}

class UsageError extends Error {}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
