// Early stopping: a callback that ends training when the monitored value
// stops improving and can put back the best epoch's weights. (The history is
// always recorded by fit().)
import type { Callback, EpochLogs, TrainingModel } from "./callback.ts";

export type { Callback, EpochLogs, History } from "./callback.ts";

/** Early stopping's progress, as a checkpoint saves it. */
export interface EarlyStoppingState {
  best: number;
  wait: number;
  bestEpoch: number;
  bestWeights?: Float32Array[];
}

export interface EarlyStopping extends Callback {
  bestEpoch: number;
  /** The epoch at which training stopped (0: it did not stop early). */
  stoppedEpoch: number;
  /** For checkpoints: the best value so far, the epochs waited, the best weights. */
  state(): EarlyStoppingState;
  restore(state: EarlyStoppingState, stoppedEpoch?: number): void;
}

/**
 * Stops when `monitor` has not improved for `patience` epochs; with
 * restoreBestWeights, puts back the weights of the best epoch.
 */
export function earlyStopping(
  options: { monitor?: string; patience?: number; minDelta?: number; restoreBestWeights?: boolean } = {},
): EarlyStopping {
  const monitor = options.monitor ?? "val_loss";
  const patience = options.patience ?? 3;
  const minDelta = options.minDelta ?? 0;
  const higherIsBetter = /accuracy/.test(monitor);
  // Set by onTrainBegin, or by restore() when a checkpointed run continues.
  let best = 0;
  let wait = 0;
  let bestWeights: Float32Array[] | undefined;
  let restored = false;
  const cb: EarlyStopping = {
    bestEpoch: 0,
    stoppedEpoch: 0,
    onTrainBegin() {
      if (restored) return; // continuing a checkpointed run
      best = higherIsBetter ? -Infinity : Infinity;
      wait = 0;
    },
    onEpochEnd(model: TrainingModel, logs: EpochLogs) {
      const value = logs[monitor];
      if (value === undefined)
        throw new Error(`earlyStopping: no '${monitor}' in the epoch's logs (have: ${Object.keys(logs).join(", ")})`);
      const improved = higherIsBetter ? value > best + minDelta : value < best - minDelta;
      if (improved) {
        best = value;
        wait = 0;
        cb.bestEpoch = logs.epoch;
        if (options.restoreBestWeights) bestWeights = model.getWeights();
      } else if (++wait >= patience) {
        cb.stoppedEpoch = logs.epoch;
        model.stopTraining = true;
      }
    },
    onTrainEnd(model: TrainingModel) {
      if (options.restoreBestWeights && bestWeights && cb.stoppedEpoch > 0) model.setWeights(bestWeights);
    },
    state: () => ({ best, wait, bestEpoch: cb.bestEpoch, bestWeights }),
    restore(s: EarlyStoppingState, stoppedEpoch = 0) {
      best = s.best;
      wait = s.wait;
      cb.bestEpoch = s.bestEpoch;
      cb.stoppedEpoch = stoppedEpoch;
      bestWeights = s.bestWeights;
      restored = true;
    },
  };
  return cb;
}
