// Compiles a test-only AssemblyScript harness (tests/harness/*.ts) twice,
// with and without SIMD, so a suite can call a runtime kernel's two paths
// directly and compare them on inputs a whole model would rarely reach.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const harnessDir = join(dirname(fileURLToPath(import.meta.url)), "..", "harness");

/** The exports of tests/harness/<name>.ts compiled with or without SIMD. */
export async function compileHarness<T>(name: string, simd: boolean): Promise<T> {
  const out = join(mkdtempSync(join(tmpdir(), `wasmlite-${name}-`)), "harness.wasm");
  const { error, stderr } = await asc.main([
    join(harnessDir, `${name}.ts`),
    "--outFile",
    out,
    "--runtime",
    "stub",
    "--use",
    "abort=",
    "-O3",
    ...(simd ? ["--enable", "simd"] : ["--disable", "simd"]),
  ]);
  if (error) throw new Error(`${error.message}\n${stderr.toString()}`);
  const { exports } = await WebAssembly.instantiate(new WebAssembly.Module(readFileSync(out)), {});
  return exports as T;
}
