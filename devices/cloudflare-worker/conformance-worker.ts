// A second Worker, built only on request (`build.ts --conformance`): runs the
// cross-host conformance set (devices/conformance/cases.ts) in workerd and
// answers each model's output digest as JSON, to hold against Node's.
import wasm from "./wasmlite.wasm";
import models from "./conformance-models.js";
import { createRuntime } from "@wasmlite/runtime";
import { runConformance } from "../conformance/cases.ts";

export default {
  async fetch(): Promise<Response> {
    const runtime = await createRuntime({ simd: wasm }, { simd: true });
    const results = await runConformance(runtime, async (path) => {
      const bytes = models[path];
      if (!bytes) throw new Error(`${path} was not built into this Worker`);
      return new Uint8Array(bytes);
    });
    return Response.json({ simd: runtime.simd, results });
  },
};
