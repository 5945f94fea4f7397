// Builds the two runtime binaries from one AssemblyScript source:
//   build/wasmlite.wasm      SIMD128 kernels
//   build/wasmlite-mvp.wasm  WebAssembly MVP only (no post-MVP feature), for
//                            microcontroller hosts (wasm3, WAMR, wasm2c)
// then optimises both with binaryen's wasm-opt and checks the properties the
// hosts rely on: zero imports, no allocator reachable, and (MVP) that the
// binary validates with every post-MVP feature switched off.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "build");
mkdirSync(out, { recursive: true });
const wasmOpt = join(here, "..", "node_modules", "binaryen", "bin", "wasm-opt");

// Compiler options and each build's features live in asconfig.json.
const targets = [
  { name: "wasmlite.wasm", target: "simd", opt: ["--enable-simd", "--enable-sign-ext", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-mutable-globals"] },
  { name: "wasmlite-mvp.wasm", target: "mvp", opt: ["--mvp-features"] },
];

for (const target of targets) {
  const raw = join(out, target.name + ".raw");
  const text = join(out, target.name.replace(".wasm", ".wat"));
  const { error, stderr } = await asc.main([
    "--config", join(here, "asconfig.json"),
    "--target", target.target,
    "--outFile", raw,
    "--textFile", text,
  ]);
  if (error) {
    console.error(stderr.toString());
    throw new Error(`asc failed for ${target.name}: ${error.message}`);
  }
  // The runtime must never allocate from the AssemblyScript heap: the model
  // lives where that heap would start (see assembly/layout.ts).
  const wat = readFileSync(text, "utf8");
  if (/call \$~lib\/rt\/stub\/__(alloc|new)/.test(wat)) {
    throw new Error(`${target.name}: code allocates from the AssemblyScript heap (string concatenation or 'new'?)`);
  }
  if (/\(import /.test(wat)) throw new Error(`${target.name}: has imports`);
  const final = join(out, target.name);
  // -Oz (and shrinkLevel 2 in asconfig.json): the size target is 64 KB; hot kernels are @inline.
  execFileSync(wasmOpt, [raw, "-Oz", ...target.opt, "-o", final + ".tmp"], { stdio: "inherit" });
  renameSync(final + ".tmp", final);
  console.log(`${target.name}: ${statSync(final).size} bytes`);
}
writeFileSync(join(out, ".gitignore"), "*\n");
