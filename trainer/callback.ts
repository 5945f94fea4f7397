// What a training run reports and to whom: the per-epoch logs, the history,
// and the callback interface. Shared by model.ts (which calls callbacks) and
// the callbacks (early-stopping.ts here; the progress bar and checkpoints of
// the wasmlite package); it imports none of them, so they do not import each
// other in a circle.

export interface EpochLogs {
  epoch: number;
  learningRate: number;
  loss: number;
  [metric: string]: number;
}

export interface History {
  epochs: EpochLogs[];
}

/** What early stopping needs of the model it watches. */
export interface TrainingModel {
  stopTraining: boolean;
  getWeights(): Float32Array[];
  setWeights(weights: readonly Float32Array[]): void;
}

/**
 * Hooks into fit(). `M` is the model a callback is handed: callbacks that
 * need only to stop training or copy weights take any `TrainingModel`; a
 * checkpoint takes the whole `Sequential`.
 */
export interface Callback<M extends TrainingModel = TrainingModel> {
  onTrainBegin?(model: M, info: { epochs: number; batches: number }): void;
  onEpochBegin?(epoch: number): void;
  onBatchEnd?(batch: number, meanLoss: number): void;
  onEpochEnd?(model: M, logs: EpochLogs): void;
  onTrainEnd?(model: M, history: History): void;
}
