// Both runtime builds, instantiated once per test file.
import { createNodeRuntime } from "@wasmlite/runtime/node";
import type { Runtime } from "@wasmlite/runtime";

export interface Builds {
  simd: Runtime;
  mvp: Runtime;
}

export async function bothBuilds(): Promise<Builds> {
  const [simd, mvp] = await Promise.all([createNodeRuntime({ simd: true }), createNodeRuntime({ simd: false })]);
  return { simd, mvp };
}
