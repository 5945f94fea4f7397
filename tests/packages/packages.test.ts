// The npm packages (tools/pack.mjs), as users install them. Statically: every
// package the shipped code imports is a dependency of the package that ships
// it (an installed package has no dev dependencies), and no package reaches
// into another's files. Then the real thing: every package packed, the
// tarballs installed into fresh projects (no tsx, no TypeScript loader) and
// used there: the runtime alone (zero dependencies, within its size limits)
// from plain Node, bundled by esbuild into a page that runs in Chromium, and
// bundled into a Worker that runs in workerd; the trainer on two threads;
// the command (`npx wasmlite`), a short train-and-export, inspect and run;
// build-runtime with and without the runtime builder; a global install; the
// .d.ts types checked by tsc against a consumer file.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { build } from "esbuild";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { PACKAGES, packAll } from "../../tools/pack.mjs";
import { ChromiumPage, CHROMIUM } from "../helpers/chromium-page.ts";
import { haveTool } from "../helpers/system.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HELLO = join(ROOT, "tests/fixtures/tflm/hello_world/hello_world_float.tflite");
const WORKERD = join(ROOT, "node_modules/.bin/workerd");

/** The runtime package's limits: what an edge app or a Worker installs. */
const RUNTIME_TARBALL_LIMIT = 200 * 1024;
const RUNTIME_INSTALLED_LIMIT = 1024 * 1024;

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));

/** Every file under `dir` ending in one of `extensions` (not node_modules, build outputs or nested packages). */
function sources(dir: string, extensions: string[], top = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const nestedPackage = path !== top && PACKAGES.some((p) => join(ROOT, p.dir) === path);
      return name === "node_modules" || name === "build" || nestedPackage ? [] : sources(path, extensions, top);
    }
    return extensions.some((e) => name.endsWith(e)) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The module specifiers a file imports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const statics = text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm);
  const dynamics = text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g);
  return [...statics, ...dynamics].map((m) => m[1]!);
}

const packageName = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;

/** Runs a command asynchronously (a synchronous wait of over 60 s makes vitest's worker RPC time out). */
function run(command: string, args: string[], cwd: string, timeout = 240_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, encoding: "utf8", timeout, maxBuffer: 64 << 20 }, (error, out, err) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed (${error.code}):\n${out}\n${err}`));
      else resolve(out);
    });
  });
}

/** Bytes of every file under `dir`. */
function treeBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const path = join(dir, e.name);
    return sum + (e.isDirectory() ? treeBytes(path) : e.isFile() ? statSync(path).size : 0);
  }, 0);
}

async function newProject(dir: string, tarballs: string[]): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  if (tarballs.length > 0) await run("npm", ["install", "--no-audit", "--no-fund", ...tarballs], dir);
  return dir;
}

describe("the packages' manifests", () => {
  it("list every package their shipped code imports, and import no other package's files", () => {
    for (const pkg of PACKAGES) {
      const own = manifest(pkg.dir);
      const allowed = new Set([...Object.keys(own.dependencies ?? {}), ...Object.keys(own.peerDependencies ?? {})]);
      const files = sources(join(ROOT, pkg.dir), [".ts", ".mjs"]).filter(
        // Scripts run in a checkout only: the AssemblyScript kernels' build, the worker's tsx entry, the schema's bindings.
        (f) => !/trainer\/kernels\/|gradient-worker-tsx\.mjs$|format\/generate\.mjs$|builder\/build\.mjs$/.test(f),
      );
      expect(files.length, pkg.dir).toBeGreaterThan(0);
      for (const file of files) {
        const where = relative(ROOT, file);
        for (const specifier of importsOf(file)) {
          if (specifier.startsWith(".")) {
            const target = join(dirname(file), specifier);
            const home = PACKAGES.filter((p) => target.startsWith(join(ROOT, p.dir) + "/")).sort(
              (a, b) => b.dir.length - a.dir.length,
            )[0];
            expect(home?.dir, `${where} imports ${specifier}, outside its package`).toBe(pkg.dir);
            continue;
          }
          if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
          if (specifier === "tsx/esm/api" && where === "cli/bin/wasmlite.mjs") continue; // a checkout's fallback
          expect(allowed.has(packageName(specifier)), `${own.name}: ${where} imports ${specifier}`).toBe(true);
        }
      }
    }
  });

  it("the runtime depends on nothing, and its entries for any host import no Node built-in", () => {
    const runtime = manifest("runtime-wasm");
    expect(runtime.dependencies ?? {}).toEqual({});
    for (const entry of ["js/index.ts", "js/browser.ts", "js/operator-names.mjs"]) {
      const specifiers = importsOf(join(ROOT, "runtime-wasm", entry));
      expect(
        specifiers.filter((s) => !s.startsWith("./")),
        entry,
      ).toEqual([]);
    }
  });
});

describe("the packed packages, installed", () => {
  const work = mkdtempSync(join(tmpdir(), "wasmlite-packages-"));
  let tarballs: Record<string, string>;
  let packedFiles: Record<string, string[]>;
  let app: string; // a project with the runtime, format, trainer and command line installed

  beforeAll(async () => {
    const packed = packAll(join(work, "tarballs"));
    tarballs = Object.fromEntries(packed.map((p) => [p.name, p.tarball]));
    packedFiles = Object.fromEntries(packed.map((p) => [p.name, p.files]));
    const { "@wasmlite/runtime-builder": _builder, ...withoutBuilder } = tarballs;
    app = await newProject(join(work, "app"), Object.values(withoutBuilder));
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("ship compiled JavaScript and .d.ts, never their TypeScript sources", () => {
    for (const [name, files] of Object.entries(packedFiles)) {
      const typescript = files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
      // The runtime builder ships the runtime's AssemblyScript: that is what it compiles.
      if (name === "@wasmlite/runtime-builder")
        expect(typescript.every((f) => f.startsWith("runtime-wasm/assembly/"))).toBe(true);
      else expect(typescript, name).toEqual([]);
    }
    expect(packedFiles["@wasmlite/runtime"]).toEqual(
      expect.arrayContaining(["js/index.js", "js/index.d.ts", "build/wasmlite.wasm", "build/wasmlite-mvp.wasm"]),
    );
    expect(packedFiles["@wasmlite/trainer"]).toContain("kernels/build/trainer-kernels.wasm");
    expect(packedFiles["wasmlite"]).toEqual(
      expect.arrayContaining(["bin/wasmlite.mjs", "main.js", "models/hello_world_int8.tflite"]),
    );
  });

  it("the runtime alone: no dependency, a tarball under 200 KB, under 1 MB installed, runs from plain Node", async () => {
    const tarball = statSync(tarballs["@wasmlite/runtime"]!).size;
    const project = await newProject(join(work, "runtime-only"), [tarballs["@wasmlite/runtime"]!]);
    const installed = readdirSync(join(project, "node_modules")).filter((n) => !n.startsWith("."));
    expect(installed).toEqual(["@wasmlite"]);
    expect(readdirSync(join(project, "node_modules/@wasmlite"))).toEqual(["runtime"]);
    const bytes = treeBytes(join(project, "node_modules"));
    console.log(`@wasmlite/runtime: tarball ${tarball} B, installed ${bytes} B, no dependencies`);
    expect(tarball).toBeLessThan(RUNTIME_TARBALL_LIMIT);
    expect(bytes).toBeLessThan(RUNTIME_INSTALLED_LIMIT);

    writeFileSync(
      join(project, "use.mjs"),
      `import { readFileSync } from "node:fs";
import { createNodeRuntime } from "@wasmlite/runtime/node";
import { WasmliteError } from "@wasmlite/runtime";
const runtime = await createNodeRuntime();
const model = runtime.load(new Uint8Array(readFileSync(${JSON.stringify(HELLO)})));
const [y] = model.predict(new Float32Array([Math.PI / 2]));
console.log(JSON.stringify({ y: y[0], simd: runtime.simd, error: typeof WasmliteError }));
`,
    );
    const used = JSON.parse(await run(process.execPath, ["use.mjs"], project));
    expect(Math.abs(used.y - 1)).toBeLessThan(0.05); // TFLM's own tolerance for hello_world
    expect(used.simd).toBe(true);
    expect(used.error).toBe("function");
  });

  it("the runtime, bundled by esbuild into a page, runs in Chromium (both builds)", async () => {
    if (!haveTool(CHROMIUM, "chromium")) return;
    const project = join(work, "runtime-only");
    writeFileSync(
      join(project, "page.mjs"),
      `import { createBrowserRuntime } from "@wasmlite/runtime/browser";
const bytes = new Uint8Array(await (await fetch("/model.tflite")).arrayBuffer());
const results = {};
for (const simd of [true, false]) {
  const runtime = await createBrowserRuntime({ simd, simdUrl: "/wasmlite.wasm", mvpUrl: "/wasmlite-mvp.wasm" });
  const [y] = runtime.load(bytes).predict(new Float32Array([Math.PI / 2]));
  results[simd ? "simd" : "mvp"] = y[0];
}
window.results = results;
`,
    );
    await build({
      entryPoints: [join(project, "page.mjs")],
      bundle: true,
      format: "esm",
      platform: "browser",
      outfile: join(project, "page.js"),
      absWorkingDir: project,
      logLevel: "error",
    });
    const runtimeDir = join(project, "node_modules/@wasmlite/runtime/build");
    const page = await ChromiumPage.open({
      html: `<!doctype html><script type="module" src="/page.js"></script>`,
      files: {
        "/page.js": join(project, "page.js"),
        "/model.tflite": HELLO,
        "/wasmlite.wasm": join(runtimeDir, "wasmlite.wasm"),
        "/wasmlite-mvp.wasm": join(runtimeDir, "wasmlite-mvp.wasm"),
      },
      readyFlag: "results",
    });
    try {
      const results = (await page.page.evaluate("window.results")) as { simd: number; mvp: number };
      expect(Math.abs(results.simd - 1)).toBeLessThan(0.05);
      expect(results.mvp).toBe(results.simd);
    } finally {
      await page.close();
    }
  });

  it("the runtime, bundled into a Worker, runs in workerd", async () => {
    const project = join(work, "runtime-only");
    const worker = join(project, "worker");
    mkdirSync(worker, { recursive: true });
    writeFileSync(
      join(project, "worker-source.mjs"),
      `import wasm from "./wasmlite.wasm";
import model from "./model.tflite";
import { createRuntime } from "@wasmlite/runtime";
let loaded;
export default {
  async fetch() {
    loaded ??= createRuntime({ simd: wasm }, { simd: true }).then((runtime) => runtime.load(new Uint8Array(model)));
    const [y] = (await loaded).predict(new Float32Array([Math.PI / 2]));
    return new Response(JSON.stringify({ y: y[0] }), { headers: { "content-type": "application/json" } });
  },
};
`,
    );
    await build({
      entryPoints: [join(project, "worker-source.mjs")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      external: ["./wasmlite.wasm", "./model.tflite"],
      outfile: join(worker, "worker.js"),
      absWorkingDir: project,
      logLevel: "error",
    });
    copyFileSync(join(project, "node_modules/@wasmlite/runtime/build/wasmlite.wasm"), join(worker, "wasmlite.wasm"));
    copyFileSync(HELLO, join(worker, "model.tflite"));
    const port = await freePort();
    writeFileSync(
      join(worker, "workerd.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "wasmlite.wasm", wasm = embed "wasmlite.wasm"),
    (name = "model.tflite", data = embed "model.tflite"),
  ],
  compatibilityDate = "2024-09-23",
);
`,
    );
    const workerd = spawn(WORKERD, ["serve", "workerd.capnp"], { cwd: worker, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const answer = (await fetchWhenUp(`http://127.0.0.1:${port}/`, workerd)) as { y: number };
      expect(Math.abs(answer.y - 1)).toBeLessThan(0.05);
    } finally {
      workerd.kill();
    }
  });

  it("the command: npx wasmlite --help, a short train-and-export sine, inspect and run", async () => {
    expect(await run("npx", ["wasmlite", "--help"], app)).toMatch(/^usage: wasmlite <command>/);
    const trained = await run("npx", ["wasmlite", "train-and-export", "sine", "--epochs", "2", "--out", "sine"], app);
    expect(trained).toMatch(/exports, checked in the wasmlite runtime on 500 test samples/);
    for (const file of ["model.tflite", "model-f32.tflite", "metrics.json", "report.html"])
      expect(statSync(join(app, "sine", file)).size, file).toBeGreaterThan(0);
    const hello = join(app, "node_modules/wasmlite/models/hello_world_float.tflite");
    expect(await run("npx", ["wasmlite", "inspect", hello], app)).toMatch(/wasmlite runtime: loads/);
    writeFileSync(join(app, "x.json"), "[1.5]");
    expect(await run("npx", ["wasmlite", "run", hello, "--input", "x.json"], app)).toMatch(/output 0 \[1, 1\]/);
    const started = performance.now();
    await run(join(app, "node_modules/.bin/wasmlite"), ["inspect", hello], app);
    console.log(`installed wasmlite: inspect hello_world in ${(performance.now() - started).toFixed(0)} ms`);
    console.log(`runtime + format + trainer + wasmlite installed: ${treeBytes(join(app, "node_modules"))} B`);
    expect(readdirSync(join(app, "node_modules")).includes("tsx"), "tsx is a dev dependency only").toBe(false);
  });

  it("the trainer, compiled, trains on two threads (its worker thread starts from gradient-worker.js)", async () => {
    writeFileSync(
      join(app, "train.mjs"),
      `import { sequential, dense } from "@wasmlite/trainer";
const net = sequential([dense({ units: 2, activation: "softmax" })], { inputShape: [3], seed: 1 });
net.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
const x = Float32Array.from({ length: 24 }, (_, i) => (i % 5) / 5);
const y = Float32Array.from({ length: 16 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0));
const history = net.fit({ x, y, n: 8, inputShape: [3], targetSize: 2 }, { epochs: 2, batchSize: 4, threads: 2 });
console.log(JSON.stringify(history.epochs.map((e) => e.loss)));
`,
    );
    const losses = JSON.parse(await run(process.execPath, ["train.mjs"], app)) as number[];
    expect(losses.length).toBe(2);
    expect(losses.every(Number.isFinite)).toBe(true);
  });

  it("build-runtime says how to install the runtime builder, and builds once it is installed", async () => {
    const model = join(app, "node_modules/wasmlite/models/hello_world_int8.tflite");
    const missing = await run("npx", ["wasmlite", "build-runtime", "--model", model, "--out", "tiny"], app).then(
      () => "",
      (e: Error) => e.message,
    );
    expect(missing).toMatch(
      /needs the runtime builder, which is not installed .*npm install @wasmlite\/runtime-builder/,
    );
    const builder = await newProject(join(work, "builder"), [
      tarballs["@wasmlite/runtime"]!,
      tarballs["@wasmlite/format"]!,
      tarballs["@wasmlite/trainer"]!,
      tarballs["wasmlite"]!,
      tarballs["@wasmlite/runtime-builder"]!,
    ]);
    await run("npx", ["wasmlite", "build-runtime", "--model", model, "--out", "tiny"], builder);
    writeFileSync(join(builder, "x.json"), "[1.5]");
    expect(await run("npx", ["wasmlite", "run", model, "--input", "x.json", "--runtime", "tiny"], builder)).toMatch(
      /output 0 \[1, 1\]/,
    );
  });

  it("installed globally (npm install -g into a prefix of its own), the command runs from the PATH's bin folder", async () => {
    const prefix = join(work, "global");
    const tarballList = ["@wasmlite/runtime", "@wasmlite/format", "@wasmlite/trainer", "wasmlite"].map(
      (n) => tarballs[n]!,
    );
    await run("npm", ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", ...tarballList], work);
    const bin = join(prefix, "bin", "wasmlite");
    expect((await run(bin, ["--version"], work)).trim()).toBe(
      JSON.parse(readFileSync(join(ROOT, "cli/package.json"), "utf8")).version,
    );
    expect(await run(bin, ["inspect", HELLO], work)).toMatch(/wasmlite runtime: loads/);
  });

  it("the .d.ts types check (tsc, NodeNext) against a consumer file", async () => {
    writeFileSync(
      join(app, "consumer.ts"),
      `import { createNodeRuntime } from "@wasmlite/runtime/node";
import { createBrowserRuntime } from "@wasmlite/runtime/browser";
import type { Runtime, Model } from "@wasmlite/runtime";
import { readModel, type ModelSummary } from "@wasmlite/format";
import { sequential, dense, exportTflite } from "@wasmlite/trainer";
import { trainAndExport, mnistSplit } from "wasmlite";
const runtime: Runtime = await createNodeRuntime({ simd: false });
const model: Model = runtime.load(new Uint8Array(0));
const outputs: Float32Array[] = model.predict(new Float32Array(1));
const net = sequential([dense({ units: 1 })], { inputShape: [1] });
net.compile({ optimizer: "adam", loss: "mse" });
const file: Uint8Array = exportTflite(net, { kind: "float32" });
const summary: ModelSummary = readModel(file);
const inBrowser: Promise<Runtime> = createBrowserRuntime({ simd: "auto", mvpUrl: "/wasmlite-mvp.wasm" });
export { outputs, inBrowser, summary, trainAndExport, mnistSplit };
`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules/@types")],
        },
        files: ["consumer.ts"],
      }),
    );
    await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], app);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GETs `url` until the server answers (or the process exits); the parsed JSON. */
async function fetchWhenUp(url: string, server: ChildProcess): Promise<unknown> {
  let log = "";
  server.stdout!.on("data", (d) => (log += d));
  server.stderr!.on("data", (d) => (log += d));
  for (let attempt = 0; ; attempt++) {
    const answer = await fetch(url).then(
      async (r) => (r.ok ? ((await r.json()) as unknown) : undefined),
      () => undefined,
    );
    if (answer !== undefined) return answer;
    if (attempt > 100 || server.exitCode !== null) throw new Error(`${url} did not answer: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
