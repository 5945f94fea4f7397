// `wasmlite train-and-export PRESET`: prints what it did and where the files are.
import { trainAndExport } from "../trainer/train-and-export.ts";

export async function trainAndExportCommand(options: { preset: string; out: string; epochs?: number; seed?: number; quiet: boolean; checkpoint?: string; resume: boolean }): Promise<void> {
  const r = await trainAndExport(options);
  const pct = (v: number | undefined) => (v === undefined ? "" : `${(v * 100).toFixed(2)}%`);
  const line = (name: string, v: typeof r.float32) =>
    `  ${name.padEnd(8)} ${String(v.bytes).padStart(7)} bytes  ${v.accuracy !== undefined ? `accuracy ${pct(v.accuracy)}` : `mse ${v.mse!.toExponential(3)}`}  latency ${v.latencyUs.toFixed(1)} us/inference  arena ${v.arenaBytes} bytes  max |runtime - trainer| ${v.maxAbsDifference.toExponential(2)}`;
  console.log(`\nexports, checked in the wasmlite runtime on ${r.float32.samples} test samples:`);
  console.log(line("float32", r.float32));
  console.log(line("int8", r.int8));
  if (r.int8.accuracy !== undefined) console.log(`  int8 vs float accuracy: ${((r.int8.accuracy - r.float32.accuracy!) * 100).toFixed(2)} points`);
  console.log(`\nwrote ${r.files.int8}, ${r.files.float32}, ${r.files.metrics}, ${r.files.report}`);
}
