// Export a trained Sequential as a .tflite file, float32 or int8, with our
// format writer. Layer by layer:
//   flatten           RESHAPE to [1, n]
//   dense             FULLY_CONNECTED (weights [units, inputs]) with RELU /
//                     RELU6-free fused activation when it is ReLU, else a
//                     separate LOGISTIC / TANH / SOFTMAX / LEAKY_RELU after it
//   activation        the same separate operators
//   prelu             PRELU (alphas as a constant)
//   dropout           nothing (inference is the identity)
//   hardThreshold     refused: TFLite has no such operator
// int8 is TFLite's post-training scheme: weights symmetric per output
// channel, int32 biases at input scale x weight scale, activations
// asymmetric per tensor from ranges calibrated on a calibration set, int8
// input and output; LOGISTIC/SOFTMAX outputs at 1/256 (zero point -128) and
// TANH at 1/128, as TFLite requires.
// Input normalisation: a float32 file folds it into the next dense layer;
// an int8 file takes float input and normalises before a QUANTIZE (SUB, MUL).
import { ModelBuilder, TensorType, BuiltinOperator, ActivationFunctionType, quantizeWeightsPerChannel, quantizeBias, chooseQuantParams } from "../../format/index.ts";
import type { Sequential } from "../model.ts";
import type { Layer } from "../layers/layer.ts";
import { elements } from "../layers/layer.ts";
import { Dense } from "../layers/dense.ts";
import { Activation } from "../layers/activation.ts";
import { PRelu } from "../layers/prelu.ts";
import { Dropout } from "../layers/dropout.ts";
import { Flatten } from "../layers/flatten.ts";
import { Normalization } from "../layers/normalization.ts";
import type { ActivationName, ActivationOptions } from "../activations.ts";
import { calibrate, type Ranges } from "./calibrate.ts";
import type { Dataset } from "../data/dataset.ts";

export interface ExportOptions {
  kind: "float32" | "int8";
  /** int8: samples whose activation ranges set the scales (a few hundred are enough). */
  calibration?: Dataset;
  /** Stored as the "wasmlite" metadata entry: labels, preprocessing, provenance. */
  metadata?: Record<string, unknown>;
}

type Quant = { scale: number[]; zeroPoint: number[] } | undefined;

/**
 * Why `model` cannot be exported (one line per layer), or nothing: checked
 * before training, so a run never ends in an export that was never possible.
 */
export function exportProblems(model: Sequential): string[] {
  return model.layers.flatMap((layer) => {
    const activation = layer instanceof Dense || layer instanceof Activation ? layer.activation : undefined;
    return activation === "hardThreshold"
      ? [`${layer.name}: the hard threshold activation cannot be exported (TFLite has no such operator); use sigmoid or tanh`]
      : [];
  });
}

export function exportTflite(model: Sequential, options: ExportOptions): Uint8Array {
  const int8 = options.kind === "int8";
  let ranges: Ranges | undefined;
  if (int8) {
    if (!options.calibration) throw new Error("int8 export needs a calibration set");
    ranges = calibrate(model, options.calibration);
  }
  const b = new ModelBuilder();
  const f32 = TensorType.FLOAT32;
  const act = int8 ? TensorType.INT8 : f32;
  const quantOf = (range: { min: number; max: number }): Quant => {
    if (!int8) return undefined;
    const q = chooseQuantParams(range.min, range.max, "int8");
    return { scale: [q.scale], zeroPoint: [q.zeroPoint] };
  };
  const fixedQuant = (name: ActivationName): Quant => {
    if (!int8) return undefined;
    if (name === "sigmoid" || name === "softmax") return { scale: [1 / 256], zeroPoint: [-128] };
    if (name === "tanh") return { scale: [1 / 128], zeroPoint: [0] };
    return undefined;
  };

  let shape = [1, ...model.inputShape];
  // int8 files take int8 input, except behind a normalisation layer (see below).
  const floatInput = int8 && model.layers[0] instanceof Normalization;
  let quant = floatInput ? undefined : quantOf(ranges?.input ?? { min: 0, max: 0 });
  let tensor = b.addTensor({ name: "input", shape, type: floatInput ? f32 : act, quantization: quant });
  const input = tensor;

  /** Adds a standalone activation operator after `tensor`. */
  const addActivation = (layerName: string, name: ActivationName, o: ActivationOptions, range: { min: number; max: number } | undefined) => {
    if (name === "identity") return;
    if (name === "hardThreshold") throw new Error(`${layerName}: the hard threshold activation cannot be exported (TFLite has no such operator); train with sigmoid or tanh instead`);
    const outQuant = fixedQuant(name) ?? (range ? quantOf(range) : undefined);
    const out = b.addTensor({ name: `${layerName}/${name}`, shape, type: act, quantization: outQuant });
    const op = { sigmoid: BuiltinOperator.LOGISTIC, tanh: BuiltinOperator.TANH, relu: BuiltinOperator.RELU, leakyRelu: BuiltinOperator.LEAKY_RELU, softmax: BuiltinOperator.SOFTMAX }[name];
    const opts = name === "softmax" ? { type: "SoftmaxOptions" as const, beta: 1 } : name === "leakyRelu" ? { type: "LeakyReluOptions" as const, alpha: o.alpha ?? 0.01 } : undefined;
    b.addOperator({ op, inputs: [tensor], outputs: [out], options: opts });
    tensor = out;
    quant = outQuant;
  };

  // A normalisation layer is folded into the next dense layer's weights and bias.
  let fold: Normalization | undefined;
  model.layers.forEach((layer: Layer, li) => {
    const r = ranges?.layers[li];
    if (layer instanceof Dropout) return;
    if (layer instanceof Normalization && int8) {
      // int8: one input scale cannot cover features of different ranges, so
      // the file takes float input, normalises it in float (SUB, MUL) and
      // quantises the normalised values.
      if (li !== 0) throw new Error(`${layer.name}: normalisation must be the first layer to export`);
      const features = [...model.inputShape];
      const mean = b.addTensor({ name: `${layer.name}/mean`, shape: features, type: f32, data: layer.mean });
      const inv = b.addTensor({ name: `${layer.name}/inverse_std`, shape: features, type: f32, data: Float32Array.from(layer.std, (v) => 1 / v) });
      const centred = b.addTensor({ name: `${layer.name}/centred`, shape, type: f32 });
      b.addOperator({ op: BuiltinOperator.SUB, inputs: [tensor, mean], outputs: [centred], options: { type: "SubOptions" } });
      const scaled = b.addTensor({ name: `${layer.name}/scaled`, shape, type: f32 });
      b.addOperator({ op: BuiltinOperator.MUL, inputs: [centred, inv], outputs: [scaled], options: { type: "MulOptions" } });
      quant = quantOf(r!.output);
      const quantized = b.addTensor({ name: layer.name, shape, type: act, quantization: quant });
      b.addOperator({ op: BuiltinOperator.QUANTIZE, inputs: [scaled], outputs: [quantized] });
      tensor = quantized;
      return;
    }
    if (layer instanceof Normalization) {
      const next = model.layers.slice(li + 1).find((l) => !(l instanceof Flatten || l instanceof Dropout));
      if (!(next instanceof Dense)) throw new Error(`${layer.name}: normalisation is exported folded into the dense layer after it, and ${next ? next.name : "nothing"} follows`);
      fold = layer;
      return;
    }
    if (layer instanceof Flatten) {
      shape = [1, elements(layer.outputShape)];
      const newShape = b.addTensor({ name: `${layer.name}/shape`, shape: [2], type: TensorType.INT32, data: Int32Array.from(shape) });
      const out = b.addTensor({ name: layer.name, shape, type: act, quantization: quant });
      b.addOperator({ op: BuiltinOperator.RESHAPE, inputs: [tensor, newShape], outputs: [out], options: { type: "ReshapeOptions", newShape: shape } });
      tensor = out;
      return;
    }
    if (layer instanceof Dense) {
      const ws = model.ws;
      const w = Float32Array.from(ws.f32(layer.w.value));
      const bias = Float32Array.from(ws.f32(layer.b.value));
      if (fold) {
        // W (x - m) / s + b = (W / s) x + (b - (W / s) m), per input column.
        for (let o = 0; o < layer.units; o++) {
          let shift = 0;
          for (let i = 0; i < layer.inputs; i++) {
            const k = o * layer.inputs + i;
            w[k] = w[k]! / fold.std[i]!;
            shift += w[k]! * fold.mean[i]!;
          }
          bias[o] = bias[o]! - shift;
        }
        fold = undefined;
      }
      shape = [1, layer.units];
      const fusedRelu = layer.activation === "relu";
      // The FC's output: after a fused ReLU, or the pre-activation.
      const outRange = fusedRelu ? r?.output : r?.preactivation;
      const outQuant = layer.activation === "identity" || fusedRelu ? quantOf(r?.output ?? { min: 0, max: 0 }) : quantOf(outRange ?? { min: 0, max: 0 });
      let wIdx: number, bIdx: number;
      if (int8) {
        const q = quantizeWeightsPerChannel(w, layer.units);
        wIdx = b.addTensor({ name: `${layer.name}/kernel`, shape: [layer.units, layer.inputs], type: TensorType.INT8, data: q.values, quantization: { scale: q.scales, zeroPoint: q.scales.map(() => 0), quantizedDimension: 0 } });
        const inScale = quant!.scale[0]!;
        const biasScales = q.scales.map((s) => Math.fround(inScale * s));
        bIdx = b.addTensor({ name: `${layer.name}/bias`, shape: [layer.units], type: TensorType.INT32, data: quantizeBias(bias, inScale, q.scales), quantization: { scale: biasScales, zeroPoint: biasScales.map(() => 0) } });
      } else {
        wIdx = b.addTensor({ name: `${layer.name}/kernel`, shape: [layer.units, layer.inputs], type: f32, data: w });
        bIdx = b.addTensor({ name: `${layer.name}/bias`, shape: [layer.units], type: f32, data: bias });
      }
      const out = b.addTensor({ name: layer.name, shape, type: act, quantization: outQuant });
      b.addOperator({
        op: BuiltinOperator.FULLY_CONNECTED, inputs: [tensor, wIdx, bIdx], outputs: [out],
        options: { type: "FullyConnectedOptions", activation: fusedRelu ? ActivationFunctionType.RELU : ActivationFunctionType.NONE },
      });
      tensor = out;
      quant = outQuant;
      if (!fusedRelu) addActivation(layer.name, layer.activation, layer.options, r?.output);
      return;
    }
    if (layer instanceof Activation) {
      addActivation(layer.name, layer.activation, layer.options, r?.output);
      return;
    }
    if (layer instanceof PRelu) {
      const alpha = Float32Array.from(model.ws.f32(layer.alpha.value));
      let aIdx: number;
      if (int8) {
        const q = quantizeWeightsPerChannel(alpha, 1);
        aIdx = b.addTensor({ name: `${layer.name}/alpha`, shape: [elements(layer.outputShape)], type: TensorType.INT8, data: q.values, quantization: { scale: q.scales, zeroPoint: [0] } });
      } else {
        aIdx = b.addTensor({ name: `${layer.name}/alpha`, shape: [elements(layer.outputShape)], type: f32, data: alpha });
      }
      const outQuant = quantOf(r?.output ?? { min: 0, max: 0 });
      const out = b.addTensor({ name: layer.name, shape, type: act, quantization: outQuant });
      b.addOperator({ op: BuiltinOperator.PRELU, inputs: [tensor, aIdx], outputs: [out] });
      tensor = out;
      quant = outQuant;
      return;
    }
    throw new Error(`${layer.name}: layer kind '${layer.kind}' cannot be exported yet`);
  });
  b.setInputs([input]);
  b.setOutputs([tensor]);
  if (options.metadata) b.addMetadata("wasmlite", options.metadata);
  return b.finish();
}
