// The training thread's entry in a checkout, where the trainer is TypeScript:
// registers tsx's loader (a dev dependency) in this thread, then loads
// gradient-worker.ts. (Node 20 does not apply `--import tsx` to a worker's
// own entry.) The installed package starts the compiled gradient-worker.js.
import { workerData } from "node:worker_threads";

try {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./gradient-worker.ts");
} catch (e) {
  // As gradient-worker.ts reports a failure to start (see CONTROL in data-parallel.ts).
  const text = new TextEncoder().encode(String(e?.stack ?? e)).subarray(0, workerData.message.byteLength);
  new Uint8Array(workerData.message).set(text);
  const control = new Int32Array(workerData.control);
  control[6] = text.length; // CONTROL.messageLength
  Atomics.store(control, 0, -1); // CONTROL.ready
  Atomics.notify(control, 0);
}
