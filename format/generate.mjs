// `npm run gen:format`: regenerates what format/tflite.fbs decides:
//   format/generated/                 the TypeScript bindings, by flatc (Debian
//                                     package flatbuffers-compiler)
//   runtime-wasm/assembly/schema.ts   the runtime's field ids and enum values
//                                     (runtime-schema.mjs)
// `node format/generate.mjs --out DIR` writes the bindings elsewhere (the
// test that checks the committed bindings are current uses it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeSchemaSource } from "./runtime-schema.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf("--out");
const target = outIndex > 0 ? process.argv[outIndex + 1] : join(here, "generated");
const work = mkdtempSync(join(tmpdir(), "wasmlite-flatc-"));
try {
  execFileSync("flatc", ["--ts", "--gen-object-api", "-o", work, join(here, "tflite.fbs")], { stdio: "inherit" });
} catch (e) {
  console.error("flatc failed; install it with: apt-get install flatbuffers-compiler");
  throw e;
}
addImportExtensions(work);
rmSync(target, { recursive: true, force: true });
cpSync(work, target, { recursive: true });
rmSync(work, { recursive: true, force: true });
console.log(`generated TypeScript bindings in ${target}`);
if (outIndex < 0) {
  const schema = join(here, "..", "runtime-wasm", "assembly", "schema.ts");
  writeFileSync(schema, runtimeSchemaSource(readFileSync(join(here, "tflite.fbs"), "utf8")));
  console.log(`generated ${schema}`);
}

/**
 * flatc 2.0 writes relative imports without an extension ('./tflite/buffer'),
 * which Node's ESM loader cannot resolve once the package is compiled to JS:
 * give each one its '.ts' (tsc rewrites it to '.js', tsconfig.build.json).
 */
function addImportExtensions(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(/(from '\.{1,2}\/[^']+?)(?<!\.ts)'/g, "$1.ts'"));
  }
}
