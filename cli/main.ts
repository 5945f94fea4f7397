// `wasmlite <command>`: the command-line front end. Each command's options
// and help live in commands.mjs; arguments are parsed with Node's
// util.parseArgs from those tables. A bad flag or value prints a one-line
// error and where to find the command's help (exit code 2); a failure of the
// command itself prints `wasmlite: ...` (exit code 1). A command's code is
// imported only when it runs, so `inspect` does not load the trainer or the
// AssemblyScript compiler.
import { parseArgs } from "node:util";
import { basename } from "node:path";
import { helpRequest, parseOptions, PRESET_NAMES, type CommandName } from "./commands.mjs";

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export async function main(argv: string[]): Promise<number> {
  const help = helpRequest(argv);
  if (help) {
    (help.code === 0 ? console.log : console.error)(help.text);
    return help.code;
  }
  const command = argv[0]!;
  try {
    switch (command) {
      case "hello-world": {
        const { values } = parse("hello-world", argv, 0);
        const runs = wholeNumber(command, "--runs", text(values.runs) ?? "2000", 1, 10_000_000);
        const { helloWorld } = await import("./hello-world.ts");
        await helloWorld(runs);
        return 0;
      }
      case "train-and-export": {
        const { values, positionals } = parse("train-and-export", argv, 1, "a preset or a config .json file");
        const preset = positionals[0]!;
        if (!PRESET_NAMES.includes(preset) && !preset.endsWith(".json"))
          throw new UsageError(
            command,
            `unknown preset '${preset}' (presets: ${PRESET_NAMES.join(", ")}, or a config .json file)`,
          );
        const epochs =
          values.epochs === undefined ? undefined : wholeNumber(command, "--epochs", text(values.epochs)!, 1, 1e5);
        const seed =
          values.seed === undefined ? undefined : wholeNumber(command, "--seed", text(values.seed)!, 0, 2 ** 32 - 1);
        const threads =
          values.threads === undefined ? undefined : wholeNumber(command, "--threads", text(values.threads)!, 1, 64);
        const checkpoint = text(values.checkpoint);
        if (values.resume && !checkpoint) throw new UsageError(command, "--resume needs --checkpoint DIR");
        const { trainAndExportCommand } = await import("./train-and-export/command.ts");
        return await trainAndExportCommand({
          preset,
          out: text(values.out) ?? `out/${basename(preset, ".json")}`,
          epochs,
          seed,
          threads,
          quiet: values.quiet === true,
          checkpoint,
          resume: values.resume === true,
        });
      }
      case "run": {
        const { values, positionals } = parse("run", argv, 1, "a model file");
        const input = text(values.input);
        if (!input) throw new UsageError(command, "--input FILE is required");
        const top = wholeNumber(command, "--top", text(values.top) ?? "5", 1, 1000);
        const { runModel } = await import("./run.ts");
        await runModel(positionals[0]!, input, {
          top,
          runtimeDir: text(values.runtime),
          invert: values.invert === true,
        });
        return 0;
      }
      case "build-runtime": {
        const { values } = parse("build-runtime", argv, 0, "takes models as --model FILE");
        const out = text(values.out);
        if (!out) throw new UsageError(command, "--out DIR is required");
        const list = (s: string | undefined) =>
          s === undefined
            ? []
            : s
                .split(",")
                .map((t) => t.trim().toUpperCase())
                .filter(Boolean);
        const { buildRuntimeCommand } = await import("./build-runtime.ts");
        await buildRuntimeCommand({
          models: (values.model as string[] | undefined) ?? [],
          ops: list(text(values.ops)),
          types: values.types === undefined ? undefined : list(text(values.types)),
          out,
          log: console.log,
        });
        return 0;
      }
      case "inspect": {
        const { positionals } = parse("inspect", argv, 1, "a model file");
        const { inspect } = await import("./inspect.ts");
        return await inspect(positionals[0]!);
      }
      default:
        console.error(`wasmlite: unknown command '${command}' (wasmlite --help lists them)`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`wasmlite ${e.command}: ${e.message}\n(wasmlite help ${e.command} shows its options)`);
      return 2;
    }
    if (String((e as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")) {
      console.error(`wasmlite ${command}: ${(e as Error).message}\n(wasmlite help ${command} shows its options)`);
      return 2;
    }
    console.error(`wasmlite: ${(e as Error).message}`);
    return 1;
  }
}

class UsageError extends Error {
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
  }
}

/** The command's flags and its positionals, of which it takes exactly `count` (`what` says which). */
function parse(command: CommandName, argv: string[], count: number, what = "") {
  const { values, positionals } = parseArgs({
    args: argv.slice(1),
    options: parseOptions(command),
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== count) {
    const extra = positionals.length > count ? `, got '${positionals[count]}'` : "";
    const rule = count ? `takes exactly one argument, ${what}` : what || "takes no arguments";
    throw new UsageError(command, rule + extra);
  }
  return { values: values as Values, positionals };
}

function text(v: Values[string]): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function wholeNumber(command: string, flag: string, s: string, min: number, max: number): number {
  const v = Number(s);
  if (!/^\d+$/.test(s) || v < min || v > max)
    throw new UsageError(command, `${flag} must be a whole number from ${min} to ${max}, got '${s}'`);
  return v;
}
