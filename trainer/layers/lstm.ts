// LSTM: the long short-term memory cell (Hochreiter & Schmidhuber 1997, with
// the forget gate of Gers, Schmidhuber & Cummins 2000) run over a sequence
// x_1..x_T of F features, with h_0 = 0 and C_0 = 0:
//   u_t = sigmoid(I^u x_t + W^u h_(t-1) + b^u)     update gate
//   f_t = sigmoid(I^f x_t + W^f h_(t-1) + b^f)     forget gate
//   C~_t = tanh(I^c x_t + W^c h_(t-1) + b^c)       cell candidate
//   o_t = sigmoid(I^o x_t + W^o h_(t-1) + b^o)     output gate
//   C_t = f_t C_(t-1) + u_t C~_t,   h_t = o_t tanh(C_t)
// The four gates' weights are stacked in that order: the input kernel
// [4H, F], the recurrent kernel [4H, H] and the bias [4H], so every step's
// four gates are one matrix product (I and W above, one row block each).
// The output is h_1..h_T ([T, H], returnSequences) or h_T ([H]).
// Backpropagation through time, from the last step back (kernels/lstm.ts
// writes the per-cell part):
//   dh_t = dy_t + dz_(t+1) W        dC_t = dC_(t+1) f_(t+1) + dh_t o_t (1 - tanh^2 C_t)
//   dz_t = the four gates' pre-activation gradients from dh_t and dC_t
//   dI = sum_t dz_t^T x_t,  dW = sum_t dz_t^T h_(t-1),  db = sum_t dz_t,  dx_t = dz_t I
// Truncated BPTT (`truncate: k`) cuts both the hidden and the cell gradient
// at the start of each window of k steps; the state itself flows on.
// Internally time-major ([T, B, .]), as SimpleRNN. Exported as
// UNIDIRECTIONAL_SEQUENCE_LSTM: float32, or TFLite's integer LSTM (int8
// weights and hidden state, int16 cell state, scales from calibration).
import { part, type Workspace, type Buf } from "../workspace.ts";
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
import { initialize } from "../initializers.ts";
import type { LayerExport } from "../export/layer-export.ts";
import { BuiltinOperator, ActivationFunctionType, TensorType, type QuantizationSpec } from "@wasmlite/format";

const OPTIONS = {
  // The forget gate's bias starts at 1, so the cell keeps its state early in
  // training instead of forgetting half of it every step.
  unitForgetBias: z.boolean().optional().meta({ description: "start the forget gate's bias at 1 (default true)" }),
  ...recurrentFields,
};
export type LstmOptions = LayerOptions<typeof OPTIONS>;

export class LSTM implements Layer {
  readonly kind = "lstm";
  name = "lstm";
  outputShape: number[] = [];
  readonly options: CheckedOptions<typeof OPTIONS>;
  readonly units: number;
  steps = 0;
  features = 0;
  w!: Param; // input kernel [4H, F]
  u!: Param; // recurrent kernel [4H, H]
  b!: Param; // [4H]
  #ws!: Workspace;
  #window = 0;
  #x!: Buf; // time-major input [T, B, F]
  #gates!: Buf; // [T, B, 4H]: pre-activations, then (in place) the gates
  #c!: Buf; // [T, B, H]
  #tanhC!: Buf; // [T, B, H]
  #h!: Buf; // [T, B, H]
  #y!: Buf; // batch-major output [B, T, H]
  #dh!: Buf; // [T, B, H]
  #dc!: Buf; // [B, H]: the cell gradient carried one step back
  #dz!: Buf; // [T, B, 4H]
  #dxTime!: Buf; // [T, B, F]
  #dx!: Buf; // [B, T, F]

  /** Options checked by lstmLayer (below): build layers with lstm() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
    this.units = options.units;
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
    const param = (name: string, shape: number[], regularized: boolean): Param => {
      const n = shape.reduce((a, b) => a * b, 1);
      return { name: `${this.name}/${name}`, value: ws.alloc(n), grad: ws.alloc(n), shape, regularized };
    };
    this.w = param("kernel", [4 * h, f], true);
    this.u = param("recurrent_kernel", [4 * h, h], true);
    this.b = param("bias", [4 * h], false);
    // Fan-out counts the four gates, as for one dense layer of 4H units.
    const initializer = this.options.initializer ?? "glorotUniform";
    initialize(initializer, ws.f32(this.w.value), f, 4 * h, rng);
    initialize(initializer, ws.f32(this.u.value), h, 4 * h, rng);
    if (this.options.unitForgetBias ?? true) ws.f32(this.b.value).fill(1, h, 2 * h);
  }

  allocate(ws: Workspace, batch: number): void {
    const t = this.steps,
      h = this.units,
      f = this.features;
    this.#x = ws.alloc(t * batch * f);
    this.#gates = ws.alloc(t * batch * 4 * h);
    this.#c = ws.alloc(t * batch * h);
    this.#tanhC = ws.alloc(t * batch * h);
    this.#h = ws.alloc(t * batch * h);
    this.#y = ws.alloc(t * batch * h);
    this.#dh = ws.alloc(t * batch * h);
    this.#dc = ws.alloc(batch * h);
    this.#dz = ws.alloc(t * batch * 4 * h);
    this.#dxTime = ws.alloc(t * batch * f);
    this.#dx = ws.alloc(t * batch * f);
  }

  /** Step s's [B, width] rows of a time-major buffer (width: H unless given). */
  #at(buf: Buf, s: number, batch: number, width = this.units): Buf {
    return stepRows(buf, s, batch, width);
  }

  forward(x: Buf, batch: number): Buf {
    const ws = this.#ws;
    const t = this.steps,
      h = this.units,
      f = this.features;
    ws.kernels.swapLeadingAxes(x, this.#x, batch, t, f);
    // Every step's input products and biases at once, then the recurrent product step by step.
    ws.kernels.gemmNT(this.#x, this.w.value, this.#gates, t * batch, 4 * h, f, 0);
    ws.kernels.addBiasRows(this.#gates, this.b.value, t * batch, this.b.value.length);
    for (let s = 0; s < t; s++) {
      const z = this.#at(this.#gates, s, batch, 4 * h);
      const previous = s > 0 ? this.#at(this.#c, s - 1, batch) : null;
      if (s > 0) ws.kernels.gemmNT(this.#at(this.#h, s - 1, batch), this.u.value, z, batch, 4 * h, h, 1);
      ws.kernels.lstmStepForward(
        z,
        previous,
        this.#at(this.#c, s, batch),
        this.#at(this.#tanhC, s, batch),
        this.#at(this.#h, s, batch),
        batch,
        h,
      );
    }
    return outputOfSteps(ws, this.#h, this.#y, batch, t, h, this.options.returnSequences === true);
  }

  backward(dy: Buf, batch: number, inputGradient: boolean): Buf {
    const ws = this.#ws;
    const t = this.steps,
      h = this.units,
      f = this.features;
    outputGradientByStep(ws, dy, this.#dh, batch, t, h, this.options.returnSequences === true);
    const dc = part(this.#dc, 0, batch * h);
    ws.f32(dc).fill(0);
    for (let s = t - 1; s >= 0; s--) {
      const dz = this.#at(this.#dz, s, batch, 4 * h);
      ws.kernels.lstmStepBackward(
        this.#at(this.#gates, s, batch, 4 * h),
        s > 0 ? this.#at(this.#c, s - 1, batch) : null,
        this.#at(this.#tanhC, s, batch),
        this.#at(this.#dh, s, batch),
        dc,
        dz,
        batch,
        h,
      );
      // Into step s - 1 through the recurrent kernel and the cell, unless step s starts a window (0 does).
      if (s % this.#window !== 0)
        ws.kernels.gemmNN(dz, this.u.value, this.#at(this.#dh, s - 1, batch), batch, h, 4 * h, 1);
      else ws.f32(dc).fill(0);
    }
    // The four gates are the 4H rows of W and U; h is what is fed back.
    const grads = { dz: this.#dz, x: this.#x, fedBack: this.#h, w: this.w, u: this.u, bias: this.b };
    inputAndRecurrentGradients(
      ws,
      { ...grads, dxTime: this.#dxTime, dx: this.#dx },
      batch,
      t,
      4 * h,
      f,
      h,
      inputGradient,
    );
    return this.#dx;
  }

  params(): Param[] {
    return [this.w, this.u, this.b];
  }

  config() {
    const { units, returnSequences, truncate, initializer, unitForgetBias } = this.options;
    return definedFields({ type: this.kind, units, returnSequences, truncate, initializer, unitForgetBias });
  }

  describe(): string {
    const truncate = this.options.truncate ? `, truncated BPTT ${this.options.truncate}` : "";
    return `${this.units} units${this.options.returnSequences ? ", sequences" : ""}${truncate}`;
  }

  /** The integer export's cell and hidden state scales come from every step's values. */
  calibrationValues(batch: number): Record<string, Buf> {
    const n = this.steps * batch * this.units;
    return { cell: part(this.#c, 0, n), hidden: part(this.#h, 0, n) };
  }

  /** UNIDIRECTIONAL_SEQUENCE_LSTM; the last step by STRIDED_SLICE unless returnSequences. */
  exportTo(e: LayerExport): void {
    exportLstm(e, {
      name: this.name,
      steps: this.steps,
      features: this.features,
      units: this.units,
      w: e.values(this.w),
      u: e.values(this.u),
      b: e.values(this.b),
      returnSequences: this.options.returnSequences === true,
    });
  }
}

export const lstmLayer = defineLayer({
  type: "lstm",
  what: "an lstm layer",
  options: OPTIONS,
  build: (o) => new LSTM(o),
});

/** A long short-term memory layer. */
export const lstm = (options: LstmOptions) => lstmLayer.build(options);

interface LstmExportSpec {
  name: string;
  steps: number;
  features: number;
  units: number;
  /** The gates stacked [update, forget, candidate, output]: input kernel [4H, F], recurrent [4H, H], bias [4H]. */
  w: Float32Array;
  u: Float32Array;
  b: Float32Array;
  returnSequences: boolean;
}

const LSTM_GATES = ["input", "forget", "cell", "output"];

/**
 * The cell state's int16 scale in the integer LSTM: a power of two, 2^k with
 * k in -15..-9 (the formats TFLite's tanh reads), the smallest whose int16
 * range holds the calibrated cell values (beyond 64 they saturate).
 */
export function cellStateScaleLog2(cell: { min: number; max: number } | undefined): number {
  const bits = Math.ceil(Math.log2(absMax(cell))); // -Infinity for a cell always 0, which the clamp makes 0
  return Math.min(Math.max(bits, 0), 6) - 15;
}

/** The largest magnitude a calibrated range holds (0 for none). */
function absMax(range: { min: number; max: number } | undefined): number {
  return range ? Math.max(-range.min, range.max) : 0;
}

/**
 * LSTM -> UNIDIRECTIONAL_SEQUENCE_LSTM in TFLite's 24-input layout (one
 * weight matrix and bias per gate; no peepholes, projection or layer norm),
 * batch-major, state in variable tensors. int8 files use TFLite's integer
 * LSTM ("8x8_16"): int8 input, per-tensor symmetric int8 weights, int32 gate
 * biases at input scale x weight scale, an int8 hidden state symmetric over
 * its calibrated range (the output shares it), an int16 cell state at a
 * power-of-two scale covering its calibrated range, and the five
 * intermediates the kernel reads (the fifth: the hidden state's scale).
 */
function exportLstm(e: LayerExport, s: LstmExportSpec): void {
  const h = s.units,
    f = s.features;
  const int8 = e.int8;
  const stateQuant = int8 ? symmetricInt8(e.range("hidden")) : undefined;
  const inputs: number[] = [e.tensor];
  const inputScales: number[] = [];
  LSTM_GATES.forEach((gate, g) => {
    const weights = e.addWeights(`${s.name}/${gate}_kernel`, [h, f], s.w.subarray(g * h * f, (g + 1) * h * f), null);
    inputs.push(weights.index);
    inputScales.push(weights.scales[0] ?? 1);
  });
  LSTM_GATES.forEach((gate, g) =>
    inputs.push(
      e.addWeights(`${s.name}/${gate}_recurrent_kernel`, [h, h], s.u.subarray(g * h * h, (g + 1) * h * h), null).index,
    ),
  );
  inputs.push(-1, -1, -1); // no peepholes
  // The integer gate bias has the input product's scale (input scale x input weight scale).
  LSTM_GATES.forEach((gate, g) =>
    inputs.push(e.addBias(`${s.name}/${gate}_bias`, s.b.slice(g * h, (g + 1) * h), [inputScales[g]!])),
  );
  inputs.push(-1, -1); // no projection
  const cellScale = 2 ** cellStateScaleLog2(e.range("cell"));
  inputs.push(
    e.builder.addTensor({
      name: `${s.name}/hidden_state`,
      shape: [1, h],
      type: e.activationType,
      isVariable: true,
      quantization: stateQuant,
    }),
    e.builder.addTensor({
      name: `${s.name}/cell_state`,
      shape: [1, h],
      type: int8 ? TensorType.INT16 : TensorType.FLOAT32,
      isVariable: true,
      quantization: int8 ? { scale: [cellScale], zeroPoint: [0] } : undefined,
    }),
  );
  inputs.push(-1, -1, -1, -1); // no layer norm
  const shape = [1, s.steps, h];
  const sequence = e.addActivationTensor(`${s.name}/sequence`, shape, stateQuant);
  // The first four intermediates matter only with layer norm; TFLite still expects them.
  const intermediates = int8
    ? [
        ...LSTM_GATES.map((gate) =>
          e.builder.addTensor({ name: `${s.name}/${gate}_intermediate`, shape: [0], type: TensorType.FLOAT32 }),
        ),
        e.builder.addTensor({
          name: `${s.name}/hidden_intermediate`,
          shape: [0],
          type: TensorType.INT8,
          quantization: stateQuant,
        }),
      ]
    : undefined;
  e.addOperator({
    op: BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM,
    inputs,
    outputs: [sequence],
    intermediates,
    options: { type: "UnidirectionalSequenceLSTMOptions", activation: ActivationFunctionType.TANH },
  });
  if (s.returnSequences) e.setOutput(sequence, shape, stateQuant);
  else e.setOutput(addLastStep(e, s.name, sequence, h, e.activationType, stateQuant), [1, h], stateQuant);
}

/** Symmetric int8 parameters (zero point 0) over a calibrated range; the integer LSTM's hidden state needs them. */
function symmetricInt8(range: { min: number; max: number } | undefined): QuantizationSpec {
  const largest = absMax(range);
  return { scale: [Math.fround((largest > 0 ? largest : 1) / 127)], zeroPoint: [0] };
}
