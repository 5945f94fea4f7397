// StrykerJS: mutation testing of the TypeScript (`npm run mutants:ts`). It
// writes each mutant of the files below into a sandbox copy and runs the
// tests that cover it (tests/stryker/vitest.config.ts); a mutant no test
// catches is a missing test, or an equivalent mutant listed with its reason in
// tests/mutants/equivalent.json. The runtime's AssemblyScript needs a rebuild
// per mutant, so its mutants are the hand-written ones (tests/mutants/).
// Incremental: tests/mutants/stryker-incremental.json (committed) keeps each
// mutant's result, and a run re-tests only mutants in changed code or
// covered by changed tests.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "tests/stryker/vitest.config.ts", related: false },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  // Vitest does not type-check; mutants that do not compile are the checker's to drop.
  disableTypeChecks: false,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  // The trainer's model and training loop, layers, optimizers, losses,
  // callbacks, schedules, activations, initialisers, random generator, data
  // sets and augmentation, data-parallel training's calling side, export and
  // calibration, the kernels' TypeScript side (the workspace); format/'s
  // writer, reader, quantisation arithmetic, tokenizer, email reader and
  // metadata (tests/mutants/stryker-report.md). Not mutated: the training
  // thread (trainer/gradient-worker.ts: it runs in worker threads, where
  // StrykerJS can neither switch a mutant on nor see coverage; its work is
  // checked by data-parallel.test.ts's one-thread comparisons) and, not yet,
  // cli/.
  mutate: [
    "trainer/layers/**/*.ts",
    "trainer/{model,data-parallel,optimizers,losses,callback,early-stopping,schedules,activations,initializers,workspace,rng}.ts",
    "trainer/data/**/*.ts",
    "trainer/export/**/*.ts",
    "format/{quantization,model-builder,model-reader,tokenizer,email,wasmlite-metadata}.ts",
  ],
  ignorePatterns: ["reports", "test-artifacts", "scratch", "out", ".stryker-tmp"],
  incremental: true,
  incrementalFile: "tests/mutants/stryker-incremental.json",
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  concurrency: 2,
  // A mutant that makes a test loop for ever times out (counted as caught) this long after the test's usual time.
  timeoutMS: 10_000,
  ignoreStatic: true,
  tempDirName: ".stryker-tmp",
};
