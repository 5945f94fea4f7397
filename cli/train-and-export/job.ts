// train-and-export: train a preset, export float32 and int8 .tflite files,
// verify both in the wasmlite runtime, write metrics.json and report.html.
// Everything that can be checked before training is (the config and data,
// whether the layers can be exported, the data's targets against the
// model's outputs, the output and checkpoint folders), so a run never fails
// after its training for a reason it could have given first. Every file is
// written atomically (a temporary name, then a rename), and only after its
// check; an int8 export that fails its accuracy check is still written,
// under a name that says so, beside the float export.
import { basename, join } from "node:path";
import { PRESETS, type Preset } from "./presets.ts";
import {
  earlyStopping,
  exportTflite,
  exportProblems,
  verifyExport,
  take,
  elements,
  Rng,
  DivergedError,
  Interrupted,
  type Callback,
  type EarlyStopping,
  type EpochLogs,
  type Sequential,
  type Verification,
  type Dataset,
} from "@wasmlite/trainer";
import { progressBar } from "./progress-bar.ts";
import { readCheckpoint, checkpointing } from "./checkpoint.ts";
import { renderReport } from "./report.ts";
import { presetFromConfig } from "./config.ts";
import { ensureWritableDirectory, writeFileAtomic } from "./files.ts";

export interface TrainAndExportOptions {
  preset: string;
  out: string;
  epochs?: number;
  seed?: number;
  /** Threads computing each batch (FitOptions.threads); default 1. */
  threads?: number;
  quiet?: boolean;
  /** A directory for checkpoint.wlck, rewritten after every epoch. */
  checkpoint?: string;
  /** Continue from the checkpoint in `checkpoint`. */
  resume?: boolean;
  /** Aborting it stops training after the current batch (the command line aborts on Ctrl-C). */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface TrainAndExportResult {
  preset: string;
  /** `int8` is model.tflite, or model-int8-failed.tflite when the int8 export failed its check. */
  files: { int8: string; float32: string; metrics: string; report: string };
  float32: Verification & { bytes: number };
  int8: Verification & { bytes: number };
  epochs: number;
  /** The epoch at which early stopping ended training (its best epoch's weights were exported); 0: it did not. */
  stoppedEpoch: number;
  /** Regressions with a baseline: its name and test mean squared error, beside the exports'. */
  baseline?: { name: string; mse: number };
  trainSeconds: number;
}

export const CALIBRATION_SAMPLES = 500;

/** What a text-free data set's preprocessing is, unless its loader says otherwise (MNIST's pixels, the spam corpus's word ids). */
const RAW_FEATURES = "none: feed the raw features the data set gives";

/** The job, in its stages: set up and check, train, export and check, write the files. */
export async function trainAndExport(options: TrainAndExportOptions): Promise<TrainAndExportResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const job = setUp(options, log);
  const training = await train(job, options, log);
  const exports = await exportBoth(job, training, options, log);
  return writeFiles(job, training, exports, options);
}

/** The preset (or config file), its data and its compiled model, and every check that needs no training. */
interface Job {
  preset: Preset;
  seed: number;
  epochs: number;
  data: ReturnType<Preset["data"]>;
  model: Sequential;
}

function setUp(options: TrainAndExportOptions, log: (line: string) => void): Job {
  const preset: Preset | undefined = options.preset.endsWith(".json")
    ? presetFromConfig(options.preset)
    : PRESETS[options.preset];
  if (!preset)
    throw new Error(
      `unknown preset '${options.preset}' (presets: ${Object.keys(PRESETS).join(", ")}, or a config .json file)`,
    );
  const seed = options.seed ?? 1;
  const epochs = options.epochs ?? preset.fit.epochs;
  const data = preset.data();
  const model = preset.build(seed);
  model.compile(preset.compile);
  checkBeforeTraining(model, data.train, options);
  log(`${preset.name}: ${preset.description}`);
  log(model.summary());
  return { preset, seed, epochs, data, model };
}

/** How training went: every epoch's logs, where early stopping ended it, and how long it took. */
interface Training {
  logs: EpochLogs[];
  stopper: EarlyStopping;
  /** Epochs done before this run (resumed from a checkpoint). */
  initialEpoch: number;
  seconds: number;
}

/**
 * Trains with early stopping (the best epoch's weights restored), a
 * checkpoint after every epoch when asked, and resumes from one. Interrupted
 * (Ctrl-C) or diverged, it says what was kept and how to continue.
 */
async function train(job: Job, options: TrainAndExportOptions, log: (line: string) => void): Promise<Training> {
  const { preset, model, epochs } = job;
  const stopper = earlyStopping({ monitor: "val_loss", patience: preset.patience ?? epochs, restoreBestWeights: true });
  const run = { preset: preset.name, seed: job.seed };
  const checkpointFile = options.checkpoint ? join(options.checkpoint, "checkpoint.wlck") : undefined;
  let logs: EpochLogs[] = [];
  let initialEpoch = 0;
  if (options.resume) {
    if (!checkpointFile) throw new Error("--resume needs --checkpoint DIR (where the checkpoint is)");
    const { state, early } = readCheckpoint(checkpointFile, model, run);
    if (early) stopper.restore(early, state.stoppedEpoch);
    logs = state.history;
    initialEpoch = state.epoch;
    log(
      `resuming from ${checkpointFile}: ${state.epoch} epochs done${state.stoppedEpoch ? " (early stopping had ended the run)" : ""}`,
    );
  }
  // After the early-stopping callback has seen the epoch: the checkpoint holds its state too.
  const checkpointer: Callback = checkpointFile
    ? checkpointing(checkpointFile, run, { early: stopper, history: logs })
    : { onEpochEnd: (_m, epochLogs) => void logs.push(epochLogs) };
  const started = performance.now();
  if (stopper.stoppedEpoch > 0) {
    // The checkpointed run had already stopped: only its best weights remain to restore.
    const best = stopper.state().bestWeights;
    if (best) model.setWeights(best);
  } else if (initialEpoch < epochs) {
    const progress = progressBar({ quiet: options.quiet });
    try {
      await model.fitAsync(job.data.train, {
        ...preset.fit,
        epochs,
        initialEpoch,
        threads: options.threads,
        callbacks: [stopper, checkpointer, progress],
        signal: options.signal,
      });
    } catch (e) {
      throw whatWasKept(e, checkpointFile && logs.length > initialEpoch ? logs.at(-1)!.epoch : undefined, {
        checkpointFile,
        checkpointDir: options.checkpoint,
        initialEpoch,
      });
    } finally {
      progress.close();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  log(
    `trained ${logs.length} epochs${initialEpoch ? ` (${initialEpoch} before resuming)` : ""} in ${seconds.toFixed(1)} s${stopper.stoppedEpoch ? ` (early stop; best epoch ${stopper.bestEpoch} restored)` : ""}`,
  );
  return { logs, stopper, initialEpoch, seconds };
}

/** A training failure, told with what the checkpoint kept (the epoch `saved`, if any) and how to continue. */
function whatWasKept(
  e: unknown,
  saved: number | undefined,
  c: { checkpointFile?: string; checkpointDir?: string; initialEpoch: number },
): unknown {
  if (e instanceof Interrupted) {
    const kept = saved
      ? `; ${c.checkpointFile} holds epoch ${saved}: continue with --checkpoint ${c.checkpointDir} --resume`
      : c.checkpointFile
        ? `; no epoch had finished, so ${c.checkpointFile} ${c.initialEpoch ? `still holds epoch ${c.initialEpoch}` : "was not written"}`
        : "; nothing was kept: run with --checkpoint DIR to be able to stop and --resume";
    return new Interrupted(e.epoch, e.batch, e.batches, `${e.message}${kept}`);
  }
  if (e instanceof DivergedError && saved)
    return new DivergedError(
      `${e.message}. The last good checkpoint (epoch ${saved}) is ${c.checkpointFile}: continue with --resume`,
    );
  return e;
}

/** Both exports, each checked in the runtime on the test split; the baseline, for a regression that has one. */
interface Exports {
  float32: { bytes: Uint8Array; check: Verification & { bytes: number } };
  int8: {
    bytes: Uint8Array;
    check: Verification & { bytes: number };
    outputs: Float32Array;
    calibrationSamples: number;
  };
  baseline?: { name: string; mse: number };
}

async function exportBoth(
  job: Job,
  training: Training,
  options: TrainAndExportOptions,
  log: (line: string) => void,
): Promise<Exports> {
  const { preset, seed, model } = job;
  const { train, test, tokenizer } = job.data;
  // Calibration: a seeded sample of the training set (never the test split).
  const calibration = take(
    train,
    new Rng(seed + 1).permutation(train.n).subarray(0, Math.min(CALIBRATION_SAMPLES, train.n)),
  );
  const metadata = {
    labels: train.labels ?? null,
    preprocessing: job.data.preprocessing ?? RAW_FEATURES,
    ...(tokenizer ? { tokenizer } : {}),
    training: {
      preset: preset.name,
      dataset: train.source ?? null,
      epochs: training.logs.length,
      seed,
      threads: options.threads ?? 1,
      optimizer: preset.compile.optimizer,
      loss: preset.compile.loss,
      final: training.logs.at(-1) ?? null,
    },
  };
  const float32 = exportTflite(model, { kind: "float32", metadata });
  const int8 = exportTflite(model, {
    kind: "int8",
    calibration,
    metadata: { ...metadata, quantization: { calibrationSamples: calibration.n } },
  });
  const { outputs: _floatOutputs, ...fCheck } = await verifyExport(float32, "float32", model, test);
  const { outputs: int8Outputs, ...qCheck } = await verifyExport(int8, "int8", model, test);
  const baseline = preset.baseline?.(train, test);
  if (baseline)
    log(
      `baseline (${baseline.name}): test MSE ${baseline.mse.toExponential(3)}; float32 export ${fCheck.mse!.toExponential(3)}, int8 ${qCheck.mse!.toExponential(3)}`,
    );
  return {
    float32: { bytes: float32, check: { ...fCheck, bytes: float32.length } },
    int8: {
      bytes: int8,
      check: { ...qCheck, bytes: int8.length },
      outputs: int8Outputs,
      calibrationSamples: calibration.n,
    },
    ...(baseline ? { baseline } : {}),
  };
}

/**
 * model.tflite (or model-int8-failed.tflite), model-f32.tflite,
 * metrics.json and report.html, each written atomically.
 */
async function writeFiles(
  job: Job,
  training: Training,
  exports: Exports,
  options: TrainAndExportOptions,
): Promise<TrainAndExportResult> {
  const { preset, seed, epochs, model } = job;
  const { train, test, testTexts } = job.data;
  const { logs, stopper } = training;
  const f = exports.float32.check;
  const q = exports.int8.check;
  const files = {
    int8: join(options.out, q.failure ? "model-int8-failed.tflite" : "model.tflite"),
    float32: join(options.out, "model-f32.tflite"),
    metrics: join(options.out, "metrics.json"),
    report: join(options.out, "report.html"),
  };
  writeFileAtomic(files.float32, exports.float32.bytes);
  writeFileAtomic(files.int8, exports.int8.bytes);
  const result: TrainAndExportResult = {
    preset: preset.name,
    files,
    float32: f,
    int8: q,
    epochs: logs.length,
    stoppedEpoch: stopper.stoppedEpoch,
    trainSeconds: training.seconds,
    ...(exports.baseline ? { baseline: exports.baseline } : {}),
  };
  writeFileAtomic(
    files.metrics,
    JSON.stringify({ ...result, history: logs, summary: model.summary() }, null, 2) + "\n",
  );
  const optimizer = preset.compile.optimizer;
  const baseline = exports.baseline;
  const ran = logs.length;
  const report = await renderReport({
    title: `wasmlite train-and-export ${preset.name}`,
    description: `${preset.description}; seed ${seed}; ${ran} epochs${options.threads && options.threads > 1 ? ` on ${options.threads} threads` : ""}; data: ${train.source ?? "?"}`,
    summary: model.summary(),
    history: logs,
    bestEpoch: stopper.stoppedEpoch ? stopper.bestEpoch : 0,
    hyperparameters: {
      optimizer: typeof optimizer === "string" ? optimizer : JSON.stringify(optimizer),
      loss: preset.compile.loss,
      "L1 / L2": `${preset.compile.l1 ?? 0} / ${preset.compile.l2 ?? 0}`,
      epochs: `${epochs} at most; ${ran} ran${stopper.stoppedEpoch ? ` (early stop at ${stopper.stoppedEpoch})` : ""}`,
      "batch size": String(preset.fit.batchSize ?? 32),
      "learning-rate schedule": JSON.stringify(preset.fit.schedule ?? { kind: "constant" }),
      "validation split": String(preset.fit.validationSplit ?? "none"),
      "early stopping": preset.patience ? `patience ${preset.patience} on val_loss, best weights restored` : "off",
      augmentation: preset.fit.augment ? (preset.augmentation ?? "on") : "none",
      ...(preset.compile.clipNorm ? { "gradient clipping": `global norm ${preset.compile.clipNorm}` } : {}),
      ...(baseline ? { baseline: `${baseline.name}: test MSE ${baseline.mse.toExponential(3)}` } : {}),
      seed: String(seed),
      threads: String(options.threads ?? 1),
      "training / test samples": `${train.n} / ${test.n}`,
      "int8 calibration": `${exports.int8.calibrationSamples} training samples`,
    },
    float32: f,
    int8: q,
    int8File: basename(files.int8),
    labels: test.labels,
    targets: test.y,
    int8Outputs: exports.int8.outputs,
    testInputs: { x: test.x, shape: test.inputShape },
    testTexts,
  });
  writeFileAtomic(files.report, report);
  return result;
}

/** Everything about the run that can fail without training, checked before it. */
function checkBeforeTraining(model: Sequential, train: Dataset, options: TrainAndExportOptions): void {
  const problems = exportProblems(model);
  if (problems.length) throw new Error(`the model cannot be exported:\n  ${problems.join("\n  ")}`);
  const outputs = elements(model.outputShape);
  if (outputs !== train.targetSize) {
    let hint = "";
    if (!train.labels && train.targetSize === 1) {
      const values = new Set(train.y);
      if (values.size <= 20 && [...values].every(Number.isInteger))
        hint = ` The target holds ${values.size} whole-number values (${[...values].sort((a, b) => a - b).join(", ")}): if they are classes, set "classify": true in the config's data.`;
    }
    throw new Error(
      `the model outputs ${outputs} values per sample, the data has ${train.targetSize} target value(s) per sample${train.labels ? ` (${train.labels.length} classes)` : ""}.${hint}`,
    );
  }
  ensureWritableDirectory(options.out, "--out");
  if (options.checkpoint) ensureWritableDirectory(options.checkpoint, "--checkpoint");
}
