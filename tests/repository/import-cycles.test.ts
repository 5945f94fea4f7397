// No folder's TypeScript imports itself in a circle (type-only imports
// included): shared types live in their own modules (trainer/callback.ts,
// trainer/export/layer-export.ts), so a file can be read, tested and
// changed without the others it would otherwise drag in.
import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importCycles } from "../helpers/import-cycles.ts";

const root = join(import.meta.dirname, "..", "..");

describe("import cycles", () => {
  for (const folder of [
    "trainer",
    "format",
    "cli",
    "runtime-wasm/js",
    "runtime-wasm/builder",
    "devices",
    "bench",
    "tools",
  ]) {
    it(`${folder}/ has none`, () => {
      expect(importCycles(join(root, folder))).toEqual([]);
    });
  }

  it("the search finds a type-only cycle (so the checks above can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmlite-cycles-"));
    writeFileSync(join(dir, "a.ts"), 'import type { B } from "./b.ts";\nexport type A = B;\n');
    writeFileSync(join(dir, "b.ts"), 'import { c } from "./c.ts";\nexport type B = number;\nexport const b = c;\n');
    writeFileSync(join(dir, "c.ts"), 'export type { A } from "./a.ts";\nexport const c = 1;\n');
    expect(importCycles(dir)).toEqual(["a.ts -> b.ts -> c.ts -> a.ts"]);
  });
});
