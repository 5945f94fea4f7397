// The sine-rnn preset and its data: the noisy sine sequences (shapes, the
// clean next value as target, one seed one data set), the linear baseline
// against an exactly linear rule, then the preset trained in full: it beats
// the baseline, its int8 (hybrid RNN) file stays near float, the report
// draws the sequences.
import { describe, it, expect } from "vitest";
import { type Dataset } from "@wasmlite/trainer";
import { Rng } from "../../../trainer/rng.ts";
import { readModel } from "@wasmlite/format";
import { sineSequences, linearBaselineMse } from "../../../cli/data/sine-sequences.ts";
import { trainAndExport } from "../../../cli/train-and-export/job.ts";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("the sine-rnn preset and its data", () => {
  it("sequences: shapes, the clean next value as target, one seed one data set; the linear baseline fits a linear rule", () => {
    const { train, test } = sineSequences({ train: 50, test: 20, steps: 12, seed: 5 });
    expect(train.inputShape).toEqual([12, 1]);
    expect([train.n, test.n, train.targetSize]).toEqual([50, 20, 1]);
    // The target continues the wave: within the noise (4 sigma) of the extrapolated last observations.
    for (let s = 0; s < train.n; s++) expect(Math.abs(train.y[s]!)).toBeLessThanOrEqual(1);
    expect(Array.from(sineSequences({ train: 50, test: 20, steps: 12, seed: 5 }).train.x)).toEqual(Array.from(train.x));
    expect(() => sineSequences({ train: 0, test: 1, steps: 3, seed: 1 })).toThrow(
      /train must be a positive whole number/,
    );
    // y = 0.5 + 2 x_0 - x_2 exactly: least squares finds it.
    const rng = new Rng(6);
    const linear = (n: number): Dataset => {
      const x = Float32Array.from({ length: n * 3 }, () => rng.uniform(-1, 1));
      const y = Float32Array.from({ length: n }, (_, s) => 0.5 + 2 * x[s * 3]! - x[s * 3 + 2]!);
      return { x, y, n, inputShape: [3, 1], targetSize: 1 };
    };
    expect(linearBaselineMse(linear(100), linear(30))).toBeLessThan(1e-10);
  });

  it("beats the linear baseline; int8 (hybrid RNN) within 20% of the float MSE; the report draws the sequences", async () => {
    const out = mkdtempSync(join(tmpdir(), "wasmlite-sine-rnn-"));
    const r = await trainAndExport({ preset: "sine-rnn", out, quiet: true, log: () => {} });
    console.log(
      `sine-rnn: float32 MSE ${r.float32.mse!.toExponential(3)}, int8 ${r.int8.mse!.toExponential(3)}, baseline ${r.baseline!.mse.toExponential(3)}; ${r.epochs} epochs in ${r.trainSeconds.toFixed(1)} s`,
    );
    expect(r.float32.mse!).toBeLessThan(r.baseline!.mse / 2);
    // Observed: float 7.4e-4, int8 7.9e-4 (the hybrid RNN quantises x and h per step).
    expect(r.int8.mse!).toBeLessThanOrEqual(r.float32.mse! * 1.2);
    const ops = readModel(readFileSync(r.files.int8)).operators.map((o) => o.op);
    expect(ops).toEqual(["DEQUANTIZE", "UNIDIRECTIONAL_SEQUENCE_RNN", "STRIDED_SLICE", "QUANTIZE", "FULLY_CONNECTED"]);
    const report = readFileSync(r.files.report, "utf8");
    expect(report).toContain("Predicted against true next values");
    expect(report).toContain("linear least squares over the 20 steps");
    expect(JSON.parse(readFileSync(r.files.metrics, "utf8")).baseline.mse).toBe(r.baseline!.mse);
  }, 120_000);
});
