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
import { lenet, conv, convPool, depthwise, pool, padModel, concat, meanModel } from "../helpers/cnn.ts";
import { mlp } from "../helpers/models.ts";
import { lstm, rnn } from "../helpers/rnn.ts";
import { unary } from "../helpers/models.ts";
import { BuiltinOperator } from "@wasmlite/format";

// Models our writer builds, so the fuzzer also reaches operators the TFLM
// fixtures do not use (pooling, convolutions that pool, concatenation, mean, float convolutions, CIFG and
// integer LSTMs, float and hybrid RNNs).
const generatedDir = mkdtempSync(join(tmpdir(), "wasmlite-fuzz-models-"));
const generated = [
  lenet("float32", 1),
  lenet("int8", 2),
  conv({ kind: "int8", input: [1, 7, 7, 3], outChannels: 5, kernel: [3, 3], stride: [2, 2], padding: "SAME", seed: 3 }),
  // A pooling the SIMD build's grouped convolution absorbs (LeNet's two are absorbed too).
  convPool({
    kind: "int8",
    input: [2, 9, 8, 6],
    outChannels: 9,
    kernel: [2, 2],
    padding: "SAME",
    groups: 3,
    window: [2, 2],
    poolStride: [2, 2],
    poolPadding: "VALID",
    seed: 14,
  }),
  depthwise({ kind: "float32", input: [1, 6, 6, 4], multiplier: 2, kernel: [3, 3], padding: "VALID", seed: 4 }),
  pool({ kind: "int8", max: false, input: [1, 5, 5, 2], window: [2, 2], stride: [2, 2], padding: "SAME", seed: 5 }),
  padModel({
    kind: "int8",
    input: [1, 3, 3, 2],
    paddings: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
    seed: 6,
  }),
  concat({
    kind: "float32",
    shapes: [
      [1, 2, 3],
      [1, 4, 3],
    ],
    axis: 1,
    seed: 7,
  }),
  meanModel({ kind: "int8", input: [1, 4, 4, 3], axes: [1, 2], keepDims: true, sameQuant: false, seed: 8 }),
  mlp({ kind: "int8", sizes: [20, 8, 4], perChannel: true, seed: 9, head: "none" }),
  lstm({ batch: 2, steps: 3, features: 4, cells: 5, cifg: true, seed: 10 }),
  lstm({ kind: "int8", batch: 2, steps: 3, features: 4, cells: 5, cellClip: 2, seed: 11 }),
  rnn({ batch: 2, steps: 3, features: 4, units: 5, seed: 12 }),
  rnn({ kind: "int8", batch: 1, steps: 4, features: 6, units: 3, asymmetricQuantizeInputs: true, seed: 13 }),
  lstm({ kind: "int8", batch: 2, steps: 3, features: 4, cells: 5, stateZeroPoint: 7, seed: 15 }),
  conv({
    kind: "int16",
    input: [1, 6, 5, 3],
    outChannels: 4,
    kernel: [3, 3],
    padding: "SAME",
    bias: "int32",
    seed: 16,
  }),
].map((m, i) => {
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
