// Builds trainer/kernels/index.ts (gemm.ts, updates.ts) into trainer/kernels/build/trainer-kernels.wasm (SIMD).
// The module exports its memory; the trainer grows it to hold every training
// buffer (parameters, gradients, activations, optimiser state).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "build");
mkdirSync(out, { recursive: true });
const { error, stderr } = await asc.main([
  join(here, "index.ts"),
  "--outFile",
  join(out, "trainer-kernels.wasm"),
  "--runtime",
  "stub",
  "--use",
  "abort=",
  "-O3",
  "--noAssert",
  "--enable",
  "simd",
  "--initialMemory",
  "1",
]);
if (error) {
  console.error(stderr.toString());
  throw new Error(`asc failed for trainer kernels: ${error.message}`);
}
// Built files stay out of git; the npm package ships them (an .npmignore,
// even empty, stops npm from applying the .gitignore here).
writeFileSync(join(out, ".gitignore"), "*\n");
writeFileSync(join(out, ".npmignore"), "# ship the built .wasm files\n");
console.log("trainer/kernels/build/trainer-kernels.wasm built");
