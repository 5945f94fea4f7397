// Verifier fuzzing: every fixture, MLPerf Tiny model and writer-built model,
// mutated many times (byte flips, truncations, swapped offsets, huge
// lengths, out-of-range indices, vtable damage, trailing garbage), driven
// through the raw ABI as a C host drives it. Each mutant must either load
// and run, or be refused with an error code. A trap, any other exception, a
// hang (no progress for 20 s), memory growth during invoke, a change to the
// model bytes in linear memory, or a change in a known-good model's outputs
// afterwards fails the test.
//
// The seed changes every run (so the search moves) and is printed; a
// failure names it, and WASMLITE_FUZZ_SEED=N replays that run.
import { describe, it, expect } from "vitest";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { readdirSync } from "node:fs";
import { randomInt } from "node:crypto";
import { allModels, TFLM_DIR, MLPERF_DIR } from "../helpers/fixtures.ts";
import { writerBuiltModels } from "../helpers/fuzz-corpus.ts";
import { unary } from "../helpers/models.ts";
import { BuiltinOperator } from "@wasmlite/format";

const generatedDir = mkdtempSync(join(tmpdir(), "wasmlite-fuzz-models-"));
const generated = writerBuiltModels().map((m, i) => {
  const path = join(generatedDir, `generated-${i}.tflite`);
  writeFileSync(path, m.bytes);
  return { name: `generated/${m.name}`, path };
});
const mlperf = readdirSync(MLPERF_DIR)
  .filter((f) => f.endsWith(".tflite"))
  .sort()
  .map((f) => ({ name: `mlperf-tiny/${f}`, path: join(MLPERF_DIR, f) }));
const corpus = () => [...allModels().map((name) => ({ name, path: join(TFLM_DIR, name) })), ...mlperf, ...generated];

// Known-good models re-run every few mutants: hello_world int8 (FULLY_CONNECTED)
// and int16 LOGISTIC over inputs that read the whole static sigmoid table.
// (What a load builds, it builds afresh; only static data could carry damage
// from one model to the next.)
const sentinels = [
  { name: "hello_world int8", path: join(TFLM_DIR, "hello_world/hello_world_int8.tflite") },
  ...[
    unary({
      op: BuiltinOperator.LOGISTIC,
      inKind: "int16",
      outKind: "int16",
      shape: [512],
      seed: 22,
      inQuant: { scale: [2 ** -12], zeroPoint: [0] },
      outQuant: { scale: [2 ** -15], zeroPoint: [0] },
    }),
  ].map((m, i) => {
    const path = join(generatedDir, `sentinel-${i}.tflite`);
    writeFileSync(path, m.bytes);
    return { name: m.name, path };
  }),
];

const SENTINEL_EVERY = Number(process.env.WASMLITE_FUZZ_SENTINEL_EVERY ?? 8);
const SEED = process.env.WASMLITE_FUZZ_SEED !== undefined ? Number(process.env.WASMLITE_FUZZ_SEED) : randomInt(2 ** 31);
// Files above this size get proportionally fewer mutants (MLPerf Tiny's run for milliseconds each).
const FULL_ITERATIONS_UP_TO = 32_768;

type Tally = { iterations: number; loadedAndRan: number; rejected: number; byCode: Record<string, number> };
type FuzzMessage =
  | { type: "current"; file: string; iteration: number; kind: string }
  | { type: "tally"; file: string; tally: Tally }
  | { type: "failure"; file: string; iteration: number; kind: string; error: string; bytes: number[] }
  | { type: "done" };

const ITERATIONS = Number(process.env.WASMLITE_FUZZ_ITERATIONS ?? 2000);
const STALL_MS = 20_000;

function runFuzz(simd: boolean): Promise<{ tallies: Record<string, Tally> }> {
  const files = corpus();
  return new Promise((resolve, reject) => {
    const job = {
      files,
      sentinels,
      iterations: ITERATIONS,
      fullIterationsUpTo: FULL_ITERATIONS_UP_TO,
      simd,
      memoryLimitBytes: 256 * 1024 * 1024,
      seed: SEED,
      sentinelEvery: SENTINEL_EVERY,
    };
    const worker = fork(fileURLToPath(new URL("../helpers/fuzz-worker.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, WASMLITE_FUZZ_JOB: JSON.stringify(job) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const tallies: Record<string, Tally> = {};
    let current = "";
    let timer: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        worker.kill("SIGKILL");
        reject(
          new Error(
            `runtime hung (no progress for ${STALL_MS / 1000} s) on ${current}; replay with WASMLITE_FUZZ_SEED=${SEED}`,
          ),
        );
      }, STALL_MS);
    };
    arm();
    worker.on("message", (raw) => {
      const msg = raw as FuzzMessage;
      if (msg.type === "current") {
        current = `${msg.file} mutation #${msg.iteration} (${msg.kind})`;
        arm();
      } else if (msg.type === "tally") {
        tallies[msg.file] = msg.tally;
        arm();
      } else if (msg.type === "failure") {
        clearTimeout(timer);
        const saved = join(tmpdir(), `wasmlite-fuzz-${Date.now()}.tflite`);
        writeFileSync(saved, Uint8Array.from(msg.bytes));
        reject(
          new Error(
            `${msg.file} mutation #${msg.iteration} (${msg.kind}): ${msg.error}; model saved to ${saved}; replay with WASMLITE_FUZZ_SEED=${SEED}`,
          ),
        );
      } else if (msg.type === "done") {
        clearTimeout(timer);
        resolve({ tallies });
      }
    });
    worker.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // The channel closes after every message sent before exit has been
    // delivered; only then can "exited without saying done" be judged.
    // (Resolving or rejecting twice is harmless.)
    let exit = "";
    worker.on("exit", (code, signal) => {
      exit = `code ${code}, signal ${signal}`;
    });
    worker.on("disconnect", () => {
      clearTimeout(timer);
      setTimeout(
        () =>
          reject(
            new Error(
              `fuzz process ended (${exit || "channel closed"}) before reporting, while on ${current}; replay with WASMLITE_FUZZ_SEED=${SEED}`,
            ),
          ),
        100,
      );
    });
  });
}

describe("verifier fuzzing", () => {
  for (const simd of [true, false]) {
    it(`up to ${ITERATIONS} mutants of each of the ${corpus().length} models (TFLM fixtures, MLPerf Tiny, writer-built) on the ${simd ? "SIMD" : "MVP"} build: no trap, no hang, no damage, only error codes; the checked build agrees and touches nothing it should not`, async () => {
      console.log(`fuzz seed ${SEED} (replay with WASMLITE_FUZZ_SEED=${SEED})`);
      const { tallies } = await runFuzz(simd);
      let ran = 0;
      let rejected = 0;
      let iterations = 0;
      const byCode: Record<string, number> = {};
      for (const t of Object.values(tallies)) {
        iterations += t.iterations;
        ran += t.loadedAndRan;
        rejected += t.rejected;
        for (const [code, n] of Object.entries(t.byCode)) byCode[code] = (byCode[code] ?? 0) + n;
      }
      console.log(
        `fuzz (${simd ? "SIMD" : "MVP"}, seed ${SEED}): ${ran + rejected} mutants, ${ran} loaded and ran, ${rejected} rejected with an error code, 0 traps, 0 hangs, no damage; rejections by code:`,
        byCode,
      );
      expect(Object.keys(tallies).length).toBe(corpus().length);
      expect(ran + rejected).toBe(iterations);
      expect(iterations).toBeGreaterThanOrEqual(ITERATIONS * (corpus().length - mlperf.length));
      // The fuzzer must exercise both outcomes, or it is not testing anything.
      expect(ran).toBeGreaterThan(0);
      expect(rejected).toBeGreaterThan(0);
    }, 600_000);
  }
});
