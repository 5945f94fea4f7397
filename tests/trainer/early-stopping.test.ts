// Early stopping driven epoch by epoch with scripted values, as Keras defines
// it: an epoch improves when its value beats the best so far by more than
// minDelta (below best - minDelta for a loss, above best + minDelta for an
// accuracy); training stops at the end of the epoch that makes `patience`
// epochs in a row without improvement; restoreBestWeights then puts back the
// weights of the last improving epoch. Asserted to the exact epoch.
import { describe, it, expect } from "vitest";
import { earlyStopping } from "@wasmlite/trainer";
import type { EpochLogs } from "@wasmlite/trainer";

/** A model whose "weights" are the epoch number that set them; it records what early stopping did. */
function fakeModel() {
  let current = 0;
  const model = {
    stopTraining: false,
    restoredTo: undefined as number | undefined,
    getWeights: () => [Float32Array.of(current)],
    setWeights: (w: readonly Float32Array[]) => {
      model.restoredTo = w[0]![0]!;
    },
    setEpoch: (epoch: number) => {
      current = epoch;
    },
  };
  return model;
}

/** Runs early stopping over `values` (epoch 1, 2, ...) until it stops; returns what it decided. */
function run(values: number[], options: Parameters<typeof earlyStopping>[0]) {
  const monitor = options?.monitor ?? "val_loss";
  const stop = earlyStopping(options);
  const model = fakeModel();
  stop.onTrainBegin?.(model, { epochs: values.length, batches: 1 });
  let ranEpochs = 0;
  for (let i = 0; i < values.length && !model.stopTraining; i++) {
    const epoch = i + 1;
    model.setEpoch(epoch);
    const logs: EpochLogs = { epoch, learningRate: 0.1, loss: 1, [monitor]: values[i]! };
    stop.onEpochEnd?.(model, logs);
    ranEpochs = epoch;
  }
  stop.onTrainEnd?.(model, { epochs: [] });
  return { ranEpochs, stoppedEpoch: stop.stoppedEpoch, bestEpoch: stop.bestEpoch, restoredTo: model.restoredTo };
}

describe("early stopping, epoch by epoch", () => {
  it("stops at the end of the patience-th epoch in a row without improvement, and not one epoch sooner", () => {
    // Best at epoch 2 (0.5); epochs 3 and 4 do not improve: patience 2 stops after epoch 4.
    expect(run([0.9, 0.5, 0.6, 0.55, 0.1], { patience: 2 })).toEqual({
      ranEpochs: 4,
      stoppedEpoch: 4,
      bestEpoch: 2,
      restoredTo: undefined,
    });
    // Patience 3: epoch 5 improves in time, so training runs to the end and never stops.
    expect(run([0.9, 0.5, 0.6, 0.55, 0.1], { patience: 3 })).toEqual({
      ranEpochs: 5,
      stoppedEpoch: 0,
      bestEpoch: 5,
      restoredTo: undefined,
    });
    // An improvement resets the count: 1 bad, improve, 1 bad, 1 bad -> stops at epoch 5 with patience 2.
    expect(run([1, 1.1, 0.8, 0.9, 0.95, 0.1], { patience: 2 })).toMatchObject({ stoppedEpoch: 5, bestEpoch: 3 });
  });

  it("an equal value is no improvement; patience 1 stops at the first epoch that does not improve", () => {
    expect(run([0.5, 0.5, 0.1], { patience: 1 })).toMatchObject({ ranEpochs: 2, stoppedEpoch: 2, bestEpoch: 1 });
  });

  it("minDelta: an improvement must exceed it; smaller gains count as epochs without improvement", () => {
    // Gains of 0.05 (< minDelta 0.1) do not count: best stays epoch 1, patience 2 stops at epoch 3.
    expect(run([1.0, 0.95, 0.9, 0.5], { patience: 2, minDelta: 0.1 })).toMatchObject({
      stoppedEpoch: 3,
      bestEpoch: 1,
    });
    // A gain of 0.15 (> 0.1) counts, and the next ones must beat the new best, 0.85, by 0.1: 0.8 and 0.76 do not.
    expect(run([1.0, 0.85, 0.8, 0.76, 0.1], { patience: 2, minDelta: 0.1 })).toMatchObject({
      stoppedEpoch: 4,
      bestEpoch: 2,
    });
    // Without minDelta the same small gains are improvements.
    expect(run([1.0, 0.95, 0.9, 0.5], { patience: 2 })).toMatchObject({ stoppedEpoch: 0, bestEpoch: 4 });
  });

  it("an accuracy is better when higher, with minDelta the same way", () => {
    expect(run([0.5, 0.7, 0.69, 0.7, 0.9], { monitor: "val_accuracy", patience: 2 })).toMatchObject({
      stoppedEpoch: 4,
      bestEpoch: 2,
    });
    expect(run([0.5, 0.55, 0.58, 0.9], { monitor: "accuracy", patience: 2, minDelta: 0.1 })).toMatchObject({
      stoppedEpoch: 3,
      bestEpoch: 1,
    });
  });

  it("restoreBestWeights puts back the best epoch's weights when it stops, and leaves them when it does not", () => {
    expect(run([0.9, 0.5, 0.6, 0.55, 0.1], { patience: 2, restoreBestWeights: true })).toMatchObject({
      stoppedEpoch: 4,
      restoredTo: 2,
    });
    expect(run([0.9, 0.5, 0.4], { patience: 2, restoreBestWeights: true })).toMatchObject({
      stoppedEpoch: 0,
      restoredTo: undefined,
    });
  });

  it("the default monitor is val_loss, and a missing one is refused by name", () => {
    expect(run([0.9, 1, 1, 1], {})).toMatchObject({ stoppedEpoch: 4, bestEpoch: 1 }); // patience 3 by default
    const stop = earlyStopping({ monitor: "val_accuracy" });
    expect(() => stop.onEpochEnd?.(fakeModel(), { epoch: 1, learningRate: 0.1, loss: 1 })).toThrow(
      "earlyStopping: no 'val_accuracy' in the epoch's logs (have: epoch, learningRate, loss)",
    );
  });
});

describe("early stopping across a checkpoint", () => {
  /** Epochs first..last of `values` (epoch k is values[k - 1]) through `stop`, as fit() drives it. */
  function epochs(stop: ReturnType<typeof earlyStopping>, values: number[], first: number) {
    const model = fakeModel();
    stop.onTrainBegin?.(model, { epochs: values.length, batches: 1 });
    for (let epoch = first; epoch <= values.length && !model.stopTraining; epoch++) {
      model.setEpoch(epoch);
      stop.onEpochEnd?.(model, { epoch, learningRate: 0.1, loss: 1, val_loss: values[epoch - 1]! });
    }
    stop.onTrainEnd?.(model, { epochs: [] });
    return model;
  }

  it("a run continued from state() stops where the uninterrupted run stops, and restores the same best weights", () => {
    const values = [0.9, 0.5, 0.6, 0.7, 0.55, 0.8];
    const whole = epochs(earlyStopping({ patience: 3, restoreBestWeights: true }), values, 1);
    expect(whole.restoredTo).toBe(2);
    // Interrupted after epoch 3 (one epoch waited); a new callback takes the checkpoint's state.
    const first = earlyStopping({ patience: 3, restoreBestWeights: true });
    epochs(first, values.slice(0, 3), 1);
    const saved = first.state();
    expect(saved).toEqual({ best: 0.5, wait: 1, bestEpoch: 2, bestWeights: [Float32Array.of(2)] });
    const resumed = earlyStopping({ patience: 3, restoreBestWeights: true });
    resumed.restore(saved);
    const model = epochs(resumed, values, 4);
    expect([resumed.stoppedEpoch, resumed.bestEpoch, model.restoredTo]).toEqual([5, 2, 2]);
  });

  it("restore() takes the stopped epoch of a run that had already stopped; without restoreBestWeights no weights are kept", () => {
    const stop = earlyStopping({ patience: 1 });
    stop.restore({ best: 0.25, wait: 0, bestEpoch: 3 }, 4);
    expect(stop.stoppedEpoch).toBe(4);
    epochs(stop, [1, 1, 1, 1, 0.3], 5);
    expect([stop.stoppedEpoch, stop.bestEpoch]).toEqual([5, 3]); // 0.3 is not below the restored best
    const plain = earlyStopping({ patience: 2 });
    epochs(plain, [0.9, 0.5], 1);
    expect(plain.state()).toEqual({ best: 0.5, wait: 0, bestEpoch: 2, bestWeights: undefined });
  });

  it("an accuracy's first epoch always improves (the best starts below any value)", () => {
    expect(run([-5, -6], { monitor: "val_accuracy", patience: 1 })).toMatchObject({ bestEpoch: 1, stoppedEpoch: 2 });
    expect(run([1e30, 2e30], { patience: 1 })).toMatchObject({ bestEpoch: 1, stoppedEpoch: 2 });
  });
});
