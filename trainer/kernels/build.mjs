// Builds the trainer's WASM SIMD kernels (index.ts and the files it exports
// from) into trainer/kernels/build/trainer-kernels.wasm, with the compiler
// options in asconfig.json beside this file (which extends the repository's
// asconfig.json). The module exports its memory; the trainer grows it to hold
// every training buffer (parameters, gradients, activations, optimiser state).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "build");
mkdirSync(out, { recursive: true });
const { error, stderr } = await asc.main([
  "--config",
  join(here, "asconfig.json"),
  "--outFile",
  join(out, "trainer-kernels.wasm"),
]);
if (error) {
  console.error(stderr.toString());
  throw new Error(`asc failed for trainer kernels: ${error.message}`);
}
// Built files stay out of git; the trainer package ships them.
writeFileSync(join(out, ".gitignore"), "*\n");
console.log("trainer/kernels/build/trainer-kernels.wasm built");
