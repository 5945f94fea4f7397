// typescript-eslint's recommended rules over the TypeScript and JavaScript
// this repository runs in Node or a browser (npm test runs `eslint .`).
// AssemblyScript (the runtime, the trainer's kernels, the test harnesses) is
// not TypeScript: its decorators on functions and its types do not parse as
// TypeScript, so it is left out, as Prettier leaves those files out.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/",
      "**/build/",
      "dist/",
      "out/",
      "scratch/",
      ".stryker-tmp/",
      "reports/",
      "test-artifacts/",
      "format/generated/",
      "runtime-wasm/assembly/",
      "trainer/kernels/*.ts",
      "tests/harness/",
      "tests/fixtures/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        console: "readonly",
        process: "readonly",
        URL: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        WebAssembly: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        fetch: "readonly",
        Response: "readonly",
        window: "readonly",
        document: "readonly",
        Buffer: "readonly",
        AbortController: "readonly",
        structuredClone: "readonly",
      },
    },
    rules: {
      // An unused binding is a defect; one named _x is deliberate (a destructured field left out, a callback's unused argument).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
);
