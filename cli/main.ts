// `wasmlite <command>`: the command-line front end. Arguments are parsed with
// Node's util.parseArgs; unknown flags and bad values get a one-line error
// and the usage.
import { parseArgs } from "node:util";
import { basename } from "node:path";
import { helloWorld } from "./hello-world.ts";
import { inspect } from "./inspect.ts";
import { trainAndExportCommand } from "./train-and-export.ts";
import { runModel } from "./run.ts";
import { buildTailoredRuntime } from "./build-runtime.ts";
import { PRESETS } from "../trainer/presets.ts";

const USAGE = `usage: wasmlite <command> [options]

commands:
  train-and-export PRESET|CONFIG.json [--out DIR] [--epochs N] [--seed S] [--quiet]
                   [--checkpoint DIR [--resume]]
                           train a preset (${Object.keys(PRESETS).join(", ")}) or a
                           model described in a JSON file (trainer/config.ts), export
                           model.tflite (int8) and model-f32.tflite, check both in
                           the wasmlite runtime, write metrics.json (default DIR:
                           out/PRESET); --checkpoint saves the run after every
                           epoch, --resume continues it
  hello-world [--runs N]   run TFLM's hello_world model (float and int8) in the
                           wasmlite runtime, print predictions next to sin(x)
                           and the latency per invoke
  inspect MODEL.tflite     operators, tensors, quantisation, parameters, MACs,
                           file size, arena size
  run MODEL.tflite --input FILE [--top K] [--runtime DIR]
                           one input (JSON array, .npy, or a grayscale .png)
                           through the runtime; prints outputs / top-K labels
  build-runtime --model M.tflite [--model ...] [--ops OP,OP] [--types T,T] --out DIR
                           a runtime (wasmlite.wasm, wasmlite-mvp.wasm) holding
                           only the operators and tensor types those models
                           use; --ops adds operators (e.g. CONV_2D), --types sets
                           the kernel types (FLOAT32, INT8, INT16)

options:
  -h, --help               show this help`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "hello-world": {
        const { values } = parseArgs({
          args: rest,
          options: { runs: { type: "string", default: "2000" } },
          strict: true,
        });
        const runs = Number(values.runs);
        if (!Number.isInteger(runs) || runs < 1 || runs > 10_000_000)
          throw new UsageError(`--runs must be a whole number from 1 to 10000000, got '${values.runs}'`);
        await helloWorld(runs);
        return 0;
      }
      case "train-and-export": {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          strict: true,
          options: {
            out: { type: "string" },
            epochs: { type: "string" },
            seed: { type: "string" },
            quiet: { type: "boolean", default: false },
            checkpoint: { type: "string" },
            resume: { type: "boolean", default: false },
          },
        });
        if (positionals.length !== 1) throw new UsageError("train-and-export takes exactly one preset");
        const preset = positionals[0]!;
        if (!PRESETS[preset] && !preset.endsWith(".json"))
          throw new UsageError(
            `unknown preset '${preset}' (presets: ${Object.keys(PRESETS).join(", ")}, or a config .json file)`,
          );
        const epochs = values.epochs === undefined ? undefined : wholeNumber("--epochs", values.epochs, 1, 100_000);
        const seed = values.seed === undefined ? undefined : wholeNumber("--seed", values.seed, 0, 2 ** 32 - 1);
        if (values.resume && !values.checkpoint) throw new UsageError("--resume needs --checkpoint DIR");
        await trainAndExportCommand({
          preset,
          out: values.out ?? `out/${basename(preset, ".json")}`,
          epochs,
          seed,
          quiet: values.quiet ?? false,
          checkpoint: values.checkpoint,
          resume: values.resume ?? false,
        });
        return 0;
      }
      case "run": {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          strict: true,
          options: { input: { type: "string" }, top: { type: "string", default: "5" }, runtime: { type: "string" } },
        });
        if (positionals.length !== 1) throw new UsageError("run takes exactly one model file");
        if (!values.input) throw new UsageError("run needs --input FILE");
        await runModel(positionals[0]!, values.input, wholeNumber("--top", values.top ?? "5", 1, 1000), values.runtime);
        return 0;
      }
      case "build-runtime": {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          strict: true,
          options: {
            model: { type: "string", multiple: true },
            ops: { type: "string" },
            types: { type: "string" },
            out: { type: "string" },
          },
        });
        if (positionals.length > 0)
          throw new UsageError(`build-runtime takes models as --model FILE, got '${positionals[0]}'`);
        if (!values.out) throw new UsageError("build-runtime needs --out DIR");
        const list = (text: string | undefined) =>
          text === undefined
            ? []
            : text
                .split(",")
                .map((s) => s.trim().toUpperCase())
                .filter(Boolean);
        await buildTailoredRuntime({
          models: values.model ?? [],
          ops: list(values.ops),
          types: values.types === undefined ? undefined : list(values.types),
          out: values.out,
          log: console.log,
        });
        return 0;
      }
      case "inspect": {
        const { positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true });
        if (positionals.length !== 1) throw new UsageError("inspect takes exactly one model file");
        await inspect(positionals[0]!);
        return 0;
      }
      case undefined:
      case "-h":
      case "--help":
      case "help":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || String((e as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")) {
      console.error(`wasmlite: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`wasmlite: ${(e as Error).message}`);
    return 1;
  }
}

class UsageError extends Error {}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const v = Number(text);
  if (!/^\d+$/.test(text) || v < min || v > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  return v;
}
