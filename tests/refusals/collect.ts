// `npm run refusals:collect`: mutates every base model (recipes.ts) on both
// checked builds, by structured edits (edits.ts) and then by byte mutations,
// and keeps, for each refusal site or clause reached, the first
// mutant that reached it, with its error code and message, in corpus.json;
// what neither a mutant nor an operator's hand-written refusal cases reach
// goes to unreached.json.
// Run it after a change to the runtime's checks or to the mutations; the
// refusal suite says when it is due. Takes a few minutes.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AbiHost, outcomeOf } from "../helpers/abi-host.ts";
import { refusalSites, keysOf, type RefusalSites } from "../helpers/refusal-sites.ts";
import { bases, mutants, type ByteMutant, type Recipe } from "./recipes.ts";
import { edited } from "./edits.ts";
import { abiRefusals } from "./abi-calls.ts";
import { loadRefusalCases } from "../helpers/cases.ts";

const SEED = 1;
const ITERATIONS = Number(process.env.WASMLITE_REFUSAL_ITERATIONS ?? 3000);

const found = new Map<string, Recipe>();

/**
 * Runs `mutant` on the checked build; if it is refused at a site or clause not
 * yet found, keeps `recipe` for each such one, with the release build's code
 * and message (the checked build's memory figures differ: red zones).
 */
function tryMutant(
  hosts: { checked: AbiHost; release: AbiHost; sites: RefusalSites; build: "simd" | "mvp" },
  mutant: Uint8Array,
  recipe: { base: string } & (ByteMutant | { edit: string }),
) {
  const { checked, release, sites, build } = hosts;
  checked.takeRefusals();
  const got = outcomeOf(checked, mutant);
  if ("outputs" in got) return;
  const keys = keysOf(sites, checked.takeRefusals());
  if (keys.every((k) => found.has(k))) return;
  const expected = outcomeOf(release, mutant);
  if ("outputs" in expected || expected.code !== got.code || expected.at !== got.at)
    throw new Error(
      `${JSON.stringify(recipe)}: the release build gives ${JSON.stringify(expected)}, the checked ${JSON.stringify(got)}`,
    );
  for (const key of keys) if (!found.has(key)) found.set(key, { key, build, ...recipe, ...expected });
}

const models = await bases();
for (const build of ["simd", "mvp"] as const) {
  const hosts = {
    checked: await AbiHost.createChecked(build === "simd", 64 * 1024 * 1024),
    release: await AbiHost.create(build === "simd", 64 * 1024 * 1024),
    sites: refusalSites(build === "simd"),
    build,
  };
  // Structured edits first: a recipe that says what is wrong reads better than a byte mutant's number.
  for (const [base, bytes] of models) {
    for (const { name, bytes: mutant } of edited(bytes)) tryMutant(hosts, mutant, { base, edit: name });
  }
  console.log(`${build}, structured edits: ${found.size} sites and clauses reached so far`);
  for (const [base, bytes] of models) {
    let iteration = 0;
    for (const mutant of mutants(bytes, SEED, ITERATIONS))
      tryMutant(hosts, mutant, { base, seed: SEED, iteration: iteration++ });
  }
  console.log(`${build}, byte mutants: ${found.size} sites and clauses reached so far`);
}
// What the hand-written refusal cases and the ABI calls' refusals reach needs no recipe.
const byCases = new Set<string>();
for (const build of ["simd", "mvp"] as const) {
  const checked = await AbiHost.createChecked(build === "simd", 64 * 1024 * 1024);
  const sites = refusalSites(build === "simd");
  checked.takeRefusals();
  abiRefusals(checked, 64 * 1024 * 1024);
  for (const key of keysOf(sites, checked.takeRefusals())) byCases.add(key);
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
// Each keeps the reason written for it before; a newly unreached one gets none, which the refusal suite refuses.
const unreachedFile = fileURLToPath(new URL("unreached.json", import.meta.url));
const reasons = new Map(
  (JSON.parse(readFileSync(unreachedFile, "utf8")) as { key: string; reason?: string }[]).map((u) => [
    u.key,
    u.reason ?? "",
  ]),
);
const unreached = [...where]
  .filter(([key]) => !found.has(key) && !byCases.has(key))
  .map(([key, at]) => ({ key, where: at, reason: reasons.get(key) ?? "" }));
writeFileSync(unreachedFile, JSON.stringify(unreached.sort(byKey), null, 1) + "\n");
console.log(`corpus.json: ${corpus.length} recipes; unreached.json: ${unreached.length} sites and clauses`);
