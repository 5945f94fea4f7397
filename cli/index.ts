// wasmlite: the application around the trainer, for scripts as well as the
// command line. train-and-export as a function (a preset or a config file in,
// checked exports, metrics and a report out), its presets and config files,
// the bundled data sets, checkpoints and the report.
export {
  trainAndExport,
  CALIBRATION_SAMPLES,
  type TrainAndExportOptions,
  type TrainAndExportResult,
} from "./train-and-export/job.ts";
export { PRESETS, type Preset } from "./train-and-export/presets.ts";
export { readTrainConfig, presetFromConfig, ConfigError } from "./train-and-export/config.ts";
export { trainConfigSchema, trainConfigJsonSchema, type TrainConfig } from "./train-and-export/config-schema.ts";
export { checkpointing, writeCheckpoint, readCheckpoint, type CheckpointState } from "./train-and-export/checkpoint.ts";
export { progressBar } from "./train-and-export/progress-bar.ts";
export { renderReport, type ReportInput } from "./train-and-export/report.ts";
export { writeFileAtomic, ensureWritableDirectory } from "./train-and-export/files.ts";

export { mnistSplit, mnistAll, MNIST_SPLIT_SEED, LABELS as MNIST_LABELS } from "./data/mnist.ts";
export { fashionMnist, FASHION_MNIST_DIR, FASHION_LABELS } from "./data/fashion-mnist.ts";
export { readCsv, parseCsv, type CsvOptions } from "./data/csv.ts";
export { readIdx, type IdxArray } from "./data/idx.ts";
export { sine } from "./data/sine.ts";
export { sineSequences, linearBaselineMse } from "./data/sine-sequences.ts";
export { spamAssassin, SPAM_LABELS, type SpamSplit, type SpamOptions } from "./data/spam-assassin.ts";
