// Input normalisation fitted on the training split: y = (x - mean) / std per
// feature. A feature that does not vary (std below 1e-6 of its magnitude)
// gets std 1, as scikit-learn's StandardScaler does: dividing by a tiny std
// would make huge weights that the export cannot fold without cancellation.
// Not trained. A float32 export folds it into the next dense layer (the map
// x / std - mean / std on its inputs: W' = W / std per input,
// b' = b - W mean / std), so a user of the .tflite file always feeds raw data.
import type { Workspace, Buf } from "../workspace.ts";
import type { AffineFold, Layer, Param } from "./layer.ts";
import { elements } from "./layer.ts";
import type { Dataset } from "../data/dataset.ts";
import { BuiltinOperator, TensorType } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

export class Normalization implements Layer {
  readonly kind = "normalization";
  readonly takesFloatInput = true;
  name = "normalization";
  outputShape: number[] = [];
  mean: Float32Array;
  std: Float32Array;
  #ws!: Workspace;
  #y!: Buf;
  #dx!: Buf;

  constructor(mean: Float32Array, std: Float32Array) {
    if (mean.length !== std.length) throw new Error(`normalization: ${mean.length} means for ${std.length} deviations`);
    if (std.some((s) => !(s > 0))) throw new Error("normalization: standard deviations must be positive");
    this.mean = mean;
    this.std = std;
  }

  /** Mean and standard deviation of each feature over a (training) data set. */
  static adapt(d: Dataset): Normalization {
    const width = d.x.length / d.n;
    const mean = new Float64Array(width),
      sq = new Float64Array(width);
    for (let s = 0; s < d.n; s++) for (let j = 0; j < width; j++) mean[j] = mean[j]! + d.x[s * width + j]!;
    for (let j = 0; j < width; j++) mean[j] = mean[j]! / d.n;
    for (let s = 0; s < d.n; s++)
      for (let j = 0; j < width; j++) sq[j] = sq[j]! + (d.x[s * width + j]! - mean[j]!) ** 2;
    const std = Float64Array.from(sq, (v, j) => {
      const s = Math.sqrt(v / d.n);
      return s > 1e-6 * Math.abs(mean[j]!) ? s : 1; // a constant feature (s = 0) too
    });
    return new Normalization(Float32Array.from(mean), Float32Array.from(std));
  }

  build(inputShape: number[], ws: Workspace): void {
    if (elements(inputShape) !== this.mean.length)
      throw new Error(`${this.name}: fitted on ${this.mean.length} features, the input has ${elements(inputShape)}`);
    this.#ws = ws;
    this.outputShape = [...inputShape];
  }

  allocate(ws: Workspace, batch: number): void {
    this.#y = ws.alloc(batch * this.mean.length);
    this.#dx = ws.alloc(batch * this.mean.length);
  }

  forward(x: Buf, batch: number): Buf {
    const w = this.mean.length;
    const xs = this.#ws.f32(x),
      ys = this.#ws.f32(this.#y);
    for (let i = 0; i < batch * w; i++) ys[i] = (xs[i]! - this.mean[i % w]!) / this.std[i % w]!;
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    const w = this.mean.length;
    const g = this.#ws.f32(dy),
      dx = this.#ws.f32(this.#dx);
    for (let i = 0; i < batch * w; i++) dx[i] = g[i]! / this.std[i % w]!;
    return this.#dx;
  }

  params(): Param[] {
    return [];
  }

  config() {
    return { type: this.kind, mean: Array.from(this.mean), std: Array.from(this.std) };
  }

  describe(): string {
    return `${this.mean.length} features`;
  }

  /** float32 files: into the dense layer after it, per input feature x / std - mean / std. */
  foldsInto(kind: "float32" | "int8"): AffineFold | undefined {
    if (kind === "int8") return undefined;
    const scale = Float32Array.from(this.std, (s) => 1 / s);
    return { into: "next", scale, shift: Float32Array.from(this.mean, (m, i) => -m * scale[i]!) };
  }

  /**
   * int8 files: one input scale cannot cover features of different ranges,
   * so the file takes float input, normalises it in float (SUB, MUL) and
   * quantises the result.
   */
  exportTo(e: LayerExport): void {
    if (e.index !== 0) throw new Error(`${this.name}: normalisation must be the first layer to export`);
    const features = [...e.shape.slice(1)];
    const f32 = TensorType.FLOAT32;
    const mean = e.addConstant(`${this.name}/mean`, features, this.mean);
    const inverse = e.addConstant(
      `${this.name}/inverse_std`,
      features,
      Float32Array.from(this.std, (v) => 1 / v),
    );
    const centred = e.builder.addTensor({ name: `${this.name}/centred`, shape: e.shape, type: f32 });
    e.addOperator({
      op: BuiltinOperator.SUB,
      inputs: [e.tensor, mean],
      outputs: [centred],
      options: { type: "SubOptions" },
    });
    const scaled = e.builder.addTensor({ name: `${this.name}/scaled`, shape: e.shape, type: f32 });
    e.addOperator({
      op: BuiltinOperator.MUL,
      inputs: [centred, inverse],
      outputs: [scaled],
      options: { type: "MulOptions" },
    });
    const quant = e.quantOf(e.range());
    const quantized = e.addActivationTensor(this.name, e.shape, quant);
    e.addOperator({ op: BuiltinOperator.QUANTIZE, inputs: [scaled], outputs: [quantized] });
    e.setOutput(quantized, e.shape, quant);
  }
}

/** Normalisation fitted on a training set: normalization(train), or explicit mean and std. */
export const normalization = (fit: Dataset | { mean: Float32Array; std: Float32Array }) =>
  "mean" in fit ? new Normalization(fit.mean, fit.std) : Normalization.adapt(fit);
