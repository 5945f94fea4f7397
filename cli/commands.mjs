// The `wasmlite` commands: what each takes and its help text, in plain
// JavaScript so that `wasmlite --help`, `wasmlite help COMMAND`,
// `wasmlite COMMAND --help` and `--version` answer without loading the
// TypeScript loader or any command's code (bin/wasmlite.mjs asks
// helpRequest() first). main.ts parses every command's arguments with these
// same option tables, so the help cannot drift from what is accepted.
import { readFileSync } from "node:fs";

/** The train-and-export presets by name (train-and-export/presets.ts defines them; tests/cli/run-inspect.test.ts checks the two agree). */
export const PRESET_NAMES = ["mnist-mlp", "mnist-lenet", "fashion-cnn", "sine-rnn", "spam-lstm", "sine"];

export const VERSION = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version;

const HELP_OPTION = { type: "boolean", short: "h", help: "show this help" };

export const COMMANDS = {
  "train-and-export": {
    args: "PRESET|CONFIG.json",
    summary: "train a model, export it as int8 and float32 .tflite, check both in the runtime",
    description: `Trains a preset (${PRESET_NAMES.join(", ")}) or the model a JSON config file
describes (its format: the wasmlite package's README; its JSON Schema:
train-config.schema.json), then writes to DIR:
  model-f32.tflite   the float32 export
  model.tflite       the int8 export, or model-int8-failed.tflite when its
                     accuracy fell more than allowed below the float model's
                     (the exit code is then 1)
  metrics.json       both exports' checks, the history, the summary
  report.html        learning curves, confusion matrix, hyperparameters
Every export is run in the wasmlite runtime on the test split before it is
written. Everything that can be checked before training is (the config, the
data, the output folder, whether the layers can be exported). Ctrl-C stops
after the current batch, writes the checkpoint if --checkpoint is set, and
exits with code 130.`,
    options: {
      out: { type: "string", arg: "DIR", help: "where the files go (default: out/PRESET)" },
      epochs: { type: "string", arg: "N", help: "train N epochs instead of the preset's" },
      seed: { type: "string", arg: "S", help: "the random seed (default 1): same seed, same files" },
      threads: {
        type: "string",
        arg: "N",
        help: "split each batch between N threads (default 1); the files then depend on N too",
      },
      quiet: { type: "boolean", help: "no progress bar or per-epoch lines" },
      checkpoint: { type: "string", arg: "DIR", help: "save the run to DIR/checkpoint.wlck after every epoch" },
      resume: { type: "boolean", help: "continue the run saved in --checkpoint DIR" },
    },
  },
  "hello-world": {
    args: "",
    summary: "run TFLM's hello_world model (float and int8) beside sin(x), with latency",
    description: `Runs TensorFlow Lite Micro's hello_world sine model, float32 and int8, in the
wasmlite runtime: its predictions next to sin(x), and the time per invoke.`,
    options: {
      runs: { type: "string", arg: "N", help: "invokes to time (default 2000)" },
    },
  },
  inspect: {
    args: "MODEL.tflite",
    summary: "operators, tensors, quantisation, parameters, MACs, arena size",
    description: `Prints what a .tflite file holds (operators, tensors with their quantisation,
parameters, multiply-accumulates per inference) and what the wasmlite runtime
makes of it (its arena and memory). Exit code 1 when the runtime refuses the
file, with the runtime's reason.`,
    options: {},
  },
  run: {
    args: "MODEL.tflite --input FILE",
    summary: "one input through the runtime; prints the outputs or the top-K labels",
    description: `Runs one input through the model in the wasmlite runtime and prints the
outputs; for a classifier, the top K classes with the labels stored in the
file by train-and-export.

Inputs (the model's input element count, row-major):
  .json   an array of numbers, nested or flat
  .npy    float32, float64, uint8 or int8, C order
  .png    each pixel's brightness (the mean of R, G and B) scaled to [0, 1];
          transparent pixels are background. MNIST-trained models expect a
          light digit on a dark background, as MNIST is: for a dark drawing on
          a light background use --invert.
  text    any other file, for a model whose metadata holds a tokenizer
          (spam-lstm): an email (its Subject and body are read) or plain
          text, turned into word ids by that tokenizer.
Values must be finite: NaN and infinities are refused.`,
    options: {
      input: { type: "string", arg: "FILE", help: "the input (.json, .npy, .png, or text for a text model)" },
      top: { type: "string", arg: "K", help: "how many classes to print (default 5)" },
      invert: { type: "boolean", help: "PNG only: a dark drawing on a light background (1 - brightness)" },
      runtime: { type: "string", arg: "DIR", help: "a tailored runtime from build-runtime (default: the full build)" },
    },
  },
  "build-runtime": {
    args: "--model M.tflite [--model ...] --out DIR",
    summary: "a runtime holding only the operators and types some models use",
    description: `Compiles wasmlite.wasm and wasmlite-mvp.wasm holding only the operators (and
the tensor types of their kernels) the given models use, and writes
wasmlite-build.json describing the build. Same ABI, API and results as the
full builds; load it with run --runtime DIR or createNodeRuntime({ dir }).`,
    options: {
      model: { type: "string", multiple: true, arg: "FILE", help: "a model the build must run (repeatable)" },
      ops: { type: "string", arg: "OP,OP", help: "operators to add, e.g. CONV_2D,FULLY_CONNECTED" },
      types: { type: "string", arg: "T,T", help: "the kernel types: FLOAT32, INT8, INT16 (default: the models')" },
      out: { type: "string", arg: "DIR", help: "where the two .wasm files go" },
    },
  },
};

/** The options table for util.parseArgs (with --help added). */
export function parseOptions(command) {
  const options = { ...COMMANDS[command].options, help: HELP_OPTION };
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
}

export function usage() {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: wasmlite <command> [options]

commands:
${lines.join("\n")}

wasmlite help COMMAND (or wasmlite COMMAND --help) shows a command's options.

options:
  -h, --help      show this help
  -v, --version   print the version (${VERSION})`;
}

export function commandHelp(command) {
  const c = COMMANDS[command];
  const options = { ...c.options, help: HELP_OPTION };
  const flags = Object.entries(options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : ""}--${name}${o.arg ? ` ${o.arg}` : ""}`,
    o.help,
  ]);
  const width = Math.max(...flags.map(([f]) => f.length));
  return `usage: wasmlite ${command}${c.args ? ` ${c.args}` : ""} [options]

${c.description}

options:
${flags.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join("\n")}`;
}

/**
 * What to print, and the exit code, when the arguments ask for help or the
 * version (or name no command); undefined when they ask for a command to run.
 */
export function helpRequest(argv) {
  const [first, ...rest] = argv;
  if (first === undefined) return { text: usage(), code: 2 };
  if (first === "-h" || first === "--help") return { text: usage(), code: 0 };
  if (first === "-v" || first === "--version" || first === "version") return { text: VERSION, code: 0 };
  if (first === "help") {
    if (rest.length === 0) return { text: usage(), code: 0 };
    if (Object.hasOwn(COMMANDS, rest[0])) return { text: commandHelp(rest[0]), code: 0 };
    return { text: `wasmlite help: unknown command '${rest[0]}'\n\n${usage()}`, code: 2 };
  }
  if (!Object.hasOwn(COMMANDS, first)) return undefined;
  const end = rest.indexOf("--");
  const flags = end < 0 ? rest : rest.slice(0, end);
  if (flags.includes("--help") || flags.includes("-h")) return { text: commandHelp(first), code: 0 };
  return undefined;
}
