// Node convenience: creates a runtime from the .wasm files built into
// runtime-wasm/build/ (run `npm run build` first), or from a folder holding
// a tailored build (`wasmlite build-runtime --out DIR`).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime, type CreateOptions, type Runtime } from "./index.ts";

export const SIMD_WASM = fileURLToPath(new URL("../build/wasmlite.wasm", import.meta.url));
export const MVP_WASM = fileURLToPath(new URL("../build/wasmlite-mvp.wasm", import.meta.url));

export interface NodeCreateOptions extends CreateOptions {
  /** A folder holding wasmlite.wasm and wasmlite-mvp.wasm (a tailored build); default: the full builds. */
  dir?: string;
}

export async function createNodeRuntime(options: NodeCreateOptions = {}): Promise<Runtime> {
  const { dir, ...rest } = options;
  const simdFile = dir === undefined ? SIMD_WASM : join(dir, "wasmlite.wasm");
  const mvpFile = dir === undefined ? MVP_WASM : join(dir, "wasmlite-mvp.wasm");
  let simd: Uint8Array, mvp: Uint8Array;
  try {
    [simd, mvp] = await Promise.all([readFile(simdFile), readFile(mvpFile)]);
  } catch (e) {
    const hint = dir === undefined ? "run `npm run build`" : "build one with `wasmlite build-runtime --out DIR`";
    throw new Error(`wasmlite runtime not found (${(e as Error).message}); ${hint}`);
  }
  return createRuntime({ simd, mvp }, rest);
}
