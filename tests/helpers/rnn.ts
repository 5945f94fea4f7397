// Recurrent models built with our writer: a float32 LSTM in TFLite's
// 24-input layout (optionally with the coupled input-forget gate), random
// weights, deterministic from a seed.
import { ModelBuilder, TensorType, BuiltinOperator, ActivationFunctionType } from "../../format/index.ts";
import { Rng } from "./mutate.ts";
import { uniform, type BuiltModel } from "./models.ts";

export function lstm(spec: { batch: number; steps: number; features: number; cells: number; cifg?: boolean; timeMajor?: boolean; cellClip?: number; seed: number }): BuiltModel {
  const rng = new Rng(spec.seed);
  const b = new ModelBuilder();
  const f32 = TensorType.FLOAT32;
  const values = (n: number, r: number) => Float32Array.from({ length: n }, () => uniform(rng, -r, r));
  const inShape = spec.timeMajor ? [spec.steps, spec.batch, spec.features] : [spec.batch, spec.steps, spec.features];
  const x = b.addTensor({ name: "x", shape: inShape, type: f32 });
  const inputs: number[] = [x];
  const gates = ["input", "forget", "cell", "output"];
  const scale = 1 / Math.sqrt(spec.features + spec.cells);
  for (const g of gates) inputs.push(spec.cifg && g === "input" ? -1 : b.addTensor({ name: `${g}_w`, shape: [spec.cells, spec.features], type: f32, data: values(spec.cells * spec.features, 2 * scale) }));
  for (const g of gates) inputs.push(spec.cifg && g === "input" ? -1 : b.addTensor({ name: `${g}_u`, shape: [spec.cells, spec.cells], type: f32, data: values(spec.cells * spec.cells, 2 * scale) }));
  inputs.push(-1, -1, -1); // no peepholes
  for (const g of gates) inputs.push(spec.cifg && g === "input" ? -1 : b.addTensor({ name: `${g}_b`, shape: [spec.cells], type: f32, data: values(spec.cells, 0.5) }));
  inputs.push(-1, -1); // no projection
  inputs.push(b.addTensor({ name: "h", shape: [spec.batch, spec.cells], type: f32, isVariable: true }));
  inputs.push(b.addTensor({ name: "c", shape: [spec.batch, spec.cells], type: f32, isVariable: true }));
  inputs.push(-1, -1, -1, -1); // no layer norm
  const outShape = spec.timeMajor ? [spec.steps, spec.batch, spec.cells] : [spec.batch, spec.steps, spec.cells];
  const y = b.addTensor({ name: "y", shape: outShape, type: f32 });
  b.addOperator({
    op: BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, inputs, outputs: [y],
    options: { type: "UnidirectionalSequenceLSTMOptions", activation: ActivationFunctionType.TANH, cellClip: spec.cellClip, timeMajor: spec.timeMajor },
  });
  b.setInputs([x]);
  b.setOutputs([y]);
  const name = `LSTM float32 batch ${spec.batch} steps ${spec.steps} features ${spec.features} cells ${spec.cells}${spec.cifg ? " CIFG" : ""}${spec.timeMajor ? " time-major" : ""}`;
  return { name, bytes: b.finish(), inputs: [{ elements: spec.batch * spec.steps * spec.features, kind: "float32" }] };
}
