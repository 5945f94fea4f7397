// The cross-host conformance set on Node, the reference host: its output
// digests for both builds are recorded in devices/conformance/digests.json,
// so a change in any kernel's output bytes (float kernels included, which
// no reference holds exactly) shows up here as a reviewed diff. Every other
// host's suite compares its digests with Node's (browser.test.ts,
// cloudflare-worker.test.ts, mcu.test.ts): together, the matrix of
// devices/conformance/README.md. After a deliberate change, rerun with
// WASMLITE_RECORD_DIGESTS=1 to rewrite the file, and review its diff.
import { describe, it, expect } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { createNodeRuntime } from "@wasmlite/runtime/node";
import { CONFORMANCE_CASES, inputBytes, runConformance } from "../../devices/conformance/cases.ts";
import { fixtureBytes } from "../helpers/fixtures.ts";

const DIGESTS_FILE = new URL("../../devices/conformance/digests.json", import.meta.url);
const RECORD = process.env.WASMLITE_RECORD_DIGESTS === "1";
type Digests = Record<"simd" | "mvp", Record<string, string>>;

const read = async (path: string) => fixtureBytes(path);

describe("the conformance set on Node", () => {
  it("gives the recorded output digests in both builds", async () => {
    const now: Digests = { simd: {}, mvp: {} };
    for (const build of ["simd", "mvp"] as const) {
      const results = await runConformance(await createNodeRuntime({ simd: build === "simd" }), read);
      for (const r of results) now[build][r.name] = r.digest;
    }
    if (RECORD) writeFileSync(DIGESTS_FILE, JSON.stringify(now, null, 2) + "\n");
    const recorded = JSON.parse(readFileSync(DIGESTS_FILE, "utf8")) as Digests;
    expect(Object.keys(recorded.simd)).toEqual(CONFORMANCE_CASES.map((c) => c.name));
    expect(now).toEqual(recorded);
  });

  it("generates the same seeded inputs on every call, different per case, invocation and input", () => {
    const a = inputBytes("kws int8", 0, 0, "int8", 64);
    expect(inputBytes("kws int8", 0, 0, "int8", 64)).toEqual(a);
    expect(inputBytes("kws int8", 1, 0, "int8", 64)).not.toEqual(a);
    expect(inputBytes("kws int8", 0, 1, "int8", 64)).not.toEqual(a);
    expect(inputBytes("ad01 int8", 0, 0, "int8", 64)).not.toEqual(a);
    // Floats stay in [-1, 1): no NaN or infinity reaches a model.
    const floats = new Float32Array(inputBytes("ad01 float", 0, 0, "float32", 4096).buffer);
    expect(floats.every((v) => v >= -1 && v < 1)).toBe(true);
    expect(new Set(floats).size).toBeGreaterThan(1000);
  });
});
