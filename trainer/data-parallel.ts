// Data-parallel training: fit({ threads: N }) splits every batch into N
// shares. The calling thread computes the first share's gradients itself;
// N - 1 worker threads (gradient-worker.ts), each with its own workspace and
// a replica of the model built from its layers' configs, compute the others'.
// The shares' gradients are then averaged, weighted by their rows, into the
// model's gradient buffers, and the step continues on the calling thread
// (penalties, clipping, the optimiser), exactly as with one thread.
//
// Hand-off per batch, through SharedArrayBuffers and Atomics (no messages,
// so the synchronous fit() can block on it):
//   caller: parameters -> `params` (once, read by every worker), each
//           worker's rows -> its `x` / `y`, then bumps its `command` word;
//   worker: parameters into its workspace, forward and backward on its rows,
//           gradients -> its `grads`, loss -> `loss`, then sets `done`.
// What changes against one thread: batch normalisation sees each share's
// statistics (as with a batch that size), dropout in a worker draws from a
// generator seeded per batch from the model's (Rng.seedFor, which leaves the
// model's sequence as it is), and the float sums run in a different order.
// A run is reproducible for a given number of threads.
import { Worker } from "node:worker_threads";
import type { Param } from "./layers/layer.ts";
import { part, type Workspace, type Buf } from "./workspace.ts";
import { elements } from "./layers/layer.ts";
import type { Rng } from "./rng.ts";

/** Indices into a worker's control words (Int32Array over a SharedArrayBuffer). */
export const CONTROL = {
  /** Set by the worker: 1 once its replica is built, -1 if that failed. */
  ready: 0,
  /** Bumped by the caller to start a batch; STOP ends the worker. */
  command: 1,
  /** Set by the worker to `command`'s value when that batch is done. */
  done: 2,
  /** 0, or 1 when the batch failed (the message is in `message`). */
  failed: 3,
  /** Rows in this batch's share. */
  rows: 4,
  /** The seed of the worker's random generator for this batch (dropout). */
  seed: 5,
  /** Bytes of UTF-8 in `message`. */
  messageLength: 6,
  words: 8,
} as const;
export const STOP = -1;
export const MESSAGE_BYTES = 4096;

/** What a worker is handed when it starts (structured-cloned; the buffers are shared). */
export interface WorkerSetup {
  layers: ({ type: string } & Record<string, unknown>)[];
  inputShape: number[];
  loss: string;
  /** The widths of a row's input and target. */
  inputWidth: number;
  targetWidth: number;
  control: SharedArrayBuffer;
  message: SharedArrayBuffer;
  loss64: SharedArrayBuffer;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
}

/** Copies every parameter's values (or gradients) into one flat array, in params() order, or back. */
export function copyParams(
  ws: Workspace,
  params: readonly Param[],
  which: "value" | "grad",
  flat: Float32Array,
  direction: "out" | "in",
): void {
  let at = 0;
  for (const p of params) {
    const b: Buf = p[which];
    const view = ws.f32(b);
    if (direction === "out") flat.set(view, at);
    else view.set(flat.subarray(at, at + b.length));
    at += b.length;
  }
}

/** The rows of each share of a batch: as even as possible, the caller's first and largest. */
export function shareRows(batch: number, shares: number): number[] {
  const base = Math.floor(batch / shares);
  const extra = batch % shares;
  return Array.from({ length: shares }, (_, i) => base + (i < extra ? 1 : 0));
}

/** How long to wait for a worker to build its replica before calling it lost. */
const START_TIMEOUT_MS = 60_000;

/** A worker thread and its shared buffers, as the caller sees them. */
interface Replica {
  worker: Worker;
  control: Int32Array;
  message: Uint8Array;
  loss: Float64Array;
  grads: Float32Array;
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** What DataParallel needs of the model (a Sequential, compiled). */
export interface ParallelModel {
  readonly layers: readonly { config(): { type: string } & Record<string, unknown> }[];
  readonly inputShape: number[];
  readonly ws: Workspace;
  params(): Param[];
}

export class DataParallel {
  readonly #replicas: Replica[] = [];
  readonly #ws: Workspace;
  readonly #paramList: Param[];
  /** The parameters' values for the batch, shared with every worker. */
  readonly #params: Float32Array;
  readonly #inputWidth: number;
  readonly #targetWidth: number;
  /** A workspace buffer as long as the largest parameter: a worker's gradient on its way in. */
  readonly #scratch: Buf;
  #sequence = 0;
  #closed = false;

  /**
   * Starts `threads - 1` workers, each with a replica of the model that can
   * take shares of up to `capacity` rows, and blocks until they are ready
   * (or throws why one could not start). Allocates in the model's workspace.
   */
  constructor(threads: number, model: ParallelModel, loss: string, capacity: number, targetWidth: number) {
    this.#ws = model.ws;
    this.#paramList = model.params();
    const count = this.#paramList.reduce((s, p) => s + p.value.length, 0);
    this.#scratch = model.ws.alloc(Math.max(0, ...this.#paramList.map((p) => p.value.length)));
    this.#inputWidth = elements(model.inputShape);
    this.#targetWidth = targetWidth;
    const params = new SharedArrayBuffer(count * 4);
    this.#params = new Float32Array(params);
    const layers = model.layers.map((l) => l.config());
    try {
      for (let i = 1; i < threads; i++) {
        const setup: WorkerSetup = {
          layers,
          inputShape: model.inputShape,
          loss,
          inputWidth: this.#inputWidth,
          targetWidth,
          control: new SharedArrayBuffer(CONTROL.words * 4),
          message: new SharedArrayBuffer(MESSAGE_BYTES),
          loss64: new SharedArrayBuffer(8),
          params,
          grads: new SharedArrayBuffer(count * 4),
          x: new SharedArrayBuffer(capacity * this.#inputWidth * 4),
          y: new SharedArrayBuffer(capacity * targetWidth * 4),
        };
        const worker = startWorker(setup);
        worker.unref();
        this.#replicas.push({
          worker,
          control: new Int32Array(setup.control),
          message: new Uint8Array(setup.message),
          loss: new Float64Array(setup.loss64),
          grads: new Float32Array(setup.grads),
          x: new Float32Array(setup.x),
          y: new Float32Array(setup.y),
          rows: 0,
        });
      }
      for (const [i, r] of this.#replicas.entries()) {
        Atomics.wait(r.control, CONTROL.ready, 0, START_TIMEOUT_MS);
        const ready = Atomics.load(r.control, CONTROL.ready);
        if (ready === 1) continue;
        const why = ready === -1 ? failure(r) : `no answer within ${START_TIMEOUT_MS / 1000} s`;
        throw new Error(`training thread ${i + 2} of ${threads} could not start: ${why}`);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** How many threads share each batch (this one included). */
  get threads(): number {
    return this.#replicas.length + 1;
  }

  /**
   * Hands the workers their shares of a batch of `batch` rows: the
   * parameters (as they are now, after any look-ahead), each worker's rows of
   * the input and target buffers, and a seed each from `seeds` (not advanced).
   * The caller keeps the first rows; returns how many.
   */
  begin(input: Float32Array, target: Float32Array, batch: number, seeds: Rng): number {
    const rows = shareRows(batch, this.threads);
    copyParams(this.#ws, this.#paramList, "value", this.#params, "out");
    let start = rows[0]!;
    this.#sequence++;
    for (const [i, r] of this.#replicas.entries()) {
      const n = (r.rows = rows[i + 1]!);
      if (n === 0) continue;
      r.x.set(input.subarray(start * this.#inputWidth, (start + n) * this.#inputWidth));
      r.y.set(target.subarray(start * this.#targetWidth, (start + n) * this.#targetWidth));
      start += n;
      r.control[CONTROL.rows] = n;
      r.control[CONTROL.seed] = seeds.seedFor(i);
      Atomics.store(r.control, CONTROL.command, this.#sequence);
      Atomics.notify(r.control, CONTROL.command);
    }
    return rows[0]!;
  }

  /**
   * Waits for the workers and folds their gradients into the model's
   * (holding the caller's, from its `own` rows): g = (own g_0 + sum n_i g_i)
   * / batch. Returns the batch's mean loss, given the caller's share's.
   */
  finish(own: number, batch: number, ownLoss: number): number {
    let loss = ownLoss * own;
    const errors: string[] = [];
    for (const [i, r] of this.#replicas.entries()) {
      if (r.rows === 0) continue;
      while (Atomics.load(r.control, CONTROL.done) !== this.#sequence)
        Atomics.wait(r.control, CONTROL.done, Atomics.load(r.control, CONTROL.done));
      if (r.control[CONTROL.failed]) errors.push(`training thread ${i + 2} of ${this.threads}: ${failure(r)}`);
      loss += r.loss[0]! * r.rows;
    }
    if (errors.length) throw new Error(errors.join("; "));
    // One parameter at a time: scale the caller's gradient by own / batch,
    // then add each worker's, copied into the scratch buffer, times n_i / batch.
    const ws = this.#ws;
    let at = 0;
    for (const p of this.#paramList) {
      const n = p.grad.length;
      ws.kernels.axpyUpdate(own / batch - 1, p.grad, p.grad, p.grad.length);
      const scratch = part(this.#scratch, 0, n);
      for (const r of this.#replicas) {
        if (r.rows === 0) continue;
        ws.f32(scratch).set(r.grads.subarray(at, at + n));
        ws.kernels.axpyUpdate(r.rows / batch, scratch, p.grad, p.grad.length);
      }
      at += n;
    }
    return loss / batch;
  }

  /** Stops the workers (they end their loop; terminate() makes sure). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#replicas) {
      Atomics.store(r.control, CONTROL.command, STOP);
      Atomics.notify(r.control, CONTROL.command);
      void r.worker.terminate();
    }
  }
}

function failure(r: Replica): string {
  const n = Math.min(r.control[CONTROL.messageLength]!, MESSAGE_BYTES);
  return new TextDecoder().decode(r.message.slice(0, n)) || "unknown error";
}

/**
 * The worker's module: gradient-worker.js beside this file in the installed
 * package; in a checkout, gradient-worker-tsx.mjs, which registers tsx's
 * loader in the worker before loading gradient-worker.ts.
 */
function startWorker(setup: WorkerSetup): Worker {
  const typescript = import.meta.url.endsWith(".ts");
  const entry = new URL(typescript ? "./gradient-worker-tsx.mjs" : "./gradient-worker.js", import.meta.url);
  return new Worker(entry, { workerData: setup });
}
