// The conformance page: runs devices/conformance/'s cases with the build the
// query asks for (?simd=auto|1|0) and prints each model's output digest.
// Sets window.conformance (or window.conformanceError) for the tests.
import { createBrowserRuntime } from "@wasmlite/runtime/browser";
import { runConformance, type ConformanceResult } from "../conformance/cases.ts";

export interface ConformanceReport {
  simd: boolean;
  results: ConformanceResult[];
  milliseconds: number;
}

declare global {
  interface Window {
    conformance?: ConformanceReport;
    conformanceError?: string;
  }
}

function simdOption(): boolean | "auto" {
  const value = new URLSearchParams(location.search).get("simd") ?? "auto";
  if (value === "1") return true;
  if (value === "0") return false;
  if (value === "auto") return "auto";
  throw new Error(`?simd= must be auto, 1 or 0, got '${value}'`);
}

async function readFixture(path: string): Promise<Uint8Array> {
  const response = await fetch(new URL(`../../tests/fixtures/${path}`, location.href));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function main(): Promise<void> {
  const status = document.getElementById("status")!;
  const runtime = await createBrowserRuntime({ simd: simdOption() });
  const started = performance.now();
  const results = await runConformance(runtime, readFixture);
  const milliseconds = performance.now() - started;
  const body = document.querySelector("#results tbody")!;
  for (const r of results) {
    const row = body.appendChild(document.createElement("tr"));
    for (const text of [r.name, String(r.outputBytes), r.digest]) {
      row.appendChild(document.createElement("td")).textContent = text;
    }
  }
  const build = runtime.simd ? "SIMD" : "MVP";
  status.textContent = `${build} build, ${results.length} models in ${milliseconds.toFixed(0)} ms`;
  window.conformance = { simd: runtime.simd, results, milliseconds };
}

main().catch((e: Error) => {
  document.getElementById("status")!.textContent = `failed: ${e.message}`;
  window.conformanceError = e.message;
});
