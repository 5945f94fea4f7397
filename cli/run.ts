// `wasmlite run MODEL --input FILE`: one input through the runtime. The input
// is a JSON array of numbers, a .npy file (float32/float64/uint8/int8, C
// order) or a PNG (grayscale, pixels scaled to [0, 1]), in the model's
// per-sample element count. Prints the outputs, and for classifiers the
// top-k with labels from the file's "wasmlite" metadata.
import { readFile } from "node:fs/promises";
import { PNG } from "pngjs";
import { readModel } from "../format/index.ts";
import { createNodeRuntime } from "../runtime-wasm/js/node.ts";

/** `runtimeDir`: a tailored build's folder (`wasmlite build-runtime --out DIR`); default the full builds. */
export async function runModel(modelPath: string, inputPath: string, top: number, runtimeDir?: string): Promise<void> {
  const bytes = new Uint8Array(await readFile(modelPath));
  const summary = readModel(bytes);
  const model = (await createNodeRuntime({ dir: runtimeDir })).load(bytes);
  const input = model.inputs[0]!;
  const elements = input.shape.reduce((a, b) => a * b, 1);
  const values = await readInput(inputPath);
  if (values.length !== elements)
    throw new Error(
      `${inputPath} holds ${values.length} values; ${modelPath} takes ${elements} (shape [${input.shape.join(", ")}])`,
    );
  const started = performance.now();
  const [out] = model.predict(values);
  const ms = performance.now() - started;
  const labels = labelsOf(summary.metadata);
  const scores = Array.from(out!);
  console.log(`${modelPath}: output [${model.outputs[0]!.shape.join(", ")}] in ${ms.toFixed(3)} ms`);
  if (scores.length > 1) {
    const order = scores
      .map((s, i) => [s, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, top);
    for (const [s, i] of order) console.log(`  ${(labels?.[i] ?? String(i)).padEnd(12)} ${s.toFixed(6)}`);
  } else {
    console.log(`  ${scores[0]}`);
  }
}

function labelsOf(metadata: Record<string, Uint8Array>): string[] | undefined {
  const raw = metadata["wasmlite"];
  if (!raw) return undefined;
  try {
    const labels = (JSON.parse(new TextDecoder().decode(raw)) as { labels?: unknown }).labels;
    return Array.isArray(labels) ? labels.map(String) : undefined;
  } catch {
    return undefined;
  }
}

async function readInput(path: string): Promise<Float32Array> {
  const data = new Uint8Array(await readFile(path));
  const lower = path.toLowerCase();
  if (lower.endsWith(".png")) {
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(data));
    } catch (e) {
      throw new Error(`${path}: not a readable PNG (${(e as Error).message})`);
    }
    // Grayscale value of each pixel (pngjs gives RGBA), scaled to [0, 1].
    return Float32Array.from(
      { length: png.width * png.height },
      (_, i) => (png.data[i * 4]! + png.data[i * 4 + 1]! + png.data[i * 4 + 2]!) / 3 / 255,
    );
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
