// Input normalisation fitted on the training split: y = (x - mean) / std per
// feature. A feature that does not vary (std below 1e-6 of its magnitude)
// gets std 1, as scikit-learn's StandardScaler does: dividing by a tiny std
// would make huge weights that the export cannot fold without cancellation.
// Not trained. The export folds it into the next dense layer
// (W' = W / std per input, b' = b - W' mean), so a user of the .tflite file
// always feeds raw data.
import type { Workspace, Buf } from "../workspace.ts";
import type { Layer, Param } from "./layer.ts";
import { elements } from "./layer.ts";
import type { Dataset } from "../data/dataset.ts";

export class Normalization implements Layer {
  readonly kind = "normalization";
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
    const mean = new Float64Array(width), sq = new Float64Array(width);
    for (let s = 0; s < d.n; s++) for (let j = 0; j < width; j++) mean[j] = mean[j]! + d.x[s * width + j]!;
    for (let j = 0; j < width; j++) mean[j] = mean[j]! / d.n;
    for (let s = 0; s < d.n; s++) for (let j = 0; j < width; j++) sq[j] = sq[j]! + (d.x[s * width + j]! - mean[j]!) ** 2;
    const std = Float64Array.from(sq, (v, j) => {
      const s = Math.sqrt(v / d.n);
      return s > 1e-6 * (Math.abs(mean[j]!) + 1e-30) && s > 0 ? s : 1;
    });
    return new Normalization(Float32Array.from(mean), Float32Array.from(std));
  }

  build(inputShape: number[], ws: Workspace): void {
    if (elements(inputShape) !== this.mean.length) throw new Error(`${this.name}: fitted on ${this.mean.length} features, the input has ${elements(inputShape)}`);
    this.#ws = ws;
    this.outputShape = [...inputShape];
  }

  allocate(ws: Workspace, batch: number): void {
    this.#y = ws.alloc(batch * this.mean.length);
    this.#dx = ws.alloc(batch * this.mean.length);
  }

  forward(x: Buf, batch: number): Buf {
    const w = this.mean.length;
    const xs = this.#ws.f32(x), ys = this.#ws.f32(this.#y);
    for (let i = 0; i < batch * w; i++) ys[i] = (xs[i]! - this.mean[i % w]!) / this.std[i % w]!;
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    const w = this.mean.length;
    const g = this.#ws.f32(dy), dx = this.#ws.f32(this.#dx);
    for (let i = 0; i < batch * w; i++) dx[i] = g[i]! / this.std[i % w]!;
    return this.#dx;
  }

  params(): Param[] {
    return [];
  }

  config(): Record<string, unknown> {
    return { features: this.mean.length };
  }
}
