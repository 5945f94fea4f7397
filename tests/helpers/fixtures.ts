// Paths to the conformance fixtures copied into tests/fixtures/: TFLM's models and
// golden vectors (tflm/) and MLPerf Tiny's reference models (mlperf-tiny/).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const FIXTURES_DIR = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const TFLM_DIR = fileURLToPath(new URL("../fixtures/tflm/", import.meta.url));
/** MLPerf Tiny's reference models (copied from ../shared/conformance/mlperf-tiny, with their README and licence). */
export const MLPERF_DIR = fileURLToPath(new URL("../fixtures/mlperf-tiny/", import.meta.url));

export function fixture(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(join(TFLM_DIR, relative)));
}

/** A file under tests/fixtures/, by its path there (as devices/conformance/ names its models). */
export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, path)));
}

export function mlperfModel(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(MLPERF_DIR, file)));
}

/** Every .tflite file under tests/fixtures/tflm, as paths relative to it. */
export function allModels(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(TFLM_DIR, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".tflite")) out.push(rel);
    }
  };
  walk("");
  return out.sort();
}

/** A CSV of comma-separated integers (the seanet vectors). */
export function readCsvInts(relative: string): number[] {
  return readFileSync(join(TFLM_DIR, relative), "utf8")
    .trim()
    .split(",")
    .map((s) => Number(s.trim()));
}

export interface SeanetCase {
  name: string;
  model: string;
  inputs: string[];
  golden: string;
}

/** The seanet cases of one operator folder, e.g. "add": add0..addN with their CSV files. */
export function seanetCases(op: string): SeanetCase[] {
  const dir = join(TFLM_DIR, "seanet", op);
  const files = readdirSync(dir);
  return files
    .filter((f) => f.endsWith(".tflite"))
    .map((f) => f.replace(".tflite", ""))
    .sort((a, b) => Number(a.replace(op, "")) - Number(b.replace(op, "")))
    .map((name) => {
      const inputs: string[] = [];
      for (let i = 0; ; i++) {
        const input = files.find((f) => f.startsWith(`${name}_input${i}_`));
        if (!input) break;
        inputs.push(`seanet/${op}/${input}`);
      }
      const golden = files.find((f) => f.startsWith(`${name}_golden_`));
      if (!golden || !existsSync(join(dir, golden))) throw new Error(`no golden file for ${name}`);
      return { name, model: `seanet/${op}/${name}.tflite`, inputs, golden: `seanet/${op}/${golden}` };
    });
}
