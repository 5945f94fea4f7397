// Dense (fully connected) layer: y = act(x W^T + b), W [units, inputs] (the
// TFLite FULLY_CONNECTED layout), over a batch of rows.
//   forward:  z = x W^T + b,  y = act(z)
//   backward: dz = dy * act'(z)
//             dW = dz^T x,  db = sum over the batch of dz,  dx = dz W
// The gradients are of the batch's mean loss (the loss divides by the batch).
// The products, the bias passes and ReLU/sigmoid/tanh run as WASM SIMD kernels.
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import { definedFields, foldIntoOutputs, type Layer, type Param } from "./layer.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import {
  activateBuffers,
  activationGradientBuffers,
  activationField,
  activationOptionFields,
  activationOptionsApply,
  activationJsonSchemaRules,
  type ActivationName,
} from "../activations.ts";
import { initialize, defaultInitializer, initializerField } from "../initializers.ts";
import { BuiltinOperator } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

const OPTIONS = {
  units: positiveInt,
  activation: activationField.optional().meta({ description: "default identity (linear)" }),
  ...activationOptionFields,
  initializer: initializerField("heNormal for ReLU-like activations, glorotUniform otherwise"),
};
export type DenseOptions = LayerOptions<typeof OPTIONS>;

export class Dense implements Layer {
  readonly kind = "dense";
  name = "dense";
  outputShape: number[] = [];
  readonly units: number;
  readonly activation: ActivationName;
  readonly options: CheckedOptions<typeof OPTIONS>;
  inputs = 0;
  #ws!: Workspace;
  w!: Param;
  b!: Param;
  #z!: Buf; // pre-activation
  #y!: Buf;
  #dz!: Buf;
  #dx!: Buf;
  #x!: Buf; // the input of the last forward pass

  /** Options checked by denseLayer (below): build layers with dense() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
    this.units = options.units;
    this.activation = options.activation ?? "identity";
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    if (inputShape.length !== 1)
      throw new Error(`${this.name}: expects flat inputs, got shape [${inputShape}] (add a flatten() layer first)`);
    this.#ws = ws;
    this.inputs = inputShape[0]!;
    this.outputShape = [this.units];
    const n = this.units * this.inputs;
    this.w = {
      name: `${this.name}/kernel`,
      value: ws.alloc(n),
      grad: ws.alloc(n),
      shape: [this.units, this.inputs],
      regularized: true,
    };
    this.b = {
      name: `${this.name}/bias`,
      value: ws.alloc(this.units),
      grad: ws.alloc(this.units),
      shape: [this.units],
      regularized: false,
    };
    initialize(
      this.options.initializer ?? defaultInitializer(this.activation),
      ws.f32(this.w.value),
      this.inputs,
      this.units,
      rng,
    );
  }

  allocate(ws: Workspace, batch: number): void {
    this.#z = ws.alloc(batch * this.units);
    this.#y = ws.alloc(batch * this.units);
    this.#dz = ws.alloc(batch * this.units);
    this.#dx = ws.alloc(batch * this.inputs);
  }

  forward(x: Buf, batch: number, _training: boolean): Buf {
    const ws = this.#ws;
    this.#x = x;
    ws.kernels.gemmNT(x, this.w.value, this.#z, batch, this.units, this.inputs, 0);
    ws.kernels.addBiasRows(this.#z, this.b.value, batch, this.b.value.length);
    const n = batch * this.units;
    activateBuffers(ws, this.activation, this.#z, this.#y, n, this.units, this.options);
    return this.#y;
  }

  backward(dy: Buf, batch: number, inputGradient: boolean): Buf {
    const ws = this.#ws;
    const n = batch * this.units;
    activationGradientBuffers(ws, this.activation, this.#z, this.#y, dy, this.#dz, n, this.units, this.options);
    return this.backwardFromLogits(this.#dz, batch, inputGradient);
  }

  /** The backward pass given dL/dz directly (a loss fused with this layer's activation). */
  backwardFromLogits(dz: Buf, batch: number, inputGradient: boolean): Buf {
    const ws = this.#ws;
    ws.kernels.gemmTN(dz, this.#x, this.w.grad, this.units, this.inputs, batch, 0);
    ws.kernels.sumRows(dz, this.b.grad, batch, this.b.grad.length);
    if (inputGradient) ws.kernels.gemmNN(dz, this.w.value, this.#dx, batch, this.inputs, this.units, 0);
    return this.#dx;
  }

  get outputActivation(): ActivationName {
    return this.activation;
  }

  /** The pre-activation of the last forward pass (for fused losses). */
  logits(): Buf {
    return this.#z;
  }

  calibrationValues(batch: number): Record<string, Buf> {
    return { preactivation: { offset: this.#z.offset, length: batch * this.units } };
  }

  params(): Param[] {
    return [this.w, this.b];
  }

  config() {
    const { units, activation, options } = this;
    const { alpha, beta, initializer } = options;
    return definedFields({ type: this.kind, units, activation, alpha, beta, initializer });
  }

  describe(): string {
    return `${this.units} units, ${this.activation}`;
  }

  /**
   * outputs: y' = s y + t per unit (a batch normalisation after it).
   * inputs: x' = s x + t per feature (an input normalisation before it):
   * W' = W s per input column, b' = b + W t.
   */
  foldAffine(
    side: "output" | "input",
    map: { scale: Float32Array; shift: Float32Array },
  ): Map<Buf, Float32Array> | string {
    if (side === "output") return foldIntoOutputs(this, this.#ws, { ...map, channelsLast: false });
    // One scale per input: only a normalisation folds forward, and what lies between
    // (flatten, dropout) keeps its width.
    const { scale, shift } = map;
    const w = this.#ws.f32(this.w.value),
      b = this.#ws.f32(this.b.value);
    const folded = new Float32Array(w.length),
      bias = Float32Array.from(b);
    for (let o = 0; o < this.units; o++) {
      let moved = 0;
      for (let i = 0; i < this.inputs; i++) {
        const k = o * this.inputs + i;
        folded[k] = w[k]! * scale[i]!;
        moved += w[k]! * shift[i]!;
      }
      bias[o] = bias[o]! + moved;
    }
    return new Map([
      [this.w.value, folded],
      [this.b.value, bias],
    ]);
  }

  exportProblems(): string[] {
    return hardThresholdProblem(this.name, this.activation);
  }

  /**
   * FULLY_CONNECTED (weights [units, inputs]) with ReLU fused, or followed by
   * its activation as a separate operator (the weights and bias with any
   * fold applied: e.values).
   */
  exportTo(e: LayerExport): void {
    e.addWeighted({
      op: BuiltinOperator.FULLY_CONNECTED,
      weightsShape: [this.units, this.inputs],
      weights: e.values(this.w),
      bias: e.values(this.b),
      outputShape: [1, this.units],
      activation: this.activation,
      activationOptions: this.options,
      options: (activation) => ({ type: "FullyConnectedOptions", activation }),
    });
  }
}

/** TFLite has no hard threshold operator: a layer ending in one cannot be exported. */
export function hardThresholdProblem(layer: string, activation: ActivationName): string[] {
  return activation === "hardThreshold"
    ? [`${layer}: the hard threshold activation cannot be exported (TFLite has no such operator); use sigmoid or tanh`]
    : [];
}

export const denseLayer = defineLayer({
  type: "dense",
  what: "a dense layer",
  options: OPTIONS,
  refine: activationOptionsApply,
  jsonSchemaRules: activationJsonSchemaRules,
  build: (o) => new Dense(o),
});

/** A dense (fully connected) layer: y = act(x W^T + b). */
export const dense = (options: DenseOptions) => denseLayer.build(options);
