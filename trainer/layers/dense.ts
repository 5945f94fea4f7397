// Dense (fully connected) layer: y = act(x W^T + b), W [units, inputs] (the
// TFLite FULLY_CONNECTED layout), over a batch of rows.
//   forward:  z = x W^T + b,  y = act(z)
//   backward: dz = dy * act'(z)
//             dW = dz^T x,  db = sum over the batch of dz,  dx = dz W
// The gradients are of the batch's mean loss (the loss divides by the batch).
// The products, the bias passes and ReLU/sigmoid/tanh run as WASM SIMD kernels.
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import type { Layer, Param } from "./layer.ts";
import { activationForward, activationBackward, type ActivationName, type ActivationOptions } from "../activations.ts";
import { initialize, defaultInitializer, type InitializerName } from "../initializers.ts";

export interface DenseOptions extends ActivationOptions {
  units: number;
  activation?: ActivationName;
  initializer?: InitializerName;
  /** The first layer only: the per-sample input shape. */
  inputShape?: number[];
}

export class Dense implements Layer {
  readonly kind = "dense";
  name = "dense";
  outputShape: number[] = [];
  readonly units: number;
  readonly activation: ActivationName;
  readonly options: DenseOptions;
  inputs = 0;
  #ws!: Workspace;
  w!: Param;
  b!: Param;
  #z!: Buf; // pre-activation
  #y!: Buf;
  #dz!: Buf;
  #dx!: Buf;
  #x!: Buf; // the input of the last forward pass

  constructor(options: DenseOptions) {
    if (!Number.isInteger(options.units) || options.units < 1) throw new Error(`dense: units must be a positive whole number, got ${options.units}`);
    this.options = options;
    this.units = options.units;
    this.activation = options.activation ?? "identity";
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    if (inputShape.length !== 1) throw new Error(`${this.name}: expects flat inputs, got shape [${inputShape}] (add a flatten() layer first)`);
    this.#ws = ws;
    this.inputs = inputShape[0]!;
    this.outputShape = [this.units];
    const n = this.units * this.inputs;
    this.w = { name: `${this.name}/kernel`, value: ws.alloc(n), grad: ws.alloc(n), shape: [this.units, this.inputs], regularized: true };
    this.b = { name: `${this.name}/bias`, value: ws.alloc(this.units), grad: ws.alloc(this.units), shape: [this.units], regularized: false };
    initialize(this.options.initializer ?? defaultInitializer(this.activation), ws.f32(this.w.value), this.inputs, this.units, rng);
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
    ws.gemmNT(x, this.w.value, this.#z, batch, this.units, this.inputs);
    ws.addBiasRows(this.#z, this.b.value, batch);
    const n = batch * this.units;
    if (!ws.activate(this.activation, this.#z, this.#y, n)) activationForward(this.activation, ws.f32(this.#z).subarray(0, n), ws.f32(this.#y).subarray(0, n), this.units, this.options);
    return this.#y;
  }

  backward(dy: Buf, batch: number, inputGradient = true): Buf {
    const ws = this.#ws;
    const n = batch * this.units;
    if (!ws.activateBackward(this.activation, this.#z, this.#y, dy, this.#dz, n)) activationBackward(this.activation, ws.f32(this.#z).subarray(0, n), ws.f32(this.#y).subarray(0, n), ws.f32(dy).subarray(0, n), ws.f32(this.#dz).subarray(0, n), this.units, this.options);
    return this.backwardFromPreactivation(this.#dz, batch, inputGradient);
  }

  /** The backward pass given dL/dz directly (a loss fused with this layer's activation). */
  backwardFromPreactivation(dz: Buf, batch: number, inputGradient = true): Buf {
    const ws = this.#ws;
    ws.gemmTN(dz, this.#x, this.w.grad, this.units, this.inputs, batch);
    ws.sumRows(dz, this.b.grad, batch);
    if (inputGradient) ws.gemmNN(dz, this.w.value, this.#dx, batch, this.inputs, this.units);
    return this.#dx;
  }

  /** The pre-activation of the last forward pass (for fused losses). */
  preactivation(): Buf {
    return this.#z;
  }

  params(): Param[] {
    return [this.w, this.b];
  }

  config(): Record<string, unknown> {
    return { units: this.units, activation: this.activation, alpha: this.options.alpha, beta: this.options.beta, initializer: this.options.initializer };
  }
}
