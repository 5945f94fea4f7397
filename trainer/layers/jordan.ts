// Jordan network (M. I. Jordan, "Serial order", 1986): the recurrent network
// whose context is the output, not the hidden layer (Elman's). Over a sequence x_1..x_T of F
// features, with y_0 = 0:
//   z_t = W x_t + U y_(t-1) + b,   h_t = act(z_t)              (W [H, F], U [H, O], b [H])
//   s_t = V h_t + c,               y_t = outAct(s_t)           (V [O, H], c [O])
// The layer holds both the hidden and the output layer (the loop runs
// through both); its output is y_1..y_T ([T, O], returnSequences) or y_T.
// Backpropagation through time, from the last step back:
//   dy_t = (the output's gradient at t) + dz_(t+1) U      (the second term not at a window's start)
//   ds_t = dy_t outAct'(s_t),  dh_t = ds_t V,  dz_t = dh_t act'(z_t)
//   dW = sum dz_t^T x_t,  dU = sum dz_t^T y_(t-1),  db = sum dz_t,
//   dV = sum ds_t^T h_t,  dc = sum ds_t,  dx_t = dz_t W
// Time-major internally, as SimpleRNN. TFLite has no operator for it, so the
// export unrolls the T steps into FULLY_CONNECTED, ADD and activation
// operators (exportJordan, below): about six operators per step.
import { part, type Workspace, type Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import { z } from "zod";
import { definedFields, type Layer, type Param } from "./layer.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import {
  stepRows,
  outputGradientByStep,
  outputOfSteps,
  inputAndRecurrentGradients,
  recurrentFields,
} from "./recurrent.ts";
import { activateBuffers, activationGradientBuffers } from "../activations.ts";
import { initialize } from "../initializers.ts";
import type { LayerExport } from "../export/layer-export.ts";
import { BuiltinOperator } from "@wasmlite/format";
import { fixedActivationQuant, type Quant } from "../export/layer-export.ts";

const OPTIONS = {
  outputs: positiveInt.meta({ description: "output units, fed back at the next step" }),
  activation: z.enum(["tanh", "relu", "sigmoid"]).optional().meta({ description: "hidden layer (default tanh)" }),
  outputActivation: z
    .enum(["identity", "tanh", "sigmoid"])
    .optional()
    .meta({ description: "output layer (default identity)" }),
  ...recurrentFields,
};
export type JordanOptions = LayerOptions<typeof OPTIONS>;
export type JordanHiddenActivation = NonNullable<JordanOptions["activation"]>;
export type JordanOutputActivation = NonNullable<JordanOptions["outputActivation"]>;

export class JordanRNN implements Layer {
  readonly kind = "jordanRnn";
  name = "jordanRnn";
  outputShape: number[] = [];
  readonly options: CheckedOptions<typeof OPTIONS>;
  readonly activation: JordanHiddenActivation;
  readonly outputActivation: JordanOutputActivation;
  steps = 0;
  features = 0;
  w!: Param; // [H, F]
  u!: Param; // [H, O]
  b!: Param; // [H]
  v!: Param; // [O, H]
  c!: Param; // [O]
  #ws!: Workspace;
  #window = 0;
  #x!: Buf; // [T, B, F]
  #z!: Buf; // [T, B, H]
  #h!: Buf; // [T, B, H]
  #s!: Buf; // [T, B, O]
  #y!: Buf; // [T, B, O]
  #out!: Buf; // batch-major [B, T, O]
  #dy!: Buf; // [T, B, O]
  #ds!: Buf; // [T, B, O]
  #dh!: Buf; // [T, B, H]
  #dz!: Buf; // [T, B, H]
  #dxTime!: Buf; // [T, B, F]
  #dx!: Buf; // [B, T, F]
  #recurrent!: Buf; // calibration: U y_(t-1) [T, B, H]
  #inputProduct!: Buf; // calibration: W x_t + b [T, B, H]

  /** Options checked by jordanRnnLayer (below): build layers with jordanRnn() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
    this.activation = options.activation ?? "tanh";
    this.outputActivation = options.outputActivation ?? "identity";
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    if (inputShape.length !== 2)
      throw new Error(`${this.name}: expects sequences [steps, features], got shape [${inputShape}]`);
    [this.steps, this.features] = inputShape as [number, number];
    this.#ws = ws;
    this.#window = this.options.truncate ?? this.steps;
    const { units: h, outputs: o } = this.options;
    const f = this.features;
    this.outputShape = this.options.returnSequences ? [this.steps, o] : [o];
    const param = (name: string, shape: number[], regularized: boolean): Param => {
      const n = shape.reduce((a, b) => a * b, 1);
      return { name: `${this.name}/${name}`, value: ws.alloc(n), grad: ws.alloc(n), shape, regularized };
    };
    this.w = param("kernel", [h, f], true);
    this.u = param("recurrent_kernel", [h, o], true);
    this.b = param("bias", [h], false);
    this.v = param("output_kernel", [o, h], true);
    this.c = param("output_bias", [o], false);
    const initializer = this.options.initializer ?? "glorotUniform";
    initialize(initializer, ws.f32(this.w.value), f, h, rng);
    initialize(initializer, ws.f32(this.u.value), o, h, rng);
    initialize(initializer, ws.f32(this.v.value), h, o, rng);
  }

  allocate(ws: Workspace, batch: number): void {
    const t = this.steps,
      f = this.features;
    const { units: h, outputs: o } = this.options;
    this.#x = ws.alloc(t * batch * f);
    this.#z = ws.alloc(t * batch * h);
    this.#h = ws.alloc(t * batch * h);
    this.#s = ws.alloc(t * batch * o);
    this.#y = ws.alloc(t * batch * o);
    this.#out = ws.alloc(t * batch * o);
    this.#dy = ws.alloc(t * batch * o);
    this.#ds = ws.alloc(t * batch * o);
    this.#dh = ws.alloc(t * batch * h);
    this.#dz = ws.alloc(t * batch * h);
    this.#dxTime = ws.alloc(t * batch * f);
    this.#dx = ws.alloc(t * batch * f);
    this.#recurrent = ws.alloc(t * batch * h);
    this.#inputProduct = ws.alloc(t * batch * h);
  }

  forward(x: Buf, batch: number): Buf {
    const ws = this.#ws;
    const t = this.steps,
      f = this.features;
    const { units: h, outputs: o } = this.options;
    ws.kernels.swapLeadingAxes(x, this.#x, batch, t, f);
    ws.kernels.gemmNT(this.#x, this.w.value, this.#z, t * batch, h, f, 0);
    ws.kernels.addBiasRows(this.#z, this.b.value, t * batch, this.b.value.length);
    for (let k = 0; k < t; k++) {
      const z = stepRows(this.#z, k, batch, h),
        hk = stepRows(this.#h, k, batch, h);
      const s = stepRows(this.#s, k, batch, o),
        y = stepRows(this.#y, k, batch, o);
      if (k > 0) ws.kernels.gemmNT(stepRows(this.#y, k - 1, batch, o), this.u.value, z, batch, h, o, 1);
      activateBuffers(ws, this.activation, z, hk, batch * h, h, {});
      ws.kernels.gemmNT(hk, this.v.value, s, batch, o, h, 0);
      ws.kernels.addBiasRows(s, this.c.value, batch, this.c.value.length);
      activateBuffers(ws, this.outputActivation, s, y, batch * o, o, {});
    }
    return outputOfSteps(ws, this.#y, this.#out, batch, t, o, this.options.returnSequences === true);
  }

  backward(dOut: Buf, batch: number, inputGradient: boolean): Buf {
    const ws = this.#ws;
    const t = this.steps,
      f = this.features;
    const { units: h, outputs: o } = this.options;
    outputGradientByStep(ws, dOut, this.#dy, batch, t, o, this.options.returnSequences === true);
    for (let k = t - 1; k >= 0; k--) {
      const dy = stepRows(this.#dy, k, batch, o),
        ds = stepRows(this.#ds, k, batch, o);
      const dh = stepRows(this.#dh, k, batch, h),
        dz = stepRows(this.#dz, k, batch, h);
      const s = stepRows(this.#s, k, batch, o),
        y = stepRows(this.#y, k, batch, o);
      activationGradientBuffers(ws, this.outputActivation, s, y, dy, ds, batch * o, o, {});
      ws.kernels.gemmNN(ds, this.v.value, dh, batch, h, o, 0);
      const z = stepRows(this.#z, k, batch, h),
        hk = stepRows(this.#h, k, batch, h);
      activationGradientBuffers(ws, this.activation, z, hk, dh, dz, batch * h, h, {});
      // dy_(k-1) += dz_k U, unless step k starts a truncation window (step 0 starts the first).
      if (k % this.#window !== 0)
        ws.kernels.gemmNN(dz, this.u.value, stepRows(this.#dy, k - 1, batch, o), batch, o, h, 1);
    }
    const all = t * batch;
    ws.kernels.gemmTN(this.#ds, this.#h, this.v.grad, o, h, all, 0);
    ws.kernels.sumRows(this.#ds, this.c.grad, all, this.c.grad.length);
    // The output y is what is fed back: dU = sum over k >= 1 of dz_k^T y_(k-1).
    const grads = { dz: this.#dz, x: this.#x, fedBack: this.#y, w: this.w, u: this.u, bias: this.b };
    inputAndRecurrentGradients(ws, { ...grads, dxTime: this.#dxTime, dx: this.#dx }, batch, t, h, f, o, inputGradient);
    return this.#dx;
  }

  params(): Param[] {
    return [this.w, this.u, this.b, this.v, this.c];
  }

  config() {
    const { units, outputs, returnSequences, truncate, initializer } = this.options;
    return definedFields({
      type: this.kind,
      units,
      outputs,
      activation: this.activation,
      outputActivation: this.outputActivation,
      returnSequences,
      truncate,
      initializer,
    });
  }

  describe(): string {
    const truncate = this.options.truncate ? `, truncated BPTT ${this.options.truncate}` : "";
    const sequences = this.options.returnSequences ? ", sequences" : "";
    return `${this.options.units} hidden (${this.activation}), ${this.options.outputs} fed back (${this.outputActivation})${sequences}${truncate}`;
  }

  /**
   * What the unrolled int8 export quantises besides the output, over every
   * step: the input product W x + b, the recurrent product U y_(t-1), their
   * sum z, the hidden layer h and the output layer's pre-activation s.
   */
  calibrationValues(batch: number): Record<string, Buf> {
    const ws = this.#ws;
    const t = this.steps;
    const { units: h, outputs: o } = this.options;
    const n = t * batch * h;
    ws.f32(part(this.#recurrent, 0, batch * h)).fill(0);
    if (t > 1)
      ws.kernels.gemmNT(
        this.#y,
        this.u.value,
        part(this.#recurrent, batch * h, (t - 1) * batch * h),
        (t - 1) * batch,
        h,
        o,
        0,
      );
    const z = ws.f32(part(this.#z, 0, n));
    const r = ws.f32(part(this.#recurrent, 0, n));
    const product = ws.f32(part(this.#inputProduct, 0, n));
    for (let i = 0; i < n; i++) product[i] = z[i]! - r[i]!;
    return {
      inputProduct: part(this.#inputProduct, 0, n),
      recurrentProduct: part(this.#recurrent, batch * h, Math.max(0, (t - 1) * batch * h)),
      preactivation: part(this.#z, 0, n),
      hidden: part(this.#h, 0, n),
      outputPreactivation: part(this.#s, 0, t * batch * o),
      outputs: part(this.#y, 0, t * batch * o),
    };
  }

  /** Unrolled: per step STRIDED_SLICE, FULLY_CONNECTED x2 (+ ADD), activations, FULLY_CONNECTED. */
  exportTo(e: LayerExport): void {
    exportJordan(e, {
      name: this.name,
      steps: this.steps,
      features: this.features,
      units: this.options.units,
      outputs: this.options.outputs,
      activation: this.activation,
      outputActivation: this.outputActivation,
      w: e.values(this.w),
      u: e.values(this.u),
      b: e.values(this.b),
      v: e.values(this.v),
      c: e.values(this.c),
      returnSequences: this.options.returnSequences === true,
    });
  }
}

export const jordanRnnLayer = defineLayer({
  type: "jordanRnn",
  what: "a jordanRnn layer",
  options: OPTIONS,
  build: (o) => new JordanRNN(o),
});

/** A Jordan recurrent network: hidden and output layers, the output fed back. */
export const jordanRnn = (options: JordanOptions) => jordanRnnLayer.build(options);

interface JordanExportSpec {
  name: string;
  steps: number;
  features: number;
  units: number;
  outputs: number;
  activation: "tanh" | "relu" | "sigmoid";
  outputActivation: "identity" | "tanh" | "sigmoid";
  w: Float32Array; // [H, F]
  u: Float32Array; // [H, O]
  b: Float32Array; // [H]
  v: Float32Array; // [O, H]
  c: Float32Array; // [O]
  returnSequences: boolean;
}

const ACTIVATION_OPS = {
  tanh: BuiltinOperator.TANH,
  sigmoid: BuiltinOperator.LOGISTIC,
  relu: BuiltinOperator.RELU,
};

/**
 * TFLite has no operator for the Jordan network, so it is unrolled over its T steps, each:
 *   x_t = STRIDED_SLICE(x)                    [1, F]
 *   a_t = FULLY_CONNECTED(x_t, W, b)          [1, H]
 *   z_t = ADD(a_t, FULLY_CONNECTED(y_(t-1), U))   (z_1 = a_1)
 *   h_t = TANH / LOGISTIC / RELU(z_t)
 *   y_t = FULLY_CONNECTED(h_t, V, c), then TANH / LOGISTIC unless identity
 * with the weights stored once. The output: y_T, or every y_t concatenated
 * and reshaped to [1, T, O]. int8 tensors of one kind share one calibrated
 * quantisation over all steps (the layer's calibrationValues()).
 */
function exportJordan(e: LayerExport, s: JordanExportSpec): void {
  const { steps, features: f, units: h, outputs: o, name } = s;
  const x = e.tensor;
  const xQuant = e.quant;
  const quant = (value: string) => e.quantOf(e.range(value));
  const hQuant = fixedActivationQuant(e.int8, s.activation) ?? quant("hidden");
  const yQuant =
    s.outputActivation === "identity" ? quant("outputs") : fixedActivationQuant(e.int8, s.outputActivation);
  const sQuant = s.outputActivation === "identity" ? yQuant : quant("outputPreactivation");
  const w = e.addWeights(`${name}/kernel`, [h, f], s.w, 0);
  const b = e.addBias(`${name}/bias`, s.b, w.scales, xQuant);
  const u = e.addWeights(`${name}/recurrent_kernel`, [h, o], s.u, 0);
  const v = e.addWeights(`${name}/output_kernel`, [o, h], s.v, 0);
  const c = e.addBias(`${name}/output_bias`, s.c, v.scales, hQuant);
  const fc = (tag: string, input: number, weights: number, bias: number, width: number, q: Quant) => {
    const out = e.addActivationTensor(`${name}/${tag}`, [1, width], q);
    e.addOperator({
      op: BuiltinOperator.FULLY_CONNECTED,
      inputs: [input, weights, bias],
      outputs: [out],
      options: { type: "FullyConnectedOptions" },
    });
    return out;
  };
  const activate = (tag: string, input: number, act: "tanh" | "relu" | "sigmoid", width: number, q: Quant) => {
    const out = e.addActivationTensor(`${name}/${tag}`, [1, width], q);
    e.addOperator({ op: ACTIVATION_OPS[act], inputs: [input], outputs: [out] });
    return out;
  };
  const begin = (t: number) => e.addConstant(`${name}/step_${t}/begin`, [3], Int32Array.from([0, t, 0]));
  const strides = e.addConstant(`${name}/step_strides`, [3], Int32Array.from([1, 1, 1]));
  const stepOutputs: number[] = [];
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const step = `step_${t}`;
    const xt = e.addActivationTensor(`${name}/${step}/x`, [1, f], xQuant);
    e.addOperator({
      op: BuiltinOperator.STRIDED_SLICE,
      inputs: [x, begin(t), e.addConstant(`${name}/${step}/end`, [3], Int32Array.from([1, t + 1, f])), strides],
      outputs: [xt],
      options: { type: "StridedSliceOptions", shrinkAxisMask: 0b010 },
    });
    let z = fc(`${step}/input_product`, xt, w.index, b, h, t > 0 ? quant("inputProduct") : quant("preactivation"));
    if (t > 0) {
      const r = fc(`${step}/recurrent_product`, previous, u.index, -1, h, quant("recurrentProduct"));
      const sum = e.addActivationTensor(`${name}/${step}/z`, [1, h], quant("preactivation"));
      e.addOperator({ op: BuiltinOperator.ADD, inputs: [z, r], outputs: [sum], options: { type: "AddOptions" } });
      z = sum;
    }
    const hidden = activate(`${step}/h`, z, s.activation, h, hQuant);
    let y = fc(`${step}/${s.outputActivation === "identity" ? "y" : "s"}`, hidden, v.index, c, o, sQuant);
    if (s.outputActivation !== "identity") y = activate(`${step}/y`, y, s.outputActivation, o, yQuant);
    stepOutputs.push(y);
    previous = y;
  }
  if (!s.returnSequences) {
    e.setOutput(previous, [1, o], yQuant);
    return;
  }
  const joined = e.addActivationTensor(`${name}/steps`, [1, steps * o], yQuant);
  e.addOperator({
    op: BuiltinOperator.CONCATENATION,
    inputs: stepOutputs,
    outputs: [joined],
    options: { type: "ConcatenationOptions", axis: 1 },
  });
  const shape = [1, steps, o];
  const out = e.addActivationTensor(`${name}/sequence`, shape, yQuant);
  e.addOperator({
    op: BuiltinOperator.RESHAPE,
    inputs: [joined, e.addConstant(`${name}/sequence_shape`, [3], Int32Array.from(shape))],
    outputs: [out],
    options: { type: "ReshapeOptions", newShape: shape },
  });
  e.setOutput(out, shape, yQuant);
}
