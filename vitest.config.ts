import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One worker per core; the browser suite starts its own Chromium.
    pool: "forks",
  },
});
