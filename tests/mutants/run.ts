// `npm run mutants`: proves the suite has teeth. For each mutant of
// mutants.ts, in a scratch copy of the repository: apply the edit, rebuild
// what it touches, run the test files that should catch it, require a
// failure, undo. Two workers, each with its own copy. Prints a table and
// exits non-zero if any mutant survives (or cannot be applied or built).
//
// Options: --only ID[,ID...] runs those mutants; --workers N (default 2).
import { execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  rmSync,
  symlinkSync,
  mkdirSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MUTANTS, type Mutant } from "./mutants.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BUILD_OUTPUTS = [
  "runtime-wasm/build/wasmlite.wasm",
  "runtime-wasm/build/wasmlite-mvp.wasm",
  "runtime-wasm/build/checked/wasmlite-checked.wasm",
  "runtime-wasm/build/checked/wasmlite-checked.wasm.sites.json",
  "runtime-wasm/build/checked/wasmlite-mvp-checked.wasm",
  "runtime-wasm/build/checked/wasmlite-mvp-checked.wasm.sites.json",
  "trainer/kernels/build/trainer-kernels.wasm",
];

interface Result {
  mutant: Mutant;
  outcome: "killed" | "SURVIVED" | "INVALID";
  detail: string;
  seconds: number;
}

function run(
  cwd: string,
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, WASMLITE_FUZZ_ITERATIONS: "200" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** A scratch copy of the repository's files (tracked and new, not ignored), sharing node_modules, built once. */
async function scratchCopy(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "wasmlite-mutants-"));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue; // deleted but not yet committed
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  linkNodeModules(dir);
  for (const script of ["build", "build:checked"]) {
    const built = await run(dir, "npm", ["run", script], 600_000);
    if (built.code !== 0) throw new Error(`the scratch copy does not build (${script}):\n${built.output}`);
  }
  return dir;
}

/**
 * The scratch copy's node_modules: the repository's installed packages,
 * linked, except the workspace packages (@wasmlite/*, wasmlite), which link
 * to the copy's own folders, so that a package imported by name is the
 * mutated one.
 */
function linkNodeModules(dir: string): void {
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "@wasmlite"), { recursive: true });
  const workspaces = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).workspaces as string[];
  const local = new Map(
    workspaces.map((w) => [JSON.parse(readFileSync(join(ROOT, w, "package.json"), "utf8")).name as string, w]),
  );
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name === "@wasmlite" || local.has(name)) continue;
    symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  }
  for (const [name, folder] of local) symlinkSync(join(dir, folder), join(modules, name), "dir");
}

async function rebuild(dir: string, what: Mutant["build"]): Promise<{ code: number; output: string }> {
  if (what === "runtime") return run(dir, "node", ["runtime-wasm/builder/build.mjs"], 300_000);
  if (what === "runtime and checked") {
    const release = await run(dir, "node", ["runtime-wasm/builder/build.mjs"], 300_000);
    return release.code !== 0 ? release : run(dir, "node", ["runtime-wasm/builder/build.mjs", "--checked"], 300_000);
  }
  if (what === "trainer-kernels") return run(dir, "node", ["trainer/kernels/build.mjs"], 300_000);
  return { code: 0, output: "" };
}

/** The first failing test's name in vitest's output, for the table. */
function firstFailure(output: string): string {
  const line = output.split("\n").find((l) => /^\s*(×|FAIL)\s/.test(l));
  return (line ?? "the test run failed")
    .replace(/^\s*(×|FAIL)\s+/, "")
    .replace(/\s+\d+ms$/, "")
    .slice(0, 150);
}

async function tryMutant(dir: string, pristine: Map<string, Buffer>, m: Mutant): Promise<Result> {
  const start = Date.now();
  const finish = (outcome: Result["outcome"], detail: string): Result => ({
    mutant: m,
    outcome,
    detail,
    seconds: Math.round((Date.now() - start) / 1000),
  });
  const path = join(dir, m.file);
  const original = readFileSync(path, "utf8");
  const count = original.split(m.find).length - 1;
  if (count !== 1) return finish("INVALID", `the text to replace occurs ${count} times in ${m.file}`);
  writeFileSync(path, original.replace(m.find, m.replace));
  try {
    const built = await rebuild(dir, m.build);
    if (built.code !== 0)
      return finish(
        "INVALID",
        `does not build: ${built.output.split("\n").find((l) => /error|ERROR/.test(l)) ?? built.output.slice(-300)}`,
      );
    for (const test of m.tests) {
      const result = await run(dir, "npx", ["vitest", "run", "--bail", "1", test], 900_000);
      if (result.code !== 0) return finish("killed", `${test}: ${firstFailure(result.output)}`);
    }
    return finish("SURVIVED", `${m.tests.join(", ")} passed with the mutant in place`);
  } finally {
    writeFileSync(path, original);
    for (const [file, bytes] of pristine) writeFileSync(join(dir, file), bytes);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: "string" }, workers: { type: "string", default: "2" } } });
  const only = values.only?.split(",");
  const mutants = only ? MUTANTS.filter((m) => only.includes(m.id)) : MUTANTS;
  if (only && mutants.length !== only.length)
    throw new Error(
      `unknown mutant id in --only: ${only.filter((id) => !MUTANTS.some((m) => m.id === id)).join(", ")}`,
    );
  const workers = Math.max(1, Math.min(Number(values.workers), mutants.length));
  console.log(`mutants: ${mutants.length}, ${workers} workers; making scratch copies...`);
  const dirs = await Promise.all(Array.from({ length: workers }, scratchCopy));
  const results: Result[] = [];
  let next = 0;
  await Promise.all(
    dirs.map(async (dir) => {
      const pristine = new Map(BUILD_OUTPUTS.map((f) => [f, readFileSync(join(dir, f))]));
      while (next < mutants.length) {
        const m = mutants[next++]!;
        const r = await tryMutant(dir, pristine, m);
        results.push(r);
        console.log(`${r.outcome.padEnd(8)} ${m.id} (${r.seconds} s): ${r.detail}`);
      }
    }),
  );
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });

  results.sort((a, b) => MUTANTS.indexOf(a.mutant) - MUTANTS.indexOf(b.mutant));
  console.log("\n| mutant | bug | outcome | caught by |\n|---|---|---|---|");
  for (const r of results)
    console.log(`| ${r.mutant.id} | ${r.mutant.bug} | ${r.outcome} | ${r.detail.replace(/\|/g, "/")} |`);
  const bad = results.filter((r) => r.outcome !== "killed");
  console.log(
    `\n${results.length - bad.length} of ${results.length} mutants killed${bad.length ? `; not killed: ${bad.map((r) => r.mutant.id).join(", ")}` : ""}`,
  );
  if (bad.length) process.exit(1);
}

await main();
