// Reads a .tflite file into plain objects (for inspection, tests and tools;
// the runtime has its own verifying reader in AssemblyScript).
import * as flatbuffers from "flatbuffers";
import * as tfl from "./generated/tflite_generated.ts";
import { builtinOperatorName } from "@wasmlite/runtime/operator-names";

export interface TensorSummary {
  index: number;
  name: string;
  shape: number[];
  type: string;
  buffer: number;
  /** Bytes of constant data (0 for activations). */
  dataBytes: number;
  /** The constant data itself (undefined for activations). */
  data?: Uint8Array;
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  isVariable: boolean;
}

export interface OperatorSummary {
  op: string;
  code: number;
  version: number;
  inputs: number[];
  outputs: number[];
  /** Tensors internal to the operator (empty when the file lists none). */
  intermediates: number[];
  optionsType: string;
  /** The fused activation, for options that have one (ActivationFunctionType value). */
  activation?: number;
  /** The builtin options' fields (flatc object API names), or null. */
  options: Record<string, unknown> | null;
}

export interface ModelSummary {
  version: number;
  description: string;
  tensors: TensorSummary[];
  operators: OperatorSummary[];
  inputs: number[];
  outputs: number[];
  metadata: Record<string, Uint8Array>;
}

/** Parses with the generated bindings. Throws on a file that is not a TFLite model. */
export function readModel(bytes: Uint8Array): ModelSummary {
  const bb = new flatbuffers.ByteBuffer(bytes);
  if (!tfl.Model.bufferHasIdentifier(bb)) throw new Error("not a TFLite model (file identifier is not TFL3)");
  const model = tfl.Model.getRootAsModel(bb).unpack();
  const sg = model.subgraphs[0];
  if (!sg) throw new Error("model has no subgraph");
  const codes = model.operatorCodes.map((c) => Math.max(c.builtinCode, c.deprecatedBuiltinCode));
  const metadata: Record<string, Uint8Array> = {};
  for (const m of model.metadata) {
    metadata[String(m.name)] = Uint8Array.from(model.buffers[m.buffer]?.data ?? []);
  }
  return {
    version: model.version,
    description: String(model.description ?? ""),
    inputs: sg.inputs,
    outputs: sg.outputs,
    metadata,
    tensors: sg.tensors.map((t, index) => ({
      index,
      name: String(t.name ?? ""),
      shape: t.shape,
      type: tfl.TensorType[t.type] ?? `type#${t.type}`,
      buffer: t.buffer,
      dataBytes: model.buffers[t.buffer]?.data.length ?? 0,
      data: model.buffers[t.buffer]?.data.length ? Uint8Array.from(model.buffers[t.buffer]!.data) : undefined,
      scale: t.quantization?.scale ?? [],
      zeroPoint: (t.quantization?.zeroPoint ?? []).map((z) => Number(z)),
      quantizedDimension: t.quantization?.quantizedDimension ?? 0,
      isVariable: t.isVariable,
    })),
    operators: sg.operators.map((o) => {
      const code = codes[o.opcodeIndex] ?? -1;
      return {
        // Every schema name (the generated bindings know only our subset's operators).
        op: builtinOperatorName(code),
        code,
        version: model.operatorCodes[o.opcodeIndex]?.version ?? 1,
        inputs: o.inputs,
        outputs: o.outputs,
        intermediates: o.intermediates,
        optionsType: tfl.BuiltinOptions[o.builtinOptionsType] ?? `options#${o.builtinOptionsType}`,
        activation: (o.builtinOptions as { fusedActivationFunction?: number } | null)?.fusedActivationFunction,
        options: o.builtinOptions ? { ...(o.builtinOptions as object) } : null,
      };
    }),
  };
}
