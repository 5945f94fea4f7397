// Properties of the two runtime binaries that hosts rely on: no imports at
// all, the MVP build valid with every post-MVP feature off, and the size.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { statSync, readFileSync } from "node:fs";
import { SIMD_WASM, MVP_WASM } from "../runtime-wasm/js/node.ts";
import { haveTool } from "./helpers/system.ts";

const SIZE_TARGET = 64 * 1024;

describe("runtime binaries", () => {
  it("have no imports (checked by the JS engine)", () => {
    for (const file of [SIMD_WASM, MVP_WASM]) {
      const module = new WebAssembly.Module(readFileSync(file));
      expect(WebAssembly.Module.imports(module)).toEqual([]);
    }
  });

  it(`are each at most ${SIZE_TARGET} bytes`, () => {
    const sizes = { "wasmlite.wasm": statSync(SIMD_WASM).size, "wasmlite-mvp.wasm": statSync(MVP_WASM).size };
    console.log("runtime sizes (bytes):", sizes);
    for (const size of Object.values(sizes)) expect(size).toBeLessThanOrEqual(SIZE_TARGET);
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
      "--disable-simd", "--disable-sign-extension", "--disable-mutable-globals", "--disable-saturating-float-to-int",
      "--disable-bulk-memory", "--disable-reference-types", "--disable-multi-value", MVP_WASM,
    ]);
  });

  it("the SIMD build does not validate without SIMD (so the check above can fail)", () => {
    expect(() => execFileSync("wasm-validate", ["--disable-simd", SIMD_WASM], { stdio: "pipe" })).toThrow();
  });
});
