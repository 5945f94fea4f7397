// The `wasmlite` command's inspect and run on an exported model: inputs as
// PNG, JSON and .npy, labels from the file's metadata, clear errors.
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { sequential, dense, flatten, Rng, type Sequential } from "@wasmlite/trainer";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { TFLM_DIR } from "../helpers/fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "wasmlite-cli-"));
const modelPath = join(dir, "model.tflite");

const LABELS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
let trained: Sequential;

beforeAll(() => {
  trained = sequential([flatten(), dense({ units: 10, activation: "softmax" })], { inputShape: [28, 28, 1], seed: 1 });
  writeFileSync(modelPath, exportTflite(trained, { kind: "float32", metadata: { labels: LABELS } }));
});

/**
 * The (label, score) lines `run` prints must be the trainer's own top
 * predictions for `pixels` (the float32 export is within 1e-5 of it; the
 * printout has 6 decimals), so the input reached the model whole and in order.
 */
function expectTop(printed: string, pixels: Float32Array, top: number): void {
  const rows = printed
    .split("\n")
    .map((l) => /^\s+(\w+)\s+([0-9.]+)$/.exec(l))
    .filter((r): r is RegExpExecArray => r !== null);
  const expected = Array.from(trained.predict(pixels))
    .map((p, i) => [p, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, top);
  expect(rows.map((r) => r[1])).toEqual(expected.map(([, i]) => LABELS[i]));
  rows.forEach((r, k) => expect(Math.abs(Number(r[2]) - expected[k]![0]), r[0]).toBeLessThanOrEqual(1e-5 + 5e-7));
}

describe("wasmlite inspect and run", () => {
  it("inspect reports operators, parameters, MACs and the arena, for our exports and TFLM's files", async () => {
    const ours = await runCli(["inspect", modelPath]);
    expect(ours.code).toBe(0);
    expect(ours.out).toMatch(/FULLY_CONNECTED/);
    expect(ours.out).toMatch(/multiply-accumulates per inference: 7840/);
    expect(ours.out).toMatch(/parameters: 7850\b/); // 784 x 10 weights + 10 biases, not the RESHAPE's shape
    const lstm = await runCli(["inspect", join(TFLM_DIR, "mnist_lstm", "trained_lstm_int8.tflite")]);
    expect(lstm.out).toMatch(/UNIDIRECTIONAL_SEQUENCE_LSTM/);
    expect(lstm.out).toMatch(/multiply-accumulates per inference: 113120/); // 28 x 4 x 20 x (28 + 20) + 560 x 10
    expect(lstm.out).toMatch(/wasmlite runtime: loads/);
  });

  it("run takes a PNG, JSON or .npy input and prints the top classes with the metadata's labels", async () => {
    const png = await runCli([
      "run",
      modelPath,
      "--input",
      join(TFLM_DIR, "mnist_lstm", "samples", "sample3.png"),
      "--top",
      "3",
    ]);
    expect(png.code).toBe(0);
    expect(
      png.out.split("\n").filter((l) => /^\s+(zero|one|two|three|four|five|six|seven|eight|nine)\s/.test(l)),
    ).toHaveLength(3);
    // JSON: 28 rows of 28 pixels, a pattern that tells rows and columns apart.
    const grid = Float32Array.from({ length: 784 }, (_, i) => ((i * 13) % 17) / 16);
    writeFileSync(
      join(dir, "x.json"),
      JSON.stringify(Array.from({ length: 28 }, (_, r) => Array.from(grid.subarray(r * 28, r * 28 + 28)))),
    );
    const json = await runCli(["run", modelPath, "--input", join(dir, "x.json"), "--top", "4"]);
    expect(json.code).toBe(0);
    expectTop(json.out, grid, 4);
    // .npy, version 1.0, little-endian float32, shape (784,)
    const flat = Float32Array.from({ length: 784 }, (_, i) => ((i * 7) % 23) / 22);
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (784,), }";
    const padded = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1) + "\n";
    const npy = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from("NUMPY"),
      Buffer.from([1, 0, padded.length & 255, padded.length >> 8]),
      Buffer.from(padded),
      Buffer.from(flat.buffer),
    ]);
    writeFileSync(join(dir, "x.npy"), npy);
    const fromNpy = await runCli(["run", modelPath, "--input", join(dir, "x.npy")]);
    expect(fromNpy.code).toBe(0);
    expectTop(fromNpy.out, flat, 5);
  });

  it("run explains a wrong input instead of guessing", async () => {
    writeFileSync(join(dir, "short.json"), "[1, 2, 3]");
    const short = await runCli(["run", modelPath, "--input", join(dir, "short.json")]);
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/holds 3 values; .* takes 784/);
    writeFileSync(join(dir, "bad.json"), '[1, "x"]');
    expect((await runCli(["run", modelPath, "--input", join(dir, "bad.json")])).err).toMatch(/array of finite numbers/);
    expect((await runCli(["run", modelPath])).code).toBe(2);
    expect((await runCli(["run", modelPath, "--input", join(dir, "missing.png")])).code).toBe(1);
  });
});

describe("train-and-export CONFIG.json", () => {
  it("trains a model described in JSON on a CSV file, with normalisation, and exports it", async () => {
    const rng = new Rng(5);
    const rows = ["a,b,label"];
    for (let i = 0; i < 120; i++) {
      const a = rng.uniform(-1, 1) * 100,
        b = rng.uniform(-1, 1);
      rows.push(`${a.toFixed(3)},${b.toFixed(4)},${a / 100 + b > 0 ? "yes" : "no"}`);
    }
    writeFileSync(join(dir, "points.csv"), rows.join("\n"));
    writeFileSync(
      join(dir, "points.json"),
      JSON.stringify({
        name: "points",
        data: { csv: "points.csv", target: "label" },
        normalize: true,
        layers: [
          { type: "dense", units: 8, activation: "tanh" },
          { type: "dense", units: 2, activation: "softmax" },
        ],
        compile: { optimizer: { name: "adam", learningRate: 0.02 }, loss: "categoricalCrossentropy" },
        fit: { epochs: 40, batchSize: 8 },
      }),
    );
    const out = join(dir, "points-out");
    const r = await runCli(["train-and-export", join(dir, "points.json"), "--out", out, "--quiet"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.float32.accuracy).toBeGreaterThan(0.85);
  }, 60_000);

  it("a wrong field is reported by its path", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({
        data: { dataset: "sine" },
        layers: [{ type: "dense", units: 0 }],
        compile: { optimizer: "sgd", loss: "mse" },
        fit: { epochs: 1 },
      }),
    );
    const r = await runCli(["train-and-export", join(dir, "bad.json"), "--out", join(dir, "x")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/layers\[0\]\.units: must be >= 1, got 0/);
    writeFileSync(
      join(dir, "typo.json"),
      JSON.stringify({ data: { dataset: "sine" }, layers: [], compile: {}, fit: {}, epocs: 3 }),
    );
    expect((await runCli(["train-and-export", join(dir, "typo.json")])).err).toMatch(
      /epocs: not a field of the config/,
    );
  });
});
