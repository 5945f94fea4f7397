// Runs in a child process so the test can kill it if a mutated model ever
// made the runtime hang. Sends progress, a tally per fixture, and either
// "done" or the first failure (then stops).
import { readFileSync } from "node:fs";
import { createNodeRuntime } from "../../runtime-wasm/js/node.ts";
import { WasmliteError } from "../../runtime-wasm/js/index.ts";
import { Rng, MUTATIONS, mutate } from "./mutate.ts";

interface Job {
  files: { name: string; path: string }[];
  iterations: number;
  simd: boolean;
  memoryLimitBytes: number;
}

const job = JSON.parse(process.env.WASMLITE_FUZZ_JOB!) as Job;
const post = (msg: object) => process.send!(msg);

async function run(): Promise<object> {
  const runtime = await createNodeRuntime({ simd: job.simd, memoryLimitBytes: job.memoryLimitBytes });
  for (const file of job.files) {
    const original = new Uint8Array(readFileSync(file.path));
    const rng = new Rng(0x9e3779b9 ^ file.name.length ^ original.length);
    const tally = { loadedAndRan: 0, rejected: 0, byCode: {} as Record<string, number> };
    for (let i = 0; i < job.iterations; i++) {
      const kind = MUTATIONS[i % MUTATIONS.length]!;
      const bytes = mutate(original, kind, rng);
      // Progress for the parent's hang detector (not every mutant: that would flood the channel).
      if (i % 25 === 0) post({ type: "current", file: file.name, iteration: i, kind });
      try {
        const model = runtime.load(bytes);
        const before = runtime.memory.buffer.byteLength;
        for (const t of model.inputs) {
          if (t.data instanceof BigInt64Array) continue;
          for (let k = 0; k < t.data.length; k++) (t.data as Int8Array)[k] = (k * 7919) % 127;
        }
        model.invoke();
        if (runtime.memory.buffer.byteLength !== before) throw new Error("invoke() grew memory");
        tally.loadedAndRan++;
      } catch (e) {
        if (!(e instanceof WasmliteError)) {
          return { type: "failure", file: file.name, iteration: i, kind, error: `${(e as Error).name}: ${(e as Error).message}`, bytes: Array.from(bytes) };
        }
        tally.rejected++;
        tally.byCode[e.codeName] = (tally.byCode[e.codeName] ?? 0) + 1;
      }
    }
    post({ type: "tally", file: file.name, tally });
  }
  return { type: "done" };
}

const last = await run();
// Exit only once the last message is delivered (process.exit could drop it).
process.send!(last, () => process.disconnect());
