// The command line under bad input and interruptions, one test per problem a
// new user met: refused models, non-finite and inverted inputs,
// every misreported config field, output folders checked before training,
// an int8 export that fails its check keeping the float one, Ctrl-C keeping
// the checkpoint (exit 130), per-command help, --version and a closed pipe.
import { describe, it, expect, beforeAll } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { runCli } from "../helpers/cli.ts";
import { sequential, dense, flatten, Rng } from "@wasmlite/trainer";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { ModelBuilder, TensorType, BuiltinOperator } from "@wasmlite/format";
import { PRESETS } from "../../cli/train-and-export/presets.ts";
import { PRESET_NAMES, VERSION } from "../../cli/commands.mjs";
import { TFLM_DIR } from "../helpers/fixtures.ts";

const BIN = fileURLToPath(new URL("../../cli/bin/wasmlite.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "wasmlite-cli-hardening-"));
const modelPath = join(dir, "model.tflite");

beforeAll(() => {
  const m = sequential([flatten(), dense({ units: 10, activation: "softmax" })], { inputShape: [28, 28, 1], seed: 1 });
  writeFileSync(modelPath, exportTflite(m, { kind: "float32" }));
});

/** Runs the installed-style command in its own process (for signals, pipes and start-up). */
function spawnCli(
  args: string[],
  options: {
    onStdout?: (child: ReturnType<typeof spawn>) => void;
    whenFile?: { path: string; then: (child: ReturnType<typeof spawn>) => void };
  } = {},
): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  options.onStdout?.(child);
  let poll: NodeJS.Timeout | undefined;
  if (options.whenFile) {
    const { path, then } = options.whenFile;
    poll = setInterval(() => {
      if (existsSync(path)) {
        clearInterval(poll);
        then(child);
      }
    }, 50);
  }
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearInterval(poll);
      resolve({ code, out, err, ms: performance.now() - started });
    }),
  );
}

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const SINE_CONFIG = {
  data: { dataset: "sine" },
  layers: [
    { type: "dense", units: 8, activation: "tanh" },
    { type: "dense", units: 1 },
  ],
  compile: { optimizer: "adam", loss: "mse" },
  fit: { epochs: 2 },
};

describe("refused models", () => {
  const truncated = join(dir, "truncated.tflite");
  beforeAll(() => writeFileSync(truncated, readFileSync(modelPath).subarray(0, 1000)));

  it("run on a file the runtime refuses prints the runtime's message and code name (exit 1)", async () => {
    writeFileSync(join(dir, "one.json"), "[0.5]");
    const r = await runCli(["run", truncated, "--input", join(dir, "one.json")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/truncated\.tflite: the runtime refuses it: .*\[MALFORMED\]/);
  });

  it("inspect exits 1 on a truncated file, and on a readable file the runtime cannot run", async () => {
    const r = await runCli(["inspect", truncated]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(""); // no table read from broken bytes
    expect(r.err).toMatch(/truncated\.tflite: not a valid \.tflite model: the runtime refuses it: .*\[MALFORMED\]/);
    const b = new ModelBuilder();
    const x = b.addTensor({ name: "x", shape: [2, 3], type: TensorType.FLOAT32 });
    const y = b.addTensor({ name: "y", shape: [3, 2], type: TensorType.FLOAT32 });
    const TRANSPOSE: number = 39; // the schema's code; wasmlite does not implement it
    b.addOperator({ op: TRANSPOSE, inputs: [x], outputs: [y] });
    b.setInputs([x]);
    b.setOutputs([y]);
    writeFileSync(join(dir, "transpose.tflite"), b.finish());
    const t = await runCli(["inspect", join(dir, "transpose.tflite")]);
    expect(t.code).toBe(1);
    expect(t.out).toMatch(/TRANSPOSE/);
    expect(t.out).toMatch(/wasmlite runtime: refuses it: .*TRANSPOSE.*\[UNSUPPORTED/);
  });
});

describe("run's inputs", () => {
  it("refuses NaN and infinities in a .npy file, as in JSON", async () => {
    const values = new Float32Array(784).fill(NaN);
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (784,), }".padEnd(117) + "\n";
    const npy = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from("NUMPY"),
      Buffer.from([1, 0, header.length, 0]),
      Buffer.from(header),
      Buffer.from(values.buffer),
    ]);
    writeFileSync(join(dir, "nan.npy"), npy);
    const r = await runCli(["run", modelPath, "--input", join(dir, "nan.npy")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/value 0 is NaN; inputs must be finite numbers/);
    values.fill(0.5)[300] = Infinity;
    writeFileSync(join(dir, "inf.npy"), Buffer.concat([npy.subarray(0, 128), Buffer.from(values.buffer)]));
    expect((await runCli(["run", modelPath, "--input", join(dir, "inf.npy")])).err).toMatch(/value 300 is Infinity/);
  });

  it("a dark digit on light (--invert) or on transparent reads as the same light-on-dark input; a light image is warned about", async () => {
    const digit = (x: number, y: number) => Math.hypot(x - 14, y - 14) < 8 && Math.hypot(x - 14, y - 14) > 5;
    const png = (pixel: (ink: boolean) => [number, number, number, number]) => {
      const p = new PNG({ width: 28, height: 28 });
      for (let i = 0; i < 784; i++) p.data.set(pixel(digit(i % 28, Math.floor(i / 28))), i * 4);
      return PNG.sync.write(p);
    };
    const files = {
      lightOnDark: png((ink) => (ink ? [255, 255, 255, 255] : [0, 0, 0, 255])),
      darkOnLight: png((ink) => (ink ? [0, 0, 0, 255] : [255, 255, 255, 255])),
      darkOnTransparent: png((ink) => (ink ? [0, 0, 0, 255] : [0, 0, 0, 0])),
      lightOnTransparent: png((ink) => (ink ? [255, 255, 255, 255] : [255, 255, 255, 0])),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, `${name}.png`), bytes);
    const run = async (name: string, ...flags: string[]) => {
      const r = await runCli(["run", modelPath, "--input", join(dir, `${name}.png`), "--top", "10", ...flags]);
      expect(r.code, r.err).toBe(0);
      return { scores: r.out.split("\n").slice(1).join("\n"), warning: r.err };
    };
    const reference = await run("lightOnDark");
    expect(reference.warning).toBe("");
    expect((await run("darkOnLight", "--invert")).scores).toBe(reference.scores);
    expect((await run("darkOnTransparent", "--invert")).scores).toBe(reference.scores);
    expect((await run("lightOnTransparent")).scores).toBe(reference.scores);
    const unwarned = await run("darkOnLight");
    expect(unwarned.scores).not.toBe(reference.scores);
    expect(unwarned.warning).toMatch(/mostly light .*use --invert/);
    writeFileSync(join(dir, "x.json"), "[1]");
    expect((await runCli(["run", modelPath, "--input", join(dir, "x.json"), "--invert"])).err).toMatch(
      /--invert applies to PNG inputs only/,
    );
  });
});

describe("run's outputs and inputs beyond one", () => {
  /** x -> RELU -> y0 and x -> ADD(x, x) -> y1, float32 [4]; with `twoInputs`, ADD takes a second input. */
  const model = (twoInputs: boolean) => {
    const b = new ModelBuilder();
    const f32 = TensorType.FLOAT32;
    const x = b.addTensor({ name: "x", shape: [4], type: f32 });
    const z = twoInputs ? b.addTensor({ name: "z", shape: [4], type: f32 }) : x;
    const y0 = b.addTensor({ name: "y0", shape: [4], type: f32 });
    const y1 = b.addTensor({ name: "y1", shape: [4], type: f32 });
    b.addOperator({ op: BuiltinOperator.RELU, inputs: [x], outputs: [y0] });
    b.addOperator({ op: BuiltinOperator.ADD, inputs: [x, z], outputs: [y1] });
    b.setInputs(twoInputs ? [x, z] : [x]);
    b.setOutputs([y0, y1]);
    return b.finish();
  };

  it("prints every output of a model with several, and refuses a model with several inputs", async () => {
    writeFileSync(join(dir, "two-outputs.tflite"), model(false));
    writeFileSync(join(dir, "x4.json"), "[-1, 2, -3, 4]");
    const r = await runCli(["run", join(dir, "two-outputs.tflite"), "--input", join(dir, "x4.json"), "--top", "4"]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split("\n").slice(1);
    expect(lines[0]).toBe("output 0 [4]:");
    expect(lines.slice(1, 5).map((l) => l.trim().split(/\s+/).map(Number))).toEqual([
      [3, 4],
      [1, 2],
      [0, 0],
      [2, 0],
    ]);
    expect(lines[5]).toBe("output 1 [4]:");
    expect(lines.slice(6, 10).map((l) => l.trim().split(/\s+/).map(Number))).toEqual([
      [3, 8],
      [1, 4],
      [0, -2],
      [2, -6],
    ]);
    writeFileSync(join(dir, "two-inputs.tflite"), model(true));
    const two = await runCli(["run", join(dir, "two-inputs.tflite"), "--input", join(dir, "x4.json")]);
    expect(two.code).toBe(1);
    expect(two.err).toMatch(/two-inputs\.tflite has 2 inputs; run feeds exactly one/);
  });
});

describe("config fields the old loader accepted or misreported", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      "a schedule by name",
      { fit: { epochs: 2, schedule: "cosine" } },
      /fit\.schedule: must be an object, got "cosine"/,
    ],
    [
      "an unknown schedule",
      { fit: { epochs: 2, schedule: { kind: "cosine" } } },
      /fit\.schedule\.kind: must be one of "constant", "step", "exponential", "inverseTime", got "cosine"/,
    ],
    [
      "alpha as text",
      { layers: [{ type: "dense", units: 1, activation: "leakyRelu", alpha: "x" }] },
      /layers\[0\]\.alpha: must be a number, got "x"/,
    ],
    [
      "alpha where it does not apply",
      { layers: [{ type: "dense", units: 1, activation: "tanh", alpha: 0.2 }] },
      /layers\[0\]\.alpha: applies to activation "leakyRelu" only, this layer's is "tanh"/,
    ],
    [
      "an unknown metric",
      { compile: { optimizer: "adam", loss: "mse", metrics: ["f1"] } },
      /compile\.metrics\[0\]: must be one of "accuracy", "mae", got "f1"/,
    ],
    ["normalize as text", { normalize: "yes" }, /normalize: must be a boolean, got "yes"/],
    ["shuffle as text", { fit: { epochs: 2, shuffle: "no" } }, /fit\.shuffle: must be a boolean, got "no"/],
    [
      "a learning rate as text",
      { compile: { optimizer: { name: "adam", learningRate: "0.01" }, loss: "mse" } },
      /compile\.optimizer\.learningRate: must be a number, got "0\.01"/,
    ],
    [
      "momentum with plain SGD",
      { compile: { optimizer: { name: "sgd", momentum: 0.9 }, loss: "mse" } },
      /compile\.optimizer\.momentum: not a field of the sgd optimizer \(its fields: name, learningRate\)/,
    ],
    ["a misspelt field", { epocs: 3 }, /epocs: not a field of the config/],
  ];
  for (const [what, change, message] of cases) {
    it(`${what} is refused with its path, its value and what is allowed`, async () => {
      const out = join(dir, `never-${what.replace(/\W/g, "-")}`);
      const r = await runCli(["train-and-export", writeJson("c.json", { ...SINE_CONFIG, ...change }), "--out", out]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(existsSync(out)).toBe(false); // refused before anything was written
    });
  }

  it("every problem of a config is listed at once", async () => {
    const r = await runCli([
      "train-and-export",
      writeJson("many.json", { ...SINE_CONFIG, normalize: "yes", fit: { epochs: 0, shuffle: "no" } }),
    ]);
    expect(r.err.split("\n").filter((l) => l.startsWith("  "))).toHaveLength(3);
  });
});

describe("checked before training", () => {
  it("a hard-threshold layer cannot be exported: refused before any epoch", async () => {
    const r = await runCli([
      "train-and-export",
      writeJson("threshold.json", {
        ...SINE_CONFIG,
        layers: [
          { type: "dense", units: 4, activation: "hardThreshold" },
          { type: "dense", units: 1 },
        ],
      }),
      "--out",
      join(dir, "threshold-out"),
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/dense_1: the hard threshold activation cannot be exported/);
    expect(r.out).not.toMatch(/epoch/);
  });

  const csv = (name: string, rows: string[]) => {
    writeFileSync(join(dir, name), rows.join("\n"));
    return name;
  };
  const csvConfig = (file: string, data: Record<string, unknown> = {}) => ({
    data: { csv: file, ...data },
    layers: [{ type: "dense", units: 2, activation: "softmax" }],
    compile: { optimizer: "adam", loss: "categoricalCrossentropy" },
    fit: { epochs: 1 },
  });

  it('0/1 labels without "classify": the error says to set it', async () => {
    const file = csv(
      "binary.csv",
      Array.from({ length: 40 }, (_, i) => `${i},${i % 2}`),
    );
    const r = await runCli(["train-and-export", writeJson("binary.json", csvConfig(file)), "--out", join(dir, "b")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the model outputs 2 values per sample, the data has 1 target value/);
    expect(r.err).toMatch(/2 whole-number values \(0, 1\): if they are classes, set "classify": true/);
    const fixed = await runCli([
      "train-and-export",
      writeJson("binary-classes.json", csvConfig(file, { classify: true })),
      "--out",
      join(dir, "b2"),
      "--quiet",
    ]);
    expect(fixed.err).not.toMatch(/outputs 2 values/);
  });

  it("an empty label cell is refused with its line and column", async () => {
    const rows = ["x,label", ...Array.from({ length: 20 }, (_, i) => `${i},${i % 3 ? "a" : "b"}`)];
    rows[7] = "6,";
    const r = await runCli(["train-and-export", writeJson("empty.json", csvConfig(csv("empty.csv", rows)))]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/empty\.csv: line 8, column 2 \('label'\): the target is empty/);
  });

  it("--out naming a file, or a folder that cannot be created, is refused before training", async () => {
    writeFileSync(join(dir, "a-file"), "");
    const config = writeJson("sine.json", SINE_CONFIG);
    const file = await runCli(["train-and-export", config, "--out", join(dir, "a-file")]);
    expect(file.code).toBe(1);
    expect(file.err).toMatch(/--out .*a-file: is a file, not a folder/);
    expect(file.out).not.toMatch(/epoch/);
    const under = await runCli(["train-and-export", config, "--out", join(dir, "a-file", "sub")]);
    expect(under.err).toMatch(/--out .*sub: cannot create it/);
    const ck = await runCli([
      "train-and-export",
      config,
      "--out",
      join(dir, "ok"),
      "--checkpoint",
      join(dir, "a-file"),
    ]);
    expect(ck.err).toMatch(/--checkpoint .*a-file: is a file/);
  });
});

describe("no training work thrown away", () => {
  it("an int8 export that fails its check is kept beside the float one, with its numbers, exit code 1", async () => {
    // Features of very different scales without normalisation: the int8 input's one scale
    // (about 0.8 per step for a in [-100, 100]) erases b in [-1, 1], which the label needs.
    const rng = new Rng(3);
    const rows = ["a,b,label"];
    for (let i = 0; i < 400; i++) {
      const a = rng.uniform(-100, 100),
        b = rng.uniform(-1, 1);
      rows.push(`${a.toFixed(3)},${b.toFixed(4)},${a / 100 + b > 0 ? "yes" : "no"}`);
    }
    writeFileSync(join(dir, "scales.csv"), rows.join("\n"));
    const out = join(dir, "scales-out");
    const r = await runCli([
      "train-and-export",
      writeJson("scales.json", {
        data: { csv: "scales.csv" },
        layers: [
          { type: "dense", units: 8, activation: "tanh" },
          { type: "dense", units: 2, activation: "softmax" },
        ],
        compile: { optimizer: { name: "adam", learningRate: 0.02 }, loss: "categoricalCrossentropy" },
        fit: { epochs: 30, batchSize: 8 },
      }),
      "--out",
      out,
      "--quiet",
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /the int8 export failed its check: .* test samples below float .*; the float32 export passed/,
    );
    expect(readdirSync(out).sort()).toEqual([
      "metrics.json",
      "model-f32.tflite",
      "model-int8-failed.tflite",
      "report.html",
    ]);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.int8.failure).toMatch(/below float/);
    expect(metrics.int8.floatCorrect - metrics.int8.correct).toBeGreaterThan(metrics.int8.allowedDrop);
    expect(metrics.int8.allowedDrop).toBe(1); // 0.3% of 80 test rows is 0.24: one sample, counted, not rounded
  }, 60_000);

  it("Ctrl-C stops after the current batch (training on two threads), keeps the checkpoint, restores nothing half-written, exits 130", async () => {
    const config = writeJson("long.json", { ...SINE_CONFIG, fit: { epochs: 100_000, batchSize: 4 } });
    const ck = join(dir, "ck");
    const out = join(dir, "long-out");
    // On two threads: the training thread must not keep the process from stopping.
    const r = await spawnCli(
      ["train-and-export", config, "--out", out, "--checkpoint", ck, "--quiet", "--threads", "2"],
      {
        whenFile: { path: join(ck, "checkpoint.wlck"), then: (child) => child.kill("SIGINT") },
      },
    );
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/SIGINT: stopping after the current batch/);
    expect(r.err).toMatch(
      /interrupted in epoch \d+ after batch \d+ of \d+; .*checkpoint\.wlck holds epoch \d+: continue with --checkpoint .* --resume/,
    );
    expect(readdirSync(ck)).toEqual(["checkpoint.wlck"]);
    expect(readdirSync(out)).toEqual([]); // checked writable, nothing exported
    const done = Number(/holds epoch (\d+)/.exec(r.err)![1]);
    const resumed = await runCli([
      "train-and-export",
      config,
      "--out",
      out,
      "--checkpoint",
      ck,
      "--resume",
      "--epochs",
      String(done + 1),
      "--quiet",
    ]);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(new RegExp(`resuming from .*: ${done} epochs done`));
  }, 60_000);

  it("--threads takes a whole number from 1 to 64", async () => {
    for (const bad of ["0", "1.5", "two", "65"]) {
      const r = await runCli(["train-and-export", "sine", "--threads", bad]);
      expect(r.code, bad).toBe(2);
      expect(r.err).toContain(`--threads must be a whole number from 1 to 64, got '${bad}'`);
    }
  });

  it("Ctrl-C without --checkpoint says how to keep the work next time", async () => {
    const config = writeJson("long2.json", { ...SINE_CONFIG, fit: { epochs: 100_000, batchSize: 4 } });
    const r = await spawnCli(["train-and-export", config, "--out", join(dir, "long2-out")], {
      onStdout: (child) => child.stdout!.once("data", () => setTimeout(() => child.kill("SIGTERM"), 300)),
    });
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/nothing was kept: run with --checkpoint DIR/);
  }, 60_000);
});

describe("help, version, pipes", () => {
  it("every command has its own help, by --help and by wasmlite help COMMAND", async () => {
    for (const command of ["train-and-export", "hello-world", "inspect", "run", "build-runtime"]) {
      const a = await runCli([command, "--help"]);
      const b = await runCli(["help", command]);
      expect(a.code).toBe(0);
      expect(a.out).toBe(b.out);
      expect(a.out).toMatch(new RegExp(`^usage: wasmlite ${command}`));
      expect(a.err).toBe("");
    }
    expect((await runCli(["run", "--help"])).out).toMatch(/light digit on a dark background/);
    const unknown = await runCli(["help", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command 'nope'/);
  });

  it("--version prints the package's version", async () => {
    const version = JSON.parse(readFileSync(new URL("../../cli/package.json", import.meta.url), "utf8")).version;
    expect(VERSION).toBe(version);
    expect((await runCli(["--version"])).out).toBe(version);
    const spawned = await spawnCli(["--version"]);
    expect(spawned.out).toBe(`${version}\n`);
    // Start-up, printed not asserted (this host's speed moves 2-4x): help needs no TypeScript loader.
    const inspect = await spawnCli(["inspect", join(TFLM_DIR, "hello_world", "hello_world_int8.tflite")]);
    console.log(`start-up: --version ${spawned.ms.toFixed(0)} ms, inspect hello_world ${inspect.ms.toFixed(0)} ms`);
  });

  it("the presets the help lists are the trainer's", () => {
    expect([...PRESET_NAMES].sort()).toEqual(Object.keys(PRESETS).sort());
  });

  it("output into a closed pipe ends quietly", async () => {
    for (const args of [["--help"], ["inspect", join(TFLM_DIR, "hello_world", "hello_world_int8.tflite")]]) {
      const r = await spawnCli(args, { onStdout: (child) => child.stdout!.destroy() });
      expect(r.err, args.join(" ")).toBe("");
      expect(r.code).toBe(0);
    }
  });
});
