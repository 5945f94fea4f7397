// `wasmlite build-runtime`: the command's side of tailored runtimes. The
// work (choosing the models' operators, compiling them) is the runtime
// builder's, a package of its own since it brings AssemblyScript and binaryen
// (about 200 MB); this file loads it, or says how to install it.
import type { BuildRuntimeOptions } from "@wasmlite/runtime-builder";

export async function buildRuntimeCommand(options: BuildRuntimeOptions): Promise<void> {
  let builder: typeof import("@wasmlite/runtime-builder");
  try {
    builder = await import("@wasmlite/runtime-builder");
  } catch (e) {
    if (
      (e as { code?: string }).code !== "ERR_MODULE_NOT_FOUND" ||
      !(e as Error).message.includes("@wasmlite/runtime-builder")
    )
      throw e;
    throw new Error(
      `build-runtime needs the runtime builder, which is not installed (it brings the AssemblyScript compiler and binaryen, about 200 MB): npm install @wasmlite/runtime-builder`,
    );
  }
  await builder.buildTailoredRuntime(options);
}
