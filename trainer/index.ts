// @wasmlite/trainer: the library. Models and their training loop, layers,
// losses, optimisers, initialisers, callbacks, the export to .tflite (float32
// and int8, with calibration) and its check in the wasmlite runtime. No data
// sets, charts or command line: those are the `wasmlite` package's.
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

// Layers: each file exports the layer's class, its options and its factory.
export { Dense, dense, type DenseOptions } from "./layers/dense.ts";
export { Activation, activation } from "./layers/activation.ts";
export { PRelu, prelu } from "./layers/prelu.ts";
export { Dropout, dropout } from "./layers/dropout.ts";
export { Flatten, flatten } from "./layers/flatten.ts";
export { Normalization, normalization } from "./layers/normalization.ts";
export { Conv2D, conv2d, type Conv2DOptions } from "./layers/conv2d.ts";
export { DepthwiseConv2D, depthwiseConv2d, type DepthwiseConv2DOptions } from "./layers/depthwise-conv2d.ts";
export { Conv1D, conv1d, type Conv1DOptions } from "./layers/conv1d.ts";
export { MaxPool1D, AveragePool1D, maxPool1d, averagePool1d, type Pool1DOptions } from "./layers/pooling1d.ts";
export { GlobalAveragePooling1D, globalAveragePooling1d } from "./layers/global-average-pooling1d.ts";
export { MaxPool2D, AveragePool2D, maxPool2d, averagePool2d, type Pool2DOptions } from "./layers/pooling.ts";
export { GlobalAveragePooling2D, globalAveragePooling2d } from "./layers/global-average-pooling2d.ts";
export {
  BatchNormalization,
  batchNormalization,
  type BatchNormalizationOptions,
} from "./layers/batch-normalization.ts";
export { SimpleRNN, simpleRnn, type SimpleRnnOptions } from "./layers/simple-rnn.ts";
export { LSTM, lstm, type LstmOptions } from "./layers/lstm.ts";
export { JordanRNN, jordanRnn, type JordanOptions } from "./layers/jordan.ts";
export { Embedding, embedding, type EmbeddingOptions } from "./layers/embedding.ts";
export { PADDINGS, type PaddingName } from "./layers/window.ts";
export { elements, type Layer, type Param } from "./layers/layer.ts";
export { layerFromConfig, rebuildLayer, layerConfigSchema, type LayerConfig } from "./layers/registry.ts";
export {
  defineLayer,
  layerJsonSchemaOverride,
  describeIssues,
  fields as strictFields,
  type LayerOptions,
} from "./layers/options.ts";

export { ACTIVATIONS, type ActivationName, type ActivationOptions } from "./activations.ts";
export { LOSSES, type LossName } from "./losses.ts";
export type { OptimizerName, OptimizerOptions } from "./optimizers.ts";
export type { Schedule } from "./schedules.ts";
export { INITIALIZERS, type InitializerName } from "./initializers.ts";
export { Rng } from "./rng.ts";

export { earlyStopping, type EarlyStopping, type EarlyStoppingState } from "./early-stopping.ts";
export type { Callback, EpochLogs, TrainingModel } from "./callback.ts";
export { Interrupted } from "./interrupt.ts";

export { validateDataset, oneHot, slice, take, type Dataset } from "./data/dataset.ts";
export { randomShifts, randomAffine } from "./data/augment.ts";

export { exportTflite, exportProblems, type ExportOptions } from "./export/tflite.ts";
export { verifyExport, type Verification } from "./export/verify.ts";
export type { LayerExport } from "./export/layer-export.ts";
