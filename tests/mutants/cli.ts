// Mutants of the command line: see mutants.ts.
import type { Mutant } from "./definition.ts";
import { CLI } from "./definition.ts";

export const CLI_MUTANTS: Mutant[] = [
  // --- the command line ---
  {
    id: "run-accepts-non-finite",
    file: "cli/run.ts",
    find: "const bad = values.findIndex((v) => !Number.isFinite(v));",
    replace: "const bad = -1;",
    bug: "run feeds NaN and infinities from a .npy file to the model",
    build: "none",
    tests: [CLI],
  },
  {
    id: "failed-int8-overwrites-model",
    file: "cli/train-and-export/job.ts",
    find: 'q.failure ? "model-int8-failed.tflite" : "model.tflite"',
    replace: '"model.tflite"',
    bug: "an int8 export that failed its check is written as model.tflite, as if it had passed",
    build: "none",
    tests: [CLI],
  },
  {
    id: "config-objects-not-strict",
    file: "trainer/layers/options.ts",
    find: "return z.strictObject(shape, {",
    replace: "return z.object(shape, {",
    bug: "config fields that do not exist or do not apply (momentum with sgd) are ignored",
    build: "none",
    tests: [CLI],
  },
];
