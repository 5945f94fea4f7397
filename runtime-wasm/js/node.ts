// Node convenience: creates a runtime from the .wasm files built into
// runtime-wasm/build/ (run `npm run build` first).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createRuntime, type CreateOptions, type Runtime } from "./index.ts";

export const SIMD_WASM = fileURLToPath(new URL("../build/wasmlite.wasm", import.meta.url));
export const MVP_WASM = fileURLToPath(new URL("../build/wasmlite-mvp.wasm", import.meta.url));

export async function createNodeRuntime(options: CreateOptions = {}): Promise<Runtime> {
  let simd: Uint8Array, mvp: Uint8Array;
  try {
    [simd, mvp] = await Promise.all([readFile(SIMD_WASM), readFile(MVP_WASM)]);
  } catch (e) {
    throw new Error(`wasmlite runtime not built (${(e as Error).message}); run \`npm run build\``);
  }
  return createRuntime({ simd, mvp }, options);
}
