// Cuts one operator out of a model as a standalone one-operator model with the
// same tensors (shapes, types, quantisation, constant data) and options, so a
// kernel can be compared in isolation. Supports the options our writer knows.
import { readModel, ModelBuilder, TensorType, BuiltinOperator, type OperatorOptions } from "../../format/index.ts";
import type { BuiltModel, Kind } from "./models.ts";

const KIND: Record<string, Kind | "int32"> = { FLOAT32: "float32", INT8: "int8", INT16: "int16", INT32: "int32" };

export function extractOperator(bytes: Uint8Array, index: number): BuiltModel {
  const m = readModel(bytes);
  const op = m.operators[index];
  if (!op) throw new Error(`model has no operator ${index}`);
  const b = new ModelBuilder();
  const remap = new Map<number, number>();
  const take = (t: number) => {
    if (t < 0) return -1;
    if (!remap.has(t)) {
      const s = m.tensors[t]!;
      remap.set(t, b.addTensor({
        name: s.name,
        shape: s.shape,
        type: TensorType[s.type as keyof typeof TensorType],
        data: s.data,
        quantization: s.scale.length ? { scale: s.scale, zeroPoint: s.zeroPoint, quantizedDimension: s.quantizedDimension } : undefined,
      }));
    }
    return remap.get(t)!;
  };
  const inputs = op.inputs.map(take);
  const outputs = op.outputs.map(take);
  let options: OperatorOptions | undefined;
  if (op.optionsType === "FullyConnectedOptions") options = { type: "FullyConnectedOptions", activation: op.activation };
  else if (op.optionsType === "AddOptions" || op.optionsType === "SubOptions" || op.optionsType === "MulOptions") options = { type: op.optionsType, activation: op.activation };
  else if (op.optionsType !== "NONE") throw new Error(`extractOperator: ${op.optionsType} not supported`);
  b.addOperator({ op: op.code as BuiltinOperator, inputs, outputs, options, version: op.version });
  const variableInputs = op.inputs.filter((t) => t >= 0 && m.tensors[t]!.dataBytes === 0);
  b.setInputs(variableInputs.map((t) => remap.get(t)!));
  b.setOutputs(outputs);
  return {
    name: `operator ${index} (${op.op})`,
    bytes: b.finish(),
    inputs: variableInputs.map((t) => ({ elements: m.tensors[t]!.shape.reduce((p, d) => p * d, 1), kind: KIND[m.tensors[t]!.type]! })),
  };
}
