// wasmlite train-and-export end to end: the files it writes, --resume from
// a checkpoint bit for bit, bad arguments; and the MNIST split it trains on.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mnistSplit, MNIST_TRAIN } from "../../cli/data/mnist.ts";
import { main } from "../../cli/main.ts";

describe("the MNIST split", () => {
  it("the fixed MNIST split: 8,000 / 2,000 real digits, one-hot labels, every class in both", () => {
    const { train, test } = mnistSplit();
    expect([train.n, test.n]).toEqual([MNIST_TRAIN, 2000]);
    for (const d of [train, test]) {
      const counts = new Array(10).fill(0);
      for (let i = 0; i < d.n; i++) counts[d.y.subarray(i * 10, i * 10 + 10).indexOf(1)]++;
      expect(Math.min(...counts)).toBeGreaterThan(d.n / 20);
    }
  });
});

describe("wasmlite train-and-export", () => {
  it("sine: trains, writes model.tflite, model-f32.tflite and metrics.json, leaves no temporary files", async () => {
    const out = mkdtempSync(join(tmpdir(), "wasmlite-tae-"));
    const code = await main(["train-and-export", "sine", "--out", out, "--epochs", "5", "--quiet"]);
    expect(code).toBe(0);
    for (const f of ["model.tflite", "model-f32.tflite", "metrics.json"])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(readdirSync(out).filter((f) => f.includes(".tmp"))).toEqual([]);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.float32.maxAbsDifference).toBeLessThanOrEqual(1e-5);
    expect(metrics.history.length).toBeGreaterThan(0);
    expect(existsSync(join(out, "report.html"))).toBe(true);
  }, 60_000);

  it("--resume from a checkpoint gives the same weights, bit for bit, as an uninterrupted run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmlite-resume-"));
    const go = (...args: string[]) => main(["train-and-export", "sine", "--quiet", ...args]);
    expect(await go("--out", join(dir, "whole"), "--epochs", "6")).toBe(0);
    expect(await go("--out", join(dir, "part"), "--epochs", "3", "--checkpoint", join(dir, "ck"))).toBe(0);
    expect(existsSync(join(dir, "ck", "checkpoint.wlck"))).toBe(true);
    expect(await go("--out", join(dir, "resumed"), "--epochs", "6", "--checkpoint", join(dir, "ck"), "--resume")).toBe(
      0,
    );
    const whole = readFileSync(join(dir, "whole", "model-f32.tflite"));
    expect(Buffer.compare(readFileSync(join(dir, "resumed", "model-f32.tflite")), whole)).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, "part", "model-f32.tflite")), whole)).not.toBe(0);
    // A checkpoint from another run is refused by name.
    expect(await go("--out", join(dir, "other"), "--seed", "7", "--checkpoint", join(dir, "ck"), "--resume")).toBe(1);
  }, 60_000);

  it("bad arguments get a one-line error and where the command's help is (exit code 2)", async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (s: string) => errors.push(s);
    try {
      expect(await main(["train-and-export", "nope"])).toBe(2);
      expect(await main(["train-and-export", "sine", "--epochs", "zero"])).toBe(2);
      expect(await main(["train-and-export", "sine", "--bogus"])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors[0]).toMatch(/unknown preset 'nope'/);
    expect(errors[1]).toMatch(/--epochs must be a whole number/);
    expect(errors[2]).toMatch(/bogus/);
    expect(errors.every((e) => e.includes("wasmlite help train-and-export"))).toBe(true);
  });
});
