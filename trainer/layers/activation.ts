// A standalone activation layer: y = f(x) elementwise (softmax: per sample),
// dx = dy * f'(x). See activations.ts for the functions.
import type { Workspace, Buf } from "../workspace.ts";
import type { Layer, Param } from "./layer.ts";
import { elements, definedFields } from "./layer.ts";
import type { LayerExport } from "../export/layer-export.ts";
import { hardThresholdProblem } from "./dense.ts";
import {
  activateBuffers,
  activationGradientBuffers,
  activationField,
  activationOptionFields,
  activationOptionsApply,
  activationJsonSchemaRules,
  type ActivationName,
  type ActivationOptions,
} from "../activations.ts";
import { defineLayer, type CheckedOptions } from "./options.ts";

const OPTIONS = { activation: activationField, ...activationOptionFields };

export class Activation implements Layer {
  readonly kind = "activation";
  name = "activation";
  outputShape: number[] = [];
  readonly activation: ActivationName;
  readonly options: ActivationOptions;
  #ws!: Workspace;
  #width = 0;
  #x!: Buf;
  #y!: Buf;
  #dx!: Buf;

  /** Options checked by activationLayer (below): build layers with activation() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    const { activation, ...rest } = options;
    this.activation = activation;
    this.options = rest;
  }

  build(inputShape: number[], ws: Workspace): void {
    this.#ws = ws;
    this.outputShape = [...inputShape];
    this.#width = this.activation === "softmax" ? inputShape[inputShape.length - 1]! : elements(inputShape);
  }

  allocate(ws: Workspace, batch: number): void {
    const n = batch * elements(this.outputShape);
    this.#y = ws.alloc(n);
    this.#dx = ws.alloc(n);
  }

  forward(x: Buf, batch: number): Buf {
    const n = batch * elements(this.outputShape);
    this.#x = x;
    activateBuffers(this.#ws, this.activation, x, this.#y, n, this.#width, this.options);
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    const n = batch * elements(this.outputShape);
    activationGradientBuffers(this.#ws, this.activation, this.#x, this.#y, dy, this.#dx, n, this.#width, this.options);
    return this.#dx;
  }

  get outputActivation(): ActivationName {
    return this.activation;
  }

  /** A fused loss's logits: this layer's input. */
  logits(): Buf {
    return this.#x;
  }

  /** Given dL/dx (a fused loss computed it from the logits), nothing is left to do. */
  backwardFromLogits(dz: Buf): Buf {
    return dz;
  }

  params(): Param[] {
    return [];
  }

  config() {
    return definedFields({ type: this.kind, activation: this.activation, ...this.options });
  }

  describe(): string {
    return this.activation;
  }

  exportProblems(): string[] {
    return hardThresholdProblem(this.name, this.activation);
  }

  /** LOGISTIC, TANH, RELU, LEAKY_RELU or SOFTMAX. */
  exportTo(e: LayerExport): void {
    e.addActivation(this.activation, this.options, e.range());
  }
}

export const activationLayer = defineLayer({
  type: "activation",
  what: "an activation layer",
  options: OPTIONS,
  refine: activationOptionsApply,
  jsonSchemaRules: activationJsonSchemaRules,
  build: (o) => new Activation(o),
});

/** An activation on its own: y = f(x). */
export const activation = (name: ActivationName, options: ActivationOptions = {}) =>
  activationLayer.build({ activation: name, ...options });
