// train-and-export: train a preset, export float32 and int8 .tflite files,
// verify both in the wasmlite runtime, write metrics.json and report.html. Every file is written
// atomically (a temporary name, then a rename), and only after its check.
import { join } from "node:path";
import { PRESETS, type Preset } from "./presets.ts";
import { earlyStopping, progressBar, writeFileAtomic, type Callback, type EpochLogs } from "./callbacks.ts";
import { readCheckpoint, checkpointing } from "./checkpoint.ts";
import { DivergedError } from "./model.ts";
import { exportTflite } from "./export/tflite.ts";
import { verifyExport, type Verification } from "./export/verify.ts";
import { take } from "./data/dataset.ts";
import { Rng } from "./rng.ts";
import { renderReport } from "./report.ts";
import { presetFromConfig } from "./config.ts";

export interface TrainAndExportOptions {
  preset: string;
  out: string;
  epochs?: number;
  seed?: number;
  quiet?: boolean;
  /** A directory for checkpoint.wlck, rewritten after every epoch. */
  checkpoint?: string;
  /** Continue from the checkpoint in `checkpoint`. */
  resume?: boolean;
  log?: (line: string) => void;
}

export interface TrainAndExportResult {
  preset: string;
  files: { int8: string; float32: string; metrics: string; report: string };
  float32: Verification & { bytes: number };
  int8: Verification & { bytes: number };
  epochs: number;
  trainSeconds: number;
}

export const CALIBRATION_SAMPLES = 500;

export async function trainAndExport(options: TrainAndExportOptions): Promise<TrainAndExportResult> {
  const preset: Preset | undefined = options.preset.endsWith(".json") ? presetFromConfig(options.preset) : PRESETS[options.preset];
  if (!preset) throw new Error(`unknown preset '${options.preset}' (presets: ${Object.keys(PRESETS).join(", ")}, or a config .json file)`);
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? 1;
  const epochs = options.epochs ?? preset.fit.epochs;
  const { train, test } = preset.data();
  log(`${preset.name}: ${preset.description}`);
  const model = preset.build(seed);
  model.compile(preset.compile);
  log(model.summary());
  const stopper = earlyStopping({ monitor: "val_loss", patience: preset.patience ?? epochs, restoreBestWeights: true });
  const run = { preset: preset.name, seed };
  const checkpointFile = options.checkpoint ? join(options.checkpoint, "checkpoint.wlck") : undefined;
  let logs: EpochLogs[] = [];
  let initialEpoch = 0;
  if (options.resume) {
    if (!checkpointFile) throw new Error("--resume needs --checkpoint DIR (where the checkpoint is)");
    const { state, early } = readCheckpoint(checkpointFile, model, run);
    if (early) stopper.restore(early, state.stoppedEpoch);
    logs = state.history;
    initialEpoch = state.epoch;
    log(`resuming from ${checkpointFile}: ${state.epoch} epochs done${state.stoppedEpoch ? " (early stopping had ended the run)" : ""}`);
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
    try {
      model.fit(train, { ...preset.fit, epochs, initialEpoch, callbacks: [stopper, checkpointer, progressBar({ quiet: options.quiet })] });
    } catch (e) {
      if (e instanceof DivergedError && checkpointFile && logs.length) {
        throw new DivergedError(`${e.message}. The last good checkpoint (epoch ${logs.at(-1)!.epoch}) is ${checkpointFile}: continue with --resume`);
      }
      throw e;
    }
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const ran = logs.length;
  const history = { epochs: logs };
  log(`trained ${ran} epochs${initialEpoch ? ` (${initialEpoch} before resuming)` : ""} in ${trainSeconds.toFixed(1)} s${stopper.stoppedEpoch ? ` (early stop; best epoch ${stopper.bestEpoch} restored)` : ""}`);

  // Calibration: a seeded sample of the training set (never the test split).
  const calibration = take(train, new Rng(seed + 1).permutation(train.n).subarray(0, Math.min(CALIBRATION_SAMPLES, train.n)));
  const metadata = {
    labels: train.labels ?? null,
    preprocessing: "none: feed the raw features the data set gives (MNIST: pixels in [0, 1], row-major 28x28)",
    training: { preset: preset.name, dataset: train.source ?? null, epochs: ran, seed, optimizer: preset.compile.optimizer, loss: preset.compile.loss, final: history.epochs.at(-1) ?? null },
  };
  const float32 = exportTflite(model, { kind: "float32", metadata });
  const int8 = exportTflite(model, { kind: "int8", calibration, metadata: { ...metadata, quantization: { calibrationSamples: calibration.n } } });
  const { outputs: _floatOutputs, ...fCheck } = await verifyExport(float32, "float32", model, test);
  const { outputs: int8Outputs, ...qCheck } = await verifyExport(int8, "int8", model, test);
  const f = { ...fCheck, bytes: float32.length };
  const q = { ...qCheck, bytes: int8.length };

  const files = { int8: join(options.out, "model.tflite"), float32: join(options.out, "model-f32.tflite"), metrics: join(options.out, "metrics.json"), report: join(options.out, "report.html") };
  writeFileAtomic(files.float32, float32);
  writeFileAtomic(files.int8, int8);
  const result: TrainAndExportResult = { preset: preset.name, files, float32: f, int8: q, epochs: ran, trainSeconds };
  writeFileAtomic(files.metrics, JSON.stringify({ ...result, history: history.epochs, summary: model.summary() }, null, 2) + "\n");
  const report = await renderReport({
    title: `wasmlite train-and-export ${preset.name}`,
    description: `${preset.description}; seed ${seed}; ${ran} epochs; data: ${train.source ?? "?"}`,
    summary: model.summary(), history: history.epochs, float32: f, int8: q,
    labels: test.labels, targets: test.labels ? test.y : undefined, int8Outputs: test.labels ? int8Outputs : undefined,
  });
  writeFileAtomic(files.report, report);
  return result;
}
