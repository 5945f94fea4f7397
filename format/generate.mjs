// Regenerates format/generated/ from format/tflite.fbs with flatc (Debian
// package flatbuffers-compiler). `node format/generate.mjs --out DIR` writes
// elsewhere (the test that checks the committed bindings are current uses it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
rmSync(target, { recursive: true, force: true });
cpSync(work, target, { recursive: true });
rmSync(work, { recursive: true, force: true });
console.log(`generated TypeScript bindings in ${target}`);
