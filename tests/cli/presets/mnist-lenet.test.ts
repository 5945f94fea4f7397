// The mnist-lenet preset, trained in full: its accuracy targets, its
// operators and its report.
import { describe, it, expect } from "vitest";
import { trainAndExport } from "../../../cli/train-and-export/job.ts";
import { expectAccuracyAtLeast, expectWithinPoints } from "../../helpers/accuracy.ts";
import { readModel } from "@wasmlite/format";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("the mnist-lenet preset", () => {
  it("reaches its targets on the fixed split: float >= 98.5%, int8 within 0.3 points; its report shows the misclassified digits", async () => {
    const out = mkdtempSync(join(tmpdir(), "wasmlite-lenet-"));
    const r = await trainAndExport({ preset: "mnist-lenet", out, quiet: true, log: () => {} });
    console.log(
      `mnist-lenet: float32 ${(r.float32.accuracy! * 100).toFixed(2)}%, int8 ${(r.int8.accuracy! * 100).toFixed(2)}%, ${r.epochs} epochs in ${r.trainSeconds.toFixed(1)} s; int8 file ${r.int8.bytes} bytes, arena ${r.int8.arenaBytes} bytes`,
    );
    expectAccuracyAtLeast(r.float32, 98.5);
    expectWithinPoints(r.float32, r.int8, 0.3);
    const ops = readModel(readFileSync(r.files.int8)).operators.map((o) => o.op);
    expect(ops).toEqual([
      "CONV_2D",
      "MAX_POOL_2D",
      "CONV_2D",
      "MAX_POOL_2D",
      "RESHAPE",
      "FULLY_CONNECTED",
      "FULLY_CONNECTED",
      "FULLY_CONNECTED",
      "SOFTMAX",
    ]);
    const report = readFileSync(r.files.report, "utf8");
    expect(report).toContain("Misclassified test samples");
    expect(report).toContain("conv2d_1 6@5x5, same, relu");
  }, 300_000);
});
