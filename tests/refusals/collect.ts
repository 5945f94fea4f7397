// `npm run refusals:collect`: mutates every base model (recipes.ts) on both
// checked builds and keeps, for each refusal site or clause reached, the first
// mutant that reached it, with its error code and message, in corpus.json;
// what neither a mutant nor an operator's hand-written refusal cases reach
// goes to unreached.json.
// Run it after a change to the runtime's checks or to the mutations; the
// refusal suite says when it is due. Takes a few minutes.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AbiHost, outcomeOf } from "../helpers/abi-host.ts";
import { refusalSites, keysOf } from "../helpers/refusal-sites.ts";
import { bases, mutants, type Recipe } from "./recipes.ts";
import { loadRefusalCases } from "../helpers/cases.ts";

const SEED = 1;
const ITERATIONS = Number(process.env.WASMLITE_REFUSAL_ITERATIONS ?? 3000);

const found = new Map<string, Recipe>();

for (const build of ["simd", "mvp"] as const) {
  const checked = await AbiHost.createChecked(build === "simd", 64 * 1024 * 1024);
  const release = await AbiHost.create(build === "simd", 64 * 1024 * 1024);
  const sites = refusalSites(build === "simd");
  for (const [base, bytes] of await bases()) {
    let iteration = 0;
    for (const mutant of mutants(bytes, SEED, ITERATIONS)) {
      const i = iteration++;
      checked.takeRefusals();
      const got = outcomeOf(checked, mutant);
      if ("outputs" in got) continue;
      const keys = keysOf(sites, checked.takeRefusals());
      if (keys.every((k) => found.has(k))) continue;
      // The recipe keeps the release build's message (the checked build's memory figures differ: red zones).
      const expected = outcomeOf(release, mutant);
      if ("outputs" in expected || expected.code !== got.code || expected.at !== got.at)
        throw new Error(
          `${base} mutant ${i}: the release build gives ${JSON.stringify(expected)}, the checked ${JSON.stringify(got)}`,
        );
      for (const key of keys)
        if (!found.has(key)) found.set(key, { key, build, base, seed: SEED, iteration: i, ...expected });
    }
    console.log(`${build} ${base}: ${found.size} sites and clauses reached so far`);
  }
}
// What the operators' hand-written refusal cases reach needs no recipe.
const byCases = new Set<string>();
for (const build of ["simd", "mvp"] as const) {
  const checked = await AbiHost.createChecked(build === "simd", 64 * 1024 * 1024);
  const sites = refusalSites(build === "simd");
  for (const { refusals } of await loadRefusalCases()) {
    for (const r of refusals) {
      checked.takeRefusals();
      outcomeOf(checked, r.bytes);
      for (const key of keysOf(sites, checked.takeRefusals())) byCases.add(key);
    }
  }
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const corpus = [...found.values()].sort(byKey);
writeFileSync(fileURLToPath(new URL("corpus.json", import.meta.url)), JSON.stringify(corpus, null, 1) + "\n");
// What no mutant reached: each needs a model written for it (a growing list is a review question).
const where = new Map([...refusalSites(true).where, ...refusalSites(false).where]);
const unreached = [...where]
  .filter(([key]) => !found.has(key) && !byCases.has(key))
  .map(([key, at]) => ({ key, where: at }));
writeFileSync(
  fileURLToPath(new URL("unreached.json", import.meta.url)),
  JSON.stringify(unreached.sort(byKey), null, 1) + "\n",
);
console.log(`corpus.json: ${corpus.length} recipes; unreached.json: ${unreached.length} sites and clauses`);
