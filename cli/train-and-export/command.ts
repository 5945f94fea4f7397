// `wasmlite train-and-export PRESET`: prints what it did and where the files
// are. Exit code 1 when the int8 export failed its check (both files are
// still written). Ctrl-C or SIGTERM stops training after the current batch
// (trainAndExport then throws Interrupted: exit code 130, as a shell gives a process ended by SIGINT); a second Ctrl-C
// quits at once.
import { Interrupted } from "@wasmlite/trainer";
import { trainAndExport, type TrainAndExportOptions } from "./job.ts";

export async function trainAndExportCommand(options: Omit<TrainAndExportOptions, "signal" | "log">): Promise<number> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      if (process.stderr.isTTY) process.stderr.write("\x1b[?25h\x1b[?7h"); // the progress bar's cursor and line wrap, back
      process.exit(130);
    }
    process.stderr.write(
      `\n${signal}: stopping after the current batch (once training is over, after the exports are written); ${signal === "SIGINT" ? "Ctrl-C" : signal} again to quit at once\n`,
    );
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let r: Awaited<ReturnType<typeof trainAndExport>>;
  try {
    r = await trainAndExport({ ...options, signal: stop.signal });
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    console.error(`wasmlite: ${e.message}`);
    return 130;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const pct = (v: number | undefined) => (v === undefined ? "" : `${(v * 100).toFixed(2)}%`);
  const line = (name: string, v: typeof r.float32) =>
    `  ${name.padEnd(8)} ${String(v.bytes).padStart(7)} bytes  ${v.accuracy !== undefined ? `accuracy ${pct(v.accuracy)}` : `mse ${v.mse!.toExponential(3)}`}  latency ${v.latencyUs.toFixed(1)} us/inference  arena ${v.arenaBytes} bytes  max |runtime - trainer| ${v.maxAbsDifference.toExponential(2)}`;
  console.log(`\nexports, checked in the wasmlite runtime on ${r.float32.samples} test samples:`);
  console.log(line("float32", r.float32));
  console.log(line("int8", r.int8));
  if (r.int8.accuracy !== undefined) {
    const gained = r.int8.correct! - r.int8.floatCorrect!;
    const points = ((r.int8.accuracy - r.int8.floatAccuracy!) * 100).toFixed(2);
    console.log(
      `  int8 vs float: ${gained >= 0 ? "+" : ""}${gained} test samples right (${points} points; at most ${r.int8.allowedDrop} fewer allowed)`,
    );
  }
  console.log(`\nwrote ${r.files.int8}, ${r.files.float32}, ${r.files.metrics}, ${r.files.report}`);
  if (r.int8.failure) {
    console.error(
      `wasmlite: the int8 export failed its check: ${r.int8.failure}. It is kept as ${r.files.int8}; the float32 export passed`,
    );
    return 1;
  }
  return 0;
}
