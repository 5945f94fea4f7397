// After `npm run mutants:ts` (StrykerJS, stryker.config.mjs): the mutation
// score per folder, written to tests/mutants/stryker-report.md, and every
// mutant no test caught that is not listed as equivalent in
// tests/mutants/equivalent.json (with its one-line reason). Exits 1 if there
// is one: it is a missing test.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}
interface Equivalent {
  file: string;
  line: number;
  mutator: string;
  replacement: string;
  reason: string;
}

const report = JSON.parse(readFileSync(join(ROOT, "reports/mutation/mutation.json"), "utf8")) as Report;
const equivalent = JSON.parse(readFileSync(join(ROOT, "tests/mutants/equivalent.json"), "utf8")) as Equivalent[];
const isEquivalent = (file: string, m: Mutant) =>
  equivalent.some(
    (e) =>
      e.file === file &&
      e.line === m.location.start.line &&
      e.mutator === m.mutatorName &&
      e.replacement === (m.replacement ?? ""),
  );

const folders = new Map<string, { caught: number; missed: number; equivalent: number }>();
const missed: string[] = [];
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  const folder = dirname(file);
  const tally = folders.get(folder) ?? { caught: 0, missed: 0, equivalent: 0 };
  const lines = source.split("\n");
  for (const m of mutants) {
    if (m.status === "Killed" || m.status === "Timeout" || m.status === "RuntimeError") tally.caught++;
    else if (m.status === "Survived" || m.status === "NoCoverage") {
      if (isEquivalent(file, m)) tally.equivalent++;
      else {
        tally.missed++;
        const line = lines[m.location.start.line - 1]?.trim() ?? "";
        missed.push(
          `${file}:${m.location.start.line} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? "")} (${m.status}): ${line}`,
        );
      }
    }
  }
  folders.set(folder, tally);
}

const score = (t: { caught: number; missed: number; equivalent: number }) =>
  t.caught + t.missed === 0 ? 100 : (100 * t.caught) / (t.caught + t.missed);
const rows = [...folders].sort(([a], [b]) => (a < b ? -1 : 1));
const total = rows.reduce(
  (s, [, t]) => ({ caught: s.caught + t.caught, missed: s.missed + t.missed, equivalent: s.equivalent + t.equivalent }),
  {
    caught: 0,
    missed: 0,
    equivalent: 0,
  },
);
const table = [
  "| folder | mutation score | caught | not caught | equivalent (listed) |",
  "|---|---:|---:|---:|---:|",
  ...rows.map(([f, t]) => `| \`${f}/\` | ${score(t).toFixed(1)}% | ${t.caught} | ${t.missed} | ${t.equivalent} |`),
  `| all | ${score(total).toFixed(1)}% | ${total.caught} | ${total.missed} | ${total.equivalent} |`,
];
const files = Object.keys(report.files).sort();
writeFileSync(
  join(ROOT, "tests/mutants/stryker-report.md"),
  [
    "# StrykerJS mutation score",
    "",
    "Written by `tests/mutants/stryker-report.ts` from the last `npm run mutants:ts` run. Score: mutants caught",
    "(killed, or timed out) over mutants caught or not, equivalent ones left out (tests/mutants/equivalent.json).",
    "",
    ...table,
    "",
    `Files mutated (${files.length}): ${files.map((f) => `\`${f}\``).join(", ")}.`,
    "",
    ...(missed.length ? ["## Not caught", "", ...missed.map((m) => `- ${m}`), ""] : []),
  ].join("\n"),
);
console.log(table.join("\n"));
if (missed.length) {
  console.log(`\n${missed.length} mutants no test catches (a missing test, or an equivalent mutant to list):`);
  for (const m of missed) console.log(`  ${m}`);
  process.exit(1);
}
