// Every mutant of tests/mutants/mutants.ts still applies to the source as it
// is (its text occurs exactly once), so a rename shows here, in `npm test`,
// not only in the long `npm run mutants` run.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { MUTANTS } from "../mutants/mutants.ts";

describe("the mutants of npm run mutants", () => {
  it("each names a unique id and text that occurs exactly once in its file", () => {
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
    for (const m of MUTANTS) {
      expect(readFileSync(m.file, "utf8").split(m.find).length - 1, `${m.id}: ${m.file}`).toBe(1);
      expect(m.replace, m.id).not.toBe(m.find);
    }
    expect(MUTANTS.length).toBeGreaterThanOrEqual(20);
  });
});
