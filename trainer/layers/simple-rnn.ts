// SimpleRNN: the Elman network (Elman 1990, "Finding Structure in Time"), the hidden layer looped
// back: over a sequence x_1..x_T of F features, with h_0 = 0,
//   z_t = W x_t + U h_(t-1) + b,   h_t = act(z_t)        (W [H, F], U [H, H], b [H])
// and the output is h_1..h_T ([T, H], returnSequences) or h_T ([H]).
// Backpropagation through time, from the last step back:
//   dh_t  = dy_t (the output's gradient at step t) + dz_(t+1) U   (the second term not at a window's start)
//   dz_t  = dh_t act'(z_t)
//   dW = sum_t dz_t^T x_t,  dU = sum_t dz_t^T h_(t-1),  db = sum_t dz_t,  dx_t = dz_t W
// Truncated BPTT (`truncate: k`): the sequence is cut into windows of k steps;
// the state flows forward across a cut, its gradient does not flow back.
// Internally time-major ([T, B, .]) so each step is one matrix product over
// the batch; every product of W (all steps at once) and of U (one per step)
// is a GEMM kernel. Exported as UNIDIRECTIONAL_SEQUENCE_RNN (the last step
// then taken by STRIDED_SLICE, as TensorFlow's converter writes it).
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import { z } from "zod";
import { definedFields, type Layer, type Param } from "./layer.ts";
import { defineLayer, type CheckedOptions, type LayerOptions } from "./options.ts";
import {
  stepRows,
  outputGradientByStep,
  outputOfSteps,
  inputAndRecurrentGradients,
  recurrentFields,
  addLastStep,
} from "./recurrent.ts";
import { activateBuffers, activationGradientBuffers, type ActivationName } from "../activations.ts";
import { initialize } from "../initializers.ts";
import type { LayerExport } from "../export/layer-export.ts";
import { BuiltinOperator, ActivationFunctionType, TensorType } from "@wasmlite/format";

const OPTIONS = {
  // The activations TFLite's RNN operator has.
  activation: z.enum(["tanh", "relu", "identity"]).optional().meta({ description: "default tanh" }),
  ...recurrentFields,
};
export type SimpleRnnOptions = LayerOptions<typeof OPTIONS>;

export class SimpleRNN implements Layer {
  readonly kind = "simpleRnn";
  name = "simpleRnn";
  outputShape: number[] = [];
  readonly options: CheckedOptions<typeof OPTIONS>;
  readonly units: number;
  readonly activation: ActivationName;
  steps = 0;
  features = 0;
  w!: Param; // [H, F]
  u!: Param; // [H, H]
  b!: Param;
  #ws!: Workspace;
  #window = 0;
  #x!: Buf; // time-major input [T, B, F]
  #z!: Buf; // [T, B, H]
  #h!: Buf; // [T, B, H]
  #y!: Buf; // batch-major output [B, T, H]
  #dh!: Buf; // [T, B, H]
  #dz!: Buf; // [T, B, H]
  #dxTime!: Buf; // [T, B, F]
  #dx!: Buf; // [B, T, F]

  /** Options checked by simpleRnnLayer (below): build layers with simpleRnn() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
    this.units = options.units;
    this.activation = options.activation ?? "tanh";
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    if (inputShape.length !== 2)
      throw new Error(`${this.name}: expects sequences [steps, features], got shape [${inputShape}]`);
    [this.steps, this.features] = inputShape as [number, number];
    this.#ws = ws;
    this.#window = this.options.truncate ?? this.steps;
    const h = this.units,
      f = this.features;
    this.outputShape = this.options.returnSequences ? [this.steps, h] : [h];
    this.w = {
      name: `${this.name}/kernel`,
      value: ws.alloc(h * f),
      grad: ws.alloc(h * f),
      shape: [h, f],
      regularized: true,
    };
    this.u = {
      name: `${this.name}/recurrent_kernel`,
      value: ws.alloc(h * h),
      grad: ws.alloc(h * h),
      shape: [h, h],
      regularized: true,
    };
    this.b = { name: `${this.name}/bias`, value: ws.alloc(h), grad: ws.alloc(h), shape: [h], regularized: false };
    const initializer = this.options.initializer ?? "glorotUniform";
    initialize(initializer, ws.f32(this.w.value), f, h, rng);
    initialize(initializer, ws.f32(this.u.value), h, h, rng);
  }

  allocate(ws: Workspace, batch: number): void {
    const t = this.steps,
      h = this.units,
      f = this.features;
    this.#x = ws.alloc(t * batch * f);
    this.#z = ws.alloc(t * batch * h);
    this.#h = ws.alloc(t * batch * h);
    this.#y = ws.alloc(t * batch * h);
    this.#dh = ws.alloc(t * batch * h);
    this.#dz = ws.alloc(t * batch * h);
    this.#dxTime = ws.alloc(t * batch * f);
    this.#dx = ws.alloc(t * batch * f);
  }

  /** Step t's [B, H] rows of a time-major buffer. */
  #at(buf: Buf, t: number, batch: number): Buf {
    return stepRows(buf, t, batch, this.units);
  }

  forward(x: Buf, batch: number): Buf {
    const ws = this.#ws;
    const t = this.steps,
      h = this.units,
      f = this.features;
    ws.kernels.swapLeadingAxes(x, this.#x, batch, t, f);
    // Every step's W x_t + b at once, then U h_(t-1) step by step.
    ws.kernels.gemmNT(this.#x, this.w.value, this.#z, t * batch, h, f, 0);
    ws.kernels.addBiasRows(this.#z, this.b.value, t * batch, this.b.value.length);
    for (let s = 0; s < t; s++) {
      const z = this.#at(this.#z, s, batch);
      if (s > 0) ws.kernels.gemmNT(this.#at(this.#h, s - 1, batch), this.u.value, z, batch, h, h, 1);
      activateBuffers(ws, this.activation, z, this.#at(this.#h, s, batch), batch * h, h, {});
    }
    return outputOfSteps(ws, this.#h, this.#y, batch, t, h, this.options.returnSequences === true);
  }

  backward(dy: Buf, batch: number, inputGradient: boolean): Buf {
    const ws = this.#ws;
    const t = this.steps,
      h = this.units,
      f = this.features;
    outputGradientByStep(ws, dy, this.#dh, batch, t, h, this.options.returnSequences === true);
    for (let s = t - 1; s >= 0; s--) {
      const dz = this.#at(this.#dz, s, batch);
      activationGradientBuffers(
        ws,
        this.activation,
        this.#at(this.#z, s, batch),
        this.#at(this.#h, s, batch),
        this.#at(this.#dh, s, batch),
        dz,
        batch * h,
        h,
        {},
      );
      // dh_(s-1) += dz_s U, unless step s starts a truncation window (step 0 starts the first).
      if (s % this.#window !== 0) ws.kernels.gemmNN(dz, this.u.value, this.#at(this.#dh, s - 1, batch), batch, h, h, 1);
    }
    const grads = { dz: this.#dz, x: this.#x, fedBack: this.#h, w: this.w, u: this.u, bias: this.b };
    inputAndRecurrentGradients(ws, { ...grads, dxTime: this.#dxTime, dx: this.#dx }, batch, t, h, f, h, inputGradient);
    return this.#dx;
  }

  params(): Param[] {
    return [this.w, this.u, this.b];
  }

  config() {
    const { units, returnSequences, truncate, initializer } = this.options;
    return definedFields({
      type: this.kind,
      units,
      activation: this.activation,
      returnSequences,
      truncate,
      initializer,
    });
  }

  describe(): string {
    const truncate = this.options.truncate ? `, truncated BPTT ${this.options.truncate}` : "";
    return `${this.units} units, ${this.activation}${this.options.returnSequences ? ", sequences" : ""}${truncate}`;
  }

  calibrationValues(): Record<string, Buf> {
    return {};
  }

  /** UNIDIRECTIONAL_SEQUENCE_RNN; the last step by STRIDED_SLICE unless returnSequences. */
  exportTo(e: LayerExport): void {
    exportSequenceRnn(e, {
      name: this.name,
      steps: this.steps,
      features: this.features,
      units: this.units,
      activation: this.activation as "tanh" | "relu" | "identity",
      w: e.values(this.w),
      u: e.values(this.u),
      b: e.values(this.b),
      returnSequences: this.options.returnSequences === true,
    });
  }
}

export const simpleRnnLayer = defineLayer({
  type: "simpleRnn",
  what: "a simpleRnn layer",
  options: OPTIONS,
  build: (o) => new SimpleRNN(o),
});

/** An Elman recurrent layer. */
export const simpleRnn = (options: SimpleRnnOptions) => simpleRnnLayer.build(options);

interface SequenceRnnSpec {
  name: string;
  steps: number;
  features: number;
  units: number;
  activation: "tanh" | "relu" | "identity";
  w: Float32Array;
  u: Float32Array;
  b: Float32Array;
  returnSequences: boolean;
}

const RNN_ACTIVATION = {
  tanh: ActivationFunctionType.TANH,
  relu: ActivationFunctionType.RELU,
  identity: ActivationFunctionType.NONE,
};

/** A float32 tensor the next operator reads: the current one, dequantised if it is int8. */
function floatInput(e: LayerExport, name: string): number {
  if (!e.quant) return e.tensor;
  const out = e.builder.addTensor({ name: `${name}/dequantized`, shape: e.shape, type: TensorType.FLOAT32 });
  e.addOperator({ op: BuiltinOperator.DEQUANTIZE, inputs: [e.tensor], outputs: [out] });
  return out;
}

/**
 * UNIDIRECTIONAL_SEQUENCE_RNN (batch-major, the hidden state a variable
 * tensor the runtime resets between samples), then STRIDED_SLICE when only
 * the last step is wanted. int8 files: TFLite has no integer RNN but the
 * "hybrid" one (int8 weights, float input, state and output), so the
 * operator is wrapped: DEQUANTIZE before it (when its input is int8) and
 * QUANTIZE after it, at the layer's calibrated output range.
 */
function exportSequenceRnn(e: LayerExport, s: SequenceRnnSpec): void {
  const f32 = TensorType.FLOAT32;
  const x = floatInput(e, s.name);
  const w = e.addWeights(`${s.name}/kernel`, [s.units, s.features], s.w, null);
  const u = e.addWeights(`${s.name}/recurrent_kernel`, [s.units, s.units], s.u, null);
  const bias = e.builder.addTensor({ name: `${s.name}/bias`, shape: [s.units], type: f32, data: s.b });
  const state = e.builder.addTensor({ name: `${s.name}/state`, shape: [1, s.units], type: f32, isVariable: true });
  const sequence = e.builder.addTensor({ name: `${s.name}/sequence`, shape: [1, s.steps, s.units], type: f32 });
  e.addOperator({
    op: BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN,
    inputs: [x, w.index, u.index, bias, state],
    outputs: [sequence],
    options: { type: "SequenceRNNOptions", activation: RNN_ACTIVATION[s.activation], timeMajor: false },
  });
  let out = sequence;
  let shape = [1, s.steps, s.units];
  if (!s.returnSequences) {
    out = addLastStep(e, s.name, sequence, s.units, f32);
    shape = [1, s.units];
  }
  if (!e.int8) {
    e.setOutput(out, shape, undefined);
    return;
  }
  const quant = e.quantOf(e.range());
  const quantized = e.addActivationTensor(s.name, shape, quant);
  e.addOperator({ op: BuiltinOperator.QUANTIZE, inputs: [out], outputs: [quantized] });
  e.setOutput(quantized, shape, quant);
}
