// The `wasmlite` command's inspect and run on an exported model: inputs as
// PNG, JSON and .npy, labels from the file's metadata, clear errors.
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../cli/main.ts";
import { sequential, dense, flatten } from "../trainer/index.ts";
import { exportTflite } from "../trainer/export/tflite.ts";
import { TFLM_DIR } from "./helpers/fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "wasmlite-cli-"));
const modelPath = join(dir, "model.tflite");

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (s: string) => out.push(String(s));
  console.error = (s: string) => err.push(String(s));
  try {
    return { code: await main(argv), out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

beforeAll(() => {
  const m = sequential([flatten(), dense({ units: 10, activation: "softmax" })], { inputShape: [28, 28, 1], seed: 1 });
  writeFileSync(modelPath, exportTflite(m, { kind: "float32", metadata: { labels: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"] } }));
});

describe("wasmlite inspect and run", () => {
  it("inspect reports operators, parameters, MACs and the arena, for our exports and TFLM's files", async () => {
    const ours = await capture(["inspect", modelPath]);
    expect(ours.code).toBe(0);
    expect(ours.out).toMatch(/FULLY_CONNECTED/);
    expect(ours.out).toMatch(/multiply-accumulates per inference: 7840/);
    const lstm = await capture(["inspect", join(TFLM_DIR, "mnist_lstm", "trained_lstm_int8.tflite")]);
    expect(lstm.out).toMatch(/UNIDIRECTIONAL_SEQUENCE_LSTM/);
    expect(lstm.out).toMatch(/multiply-accumulates per inference: 113120/); // 28 x 4 x 20 x (28 + 20) + 560 x 10
    expect(lstm.out).toMatch(/wasmlite runtime: loads/);
  });

  it("run takes a PNG, JSON or .npy input and prints the top classes with the metadata's labels", async () => {
    const png = await capture(["run", modelPath, "--input", join(TFLM_DIR, "mnist_lstm", "samples", "sample3.png"), "--top", "3"]);
    expect(png.code).toBe(0);
    expect(png.out.split("\n").filter((l) => /^\s+(zero|one|two|three|four|five|six|seven|eight|nine)\s/.test(l))).toHaveLength(3);
    writeFileSync(join(dir, "x.json"), JSON.stringify(Array.from({ length: 28 }, () => new Array(28).fill(0.5))));
    expect((await capture(["run", modelPath, "--input", join(dir, "x.json")])).code).toBe(0);
    // .npy, version 1.0, little-endian float32, shape (784,)
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (784,), }";
    const padded = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1) + "\n";
    const npy = Buffer.concat([Buffer.from([0x93]), Buffer.from("NUMPY"), Buffer.from([1, 0, padded.length & 255, padded.length >> 8]), Buffer.from(padded), Buffer.from(new Float32Array(784).fill(0.25).buffer)]);
    writeFileSync(join(dir, "x.npy"), npy);
    expect((await capture(["run", modelPath, "--input", join(dir, "x.npy")])).code).toBe(0);
  });

  it("run explains a wrong input instead of guessing", async () => {
    writeFileSync(join(dir, "short.json"), "[1, 2, 3]");
    const short = await capture(["run", modelPath, "--input", join(dir, "short.json")]);
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/holds 3 values; .* takes 784/);
    writeFileSync(join(dir, "bad.json"), "[1, \"x\"]");
    expect((await capture(["run", modelPath, "--input", join(dir, "bad.json")])).err).toMatch(/array of finite numbers/);
    expect((await capture(["run", modelPath])).code).toBe(2);
    expect((await capture(["run", modelPath, "--input", join(dir, "missing.png")])).code).toBe(1);
  });
});
