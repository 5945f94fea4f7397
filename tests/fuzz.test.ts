// Verifier fuzzing: every fixture, mutated many times (byte flips,
// truncations, swapped offsets, huge lengths, out-of-range indices, vtable
// damage, trailing garbage). Each mutant must either load and run, or be
// rejected with a WasmliteError. A trap (WebAssembly.RuntimeError), any
// other exception, or a hang (no progress for 20 s) fails the test.
import { describe, it, expect } from "vitest";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { allModels, TFLM_DIR } from "./helpers/fixtures.ts";
import { lenet, conv, convPool, depthwise, pool, padModel, concat, meanModel } from "./helpers/cnn.ts";
import { mlp } from "./helpers/models.ts";
import { lstm, rnn } from "./helpers/rnn.ts";

// Models our writer builds, so the fuzzer also reaches operators the TFLM
// fixtures do not use (pooling, convolutions that pool, concatenation, mean, float convolutions, CIFG and
// integer LSTMs, float and hybrid RNNs).
const generatedDir = mkdtempSync(join(tmpdir(), "wasmlite-fuzz-models-"));
const generated = [
  lenet("float32", 1), lenet("int8", 2),
  conv({ kind: "int8", input: [1, 7, 7, 3], outChannels: 5, kernel: [3, 3], stride: [2, 2], padding: "SAME", seed: 3 }),
  // A pooling the SIMD build's grouped convolution absorbs (LeNet's two are absorbed too).
  convPool({ kind: "int8", input: [2, 9, 8, 6], outChannels: 9, kernel: [2, 2], padding: "SAME", groups: 3, window: [2, 2], poolStride: [2, 2], poolPadding: "VALID", seed: 14 }),
  depthwise({ kind: "float32", input: [1, 6, 6, 4], multiplier: 2, kernel: [3, 3], padding: "VALID", seed: 4 }),
  pool({ kind: "int8", max: false, input: [1, 5, 5, 2], window: [2, 2], stride: [2, 2], padding: "SAME", seed: 5 }),
  padModel({ kind: "int8", input: [1, 3, 3, 2], paddings: [[0, 0], [1, 1], [1, 1], [0, 0]], seed: 6 }),
  concat({ kind: "float32", shapes: [[1, 2, 3], [1, 4, 3]], axis: 1, seed: 7 }),
  meanModel({ kind: "int8", input: [1, 4, 4, 3], axes: [1, 2], keepDims: true, sameQuant: false, seed: 8 }),
  mlp({ kind: "int8", sizes: [20, 8, 4], perChannel: true, seed: 9, head: "none" }),
  lstm({ batch: 2, steps: 3, features: 4, cells: 5, cifg: true, seed: 10 }),
  lstm({ kind: "int8", batch: 2, steps: 3, features: 4, cells: 5, cellClip: 2, seed: 11 }),
  rnn({ batch: 2, steps: 3, features: 4, units: 5, seed: 12 }),
  rnn({ kind: "int8", batch: 1, steps: 4, features: 6, units: 3, asymmetricQuantizeInputs: true, seed: 13 }),
].map((m, i) => {
  const path = join(generatedDir, `generated-${i}.tflite`);
  writeFileSync(path, m.bytes);
  return { name: `generated/${m.name}`, path };
});
const corpus = () => [...allModels().map((name) => ({ name, path: join(TFLM_DIR, name) })), ...generated];

type Tally = { loadedAndRan: number; rejected: number; byCode: Record<string, number> };
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
    const job = { files, iterations: ITERATIONS, simd, memoryLimitBytes: 256 * 1024 * 1024 };
    const worker = fork(fileURLToPath(new URL("./helpers/fuzz-worker.ts", import.meta.url)), [], {
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
        reject(new Error(`runtime hung (no progress for ${STALL_MS / 1000} s) on ${current}`));
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
        reject(new Error(`${msg.file} mutation #${msg.iteration} (${msg.kind}) threw ${msg.error}; model saved to ${saved}`));
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
      setTimeout(() => reject(new Error(`fuzz process ended (${exit || "channel closed"}) before reporting, while on ${current}`)), 100);
    });
  });
}

describe("verifier fuzzing", () => {
  for (const simd of [true, false]) {
    it(`${ITERATIONS} mutants of each of the ${corpus().length} models (TFLM fixtures and writer-built CNNs) on the ${simd ? "SIMD" : "MVP"} build: no trap, no hang, only WasmliteErrors`, async () => {
      const { tallies } = await runFuzz(simd);
      let ran = 0;
      let rejected = 0;
      const byCode: Record<string, number> = {};
      for (const t of Object.values(tallies)) {
        ran += t.loadedAndRan;
        rejected += t.rejected;
        for (const [code, n] of Object.entries(t.byCode)) byCode[code] = (byCode[code] ?? 0) + n;
      }
      console.log(
        `fuzz (${simd ? "SIMD" : "MVP"}): ${ran + rejected} mutants, ${ran} loaded and ran, ${rejected} rejected with an error code, 0 traps, 0 hangs; rejections by code:`,
        byCode,
      );
      expect(Object.keys(tallies).length).toBe(corpus().length);
      expect(ran + rejected).toBe(ITERATIONS * corpus().length);
      // The fuzzer must exercise both outcomes, or it is not testing anything.
      expect(ran).toBeGreaterThan(0);
      expect(rejected).toBeGreaterThan(0);
    }, 600_000);
  }
});
