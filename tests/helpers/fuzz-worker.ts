// Runs in a child process so the test can kill it if a mutated model ever
// made the runtime hang. Drives the runtime through its raw ABI, as a C host
// does. Sends progress, a tally per file, and either "done" or the first
// failure (then stops). Besides traps and hangs, it catches quiet damage:
// after each mutant it checks that the model bytes in linear memory are
// unchanged, and re-runs known-good models ("sentinels") whose outputs must
// not change (a kernel writing outside its tensors but inside linear memory
// would corrupt one or the other). Each mutant then runs again on the checked
// build of the same kernels (runtime-wasm/builder/checked.mjs), which traps on
// the first load or store outside the bytes it may touch, even inside linear
// memory; it must also give the same error code or the same output bytes.
import { readFileSync } from "node:fs";
import { AbiHost, AbiError, StrayAccess, fillInputs, outcomeOf } from "./abi-host.ts";
import { Rng, MUTATIONS, mutate } from "./mutate.ts";

interface Job {
  files: { name: string; path: string }[];
  sentinels: { name: string; path: string }[];
  iterations: number;
  /** Files larger than this get proportionally fewer mutants (at least 50). */
  fullIterationsUpTo: number;
  simd: boolean;
  memoryLimitBytes: number;
  seed: number;
  /** Sentinels are re-run after every this many mutants. */
  sentinelEvery: number;
}

const job = JSON.parse(process.env.WASMLITE_FUZZ_JOB!) as Job;
const post = (msg: object) => process.send!(msg);

/** What a model did on one host: its outputs' bytes, or the error code it was refused with. */
function outcome(host: AbiHost, bytes: Uint8Array): string {
  const o = outcomeOf(host, bytes);
  return "outputs" in o ? o.outputs : o.code;
}

function runSentinel(host: AbiHost, bytes: Uint8Array): number[][] {
  host.load(bytes);
  fillInputs(host);
  host.invoke();
  return host.tensors("output").map((t) => Array.from(t));
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

async function run(): Promise<object> {
  const host = await AbiHost.create(job.simd, job.memoryLimitBytes);
  const checked = await AbiHost.createChecked(job.simd, job.memoryLimitBytes);
  const sentinels = job.sentinels.map((s) => {
    const bytes = new Uint8Array(readFileSync(s.path));
    return { name: s.name, bytes, expected: runSentinel(host, bytes) };
  });
  const checkSentinels = (): string | undefined => {
    for (const s of sentinels) {
      const got = runSentinel(host, s.bytes);
      if (JSON.stringify(got) !== JSON.stringify(s.expected))
        return `the known-good model ${s.name} gives different outputs afterwards`;
    }
    return undefined;
  };
  for (const file of job.files) {
    const original = new Uint8Array(readFileSync(file.path));
    const iterations = Math.max(
      50,
      Math.min(job.iterations, Math.round((job.iterations * job.fullIterationsUpTo) / original.length)),
    );
    const rng = new Rng(job.seed ^ hash(file.name));
    const tally = { iterations, loadedAndRan: 0, rejected: 0, byCode: {} as Record<string, number> };
    for (let i = 0; i < iterations; i++) {
      const kind = MUTATIONS[i % MUTATIONS.length]!;
      const bytes = mutate(original, kind, rng);
      // Progress for the parent's hang detector (not every mutant: that would flood the channel).
      if (i % 25 === 0) post({ type: "current", file: file.name, iteration: i, kind });
      const failure = (error: string) => ({
        type: "failure",
        file: file.name,
        iteration: i,
        kind,
        error,
        bytes: Array.from(bytes),
      });
      let released: string;
      try {
        host.load(bytes);
        const before = host.memory.buffer.byteLength;
        fillInputs(host);
        host.invoke();
        if (host.memory.buffer.byteLength !== before) return failure("invoke() grew memory");
        if (!host.modelIntact(bytes)) return failure("invoke() changed the model's bytes in linear memory");
        released = JSON.stringify(host.tensors("output").map((t) => Array.from(t)));
        tally.loadedAndRan++;
      } catch (e) {
        if (!(e instanceof AbiError)) return failure(`${(e as Error).name}: ${(e as Error).message}`);
        if (!host.modelIntact(bytes) && host.modelLength > 0)
          return failure(`load() changed the model's bytes in linear memory, then refused it: ${e.message}`);
        released = e.codeName;
        tally.rejected++;
        tally.byCode[e.codeName] = (tally.byCode[e.codeName] ?? 0) + 1;
      }
      try {
        const got = outcome(checked, bytes);
        if (got !== released)
          return failure(
            `the checked build ${got.startsWith("[") ? "ran it" : `refused it (${got})`} where the release build ${released.startsWith("[") ? "ran it" : `refused it (${released})`}${got.startsWith("[") && released.startsWith("[") ? ", with other outputs" : ""}`,
          );
      } catch (e) {
        if (e instanceof StrayAccess) return failure(`checked build: ${e.message}`);
        return failure(`checked build: ${(e as Error).name}: ${(e as Error).message}`);
      }
      // Damage to static data persists, so checking every few mutants finds it (and names the
      // range; WASMLITE_FUZZ_SENTINEL_EVERY=1 on a replay names the mutant).
      if (i % job.sentinelEvery === job.sentinelEvery - 1 || i === iterations - 1) {
        const damage = checkSentinels();
        if (damage)
          return failure(
            `${damage} (checked every ${job.sentinelEvery} mutants: one of mutants ${i + 1 - job.sentinelEvery}..${i} did it)`,
          );
      }
    }
    post({ type: "tally", file: file.name, tally });
  }
  return { type: "done" };
}

const last = await run();
// Exit only once the last message is delivered (process.exit could drop it).
process.send!(last, () => process.disconnect());
