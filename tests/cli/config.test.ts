// The config format: the published JSON Schema is the one config-schema.ts
// generates, the README's examples are valid configs, and the schema itself
// (as editors read it) accepts them and refuses what the loader refuses.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainConfigSchema } from "../../cli/train-and-export/config-schema.ts";
import { presetFromConfig } from "../../cli/train-and-export/config.ts";
import { MNIST_PREPROCESSING } from "../../cli/data/mnist.ts";
import { describeIssues } from "@wasmlite/trainer";
import { configSchemaText, SCHEMA_FILE } from "../../tools/generate-config-schema.ts";
import { Ajv2020 } from "ajv/dist/2020.js";

const README = readFileSync(new URL("../../cli/README.md", import.meta.url), "utf8");
const examples = [...README.matchAll(/```json\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1]!) as Record<string, unknown>,
);

describe("train-config.schema.json", () => {
  it("is the schema config-schema.ts generates (run npm run gen:schema after changing it)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(configSchemaText());
  });

  it("is shipped in the wasmlite package, which exports it", async () => {
    const { PACKAGES } = await import("../../tools/pack.mjs");
    expect(PACKAGES.find((p: { dir: string }) => p.dir === "cli")!.files).toContain("train-config.schema.json");
    const manifest = JSON.parse(readFileSync(new URL("../../cli/package.json", import.meta.url), "utf8"));
    expect(manifest.exports["./train-config.schema.json"]).toBe("./train-config.schema.json");
  });

  it("describes every field of the config, strictly", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
    expect(Object.keys(schema.properties)).toEqual(Object.keys(trainConfigSchema.shape));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["data", "layers", "compile", "fit"]);
  });
});

describe("cli/README.md's config examples", () => {
  it("one per data source: CSV (named target, 0/1 classes), MNIST (a CNN, an MLP), sine", () => {
    expect(examples.map((e) => JSON.stringify(e.data))).toEqual([
      '{"csv":"iris.csv","target":"species","testFraction":0.2}',
      '{"csv":"spam.csv","classify":true}',
      '{"dataset":"mnist"}',
      '{"dataset":"mnist"}',
      '{"dataset":"sine"}',
    ]);
  });

  for (const [i, example] of examples.entries()) {
    it(`example ${i + 1} is valid`, () => {
      const r = trainConfigSchema.safeParse(example);
      expect(r.success ? [] : describeIssues(r.error.issues, example)).toEqual([]);
    });
  }

  it("data naming both a CSV and a bundled set is refused, with both readings", () => {
    const bad = { ...examples[0], data: { csv: "a.csv", dataset: "mnist" } };
    const r = trainConfigSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!.issues, bad)).toEqual([
      'data: matches none of its forms, got {"csv":"a.csv","dataset":"mnist"}:',
      "  - data.dataset: not a field of a CSV data source (its fields: csv, target, classify, testFraction, seed)",
      "  - data.csv: not a field of a bundled data set (its fields: dataset)",
    ]);
  });
});

describe("the published schema, as an editor's validator reads it (ajv, draft 2020-12)", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));

  it("accepts every README example", () => {
    for (const example of examples) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it("refuses what the loader refuses, alpha and beta outside their activations included", () => {
    const base = examples[3]!;
    const bad: [string, unknown][] = [
      ["momentum with sgd", { ...base, compile: { optimizer: { name: "sgd", momentum: 0.9 }, loss: "mse" } }],
      ["schedule by name", { ...base, fit: { epochs: 2, schedule: "cosine" } }],
      ["unknown field", { ...base, epocs: 3 }],
      [
        "learning rate as text",
        { ...base, compile: { optimizer: { name: "adam", learningRate: "0.01" }, loss: "mse" } },
      ],
      ["alpha with tanh", { ...base, layers: [{ type: "dense", units: 1, activation: "tanh", alpha: 0.1 }] }],
      ["beta without an activation", { ...base, layers: [{ type: "activation", activation: "relu", beta: 1 }] }],
      ["csv and dataset", { ...base, data: { csv: "a.csv", dataset: "mnist" } }],
    ];
    for (const [what, config] of bad) {
      expect(validate(config), what).toBe(false);
      expect(trainConfigSchema.safeParse(config).success, what).toBe(false);
    }
    const good = { ...base, layers: [{ type: "dense", units: 1, activation: "leakyRelu", alpha: 0.1 }] };
    expect(validate(good)).toBe(true);
  });
});

describe("a config's data", () => {
  it("says what the exports take: MNIST's pixel layout for MNIST, nothing beyond raw features for a CSV", () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmlite-config-"));
    try {
      const layers = [{ type: "flatten" }, { type: "dense", units: 2, activation: "softmax" }];
      const compile = { optimizer: "adam", loss: "categoricalCrossentropy" };
      const write = (name: string, data: unknown) => {
        writeFileSync(join(dir, name), JSON.stringify({ data, layers, compile, fit: { epochs: 1 } }));
        return presetFromConfig(join(dir, name)).data().preprocessing;
      };
      expect(write("mnist.json", { dataset: "mnist" })).toBe(MNIST_PREPROCESSING);
      writeFileSync(join(dir, "d.csv"), "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n");
      expect(write("csv.json", { csv: "d.csv", classify: true })).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
