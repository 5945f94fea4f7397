// Recurrent models built with our writer: an LSTM in TFLite's 24-input layout
// (optionally with the coupled input-forget gate), float32 or integer
// (TFLite's 8x8_16 scheme), random weights, deterministic from a seed.
import {
  ModelBuilder,
  TensorType,
  BuiltinOperator,
  ActivationFunctionType,
  quantizeWeightsPerChannel,
  quantizeBias,
} from "@wasmlite/format";
import { Rng } from "./mutate.ts";
import { uniform, type BuiltModel } from "./models.ts";

export interface LstmSpec {
  batch: number;
  steps: number;
  features: number;
  cells: number;
  cifg?: boolean;
  timeMajor?: boolean;
  cellClip?: number;
  activation?: ActivationFunctionType;
  /** int8: int8 input/weights/state, int16 cell state with scale 2^cellScaleLog2 (default -11). */
  kind?: "float32" | "int8";
  cellScaleLog2?: number;
  /** int8: the zero point of the hidden state and output (default 0); the initial state is this zero point. */
  stateZeroPoint?: number;
  seed: number;
}

export function lstm(spec: LstmSpec): BuiltModel {
  const rng = new Rng(spec.seed);
  const b = new ModelBuilder();
  const int8 = spec.kind === "int8";
  const f32 = TensorType.FLOAT32;
  const values = (n: number, r: number) => Float32Array.from({ length: n }, () => uniform(rng, -r, r));
  // Integer tensors: input in [-2, 2) (asymmetric), state and output in [-1, 1] (symmetric, as TFLite's quantizer makes them).
  const inputQuant = { scale: [4 / 255], zeroPoint: [-1] };
  const stateQuant = { scale: [1 / 127], zeroPoint: [spec.stateZeroPoint ?? 0] };
  const inShape = spec.timeMajor ? [spec.steps, spec.batch, spec.features] : [spec.batch, spec.steps, spec.features];
  const x = b.addTensor({
    name: "x",
    shape: inShape,
    type: int8 ? TensorType.INT8 : f32,
    quantization: int8 ? inputQuant : undefined,
  });
  const inputs: number[] = [x];
  const gates = ["input", "forget", "cell", "output"];
  const scale = 1 / Math.sqrt(spec.features + spec.cells);
  const matrix = (name: string, rows: number, columns: number, inScale: number) => {
    const w = values(rows * columns, 2 * scale);
    if (!int8) return { index: b.addTensor({ name, shape: [rows, columns], type: f32, data: w }), scale: 1 };
    const q = quantizeWeightsPerChannel(w, 1);
    const index = b.addTensor({
      name,
      shape: [rows, columns],
      type: TensorType.INT8,
      data: q.values,
      quantization: { scale: q.scales, zeroPoint: [0] },
    });
    return { index, scale: q.scales[0]! * inScale };
  };
  const biasScales: number[] = [];
  for (const g of gates) {
    if (spec.cifg && g === "input") {
      inputs.push(-1);
      biasScales.push(0);
      continue;
    }
    const m = matrix(`${g}_w`, spec.cells, spec.features, inputQuant.scale[0]!);
    inputs.push(m.index);
    biasScales.push(m.scale);
  }
  for (const g of gates)
    inputs.push(spec.cifg && g === "input" ? -1 : matrix(`${g}_u`, spec.cells, spec.cells, stateQuant.scale[0]!).index);
  inputs.push(-1, -1, -1); // no peepholes
  gates.forEach((g, i) => {
    if (spec.cifg && g === "input") {
      inputs.push(-1);
      return;
    }
    const bias = values(spec.cells, 0.5);
    // The integer gate bias has the input product's scale (input scale x input-weight scale).
    inputs.push(
      int8
        ? b.addTensor({
            name: `${g}_b`,
            shape: [spec.cells],
            type: TensorType.INT32,
            data: quantizeBias(bias, 1, [biasScales[i]!]),
            quantization: { scale: [biasScales[i]!], zeroPoint: [0] },
          })
        : b.addTensor({ name: `${g}_b`, shape: [spec.cells], type: f32, data: bias }),
    );
  });
  inputs.push(-1, -1); // no projection
  const cellScale = 2 ** (spec.cellScaleLog2 ?? -11);
  inputs.push(
    b.addTensor({
      name: "h",
      shape: [spec.batch, spec.cells],
      type: int8 ? TensorType.INT8 : f32,
      isVariable: true,
      quantization: int8 ? stateQuant : undefined,
    }),
  );
  inputs.push(
    b.addTensor({
      name: "c",
      shape: [spec.batch, spec.cells],
      type: int8 ? TensorType.INT16 : f32,
      isVariable: true,
      quantization: int8 ? { scale: [cellScale], zeroPoint: [0] } : undefined,
    }),
  );
  inputs.push(-1, -1, -1, -1); // no layer norm
  const outShape = spec.timeMajor ? [spec.steps, spec.batch, spec.cells] : [spec.batch, spec.steps, spec.cells];
  const y = b.addTensor({
    name: "y",
    shape: outShape,
    type: int8 ? TensorType.INT8 : f32,
    quantization: int8 ? stateQuant : undefined,
  });
  // The integer kernel reads the hidden state's scale from the 5th intermediate
  // (the first four matter only with layer norm).
  const intermediates = int8
    ? [
        ...gates.map((g) => b.addTensor({ name: `${g}_intermediate`, shape: [0], type: f32 })),
        b.addTensor({
          name: "hidden_intermediate",
          shape: [0],
          type: TensorType.INT8,
          quantization: { scale: stateQuant.scale, zeroPoint: [0] },
        }),
      ]
    : undefined;
  b.addOperator({
    op: BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM,
    inputs,
    outputs: [y],
    intermediates,
    options: {
      type: "UnidirectionalSequenceLSTMOptions",
      activation: spec.activation ?? ActivationFunctionType.TANH,
      cellClip: spec.cellClip,
      timeMajor: spec.timeMajor,
    },
  });
  b.setInputs([x]);
  b.setOutputs([y]);
  const name = `LSTM ${int8 ? "int8" : "float32"} batch ${spec.batch} steps ${spec.steps} features ${spec.features} cells ${spec.cells}${spec.cifg ? " CIFG" : ""}${spec.timeMajor ? " time-major" : ""}${spec.cellClip ? ` clip ${spec.cellClip}` : ""}${spec.stateZeroPoint ? ` state zero point ${spec.stateZeroPoint}` : ""}`;
  return {
    name,
    bytes: b.finish(),
    inputs: [{ elements: spec.batch * spec.steps * spec.features, kind: int8 ? "int8" : "float32" }],
  };
}

export interface RnnSpec {
  batch: number;
  steps: number;
  features: number;
  units: number;
  timeMajor?: boolean;
  activation?: ActivationFunctionType;
  /** int8: TFLite's hybrid RNN (int8 weights; float input, bias, state, output). */
  kind?: "float32" | "int8";
  asymmetricQuantizeInputs?: boolean;
  seed: number;
}

/** UNIDIRECTIONAL_SEQUENCE_RNN: h_t = act(W x_t + U h_(t-1) + b). */
export function rnn(spec: RnnSpec): BuiltModel {
  const rng = new Rng(spec.seed);
  const b = new ModelBuilder();
  const f32 = TensorType.FLOAT32;
  const hybrid = spec.kind === "int8";
  const values = (n: number, r: number) => Float32Array.from({ length: n }, () => uniform(rng, -r, r));
  const inShape = spec.timeMajor ? [spec.steps, spec.batch, spec.features] : [spec.batch, spec.steps, spec.features];
  const x = b.addTensor({ name: "x", shape: inShape, type: f32 });
  const scale = 1 / Math.sqrt(spec.features + spec.units);
  const matrix = (name: string, rows: number, columns: number) => {
    const w = values(rows * columns, 2 * scale);
    if (!hybrid) return b.addTensor({ name, shape: [rows, columns], type: f32, data: w });
    const q = quantizeWeightsPerChannel(w, 1);
    return b.addTensor({
      name,
      shape: [rows, columns],
      type: TensorType.INT8,
      data: q.values,
      quantization: { scale: q.scales, zeroPoint: [0] },
    });
  };
  const w = matrix("W", spec.units, spec.features);
  const u = matrix("U", spec.units, spec.units);
  const bias = b.addTensor({ name: "b", shape: [spec.units], type: f32, data: values(spec.units, 0.5) });
  const h = b.addTensor({ name: "h", shape: [spec.batch, spec.units], type: f32, isVariable: true });
  const outShape = spec.timeMajor ? [spec.steps, spec.batch, spec.units] : [spec.batch, spec.steps, spec.units];
  const y = b.addTensor({ name: "y", shape: outShape, type: f32 });
  const activation = spec.activation ?? ActivationFunctionType.TANH;
  b.addOperator({
    op: BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN,
    inputs: [x, w, u, bias, h],
    outputs: [y],
    options: {
      type: "SequenceRNNOptions",
      activation,
      timeMajor: spec.timeMajor,
      asymmetricQuantizeInputs: spec.asymmetricQuantizeInputs,
    },
  });
  b.setInputs([x]);
  b.setOutputs([y]);
  const name = `RNN ${hybrid ? `hybrid int8${spec.asymmetricQuantizeInputs ? " (asymmetric inputs)" : ""}` : "float32"} ${ActivationFunctionType[activation]} batch ${spec.batch} steps ${spec.steps} features ${spec.features} units ${spec.units}${spec.timeMajor ? " time-major" : ""}`;
  return { name, bytes: b.finish(), inputs: [{ elements: spec.batch * spec.steps * spec.features, kind: "float32" }] };
}
