// The trainer's public API.
export {
  sequential,
  Sequential,
  DivergedError,
  accuracy,
  type CompileOptions,
  type FitOptions,
  type History,
  type MetricName,
} from "./model.ts";
export { Dense, type DenseOptions } from "./layers/dense.ts";
export { Activation } from "./layers/activation.ts";
export { PRelu } from "./layers/prelu.ts";
export { Dropout } from "./layers/dropout.ts";
export { Flatten } from "./layers/flatten.ts";
export { Normalization } from "./layers/normalization.ts";
export { Conv2D, type Conv2DOptions } from "./layers/conv2d.ts";
export { DepthwiseConv2D, type DepthwiseConv2DOptions } from "./layers/depthwise-conv2d.ts";
export { SimpleRNN, type SimpleRnnOptions } from "./layers/simple-rnn.ts";
export { LSTM, type LstmOptions } from "./layers/lstm.ts";
export { Embedding, type EmbeddingOptions } from "./layers/embedding.ts";
export { JordanRNN, type JordanOptions } from "./layers/jordan.ts";
export { BatchNormalization, type BatchNormalizationOptions } from "./layers/batch-normalization.ts";
export { MaxPool2D, AveragePool2D, GlobalAveragePooling2D, type Pool2DOptions } from "./layers/pooling.ts";
export type { PaddingName } from "./layers/window.ts";
export type { Layer, Param } from "./layers/layer.ts";
export { layerFromConfig, rebuildLayer, type LayerConfig } from "./layers/registry.ts";
export type { LayerExport } from "./export/layer-export.ts";
export { earlyStopping, progressBar, type EarlyStopping, type EarlyStoppingState } from "./callbacks.ts";
export type { Callback, EpochLogs, TrainingModel } from "./callback.ts";
export { writeFileAtomic, ensureWritableDirectory } from "./files.ts";
export { Interrupted } from "./interrupt.ts";
export { checkpointing, writeCheckpoint, readCheckpoint } from "./checkpoint.ts";
export type { ActivationName, ActivationOptions } from "./activations.ts";
export type { LossName } from "./losses.ts";
export type { OptimizerName, OptimizerOptions } from "./optimizers.ts";
export type { Schedule } from "./schedules.ts";
export type { InitializerName } from "./initializers.ts";
export { Rng } from "./rng.ts";
export { validateDataset, oneHot, slice, take, type Dataset } from "./data/dataset.ts";

import { Dense, type DenseOptions } from "./layers/dense.ts";
import { Activation } from "./layers/activation.ts";
import { PRelu } from "./layers/prelu.ts";
import { Dropout } from "./layers/dropout.ts";
import { Flatten } from "./layers/flatten.ts";
import { Normalization } from "./layers/normalization.ts";
import { Conv2D, type Conv2DOptions } from "./layers/conv2d.ts";
import { DepthwiseConv2D, type DepthwiseConv2DOptions } from "./layers/depthwise-conv2d.ts";
import { SimpleRNN, type SimpleRnnOptions } from "./layers/simple-rnn.ts";
import { LSTM, type LstmOptions } from "./layers/lstm.ts";
import { Embedding, type EmbeddingOptions } from "./layers/embedding.ts";
import { JordanRNN, type JordanOptions } from "./layers/jordan.ts";
import { BatchNormalization, type BatchNormalizationOptions } from "./layers/batch-normalization.ts";
import { MaxPool2D, AveragePool2D, GlobalAveragePooling2D, type Pool2DOptions } from "./layers/pooling.ts";
import type { Dataset } from "./data/dataset.ts";
import type { ActivationName, ActivationOptions } from "./activations.ts";

export const dense = (options: DenseOptions) => new Dense(options);
export const activation = (name: ActivationName, options: ActivationOptions = {}) => new Activation(name, options);
export const prelu = () => new PRelu();
export const dropout = (rate: number) => new Dropout(rate);
export const flatten = () => new Flatten();
/** Normalisation fitted on a training set: normalization(train), or explicit mean and std. */
export const normalization = (fit: Dataset | { mean: Float32Array; std: Float32Array }) =>
  "mean" in fit ? new Normalization(fit.mean, fit.std) : Normalization.adapt(fit);
export const conv2d = (options: Conv2DOptions) => new Conv2D(options);
export const maxPool2d = (options: Pool2DOptions = {}) => new MaxPool2D(options);
export const averagePool2d = (options: Pool2DOptions = {}) => new AveragePool2D(options);
export const globalAveragePooling2d = () => new GlobalAveragePooling2D();
export const depthwiseConv2d = (options: DepthwiseConv2DOptions) => new DepthwiseConv2D(options);
export const simpleRnn = (options: SimpleRnnOptions) => new SimpleRNN(options);
export const lstm = (options: LstmOptions) => new LSTM(options);
export const embedding = (options: EmbeddingOptions) => new Embedding(options);
export const jordanRnn = (options: JordanOptions) => new JordanRNN(options);
export const batchNormalization = (options: BatchNormalizationOptions = {}) => new BatchNormalization(options);
