// BatchNormalization (Ioffe & Szegedy 2015) over the last axis (the channels
// of an image, the units of a vector), per channel c over the batch (and
// every pixel):
//   training:  mean, var = the batch's;  running = momentum running + (1 - momentum) batch
//   inference: mean, var = the running statistics
//   y = gamma (x - mean) / sqrt(var + eps) + beta
//   backward (training): dbeta = sum dy,  dgamma = sum dy xhat,
//                        dx = gamma / sqrt(var + eps) / N (N dy - dbeta - xhat dgamma)
// gamma starts at 1, beta at 0; neither takes L1/L2. The running statistics
// are state (saved with the weights). At export it is folded into the
// convolution or dense layer before it, which must then have no activation
// of its own: W' = W s, b' = (b - mean) s + beta per output channel,
// s = gamma / sqrt(var + eps); there is no operator of its own.
import type { Workspace, Buf } from "../workspace.ts";
import { definedFields, elements, type AffineFold, type Layer, type Param } from "./layer.ts";
import type { LayerExport } from "../export/layer-export.ts";
import { z } from "zod";
import { defineLayer, type CheckedOptions, type LayerOptions } from "./options.ts";

const OPTIONS = {
  momentum: z.number().min(0).lt(1).optional().meta({ description: "running statistics' momentum (default 0.99)" }),
  epsilon: z.number().gt(0).optional().meta({ description: "added to the variance (default 0.001)" }),
};
export type BatchNormalizationOptions = LayerOptions<typeof OPTIONS>;

export class BatchNormalization implements Layer {
  readonly kind = "batchNormalization";
  name = "batchNormalization";
  outputShape: number[] = [];
  readonly momentum: number;
  readonly epsilon: number;
  gamma!: Param;
  beta!: Param;
  runningMean!: Buf;
  runningVar!: Buf;
  #ws!: Workspace;
  #channels = 0;
  #perSample = 0; // rows per sample (pixels of an image, 1 for a vector)
  #mean!: Buf;
  #var!: Buf;
  #invStd!: Buf;
  #xhat!: Buf;
  #y!: Buf;
  #dx!: Buf;

  /** Options checked by batchNormalizationLayer (below): build layers with batchNormalization() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
  }

  build(inputShape: number[], ws: Workspace): void {
    this.#ws = ws;
    this.outputShape = [...inputShape];
    const c = inputShape[inputShape.length - 1]!;
    this.#channels = c;
    this.#perSample = elements(inputShape) / c;
    this.gamma = { name: `${this.name}/gamma`, value: ws.alloc(c), grad: ws.alloc(c), shape: [c], regularized: false };
    this.beta = { name: `${this.name}/beta`, value: ws.alloc(c), grad: ws.alloc(c), shape: [c], regularized: false };
    ws.f32(this.gamma.value).fill(1);
    this.runningMean = ws.alloc(c);
    this.runningVar = ws.alloc(c);
    ws.f32(this.runningVar).fill(1);
    this.#mean = ws.alloc(c);
    this.#var = ws.alloc(c);
    this.#invStd = ws.alloc(c);
  }

  allocate(ws: Workspace, batch: number): void {
    const n = batch * this.#perSample * this.#channels;
    this.#xhat = ws.alloc(n);
    this.#y = ws.alloc(n);
    this.#dx = ws.alloc(n);
  }

  forward(x: Buf, batch: number, training: boolean): Buf {
    const ws = this.#ws;
    const rows = batch * this.#perSample;
    const invStd = ws.f32(this.#invStd);
    if (training) {
      ws.kernels.bnStatistics(x, this.#mean, this.#var, rows, this.#mean.length);
      const mean = ws.f32(this.#mean),
        variance = ws.f32(this.#var),
        runMean = ws.f32(this.runningMean),
        runVar = ws.f32(this.runningVar);
      for (let c = 0; c < this.#channels; c++) {
        invStd[c] = 1 / Math.sqrt(variance[c]! + this.epsilon);
        runMean[c] = this.momentum * runMean[c]! + (1 - this.momentum) * mean[c]!;
        runVar[c] = this.momentum * runVar[c]! + (1 - this.momentum) * variance[c]!;
      }
      ws.kernels.bnForward(
        x,
        this.#mean,
        this.#invStd,
        this.gamma.value,
        this.beta.value,
        this.#xhat,
        this.#y,
        rows,
        this.#mean.length,
      );
    } else {
      const runVar = ws.f32(this.runningVar);
      for (let c = 0; c < this.#channels; c++) invStd[c] = 1 / Math.sqrt(runVar[c]! + this.epsilon);
      ws.kernels.bnForward(
        x,
        this.runningMean,
        this.#invStd,
        this.gamma.value,
        this.beta.value,
        this.#xhat,
        this.#y,
        rows,
        this.runningMean.length,
      );
    }
    return this.#y;
  }

  backward(dy: Buf, batch: number, inputGradient: boolean): Buf {
    const rows = batch * this.#perSample;
    const dx = inputGradient ? this.#dx : null;
    this.#ws.kernels.bnBackward(
      dy,
      this.#xhat,
      this.gamma.value,
      this.#invStd,
      this.gamma.grad,
      this.beta.grad,
      dx,
      rows,
      this.gamma.value.length,
    );
    return this.#dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  state() {
    return [
      { name: `${this.name}/moving_mean`, value: this.runningMean },
      { name: `${this.name}/moving_variance`, value: this.runningVar },
    ];
  }

  config() {
    return definedFields({ type: this.kind, momentum: this.momentum, epsilon: this.epsilon });
  }

  describe(): string {
    return `momentum ${this.momentum}, epsilon ${this.epsilon}`;
  }

  /** Into the layer before it, per output channel: y = s z + t (every kind of file). */
  foldsInto(): AffineFold {
    const ws = this.#ws;
    const gamma = ws.f32(this.gamma.value),
      beta = ws.f32(this.beta.value),
      mean = ws.f32(this.runningMean),
      variance = ws.f32(this.runningVar);
    const scale = new Float32Array(this.#channels),
      shift = new Float32Array(this.#channels);
    for (let c = 0; c < this.#channels; c++) {
      scale[c] = gamma[c]! / Math.sqrt(variance[c]! + this.epsilon);
      shift[c] = beta[c]! - mean[c]! * scale[c]!;
    }
    return { into: "previous", scale, shift };
  }

  exportTo(_e: LayerExport): void {
    throw new Error(`${this.name}: exported folded into the layer before it (export/tflite.ts), never on its own`);
  }
}

export const batchNormalizationLayer = defineLayer({
  type: "batchNormalization",
  what: "a batchNormalization layer",
  options: OPTIONS,
  build: (o) => new BatchNormalization(o),
});

/** Batch normalisation over the last axis. */
export const batchNormalization = (options: BatchNormalizationOptions = {}) => batchNormalizationLayer.build(options);
