// Where a model's instructions go on the microcontroller host: each operator
// of the model extracted into a model of its own (tests/helpers/extract.ts),
// built for the Cortex-M3 (devices/mcu/) and run under QEMU with -icount
// shift=0, so the counts are deterministic (to 40 instructions). Prints
// instructions per operator, per MAC and per output element, and the whole
// model's count beside the sum. Needs wabt, gcc-arm-none-eabi,
// libnewlib-arm-none-eabi and qemu-system-arm.
//
//   npm run bench:mcu -- [--model FILE] [--bounds checked32|wasm2c|unchecked] [--optimize O2|Os]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readModel } from "@wasmlite/format";
import { macsPerInference } from "../cli/macs.ts";
import { buildApp, runApp, seededApp, type Optimization } from "../devices/mcu/build.ts";
import type { BoundsChecks } from "../devices/mcu/bounds-checks.ts";
import { extractOperator } from "../tests/helpers/extract.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "tests/fixtures/mlperf-tiny/kws_ref_model.tflite" },
    bounds: { type: "string", default: "checked32" },
    optimize: { type: "string", default: "O2" },
  },
});
const options = { bounds: values.bounds as BoundsChecks, optimization: values.optimize as Optimization };
const work = mkdtempSync(join(tmpdir(), "wasmlite-bench-mcu-"));

/** Instructions of one invoke of `model` on the emulated Cortex-M3, and its output elements. */
async function count(model: Uint8Array, name: string): Promise<{ instructions: number; outputs: number }> {
  const { app, loaded } = await seededApp(model, name);
  const build = buildApp(app, work, name, options);
  const ran = runApp(build.elf);
  if (ran.exitCode !== 0) throw new Error(`${name}: ${ran.log}`);
  const outputs = loaded.outputs.reduce((n, t) => n + t.data.length, 0);
  return { instructions: ran.instructions[0]!, outputs };
}

try {
  const bytes = new Uint8Array(readFileSync(values.model!));
  const summary = readModel(bytes);
  const rows: string[] = [];
  let sum = 0;
  for (let i = 0; i < summary.operators.length; i++) {
    const op = extractOperator(bytes, i).bytes;
    const { instructions, outputs } = await count(op, `op${i}`);
    const macs = macsPerInference(readModel(op));
    sum += instructions;
    const perMac = macs ? (instructions / macs).toFixed(2) : "";
    const cells = [i, summary.operators[i]!.op, instructions, macs || "", perMac, (instructions / outputs).toFixed(1)];
    rows.push(`| ${cells.join(" | ")} |`);
  }
  const whole = await count(bytes, "whole");
  const macs = macsPerInference(summary);
  console.log(
    `${values.model}, Cortex-M3 (QEMU mps2-an385, -icount shift=0), -${options.optimization}, bounds ${options.bounds}`,
  );
  console.log("| # | operator | instructions | MACs | per MAC | per output element |");
  console.log("|---:|---|---:|---:|---:|---:|");
  for (const row of rows) console.log(row);
  console.log(
    `whole model: ${whole.instructions} instructions (operators alone: ${sum}), ` +
      `${macs} MACs, ${(whole.instructions / macs).toFixed(2)} per MAC`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
