// How recurrent layers become TFLite operators.
//
// SimpleRNN -> UNIDIRECTIONAL_SEQUENCE_RNN (batch-major, the hidden state a
// variable tensor the runtime resets between samples), followed, when only
// the last step is wanted, by STRIDED_SLICE as TensorFlow's converter writes
// it: begin [0, -1, 0], end [0, 0, 0], strides 1, begin and end masks on the
// batch and feature axes, the time axis shrunk.
// int8 files: TFLite has no integer RNN but the "hybrid" one (int8 weights,
// float input, state and output), so the operator is wrapped: DEQUANTIZE
// before it (when its input is int8) and QUANTIZE after it, at the layer's
// calibrated output range.
// LSTM -> UNIDIRECTIONAL_SEQUENCE_LSTM (float32, or TFLite's integer LSTM in
// int8 files), the last step by the same STRIDED_SLICE.
// Jordan network: TFLite has no operator for it, so its steps are unrolled.
import { BuiltinOperator, ActivationFunctionType, TensorType, type QuantizationSpec } from "@wasmlite/format";
import { fixedActivationQuant, type LayerExport, type Quant } from "./layer-export.ts";

export interface SequenceRnnSpec {
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

/** The last step of a [1, T, H] sequence: STRIDED_SLICE to [1, H]. */
export function addLastStep(
  e: LayerExport,
  name: string,
  sequence: number,
  units: number,
  type: TensorType,
  quantization?: QuantizationSpec,
): number {
  const shape = [1, units];
  const out = e.builder.addTensor({ name: `${name}/last_step`, shape, type, quantization });
  e.addOperator({
    op: BuiltinOperator.STRIDED_SLICE,
    inputs: [
      sequence,
      e.addConstant(`${name}/last_step/begin`, [3], Int32Array.from([0, -1, 0])),
      e.addConstant(`${name}/last_step/end`, [3], Int32Array.from([0, 0, 0])),
      e.addConstant(`${name}/last_step/strides`, [3], Int32Array.from([1, 1, 1])),
    ],
    outputs: [out],
    options: { type: "StridedSliceOptions", beginMask: 0b101, endMask: 0b101, shrinkAxisMask: 0b010 },
  });
  return out;
}

export function exportSequenceRnn(e: LayerExport, s: SequenceRnnSpec): void {
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

export interface LstmExportSpec {
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
export function cellStateScaleLog2(absMax: number): number {
  const bits = absMax > 0 ? Math.ceil(Math.log2(absMax)) : 0;
  return Math.min(Math.max(bits, 0), 6) - 15;
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
export function exportLstm(e: LayerExport, s: LstmExportSpec): void {
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
  const cell = e.range("cell");
  const cellScale = 2 ** cellStateScaleLog2(cell ? Math.max(-cell.min, cell.max) : 0);
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
  const absMax = range ? Math.max(-range.min, range.max) : 0;
  return { scale: [Math.fround((absMax > 0 ? absMax : 1) / 127)], zeroPoint: [0] };
}

export interface JordanExportSpec {
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
 * The Jordan network unrolled over its T steps, each:
 *   x_t = STRIDED_SLICE(x)                    [1, F]
 *   a_t = FULLY_CONNECTED(x_t, W, b)          [1, H]
 *   z_t = ADD(a_t, FULLY_CONNECTED(y_(t-1), U))   (z_1 = a_1)
 *   h_t = TANH / LOGISTIC / RELU(z_t)
 *   y_t = FULLY_CONNECTED(h_t, V, c), then TANH / LOGISTIC unless identity
 * with the weights stored once. The output: y_T, or every y_t concatenated
 * and reshaped to [1, T, O]. int8 tensors of one kind share one calibrated
 * quantisation over all steps (the layer's calibrationValues()).
 */
export function exportJordan(e: LayerExport, s: JordanExportSpec): void {
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
