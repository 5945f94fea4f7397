// The test run StrykerJS mutates the TypeScript against (stryker.config.mjs):
// the trainer's, the format's and the command's suites, without the presets
// (full trainings of minutes each, for a mutant the suites below catch in
// seconds) and without the suites that drive the runtime in browsers,
// Workers, QEMU or installed packages (they test the runtime, which
// Stryker does not mutate).
//
// The workspace packages resolve to this folder's copy of the sources:
// Stryker runs in a sandbox copy of the repository, and node_modules/@wasmlite
// there links to the original folders, which hold no mutants.
import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@wasmlite\/runtime\/node$/, replacement: root("runtime-wasm/js/node.ts") },
      { find: /^@wasmlite\/runtime\/browser$/, replacement: root("runtime-wasm/js/browser.ts") },
      { find: /^@wasmlite\/runtime$/, replacement: root("runtime-wasm/js/index.ts") },
      { find: /^@wasmlite\/format$/, replacement: root("format/index.ts") },
      { find: /^@wasmlite\/trainer$/, replacement: root("trainer/index.ts") },
      { find: /^wasmlite$/, replacement: root("cli/index.ts") },
    ],
  },
  test: {
    root: root(""),
    include: ["tests/trainer/**/*.test.ts", "tests/format/**/*.test.ts", "tests/cli/**/*.test.ts"],
    exclude: ["tests/cli/presets/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
