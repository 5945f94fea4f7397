// The fashion-cnn preset, one epoch (the full run's figures are in
// cli/README.md): a microcontroller-sized file and arena.
import { describe, it, expect } from "vitest";
import { trainAndExport } from "../../../cli/train-and-export/job.ts";
import { expectWithinPoints } from "../../helpers/accuracy.ts";
import { readModel } from "@wasmlite/format";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("the fashion-cnn preset", () => {
  it("one epoch (CI; the full run's figures are in cli/README.md): int8 file <= 100 KB, arena <= 64 KB, within 0.3 points of float", async () => {
    const out = mkdtempSync(join(tmpdir(), "wasmlite-fashion-"));
    const r = await trainAndExport({ preset: "fashion-cnn", out, epochs: 1, quiet: true, log: () => {} });
    console.log(
      `fashion-cnn, 1 epoch: float32 ${(r.float32.accuracy! * 100).toFixed(2)}%, int8 ${(r.int8.accuracy! * 100).toFixed(2)}%; int8 file ${r.int8.bytes} B, arena ${r.int8.arenaBytes} B; ${r.trainSeconds.toFixed(1)} s`,
    );
    expect(r.int8.bytes).toBeLessThanOrEqual(100 * 1024);
    expect(r.int8.arenaBytes).toBeLessThanOrEqual(64 * 1024);
    expect(r.float32.accuracy!).toBeGreaterThan(0.8); // one epoch; 12 reach the target (README)
    expectWithinPoints(r.float32, r.int8, 0.3);
    const ops = readModel(readFileSync(r.files.int8)).operators.map((o) => o.op);
    expect(ops.filter((o) => o === "CONV_2D").length).toBe(2);
    expect(ops).not.toContain("MUL"); // batch normalisation folded, not computed
  }, 300_000);
});
