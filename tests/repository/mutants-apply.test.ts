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

describe("the StrykerJS lists (tests/mutants/equivalent.json, uncaught.json)", () => {
  it("each entry names a line that is still in its file, and each equivalent one says why", () => {
    for (const list of ["equivalent", "uncaught"] as const) {
      const entries = JSON.parse(readFileSync(`tests/mutants/${list}.json`, "utf8")) as {
        file: string;
        code: string;
        reason?: string;
      }[];
      for (const e of entries) {
        const lines = readFileSync(e.file, "utf8")
          .split("\n")
          .map((l) => l.trim());
        expect(lines, `${list}.json: ${e.file}: ${e.code}`).toContain(e.code);
        if (list === "equivalent") expect(e.reason?.trim(), `${e.file}: ${e.code}`).toBeTruthy();
      }
    }
  });
});
