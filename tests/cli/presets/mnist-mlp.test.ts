// The mnist-mlp preset (npm start's job) trained in full: its targets, and
// its report.html opened in Chromium.
import { describe, it, expect } from "vitest";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { VERSION } from "../../../cli/commands.mjs";
import { chromium } from "playwright-core";
import { haveTool } from "../../helpers/system.ts";
import { CHROMIUM } from "../../helpers/chromium-page.ts";
import { trainAndExport } from "../../../cli/train-and-export/job.ts";
import { expectAccuracyAtLeast, expectWithinPoints } from "../../helpers/accuracy.ts";
/** Files tests keep for a person to look at (screenshots); not committed. */
const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));
describe("the mnist-mlp preset (npm start's job)", () => {
  const out = mkdtempSync(join(tmpdir(), "wasmlite-report-"));
  let result: Awaited<ReturnType<typeof trainAndExport>> | undefined;
  const run = async () => (result ??= await trainAndExport({ preset: "mnist-mlp", out, quiet: true, log: () => {} }));

  it("reaches its targets on the fixed split: float >= 97.5%, int8 within 0.3 points", async () => {
    const r = await run();
    console.log(
      `mnist-mlp: float32 ${(r.float32.accuracy! * 100).toFixed(2)}%, int8 ${(r.int8.accuracy! * 100).toFixed(2)}%, ${r.epochs} epochs in ${r.trainSeconds.toFixed(1)} s`,
    );
    expectAccuracyAtLeast(r.float32, 97.5);
    expectWithinPoints(r.float32, r.int8, 0.3);
  }, 180_000);

  it.skipIf(!haveTool(CHROMIUM, "chromium"))(
    "report.html opens in Chromium with its charts, tables, misclassified digits and provenance (screenshot kept in test-artifacts/)",
    async () => {
      await run();
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
      try {
        const page = await browser.newPage({ viewport: { width: 1040, height: 900 } });
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        await page.goto(pathToFileURL(join(out, "report.html")).href);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, "report-mnist-mlp.png"), fullPage: true });
        const titles = await page.$$eval("svg", (svgs) =>
          svgs.map((s) => s.getAttribute("aria-label") ?? s.textContent?.slice(0, 40) ?? ""),
        );
        expect(titles.length).toBe(5);
        const text = await page.textContent("body");
        for (const t of [
          "Loss per epoch",
          "Accuracy per epoch",
          "Learning rate per epoch",
          "Confusion matrix",
          "Per-class precision and recall",
          "Misclassified test samples",
          "Hyperparameters",
          "nesterov",
          `by wasmlite ${VERSION} on Node ${process.version}`,
          "model.tflite (int8)",
          "dense_1 256 units, relu",
        ])
          expect(text).toContain(t);
        if (result!.stoppedEpoch > 0) expect(text).toMatch(/best epoch \d+ \(restored\)/);
        // Counts on dark cells are drawn in white.
        expect(
          await page.$$eval("svg text", (ts) => ts.filter((t) => t.getAttribute("fill") === "white").length),
        ).toBeGreaterThan(0);
        expect(await page.$$eval(".gallery img", (imgs) => imgs.length)).toBeGreaterThan(0);
        // The confusion matrix accounts for every test sample.
        const cells = await page.$$eval("svg text", (ts) => ts.map((t) => t.textContent ?? ""));
        expect(cells.length).toBeGreaterThan(100);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
