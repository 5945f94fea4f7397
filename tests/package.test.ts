// The npm package, as `npm pack` would make it: it must hold what the
// installed `wasmlite` command reads (both runtime builds, the sources
// `build-runtime` compiles, the trainer's kernels, hello_world's models), and
// every package the shipped code imports must be a dependency, not a dev
// dependency (an installed package has no dev dependencies). Then the real
// thing: the packed tarball installed into a fresh project (no tsx, no
// TypeScript loader), imported from plain Node, its command run, its types
// checked by tsc against a consumer file.
import { describe, it, expect } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import {
  readFileSync,
  readdirSync,
  statSync,
  mkdtempSync,
  writeFileSync,
  existsSync,
  cpSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { builtinModules } from "node:module";

const ROOT = new URL("..", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function packedFiles(): Set<string> {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  const [info] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set(info!.files.map((f) => f.path));
}

/** Every file under `dir` ending in one of `extensions`. */
function sources(dir: string, extensions: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === "node_modules" || name === "build" ? [] : sources(path, extensions);
    return extensions.some((e) => name.endsWith(e)) ? [path] : [];
  });
}

describe("the npm package", () => {
  it("holds what the installed command reads", () => {
    const files = packedFiles();
    for (const path of [
      "bin/wasmlite.mjs",
      "cli/commands.mjs",
      "runtime-wasm/build/wasmlite.wasm",
      "runtime-wasm/build/wasmlite-mvp.wasm",
      "runtime-wasm/js/operator-names.mjs",
      "runtime-wasm/compile.mjs",
      "runtime-wasm/operators.mjs",
      "runtime-wasm/asconfig.json",
      "runtime-wasm/message-table.mjs",
      "runtime-wasm/assembly/index.ts",
      "runtime-wasm/assembly/registry.ts",
      "trainer/kernels/build/trainer-kernels.wasm",
      "tests/fixtures/tflm/hello_world/hello_world_int8.tflite",
      "tests/fixtures/tflm/hello_world/hello_world_float.tflite",
    ]) {
      expect(files.has(path), path).toBe(true);
    }
    // Every runtime source build-runtime copies.
    for (const path of sources(join(ROOT, "runtime-wasm/assembly"), [".ts"])) {
      expect(files.has(relative(ROOT, path)), relative(ROOT, path)).toBe(true);
    }
  }, 60_000);

  it("lists every package the shipped code imports as a dependency", () => {
    const shipped = ["bin", "cli", "format", "trainer", "runtime-wasm/js"].flatMap((d) =>
      sources(join(ROOT, d), [".ts", ".mjs"]),
    );
    shipped.push(join(ROOT, "runtime-wasm/compile.mjs"), join(ROOT, "runtime-wasm/message-table.mjs"));
    const imported = new Map<string, string>();
    for (const file of shipped) {
      const text = readFileSync(file, "utf8");
      const statics = text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm);
      const dynamics = text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g);
      for (const m of [...statics, ...dynamics]) {
        const specifier = m[1]!;
        if (specifier.startsWith(".")) continue;
        if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
        // The bin, and the trainer's worker threads, fall back to tsx only in a checkout, where no .js was compiled.
        const checkoutOnly = ["bin/wasmlite.mjs", "trainer/gradient-worker-tsx.mjs"];
        if (specifier === "tsx/esm/api" && checkoutOnly.some((f) => file.endsWith(f))) continue;
        const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
        imported.set(name, relative(ROOT, file));
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    for (const [name, file] of imported) {
      expect(manifest.dependencies[name], `${name} (imported by ${file})`).toBeDefined();
    }
  });

  it("installs from the packed tarball into a fresh project and works there without a TypeScript loader", async () => {
    const work = mkdtempSync(join(tmpdir(), "wasmlite-installed-"));
    // Asynchronous, so this worker keeps answering vitest while npm installs (a synchronous wait of over
    // 60 s makes vitest's worker RPC time out and fail the run though every test passed).
    const run = (command: string, args: string[], cwd: string) =>
      new Promise<string>((resolve, reject) => {
        execFile(command, args, { cwd, encoding: "utf8", timeout: 240_000, maxBuffer: 64 << 20 }, (error, out, err) => {
          if (error) reject(new Error(`${command} ${args.join(" ")} failed (${error.code}):\n${out}\n${err}`));
          else resolve(out);
        });
      });
    // npm pack runs prepack (compiles the JS beside the sources) and postpack (removes it again). It
    // packs a copy of the checkout: the compiled cli/main.js must not appear, even for a moment, under
    // the other suites' feet (bin/wasmlite.mjs prefers it to the TypeScript).
    const copy = join(work, "checkout");
    const skip = new Set(["node_modules", ".git", "out", "scratch", "test-artifacts"].map((d) => join(ROOT, d)));
    cpSync(ROOT, copy, { recursive: true, filter: (path) => !skip.has(path.replace(/\/$/, "")) });
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
    const packed = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", work], copy)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const listed = new Set(packed[0]!.files.map((f) => f.path));
    for (const path of ["cli/main.js", "runtime-wasm/js/index.js", "runtime-wasm/js/index.d.ts", "trainer/index.d.ts"])
      expect(listed.has(path), path).toBe(true);
    // The TypeScript sources stay out (a consumer's tsc would check them instead of the declarations).
    expect([...listed].filter((p) => /^(cli|format|trainer|runtime-wasm\/js)\/.*(?<!\.d)\.ts$/.test(p))).toEqual([]);
    expect(existsSync(join(copy, "cli/main.js")), "postpack leaves the checkout as it was").toBe(false);

    const project = join(work, "project");
    await run("mkdir", ["-p", project], work);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await run("npm", ["install", "--no-audit", "--no-fund", join(work, packed[0]!.filename)], project);
    expect(existsSync(join(project, "node_modules", "tsx")), "tsx is a dev dependency only").toBe(false);

    // Plain Node imports the runtime and runs hello_world.
    const hello = join(project, "node_modules/wasmlite/tests/fixtures/tflm/hello_world/hello_world_float.tflite");
    writeFileSync(
      join(project, "use.mjs"),
      `import { readFileSync } from "node:fs";
import { createNodeRuntime } from "wasmlite/node";
import { WasmliteError } from "wasmlite";
const runtime = await createNodeRuntime();
const model = runtime.load(new Uint8Array(readFileSync(${JSON.stringify(hello)})));
const [y] = model.predict(new Float32Array([Math.PI / 2]));
console.log(JSON.stringify({ y: y[0], error: typeof WasmliteError }));
`,
    );
    const used = JSON.parse(await run(process.execPath, ["use.mjs"], project));
    expect(Math.abs(used.y - 1)).toBeLessThan(0.05); // TFLM's own tolerance for hello_world
    expect(used.error).toBe("function");

    // The trainer, compiled, trains on two threads (its worker thread starts from gradient-worker.js).
    writeFileSync(
      join(project, "train.mjs"),
      `import { sequential, dense } from "wasmlite/trainer";
const net = sequential([dense({ units: 2, activation: "softmax" })], { inputShape: [3], seed: 1 });
net.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
const x = Float32Array.from({ length: 24 }, (_, i) => (i % 5) / 5);
const y = Float32Array.from({ length: 16 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0));
const history = net.fit({ x, y, n: 8, inputShape: [3], targetSize: 2 }, { epochs: 2, batchSize: 4, threads: 2 });
console.log(JSON.stringify(history.epochs.map((e) => e.loss)));
`,
    );
    const losses = JSON.parse(await run(process.execPath, ["train.mjs"], project)) as number[];
    expect(losses.length).toBe(2);
    expect(losses.every(Number.isFinite)).toBe(true);

    // The command, from the compiled JavaScript.
    const bin = join(project, "node_modules/.bin/wasmlite");
    expect(await run(bin, ["inspect", hello], project)).toMatch(/wasmlite runtime: loads/);
    writeFileSync(join(project, "x.json"), "[1.5]");
    expect(await run(bin, ["run", hello, "--input", "x.json"], project)).toMatch(/output 0 \[1, 1\]/);
    const started = performance.now();
    await run(bin, ["inspect", hello], project);
    console.log(
      `installed package: inspect hello_world in ${(performance.now() - started).toFixed(0)} ms (start-up included)`,
    );

    // The runtime's entries for any host (wasmlite, wasmlite/browser) import nothing but their own files (no Node
    // built-ins): bundlers and browsers take them as they are.
    const runtimeDir = join(project, "node_modules/wasmlite/runtime-wasm/js");
    expect(readFileSync(join(runtimeDir, "index.js"), "utf8")).toMatch(/from "\.\/operator-names\.mjs"/); // the scan sees imports
    expect(readFileSync(join(runtimeDir, "browser.js"), "utf8")).toMatch(/from "\.\/index\.js"/);
    for (const file of ["index.js", "browser.js", "operator-names.mjs"]) {
      const specifiers = [
        ...readFileSync(join(runtimeDir, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g),
      ];
      expect(
        specifiers.map((m) => m[1]).filter((spec) => !spec!.startsWith("./")),
        file,
      ).toEqual([]);
    }

    // Installed globally (npm install -g, into a prefix of its own), the command works from the PATH's bin folder.
    const prefix = join(work, "global");
    await run(
      "npm",
      ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", join(work, packed[0]!.filename)],
      work,
    );
    expect((await run(join(prefix, "bin", "wasmlite"), ["--version"], work)).trim()).toBe(
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version,
    );
    expect(await run(join(prefix, "bin", "wasmlite"), ["inspect", hello], work)).toMatch(/wasmlite runtime: loads/);

    // Its types, checked by tsc against a consumer file.
    writeFileSync(
      join(project, "consumer.ts"),
      `import { createNodeRuntime } from "wasmlite/node";
import { createBrowserRuntime } from "wasmlite/browser";
import type { Runtime, Model } from "wasmlite";
import { sequential, dense } from "wasmlite/trainer";
const runtime: Runtime = await createNodeRuntime({ simd: false });
const model: Model = runtime.load(new Uint8Array(0));
const outputs: Float32Array[] = model.predict(new Float32Array(1));
const net = sequential([dense({ units: 1 })], { inputShape: [1] });
net.compile({ optimizer: "adam", loss: "mse" });
const inBrowser: Promise<Runtime> = createBrowserRuntime({ simd: "auto", mvpUrl: "/wasmlite-mvp.wasm" });
export { outputs, inBrowser };
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
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
    await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);
  }, 600_000);
});
