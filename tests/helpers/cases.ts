// The cases both exactness suites run, and how they are found: each
// operator's in tests/runtime/ops/<operator>.cases.ts, whole models (TFLM's,
// LeNet-5) in tests/runtime/models.cases.ts. Each file exports `cases()`;
// tests/runtime/reference.test.ts (the runtime against the independent
// reference, every integer case) and tests/runtime/tflite-oracle.test.ts
// (against real TFLite) load every such file, and invoke-inputs.test.ts runs
// them all again with inputs overwritten. Each case carries how TFLite's web
// build may round it: TFLite takes optimised paths (XNNPACK, ruy, lookup
// tables) whose integer results can differ from TFLM's reference kernels by 1.
import { readdirSync } from "node:fs";
import { Rng } from "./mutate.ts";
import { randomInputs, type BuiltModel } from "./models.ts";

/** Why TFLite's integer result may differ from TFLM's reference, and by how much; EXACT = must be equal. */
export type Rounding = { lsb: 0 } | { lsb: number; why: string };
export const EXACT: Rounding = { lsb: 0 };
export const XNNPACK_QS8: Rounding = {
  lsb: 1,
  why: "XNNPACK's QS8 kernels: requantization in fp32, ties rounded to even",
};
export const RUY_FC: Rounding = { lsb: 1, why: "TFLite int8 FULLY_CONNECTED via ruy, single rounding" };
// On every case here (every int8 input of TANH, softmax rows) the two agree
// exactly, so no difference is allowed.
export const LUT: Rounding = {
  lsb: 0,
  why: "TFLite evaluates int8 TANH/SOFTMAX from a float-built lookup table; TFLM (and wasmlite) in gemmlowp fixed point; equal on every case seen",
};

export interface Case {
  model: BuiltModel;
  /** What to expect of real TFLite's integer outputs on this model. */
  tflite: Rounding;
  /** Set when TFLite's web build cannot run the model (why): it is checked against the reference only. */
  tfliteRefuses?: string;
  /** Set when TFLite's web build runs the model but, for the stated reason, gives other outputs (reference only). */
  tfliteDisagrees?: string;
  /**
   * A float bound other than 1e-5 of the output's magnitude, and why. The
   * number of elements within 1e-5 is then held to its floor in
   * tflite-exact-rates.json, so the looser bound cannot hide a drift.
   */
  tfliteFloat?: { bound: number; why: string };
  /** Input sets, one number array per model input, run in order (recurrent state carries over). */
  inputs: number[][][];
}

export const RUNS = 40;

export function inputsFor(model: BuiltModel, seed: number, runs = RUNS): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: runs }, () => randomInputs(model, rng));
}

/** FNV-1a of the text: a case's inputs follow from its name, wherever the case is listed. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A case on RUNS sets of random inputs, drawn from a generator seeded by the model's name. */
export function randomCase(
  model: BuiltModel,
  tflite: Rounding,
  tfliteFacts: Pick<Case, "tfliteRefuses" | "tfliteDisagrees" | "tfliteFloat"> = {},
): Case {
  return { model, tflite, ...tfliteFacts, inputs: inputsFor(model, seedOf(model.name)) };
}

/** Every cases file: tests/runtime/ops/*.cases.ts by name, then tests/runtime/models.cases.ts. */
export async function loadCaseFiles(): Promise<{ file: string; cases: Case[] }[]> {
  const opsDir = new URL("../runtime/ops/", import.meta.url);
  const files = readdirSync(opsDir)
    .filter((f) => f.endsWith(".cases.ts"))
    .sort()
    .map((f) => new URL(f, opsDir));
  files.push(new URL("../runtime/models.cases.ts", import.meta.url));
  const loaded: { file: string; cases: Case[] }[] = [];
  // Names key the exact-match floors and the test titles: one name, one case.
  const fileOf = new Map<string, string>();
  for (const url of files) {
    const file = url.pathname.split("/").pop()!;
    const module = (await import(url.href)) as { cases?: () => Case[] };
    if (!module.cases) throw new Error(`${file} exports no cases()`);
    const cases = module.cases();
    for (const c of cases) {
      const other = fileOf.get(c.model.name);
      if (other) throw new Error(`two cases named ${c.model.name} (${other} and ${file})`);
      fileOf.set(c.model.name, file);
    }
    loaded.push({ file: file.replace(/\.cases\.ts$/, ""), cases });
  }
  return loaded;
}

/**
 * A model the runtime must refuse, with the error code's name and the
 * message (exact, or a pattern for the parts that vary). A cases file may
 * export `refusals()`; tests/runtime/refusals.test.ts runs them all.
 */
export interface RefusalCase {
  name: string;
  bytes: Uint8Array;
  code: string;
  message: string | RegExp;
}

/** Every cases file's refusals(), by file, and the whole-model ones (tests/refusals/model-refusals.ts). */
export async function loadRefusalCases(): Promise<{ file: string; refusals: RefusalCase[] }[]> {
  const opsDir = new URL("../runtime/ops/", import.meta.url);
  const out: { file: string; refusals: RefusalCase[] }[] = [];
  for (const f of readdirSync(opsDir)
    .filter((f) => f.endsWith(".cases.ts"))
    .sort()) {
    const module = (await import(new URL(f, opsDir).href)) as { refusals?: () => RefusalCase[] };
    if (module.refusals) out.push({ file: f.replace(/\.cases\.ts$/, ""), refusals: module.refusals() });
  }
  const models = (await import("../refusals/model-refusals.ts")) as { refusals: () => RefusalCase[] };
  out.push({ file: "model-refusals", refusals: models.refusals() });
  return out;
}

/** Every case of every file. */
export async function allCases(): Promise<Case[]> {
  return (await loadCaseFiles()).flatMap((f) => f.cases);
}
