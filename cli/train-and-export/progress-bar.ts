// The command line's training progress: a bar per epoch on a terminal
// (cli-progress), one line per epoch otherwise.
import cliProgress from "cli-progress";
import type { Callback } from "@wasmlite/trainer";

/**
 * A progress bar per epoch (loss, ETA) on a terminal; one line per epoch
 * otherwise. close() takes an unfinished bar away and gives the terminal its
 * cursor and line wrap back (call it when training stops early, e.g. Ctrl-C).
 */
export function progressBar(options: { stream?: NodeJS.WriteStream; quiet?: boolean } = {}): Callback & {
  close(): void;
} {
  const stream = options.stream ?? process.stderr;
  let bar: cliProgress.SingleBar | undefined;
  let epochs = 0;
  let batches = 0;
  return {
    close() {
      bar?.stop();
      bar = undefined;
    },
    onTrainBegin(_m, info) {
      epochs = info.epochs;
      batches = info.batches;
    },
    onEpochBegin(epoch) {
      if (options.quiet || !stream.isTTY) return;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} batches  loss {loss}  ETA {eta}s`,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(batches, 0, { loss: "-" });
    },
    onBatchEnd(batch, meanLoss) {
      bar?.update(batch + 1, { loss: meanLoss.toFixed(4) });
    },
    onEpochEnd(_m, logs) {
      bar?.stop();
      bar = undefined;
      if (options.quiet) return;
      const parts = Object.entries(logs)
        .filter(([k]) => k !== "epoch")
        .map(([k, v]) => `${k} ${k === "learningRate" ? v.toPrecision(3) : v.toFixed(4)}`);
      stream.write(`epoch ${logs.epoch}/${epochs}  ${parts.join("  ")}\n`);
    },
  };
}
