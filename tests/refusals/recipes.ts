// The refusal corpus: models that reach the runtime's refusal sites, kept as
// recipes (a base model, and which mutant of it: one structured edit,
// edits.ts, or one of the fuzzer's deterministic byte mutations,
// tests/helpers/mutate.ts) rather than as files. corpus.json holds
// them with the error code and message each must give; collect.ts finds them;
// tests/runtime/refusals.test.ts replays them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng, MUTATIONS, mutate } from "../helpers/mutate.ts";
import { writerBuiltModels } from "../helpers/fuzz-corpus.ts";
import { allModels, TFLM_DIR } from "../helpers/fixtures.ts";
import { allCases } from "../helpers/cases.ts";
import { applyEdit } from "./edits.ts";

export type Recipe = RecipeOutcome & (ByteMutant | { edit: string });

/** A byte mutant: iteration `iteration` of the sequence seeded by `seed`. */
export interface ByteMutant {
  seed: number;
  iteration: number;
}

interface RecipeOutcome {
  /** The refusal site or clause it reaches (tests/helpers/refusal-sites.ts). */
  key: string;
  /** The checked build it reached it on (some paths are one build's only). */
  build: "simd" | "mvp";
  /** The base model (bases()) the mutant is made from. */
  base: string;
  /** Refused while loading, or by invoke (an input the model cannot take). */
  at: "load" | "invoke";
  code: string;
  message: string;
}

/** Files up to this size are bases: small models mutate into small refusals (and quickly). */
const MAX_BASE_BYTES = 12 * 1024;

/**
 * The base models, by name: the fuzzer's writer-built ones, every operator
 * case (tests/runtime/ops/*.cases.ts: each operator in each of its types and
 * options), then TFLM's small fixtures.
 */
export async function bases(): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const m of writerBuiltModels()) out.set(`generated/${m.name}`, m.bytes);
  for (const c of await allCases())
    if (c.model.bytes.length <= MAX_BASE_BYTES) out.set(`case/${c.model.name}`, c.model.bytes);
  for (const name of allModels()) {
    const bytes = new Uint8Array(readFileSync(join(TFLM_DIR, name)));
    if (bytes.length <= MAX_BASE_BYTES) out.set(`tflm/${name}`, bytes);
  }
  return out;
}

/** Mutants 0..count-1 of `base` for `seed`, in order (each depends on the draws before it). */
export function* mutants(base: Uint8Array, seed: number, count: number): Generator<Uint8Array> {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) yield mutate(base, MUTATIONS[i % MUTATIONS.length]!, rng);
}

/** Each recipe's model, regenerated (one pass over each base's byte-mutant sequence). */
export async function recipeModels(corpus: Recipe[]): Promise<Map<Recipe, Uint8Array>> {
  const models = await bases();
  const baseOf = (r: Recipe) => {
    const bytes = models.get(r.base);
    if (!bytes) throw new Error(`refusal corpus: no base model ${r.base} (rerun npm run refusals:collect)`);
    return bytes;
  };
  const out = new Map<Recipe, Uint8Array>();
  const bySequence = new Map<string, (Recipe & ByteMutant)[]>();
  for (const r of corpus) {
    if ("edit" in r) out.set(r, applyEdit(baseOf(r), r.edit));
    else bySequence.set(`${r.base}\n${r.seed}`, [...(bySequence.get(`${r.base}\n${r.seed}`) ?? []), r]);
  }
  for (const recipes of bySequence.values()) {
    const last = Math.max(...recipes.map((r) => r.iteration));
    let i = 0;
    for (const mutant of mutants(baseOf(recipes[0]!), recipes[0]!.seed, last + 1)) {
      for (const r of recipes) if (r.iteration === i) out.set(r, mutant);
      i++;
    }
  }
  return out;
}
