// Both runtime builds, instantiated once per test file.
import { createNodeRuntime } from "../../runtime-wasm/js/node.ts";
import type { Runtime } from "../../runtime-wasm/js/index.ts";

export interface Builds {
  simd: Runtime;
  mvp: Runtime;
}

export async function bothBuilds(): Promise<Builds> {
  const [simd, mvp] = await Promise.all([createNodeRuntime({ simd: true }), createNodeRuntime({ simd: false })]);
  return { simd, mvp };
}
