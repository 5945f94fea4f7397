// After `npm run mutants:ts` (StrykerJS, stryker.config.mjs): the mutation
// score per folder, written to tests/mutants/stryker-report.md, and every
// mutant no test caught. One listed as equivalent in
// tests/mutants/equivalent.json (with its one-line reason) cannot be caught;
// one listed in tests/mutants/uncaught.json is a known missing test (the
// list only shrinks: a listed mutant caught now must leave it). Exits 1 on
// an uncaught mutant in neither list, and on a stale entry.
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
/** A mutant no test can catch, found by its line's text (not its number, which every edit above it moves). */
interface Equivalent {
  file: string;
  /** The mutated line, trimmed. */
  code: string;
  mutator: string;
  replacement: string;
  reason: string;
}

/** A mutant no test catches yet, but should: a missing test, listed so the list can only shrink. */
type Uncaught = Omit<Equivalent, "reason">;

const report = JSON.parse(readFileSync(join(ROOT, "reports/mutation/mutation.json"), "utf8")) as Report;
const equivalent = JSON.parse(readFileSync(join(ROOT, "tests/mutants/equivalent.json"), "utf8")) as Equivalent[];
const UNCAUGHT_FILE = join(ROOT, "tests/mutants/uncaught.json");
const uncaught = JSON.parse(readFileSync(UNCAUGHT_FILE, "utf8")) as Uncaught[];
/** A mutant's identity in both lists; one line can hold the same mutation twice (two columns), so lists count. */
const keyOf = (u: Uncaught) => JSON.stringify([u.file, u.code, u.mutator, u.replacement]);
const countOf = (list: Uncaught[]) =>
  list.reduce((m, u) => m.set(keyOf(u), (m.get(keyOf(u)) ?? 0) + 1), new Map<string, number>());
const equivalentKeys = new Set(equivalent.map(keyOf));
const listedCount = countOf(uncaught);
/** Every mutant no test catches, listed or not (for the report), and as entries (for --record-uncaught). */
const allUncaught: string[] = [];
const current: Uncaught[] = [];

const folders = new Map<string, { caught: number; missed: number; equivalent: number }>();
const missed: string[] = [];
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  const folder = dirname(file);
  const tally = folders.get(folder) ?? { caught: 0, missed: 0, equivalent: 0 };
  const lines = source.split("\n");
  for (const m of mutants) {
    if (m.status === "Killed" || m.status === "Timeout" || m.status === "RuntimeError") tally.caught++;
    else if (m.status === "Survived" || m.status === "NoCoverage") {
      const line = lines[m.location.start.line - 1]?.trim() ?? "";
      const entry: Uncaught = { file, code: line, mutator: m.mutatorName, replacement: m.replacement ?? "" };
      if (equivalentKeys.has(keyOf(entry))) tally.equivalent++;
      else {
        tally.missed++;
        const text = `${file}:${m.location.start.line} ${m.mutatorName} -> ${JSON.stringify(entry.replacement)} (${m.status}): ${line}`;
        allUncaught.push(text);
        current.push(entry);
        // More of this mutant than listed: a new one.
        if (current.filter((u) => keyOf(u) === keyOf(entry)).length > (listedCount.get(keyOf(entry)) ?? 0))
          missed.push(text);
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
    ...(allUncaught.length
      ? [
          "## Not caught (each a missing test; listed in tests/mutants/uncaught.json)",
          "",
          ...allUncaught.map((m) => `- ${m}`),
          "",
        ]
      : []),
  ].join("\n"),
);
console.log(table.join("\n"));
// Stryker records the machine's project path in its incremental file; the committed file keeps none.
const INCREMENTAL = join(ROOT, "tests/mutants/stryker-incremental.json");
const incremental = JSON.parse(readFileSync(INCREMENTAL, "utf8")) as { projectRoot?: string };
if (incremental.projectRoot !== undefined) {
  delete incremental.projectRoot;
  writeFileSync(INCREMENTAL, JSON.stringify(incremental, null, 2) + "\n");
}
if (process.argv.includes("--record-uncaught")) {
  // Records today's uncaught mutants as the baseline the list shrinks from (each is a test to write).
  writeFileSync(UNCAUGHT_FILE, JSON.stringify(current, null, 1) + "\n");
  console.log(`\n${current.length} uncaught mutants recorded in tests/mutants/uncaught.json`);
  process.exit(0);
}
// Fewer of a listed mutant found than listed: caught now.
const foundCount = countOf(current);
const nowCaught = [...listedCount]
  .filter(([key, listed]) => (foundCount.get(key) ?? 0) < listed)
  .map(([key]) => uncaught.find((u) => keyOf(u) === key)!);
if (nowCaught.length) {
  console.log(
    `\n${nowCaught.length} mutants listed in tests/mutants/uncaught.json are caught now: remove them from it:`,
  );
  for (const u of nowCaught) console.log(`  ${u.file}: ${u.mutator} -> ${JSON.stringify(u.replacement)}: ${u.code}`);
}
if (missed.length) {
  console.log(`\n${missed.length} mutants no test catches (a missing test, or an equivalent mutant to list):`);
  for (const m of missed) console.log(`  ${m}`);
}
if (missed.length || nowCaught.length) process.exit(1);
