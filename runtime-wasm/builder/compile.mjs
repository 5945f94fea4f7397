// Compiles the runtime from its AssemblyScript sources, twice:
//   wasmlite.wasm      SIMD128 kernels
//   wasmlite-mvp.wasm  WebAssembly MVP only (no post-MVP feature), for
//                      microcontroller hosts (wasm3, WAMR, wasm2c)
// then optimises both with binaryen's wasm-opt and checks the properties the
// hosts rely on: zero imports and no allocator reachable.
//
// buildRuntime({ operators, outDir }) holds only the named operators (a
// tailored build, as `wasmlite build-runtime` makes): the sources are copied
// to a scratch folder with a registry generated for them (operators.mjs), so
// the compiler never sees the other operators. Without `operators`, every
// operator, from the sources as they are (the full builds in runtime-wasm/build/).
//
// The sources are runtime-wasm/assembly/, compiled with runtime-wasm/asconfig.json
// (which extends the repository's asconfig.json); this package ships them
// in the same places relative to this file.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import asc from "assemblyscript/asc";
import { generatedSources } from "./operators.mjs";

/** runtime-wasm/: the sources (assembly/) and their compiler options (asconfig.json). */
const runtimeDir = join(dirname(fileURLToPath(import.meta.url)), "..");

// Compiler options and each build's features live in asconfig.json.
const TARGETS = [
  {
    file: "wasmlite.wasm",
    target: "simd",
    opt: [
      "--enable-simd",
      "--enable-sign-ext",
      "--enable-bulk-memory",
      "--enable-nontrapping-float-to-int",
      "--enable-mutable-globals",
    ],
  },
  { file: "wasmlite-mvp.wasm", target: "mvp", opt: ["--mvp-features"] },
];

/** The folder of an installed npm package (also when its "exports" hide package.json). */
export function packageDir(name) {
  const require = createRequire(import.meta.url);
  for (const path of require.resolve.paths(name) ?? []) {
    const dir = join(path, name);
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  throw new Error(`the npm package '${name}' is not installed (the runtime compiler needs it)`);
}

/**
 * Compiles both builds into outDir; returns each file's raw and gzip sizes.
 * `operators`: the builtin operator names a tailored build holds, `types`
 * the tensor types it has kernels for (KERNEL_TYPES in operators.mjs;
 * default all). Both undefined: the full builds, from the sources as they are.
 */
export async function buildRuntime({ operators, types, outDir, log = () => {} }) {
  const tailored = operators !== undefined;
  if (!tailored && types !== undefined) throw new Error("a build without every tensor type must name its operators");
  if (tailored && operators.length === 0) throw new Error("a tailored runtime needs at least one operator");
  const generated = tailored ? generatedSources({ operators: [...new Set(operators)], types }) : undefined;
  let sources = runtimeDir;
  let scratch;
  if (generated) {
    scratch = mkdtempSync(join(tmpdir(), "wasmlite-runtime-"));
    cpSync(join(runtimeDir, "assembly"), join(scratch, "assembly"), { recursive: true });
    // The same compiler options; the transform and the options it extends stay where they are.
    const config = JSON.parse(readFileSync(join(runtimeDir, "asconfig.json"), "utf8"));
    config.options.transform = config.options.transform.map((t) => join(runtimeDir, t));
    config.extends = join(runtimeDir, config.extends);
    writeFileSync(join(scratch, "asconfig.json"), JSON.stringify(config));
    for (const [file, text] of Object.entries(generated)) writeFileSync(join(scratch, "assembly", file), text);
    sources = scratch;
  }
  mkdirSync(outDir, { recursive: true });
  // Intermediate files (.raw before wasm-opt, .wat to check) stay beside the full builds, not a tailored one's.
  const work = scratch ?? outDir;
  const wasmOpt = join(packageDir("binaryen"), "bin", "wasm-opt");
  const sizes = {};
  const finished = []; // both files are written beside their final names, then renamed together
  try {
    for (const t of TARGETS) {
      const raw = join(work, `${t.file}.raw`);
      const text = join(work, t.file.replace(".wasm", ".wat"));
      const { error, stderr } = await asc.main([
        "--config",
        join(sources, "asconfig.json"),
        "--target",
        t.target,
        "--outFile",
        raw,
        "--textFile",
        text,
      ]);
      if (error) throw new Error(`asc failed for ${t.file}: ${error.message}\n${stderr.toString()}`);
      // The runtime must never allocate from the AssemblyScript heap: the model
      // lives where that heap would start (see assembly/layout.ts).
      const wat = readFileSync(text, "utf8");
      if (/call \$~lib\/rt\/stub\/__(alloc|new)/.test(wat)) {
        throw new Error(`${t.file}: code allocates from the AssemblyScript heap (string concatenation or 'new'?)`);
      }
      if (/\(import /.test(wat)) throw new Error(`${t.file}: has imports`);
      const pending = join(outDir, `${t.file}.tmp`);
      finished.push(pending);
      execFileSync(process.execPath, [wasmOpt, raw, "-Oz", ...t.opt, "-o", pending], { stdio: "inherit" });
      const bytes = readFileSync(pending);
      sizes[t.file] = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    }
    for (const t of TARGETS) renameSync(join(outDir, `${t.file}.tmp`), join(outDir, t.file));
    for (const t of TARGETS) log(`${t.file}: ${sizes[t.file].bytes} bytes (${sizes[t.file].gzip} gzipped)`);
  } finally {
    for (const pending of finished) rmSync(pending, { force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return sizes;
}

/** Writes the generated sources of the full builds (every operator, every type) into assembly/. */
export function writeFullBuildSources() {
  for (const [file, text] of Object.entries(generatedSources()))
    writeFileSync(join(runtimeDir, "assembly", file), text);
}
