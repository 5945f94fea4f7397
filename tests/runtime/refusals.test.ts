// Every refusal reached, clause by clause. The checked builds list each place
// the runtime refuses a model (runtime-wasm/builder/refusal-sites.mjs: each
// call to a function that refuses, each operand of a refusing condition's
// `||`) and record which ones a load reached. The refusal corpus
// (tests/refusals/corpus.json, recipes for mutants of small models: one
// structured edit, or the fuzzer's byte mutations) holds a
// model for each site and clause it reaches, with the error code and message
// it must give; each is replayed on the release and checked builds and must
// give exactly those, reaching its site. Weakening one clause of a check then
// changes a test: the mutant that reached it loads, or is refused elsewhere.
//
// What no recipe reaches is listed in tests/refusals/unreached.json, each
// with the reason no model can reach it from a test (a host's failure, a check
// only another build makes); a new refusal needs a model that reaches it.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { AbiHost, outcomeOf, type Outcome } from "../helpers/abi-host.ts";
import { abiRefusals, EXPECTED_ABI_REFUSALS } from "../refusals/abi-calls.ts";
import { refusalSites, keysOf, type RefusalSites } from "../helpers/refusal-sites.ts";
import { recipeModels, type Recipe } from "../refusals/recipes.ts";
import { loadRefusalCases } from "../helpers/cases.ts";

const CORPUS = JSON.parse(readFileSync(new URL("../refusals/corpus.json", import.meta.url), "utf8")) as Recipe[];
const UNREACHED = JSON.parse(readFileSync(new URL("../refusals/unreached.json", import.meta.url), "utf8")) as {
  key: string;
  where: string;
  /** Why no test model reaches it (a host's failure, another build's check). */
  reason: string;
}[];

describe("every refusal reached, clause by clause (the refusal corpus on the release and checked builds)", () => {
  const hosts = {} as Record<"simd" | "mvp" | "checked simd" | "checked mvp", AbiHost>;
  const sites = {} as Record<"simd" | "mvp", RefusalSites>;
  const reached = new Set<string>();
  beforeAll(async () => {
    hosts.simd = await AbiHost.create(true, 64 * 1024 * 1024);
    hosts.mvp = await AbiHost.create(false, 64 * 1024 * 1024);
    hosts["checked simd"] = await AbiHost.createChecked(true, 64 * 1024 * 1024);
    hosts["checked mvp"] = await AbiHost.createChecked(false, 64 * 1024 * 1024);
    sites.simd = refusalSites(true);
    sites.mvp = refusalSites(false);
  });

  it(`each of the ${CORPUS.length} recipes is refused with its code and message, reaching its site (if not: rerun npm run refusals:collect and review the diff)`, async () => {
    // Every recipe runs (so the next test sees all that is reached); the differences are reported together.
    const differences: string[] = [];
    const differs = (what: string, got: unknown, want: unknown) =>
      JSON.stringify(got) !== JSON.stringify(want) &&
      differences.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    for (const [recipe, bytes] of await recipeModels(CORPUS)) {
      const expected = { at: recipe.at, code: recipe.code, message: recipe.message };
      const what = `${recipe.key} (${recipe.base}, ${"edit" in recipe ? recipe.edit : `byte mutant ${recipe.iteration}`})`;
      differs(`${what}, release ${recipe.build} build`, outcomeOf(hosts[recipe.build], bytes), expected);
      // The checked build's red zones move the memory figures in some messages: numbers aside, the same.
      const checked = hosts[`checked ${recipe.build}`];
      checked.takeRefusals();
      const numbersAside = (o: Outcome) => ("message" in o ? { ...o, message: o.message.replace(/\d+/g, "#") } : o);
      differs(
        `${what}, checked ${recipe.build} build`,
        numbersAside(outcomeOf(checked, bytes)),
        numbersAside(expected),
      );
      const keys = keysOf(sites[recipe.build], checked.takeRefusals());
      if (!keys.includes(recipe.key)) differences.push(`${what}: no longer reaches its site`);
      for (const k of keys) reached.add(k);
    }
    expect(differences).toEqual([]);
  });

  it("each operator's hand-written refusal cases (refusals() in tests/runtime/ops/<operator>.cases.ts) gives its code and message on every build", async () => {
    let count = 0;
    for (const { file, refusals } of await loadRefusalCases()) {
      for (const r of refusals) {
        for (const build of ["simd", "mvp"] as const) {
          for (const host of [hosts[build], hosts[`checked ${build}`]]) {
            const what = `${file}: ${r.name} (${host.checked ? "checked " : ""}${build})`;
            if (host.checked) host.takeRefusals();
            const got = outcomeOf(host, r.bytes);
            if ("outputs" in got) throw new Error(`${what}: loaded and ran`);
            expect(got.code, what).toBe(r.code);
            if (typeof r.message === "string") expect(got.message, what).toBe(r.message);
            else expect(got.message, what).toMatch(r.message);
            if (!host.checked) continue;
            for (const key of keysOf(sites[build], host.takeRefusals())) reached.add(key);
          }
        }
        count++;
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it("the ABI calls' own refusals (tests/refusals/abi-calls.ts) on every build", () => {
    for (const build of ["simd", "mvp"] as const) {
      for (const host of [hosts[build], hosts[`checked ${build}`]]) {
        if (host.checked) host.takeRefusals();
        expect(abiRefusals(host, 64 * 1024 * 1024), `${host.checked ? "checked " : ""}${build}`).toEqual(
          EXPECTED_ABI_REFUSALS,
        );
        if (host.checked) for (const key of keysOf(sites[build], host.takeRefusals())) reached.add(key);
      }
    }
  });

  it("what the corpus and the hand-written cases do not reach is exactly tests/refusals/unreached.json, each with its reason", () => {
    const all = new Map<string, string>([...sites.simd.where, ...sites.mvp.where]);
    const unreached = [...all.keys()].filter((k) => !reached.has(k)).sort();
    const listed = UNREACHED.map((u) => u.key).sort();
    const newlyUnreached = unreached.filter((k) => !listed.includes(k)).map((k) => `${k} (${all.get(k)})`);
    const nowReached = listed.filter((k) => !unreached.includes(k));
    console.log(
      `refusal sites and clauses: ${all.size}, reached by the corpus ${all.size - unreached.length}, listed unreached ${unreached.length}`,
    );
    expect(
      newlyUnreached,
      "refusals no test reaches: add a model that reaches each (or rerun npm run refusals:collect)",
    ).toEqual([]);
    expect(nowReached, "reached now: remove them from tests/refusals/unreached.json").toEqual([]);
    const unexplained = UNREACHED.filter((u) => !u.reason.trim()).map((u) => u.key);
    expect(unexplained, "each unreached refusal says why no test reaches it").toEqual([]);
  });
});
