// A training thread of data-parallel fit() (data-parallel.ts): builds a
// replica of the model from its layers' configs in a workspace of its own,
// then, batch after batch, takes the parameters and its share of the rows
// from shared memory, runs forward and backward, and hands back the
// gradients and the share's mean loss. It never updates parameters itself.
import { workerData } from "node:worker_threads";
import { CONTROL, STOP, MESSAGE_BYTES, copyParams, type WorkerSetup } from "./data-parallel.ts";
import type { LossName } from "./losses.ts";

const setup = workerData as WorkerSetup;
const control = new Int32Array(setup.control);
const message = new Uint8Array(setup.message);

function report(e: unknown): void {
  const text = new TextEncoder().encode(e instanceof Error ? e.message : String(e)).subarray(0, MESSAGE_BYTES);
  message.set(text);
  control[CONTROL.messageLength] = text.length;
}

// The trainer is imported here, not statically, so that a failure to load it
// is reported through the control words instead of leaving the caller waiting.
try {
  const { Sequential } = await import("./model.ts");
  const { rebuildLayer } = await import("./layers/registry.ts");
  const { Rng } = await import("./rng.ts");
  const replica = new Sequential(setup.layers.map(rebuildLayer), { inputShape: setup.inputShape });
  replica.compile({ optimizer: "sgd", loss: setup.loss as LossName });
  const params = replica.params();
  const shared = {
    params: new Float32Array(setup.params),
    grads: new Float32Array(setup.grads),
    x: new Float32Array(setup.x),
    y: new Float32Array(setup.y),
    loss: new Float64Array(setup.loss64),
  };
  const count = params.reduce((s, p) => s + p.value.length, 0);
  if (count !== shared.params.length)
    throw new Error(`the replica has ${count} parameters, the model ${shared.params.length}`);
  Atomics.store(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);

  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.command, seen);
    const command = Atomics.load(control, CONTROL.command);
    if (command === STOP) break;
    if (command === seen) continue;
    seen = command;
    const rows = control[CONTROL.rows]!;
    try {
      copyParams(replica.ws, params, "value", shared.params, "in");
      replica.rng.restore(new Rng(control[CONTROL.seed]!).state());
      shared.loss[0] = replica.shareGradients(
        shared.x.subarray(0, rows * setup.inputWidth),
        shared.y.subarray(0, rows * setup.targetWidth),
        rows,
      );
      copyParams(replica.ws, params, "grad", shared.grads, "out");
      control[CONTROL.failed] = 0;
    } catch (e) {
      report(e);
      control[CONTROL.failed] = 1;
    }
    Atomics.store(control, CONTROL.done, seen);
    Atomics.notify(control, CONTROL.done);
  }
} catch (e) {
  report(e);
  Atomics.store(control, CONTROL.ready, -1);
  Atomics.notify(control, CONTROL.ready);
}
