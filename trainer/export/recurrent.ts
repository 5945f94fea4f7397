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
import { BuiltinOperator, ActivationFunctionType, TensorType } from "../../format/index.ts";
import type { LayerExport } from "./layer-export.ts";

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
export function addLastStep(e: LayerExport, name: string, sequence: number, units: number, type: TensorType): number {
  const shape = [1, units];
  const out = e.builder.addTensor({ name: `${name}/last_step`, shape, type });
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
