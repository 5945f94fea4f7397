// What a mutant is (mutants.ts gathers them, one file per area), and the
// test files the mutants name as the ones that catch them.

export interface Mutant {
  id: string;
  /** Path from the repository root. */
  file: string;
  /** Exact text, which must occur exactly once in the file. */
  find: string;
  replace: string;
  /** The mistake it models. */
  bug: string;
  /** What must be rebuilt for the edit to take effect ("runtime and checked": also the fuzzer's checked builds). */
  build: "runtime" | "runtime and checked" | "trainer-kernels" | "none";
  /** Test files expected to catch it (one failure in any of them is enough). */
  tests: string[];
}

export const REFERENCE = "tests/runtime/reference.test.ts";
export const ACTIVATIONS = "tests/runtime/ops/integer-activations.test.ts";
export const DENSE = "tests/trainer/layers/dense.test.ts";
export const LOSSES = "tests/trainer/losses.test.ts";
export const OPTIMIZERS = "tests/trainer/optimizers.test.ts";
export const LOOP = "tests/trainer/training-loop.test.ts";
export const INPUTS = "tests/runtime/invoke-inputs.test.ts";
export const QUIRKS = "tests/runtime/model-quirks.test.ts";
export const TAILORED = "tests/runtime/tailored-builds.test.ts";
export const CLI = "tests/cli/hardening.test.ts";
export const BROWSER = "tests/hosts/browser.test.ts";
export const WORKER = "tests/hosts/cloudflare-worker.test.ts";
export const MCU = "tests/hosts/mcu.test.ts";
export const CONV2D = "tests/trainer/layers/conv2d.test.ts";
export const DEPTHWISE = "tests/trainer/layers/depthwise-conv2d.test.ts";
export const WINDOW = "tests/trainer/layers/window.test.ts";
export const BATCH_NORM = "tests/trainer/layers/batch-normalization.test.ts";
export const RNN = "tests/trainer/layers/simple-rnn.test.ts";
export const LSTM = "tests/trainer/layers/lstm.test.ts";
export const API = "tests/runtime/api.test.ts";
export const EMBEDDING = "tests/trainer/layers/embedding.test.ts";
export const JORDAN = "tests/trainer/layers/jordan.test.ts";
export const PARALLEL = "tests/trainer/data-parallel.test.ts";
export const CONV1D = "tests/trainer/layers/conv1d.test.ts";
export const VERIFIER_EDGES = "tests/runtime/verifier-edges.test.ts";
export const FUZZ = "tests/runtime/fuzz.test.ts";
