// The browser host (devices/browser/): the conformance page in headless
// Chromium gives the same output bytes as Node for the same build; the ESM
// entry falls back to the MVP build where the SIMD probe fails (Chromium has
// no flag that turns SIMD off, so the page's WebAssembly.validate is made to
// fail) and fetches only the build it runs; the demo classifies digits drawn
// with pointer events exactly as Node's runtime does on the same image.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { haveTool } from "../helpers/system.ts";
import { Chromium, CHROMIUM } from "../helpers/chromium-page.ts";
import { mnistMlp } from "../helpers/trained.ts";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { slice } from "@wasmlite/trainer";
import { createNodeRuntime } from "@wasmlite/runtime/node";
import { startBrowserServer, type BrowserServer } from "../../devices/browser/server.ts";
import { runConformance, CONFORMANCE_CASES, type ConformanceResult } from "../../devices/conformance/cases.ts";
import type { ConformanceReport } from "../../devices/browser/conformance.ts";
import type { DemoResult } from "../../devices/browser/demo.ts";
import { toMnistImage, SIDE } from "../../devices/browser/digit-image.ts";
import { fixtureBytes } from "../helpers/fixtures.ts";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const readFixture = async (path: string) => fixtureBytes(path);

describe("digit-image: a drawing to MNIST's 28x28 layout", () => {
  function canvas(width: number, height: number, ink: (x: number, y: number) => boolean) {
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) if (ink(x, y)) data.fill(255, 4 * (y * width + x), 4 * (y * width + x) + 3);
    return { data, width, height };
  }

  it("scales the ink's bounding box to 20 pixels on its long side and puts its centre of mass at the centre", () => {
    // An L, 120 wide and 160 tall, off in a corner of a 280x280 canvas: its
    // centre of mass is left of and below its bounding box's centre.
    const ink = (x: number, y: number) => x >= 10 && y >= 100 && y < 260 && (x < 50 || (y >= 240 && x < 130));
    const image = toMnistImage(canvas(280, 280, ink))!;
    const inked = (at: (i: number) => number) => new Set([...image.keys()].filter((i) => image[i]! > 0).map(at)).size;
    expect([inked((i) => Math.floor(i / SIDE)), inked((i) => i % SIDE)]).toEqual([20, 15]);
    expect(Math.max(...image)).toBe(1);
    let mass = 0, mx = 0, my = 0; // prettier-ignore
    image.forEach((v, i) => ((mass += v), (mx += v * (i % SIDE)), (my += v * Math.floor(i / SIDE))));
    expect(Math.abs(mx / mass - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(my / mass - 13.5)).toBeLessThanOrEqual(0.5);
  });

  it("gives null for an empty canvas and a centred image for a drawing smaller than the box", () => {
    expect(toMnistImage(canvas(280, 280, () => false))).toBeNull();
    const dot = toMnistImage(canvas(280, 280, (x, y) => x === 100 && y === 7))!;
    expect(dot.filter((v) => v > 0).length).toBe(20 * 20);
  });
});

const available = haveTool(CHROMIUM, "chromium");

describe.skipIf(!available)("the browser host: headless Chromium", () => {
  let server: BrowserServer;
  let chromium: Chromium;
  let work: string;
  let modelPath: string;
  const node: Record<"simd" | "mvp", ConformanceResult[]> = { simd: [], mvp: [] };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "wasmlite-browser-"));
    // The demo's model: the shared test MLP (784-24-16-10), int8.
    const { model, digits } = mnistMlp(4000, 4);
    const calibration = slice(digits, 0, 300);
    modelPath = join(work, "mnist-mlp-int8.tflite");
    writeFileSync(modelPath, exportTflite(model, { kind: "int8", calibration }));
    node.simd = await runConformance(await createNodeRuntime({ simd: true }), readFixture);
    node.mvp = await runConformance(await createNodeRuntime({ simd: false }), readFixture);
    server = await startBrowserServer({ model: modelPath });
    chromium = await Chromium.launch();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Opens the conformance page; returns its report and the .wasm files it fetched. */
  async function conformance(query: string, initScript?: string) {
    const page = await chromium.visit(`${server.origin}/devices/browser/conformance.html${query}`, "conformance", {
      errorGlobal: "conformanceError",
      initScript,
    });
    const report = (await page.evaluate(() => window.conformance)) as ConformanceReport;
    const resources = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    await page.close();
    const fetched = resources
      .filter((name) => name.endsWith(".wasm"))
      .map((name) => name.slice(name.lastIndexOf("/") + 1));
    return { report, fetched };
  }

  it("Node runs every conformance model (no model errs in either build)", () => {
    expect(node.simd.map((r) => r.name)).toEqual(CONFORMANCE_CASES.map((c) => c.name));
    for (const r of [...node.simd, ...node.mvp]) expect(r.digest, r.name).toMatch(/^[0-9a-f]{64}$/);
  });

  it("picks the SIMD build by itself and gives Node's output bytes for every model", async () => {
    const { report, fetched } = await conformance("");
    expect(report.simd).toBe(true);
    expect(fetched).toEqual(["wasmlite.wasm"]);
    expect(report.results).toEqual(node.simd);
  });

  it("falls back to the MVP build where the SIMD probe fails, and gives Node's MVP bytes", async () => {
    const { report, fetched } = await conformance("", "WebAssembly.validate = () => false;");
    expect(report.simd).toBe(false);
    expect(fetched).toEqual(["wasmlite-mvp.wasm"]);
    expect(report.results).toEqual(node.mvp);
  });

  it("runs the MVP build when the API asks for it (?simd=0), with the same bytes", async () => {
    const { report, fetched } = await conformance("?simd=0");
    expect(report.simd).toBe(false);
    expect(fetched).toEqual(["wasmlite-mvp.wasm"]);
    expect(report.results).toEqual(node.mvp);
  });

  /** Strokes on the demo's 280x280 pad, in pad pixels: each a polyline. */
  const DRAWN: Record<number, [number, number][][]> = {
    0: [
      Array.from({ length: 33 }, (_, k): [number, number] => {
        const angle = (k / 32) * 2 * Math.PI;
        return [140 + 60 * Math.sin(angle), 140 - 95 * Math.cos(angle)];
      }),
    ],
    1: [
      [
        [150, 50],
        [145, 140],
        [140, 230],
      ],
    ],
    7: [
      [
        [80, 60],
        [200, 60],
        [160, 140],
        [120, 230],
      ],
    ],
  };

  async function draw(page: Page, strokes: [number, number][][]): Promise<DemoResult> {
    const pad = (await page.locator("#pad").boundingBox())!;
    await page.click("#clear");
    for (const line of strokes) {
      await page.mouse.move(pad.x + line[0]![0], pad.y + line[0]![1]);
      await page.mouse.down();
      for (const [x, y] of line.slice(1)) await page.mouse.move(pad.x + x, pad.y + y, { steps: 8 });
      await page.mouse.up();
    }
    return (await page.evaluate(() => window.demoResult)) as DemoResult;
  }

  it("demo: digits drawn with pointer events are classified live, with Node's scores for the same image", async () => {
    const page = await chromium.visit(`${server.origin}/devices/browser/demo.html`, "demoReady", {
      errorGlobal: "demoError",
    });
    const model = (await createNodeRuntime({ simd: true })).load(await readFile(modelPath));
    for (const [digit, strokes] of Object.entries(DRAWN)) {
      const result = await draw(page, strokes);
      expect(result.simd).toBe(true);
      expect(result.top.map((t) => t.label)[0], `drawn ${digit}`).toBe(Number(digit));
      expect(result.top).toHaveLength(3);
      expect(result.invokeMilliseconds).toBeGreaterThan(0);
      // The page's runtime and Node's, on the image the page made: the same scores.
      expect(result.scores).toEqual(Array.from(model.predict(Float32Array.from(result.image))[0]!));
      if (digit === "7") {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, "browser-demo.png") });
      }
    }
    await page.click("#clear");
    expect(await page.evaluate(() => window.demoResult)).toBeNull();
    await page.close();
  });

  it("demo: a model without a 28x28 input is refused with a message that says so", async () => {
    const url = `${server.origin}/devices/browser/demo.html?model=/tests/fixtures/tflm/hello_world/hello_world_int8.tflite`;
    await expect(chromium.visit(url, "demoReady", { errorGlobal: "demoError" })).rejects.toThrow(
      /needs a model with one 28x28 input; this one takes \[1,1\]/,
    );
  });

  it("the page server answers only its folders: no path climbs out of them", async () => {
    const status = (path: string) =>
      new Promise<number>((resolve, reject) =>
        request(`${server.origin}${path}`, { method: "GET", path }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on("error", reject)
          .end(),
      );
    expect(await status("/devices/browser/demo.html")).toBe(200);
    expect(await status("/runtime-wasm/js/browser.js")).toBe(200);
    expect(await status("/model.tflite")).toBe(200);
    for (const path of [
      "/package.json",
      "/../package.json",
      "/tests/fixtures/../../package.json",
      "/tests/fixtures/%2e%2e/%2e%2e/package.json",
      "/tests/fixtures/..%2f..%2fpackage.json",
      "/devices/browser/server.ts",
    ])
      expect(await status(path), path).toBe(404);
  });
});
