// Checkpoints: everything a run needs to continue exactly where it stopped,
// in one file written atomically (a temporary name, then a rename), so an
// interrupted run never leaves half a checkpoint. Resuming from the
// checkpoint of epoch k and training to epoch n gives the same weights, bit
// for bit, as training to n in one go.
//   file: "WLCK" | u32 JSON length | JSON (state) | padding to 4 | float32 arrays
//   arrays: each parameter and layer state buffer (getWeights), each optimiser state buffer, then (if any) the
//   early-stopping callback's best weights
import { readFileSync } from "node:fs";
import type { Sequential, EpochLogs, Callback, EarlyStopping, EarlyStoppingState } from "@wasmlite/trainer";
import { writeFileAtomic } from "./files.ts";

export interface CheckpointState {
  version: 1;
  /** Whatever identifies the run (preset, seed); checked on resume. */
  run: Record<string, unknown>;
  /** Epochs completed. */
  epoch: number;
  rng: number[];
  optimizerSteps: number;
  history: EpochLogs[];
  early?: { best: number; wait: number; bestEpoch: number };
  /** The epoch at which early stopping ended the run (0: it did not). */
  stoppedEpoch: number;
}

const MAGIC = 0x4b434c57; // "WLCK" little-endian

export function writeCheckpoint(
  path: string,
  model: Sequential,
  state: Omit<CheckpointState, "version" | "rng" | "optimizerSteps">,
  early?: EarlyStoppingState,
): void {
  const full: CheckpointState = {
    version: 1,
    ...state,
    rng: model.rng.state(),
    optimizerSteps: model.optimizer.steps,
    early: early && { best: early.best, wait: early.wait, bestEpoch: early.bestEpoch },
  };
  const arrays = [
    ...model.getWeights(),
    ...model.optimizer.stateBuffers().map((b) => Float32Array.from(model.ws.f32(b))),
    ...(early?.bestWeights ?? []),
  ];
  const json = new TextEncoder().encode(
    JSON.stringify({
      ...full,
      arrays: arrays.map((a) => a.length),
      bestWeights: early?.bestWeights ? early.bestWeights.length : 0,
    }),
  );
  const head = 8 + json.length;
  const start = Math.ceil(head / 4) * 4;
  const bytes = new Uint8Array(start + arrays.reduce((s, a) => s + a.length * 4, 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  bytes.set(json, 8);
  let at = start;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  writeFileAtomic(path, bytes);
}

/** Restores weights, optimiser state and the random generator; returns the state and the early-stopping state. */
export function readCheckpoint(
  path: string,
  model: Sequential,
  run: Record<string, unknown>,
): { state: CheckpointState; early?: EarlyStoppingState } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
  const bad = (why: string) => new Error(`checkpoint ${path} is unusable: ${why}`);
  if (bytes.length < 8) throw bad("too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw bad("not a wasmlite checkpoint");
  const jsonLength = view.getUint32(4, true);
  if (8 + jsonLength > bytes.length) throw bad("truncated header");
  let header: CheckpointState & { arrays: number[]; bestWeights: number };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength)));
  } catch {
    throw bad("corrupt header");
  }
  if (header.version !== 1) throw bad(`version ${header.version}`);
  for (const [k, v] of Object.entries(run)) {
    if (JSON.stringify(header.run[k]) !== JSON.stringify(v))
      throw bad(`it is from a run with ${k} ${JSON.stringify(header.run[k])}, this run has ${JSON.stringify(v)}`);
  }
  const weights = model.weightBuffers();
  const state = model.optimizer.stateBuffers();
  const expected = [...weights.map((p) => p.value.length), ...state.map((b) => b.length)];
  const counts = header.arrays;
  if (counts.length !== expected.length + header.bestWeights || expected.some((n, i) => counts[i] !== n))
    throw bad("its tensors do not match this model and optimiser");
  let at = Math.ceil((8 + jsonLength) / 4) * 4;
  const total = counts.reduce((s, n) => s + n * 4, 0);
  if (at + total !== bytes.length) throw bad("truncated data");
  const arrays = counts.map((n) => {
    const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + n * 4));
    at += n * 4;
    return a;
  });
  model.setWeights(arrays.slice(0, weights.length));
  state.forEach((b, i) => model.ws.f32(b).set(arrays[weights.length + i]!));
  model.optimizer.steps = header.optimizerSteps;
  model.rng.restore(header.rng);
  const bestWeights = header.bestWeights ? arrays.slice(expected.length) : undefined;
  return { state: header, early: header.early && { ...header.early, bestWeights } };
}

/**
 * A callback that rewrites the checkpoint at `path` after every epoch (list
 * it after an early-stopping callback, whose state it saves too). `history`
 * starts with the epochs of a resumed run.
 */
export function checkpointing(
  path: string,
  run: Record<string, unknown>,
  options: { early?: EarlyStopping; history?: EpochLogs[] } = {},
): Callback<Sequential> & { history: EpochLogs[] } {
  const history = options.history ?? [];
  return {
    history,
    onEpochEnd(model, logs) {
      history.push(logs);
      writeCheckpoint(
        path,
        model,
        { run, epoch: logs.epoch, history, stoppedEpoch: options.early?.stoppedEpoch ?? 0 },
        options.early?.state(),
      );
    },
  };
}
