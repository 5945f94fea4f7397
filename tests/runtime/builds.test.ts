// Properties of the two runtime binaries that hosts rely on: no imports at
// all, the MVP build valid with every post-MVP feature off. The full builds
// have no size limit (they grow with coverage); the size budgets are on
// tailored builds (build-runtime.test.ts), and bench/ reports these sizes.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { SIMD_WASM, MVP_WASM } from "@wasmlite/runtime/node";
import { haveTool } from "../helpers/system.ts";

describe("runtime binaries", () => {
  it("have no imports (checked by the JS engine)", () => {
    for (const file of [SIMD_WASM, MVP_WASM]) {
      const module = new WebAssembly.Module(readFileSync(file));
      expect(WebAssembly.Module.imports(module)).toEqual([]);
    }
  });
});

describe.skipIf(!haveTool("wasm-validate", "wabt"))("runtime binaries under wabt", () => {
  it("wasm-objdump lists no import section in either build", () => {
    for (const file of [SIMD_WASM, MVP_WASM]) {
      const dump = execFileSync("wasm-objdump", ["-x", file], { encoding: "utf8" });
      expect(dump).not.toMatch(/^Import\[/m);
      expect(dump).toMatch(/^Export\[/m);
    }
  });

  it("the MVP build validates with every post-MVP feature disabled", () => {
    execFileSync("wasm-validate", [
      "--disable-simd",
      "--disable-sign-extension",
      "--disable-mutable-globals",
      "--disable-saturating-float-to-int",
      "--disable-bulk-memory",
      "--disable-reference-types",
      "--disable-multi-value",
      MVP_WASM,
    ]);
  });

  it("the SIMD build does not validate without SIMD (so the check above can fail)", () => {
    expect(() => execFileSync("wasm-validate", ["--disable-simd", SIMD_WASM], { stdio: "pipe" })).toThrow();
  });
});
