// `wasmlite run MODEL --input FILE`: one input through the runtime. The input
// is a JSON array of numbers, a .npy file (float32/float64/uint8/int8, C
// order) or a PNG (brightness scaled to [0, 1], transparent pixels as
// background, optionally inverted), in the model's per-sample element count;
// non-finite values are refused. A model whose metadata holds a tokenizer
// (spam-lstm) takes any other file as text: an email (its Subject and body)
// or plain text, encoded into word ids by that tokenizer. Prints the outputs, and for classifiers the
// top-k with labels from the file's "wasmlite" metadata. The conventions are
// in `wasmlite help run` (commands.mjs).
import { readFile } from "node:fs/promises";
import { PNG } from "pngjs";
import {
  readModel,
  labelsFromMetadata,
  wasmliteMetadata,
  tokenizerFromMetadata,
  encode,
  emailText,
  UNKNOWN_ID,
  PAD_ID,
  type WordTokenizer,
} from "@wasmlite/format";
import { createNodeRuntime } from "@wasmlite/runtime/node";
import { WasmliteError } from "@wasmlite/runtime";

/** `runtimeDir`: a tailored build's folder (`wasmlite build-runtime --out DIR`); default the full builds. */
export interface RunOptions {
  /** How many classes to print. */
  top: number;
  /** A tailored build's folder (`wasmlite build-runtime --out DIR`); default the full builds. */
  runtimeDir?: string;
  /** PNG: a dark drawing on a light background. */
  invert?: boolean;
}

export async function runModel(modelPath: string, inputPath: string, options: RunOptions): Promise<void> {
  const bytes = new Uint8Array(await readFile(modelPath));
  const runtime = await createNodeRuntime({ dir: options.runtimeDir });
  // The runtime's verdict first: its message and error code say why a file is refused.
  let model: ReturnType<typeof runtime.load>;
  try {
    model = runtime.load(bytes);
  } catch (e) {
    if (e instanceof WasmliteError) throw new Error(`${modelPath}: the runtime refuses it: ${e.message}`);
    throw e;
  }
  const summary = readModel(bytes);
  if (model.inputs.length !== 1)
    throw new Error(`${modelPath} has ${model.inputs.length} inputs; run feeds exactly one (use the JS API for more)`);
  const input = model.inputs[0]!;
  const elements = input.shape.reduce((a, b) => a * b, 1);
  if (options.invert && !inputPath.toLowerCase().endsWith(".png"))
    throw new Error("--invert applies to PNG inputs only");
  const tokenizer = tokenizerFromMetadata(wasmliteMetadata(summary.metadata));
  const values =
    tokenizer && !/\.(json|npy|png)$/i.test(inputPath)
      ? await readText(inputPath, tokenizer)
      : await readInput(inputPath, options.invert === true);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${inputPath}: value ${bad} is ${values[bad]}; inputs must be finite numbers`);
  if (values.length !== elements)
    throw new Error(
      `${inputPath} holds ${values.length} values; ${modelPath} takes ${elements} (shape [${input.shape.join(", ")}])`,
    );
  const started = performance.now();
  const outputs = model.predict(values);
  const ms = performance.now() - started;
  const labels = labelsFromMetadata(summary.metadata);
  console.log(`${modelPath}: ${outputs.length === 1 ? "output" : `${outputs.length} outputs`} in ${ms.toFixed(3)} ms`);
  outputs.forEach((out, k) => {
    const scores = Array.from(out);
    console.log(`output ${k} [${model.outputs[k]!.shape.join(", ")}]:`);
    if (scores.length > 1) {
      const order = scores
        .map((s, i) => [s, i] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, options.top);
      // The labels name the classes of a classifier's single output.
      const names = outputs.length === 1 ? labels : undefined;
      for (const [s, i] of order) console.log(`  ${(names?.[i] ?? String(i)).padEnd(12)} ${s.toFixed(6)}`);
    } else {
      console.log(`  ${scores[0]}`);
    }
  });
}

/** A text file as the word ids the model's tokenizer makes of it (with a line saying how many it knew). */
async function readText(path: string, tokenizer: WordTokenizer): Promise<Float32Array> {
  const data = new Uint8Array(await readFile(path));
  if (data.includes(0)) throw new Error(`${path}: holds NUL bytes, not text (this model reads a text file)`);
  const ids = encode(tokenizer, emailText(new TextDecoder().decode(data)));
  const read = ids.filter((id) => id !== PAD_ID).length;
  if (read === 0) throw new Error(`${path}: no words in it (this model reads a text file)`);
  const known = ids.filter((id) => id !== PAD_ID && id !== UNKNOWN_ID).length;
  console.log(`${path}: ${read} words read (the first ${tokenizer.steps} count), ${known} of them in the vocabulary`);
  return Float32Array.from(ids);
}

async function readInput(path: string, invert: boolean): Promise<Float32Array> {
  const data = new Uint8Array(await readFile(path));
  const lower = path.toLowerCase();
  if (lower.endsWith(".png")) {
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(data));
    } catch (e) {
      throw new Error(`${path}: not a readable PNG (${(e as Error).message})`);
    }
    return pngBrightness(png, invert, path);
  }
  if (lower.endsWith(".npy")) return readNpy(data, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(data));
  } catch {
    throw new Error(`${path}: not JSON (give a JSON array of numbers, a .npy or a .png file)`);
  }
  const flat = Array.isArray(parsed) ? (parsed as unknown[]).flat(Infinity) : [];
  if (!flat.length || flat.some((v) => typeof v !== "number" || !Number.isFinite(v)))
    throw new Error(`${path}: expected a (nested) JSON array of finite numbers`);
  return Float32Array.from(flat as number[]);
}

/**
 * Each pixel's brightness (the mean of R, G, B; pngjs gives RGBA) in [0, 1],
 * over the background where it is transparent: black, or with `invert`
 * white and then every value flipped, so the background ends at 0 either way.
 */
function pngBrightness(png: PNG, invert: boolean, path: string): Float32Array {
  const background = invert ? 1 : 0;
  const values = Float32Array.from({ length: png.width * png.height }, (_, i) => {
    const d = png.data;
    const alpha = d[i * 4 + 3]! / 255;
    const v = alpha * ((d[i * 4]! + d[i * 4 + 1]! + d[i * 4 + 2]!) / 3 / 255) + (1 - alpha) * background;
    return invert ? 1 - v : v;
  });
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  if (mean > 0.5)
    console.error(
      `warning: ${path} is mostly light (mean ${mean.toFixed(2)}); models trained on MNIST-like data expect a light drawing on a dark background${invert ? "" : " (use --invert for a dark drawing on a light one)"}`,
    );
  return values;
}

function readNpy(data: Uint8Array, path: string): Float32Array {
  const bad = (why: string) => new Error(`${path}: unsupported .npy file (${why})`);
  if (data.length < 10 || data[0] !== 0x93 || String.fromCharCode(...data.subarray(1, 6)) !== "NUMPY")
    throw bad("no NUMPY magic");
  const major = data[6]!;
  const headerLength =
    major === 1 ? data[8]! | (data[9]! << 8) : new DataView(data.buffer, data.byteOffset).getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(data.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw bad("Fortran order");
  const body = data.slice(start + headerLength);
  switch (descr) {
    case "<f4":
      return new Float32Array(body.buffer, 0, body.length >> 2);
    case "<f8":
      return Float32Array.from(new Float64Array(body.buffer, 0, body.length >> 3));
    case "|u1":
      return Float32Array.from(body);
    case "|i1":
      return Float32Array.from(new Int8Array(body.buffer));
    default:
      throw bad(`dtype ${descr ?? "missing"}`);
  }
}
