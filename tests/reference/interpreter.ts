// Runs a whole .tflite model through the reference kernels: the exact
// integer arithmetic of TFLite Micro, independent of the runtime. Reads the
// file with format/'s flatc bindings (not the runtime's reader), keeps every
// tensor as plain numbers, runs the operators in file order, and keeps
// variable tensors (recurrent state) across invocations, initialised as
// TFLite's ResetVariableTensor does (int8 to its zero point, others to 0).
//
// Covers the integer operators the runtime has, plus the float32 operators
// whose result is one float operation per element (QUANTIZE's input side,
// DEQUANTIZE, ADD/SUB/MUL, RESHAPE), which makes float-in / float-out
// quantised graphs exact too. Float convolutions, FC, LSTM and RNN are not
// here: their sums depend on the order of additions, so they are compared
// with a tolerance elsewhere. An unsupported operator or type throws.

import { readdirSync } from "node:fs";
import { readModel, type ModelSummary } from "@wasmlite/format";
import { type Tensor, type Node, type ElementType, type Kernel, elements } from "./tensor.ts";

// The kernels: every file of ops/ that exports KERNELS (a new operator's
// reference is its file there, nothing to register here).
const OPS_DIR = new URL("./ops/", import.meta.url);
const KERNELS: Record<string, Kernel> = {};
for (const file of readdirSync(OPS_DIR)
  .filter((f) => f.endsWith(".ts"))
  .sort()) {
  const module = (await import(new URL(file, OPS_DIR).href)) as { KERNELS?: Record<string, Kernel> };
  for (const [op, kernel] of Object.entries(module.KERNELS ?? {})) {
    if (KERNELS[op]) throw new Error(`reference: ${op} has a kernel in two files of ops/ (${file} and another)`);
    KERNELS[op] = kernel;
  }
}

function decode(type: string, bytes: Uint8Array | undefined, count: number): number[] {
  if (!bytes) return new Array<number>(count).fill(0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    switch (type) {
      case "FLOAT32":
        out.push(view.getFloat32(i * 4, true));
        break;
      case "INT8":
        out.push(view.getInt8(i));
        break;
      case "UINT8":
      case "BOOL":
        out.push(view.getUint8(i));
        break;
      case "INT16":
        out.push(view.getInt16(i * 2, true));
        break;
      case "INT32":
        out.push(view.getInt32(i * 4, true));
        break;
      case "INT64": {
        const v = view.getBigInt64(i * 8, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
          throw new Error("reference: int64 value beyond 2^53");
        out.push(Number(v));
        break;
      }
      default:
        throw new Error(`reference: tensor type ${type}`);
    }
  }
  return out;
}

export class ReferenceModel {
  readonly summary: ModelSummary;
  readonly tensors: Tensor[];
  readonly nodes: Node[];
  readonly #state = new Map<Node, unknown>();

  constructor(bytes: Uint8Array) {
    this.summary = readModel(bytes);
    this.tensors = this.summary.tensors.map((t) => ({
      name: t.name,
      type: t.type as ElementType,
      shape: t.shape,
      scale: t.scale,
      zeroPoint: t.zeroPoint,
      quantizedDimension: t.quantizedDimension,
      data: decode(t.type, t.data, elements(t.shape)),
    }));
    const at = (i: number) => (i >= 0 ? this.tensors[i] : undefined);
    this.nodes = this.summary.operators.map((o) => {
      if (!KERNELS[o.op]) throw new Error(`reference: operator ${o.op} is not implemented`);
      return {
        op: o.op,
        inputs: o.inputs.map(at),
        outputs: o.outputs.map((i) => this.tensors[i]!),
        intermediates: o.intermediates.map((i) => this.tensors[i]!),
        options: o.options ?? {},
      };
    });
    for (const n of this.nodes) {
      if (!ReferenceModel.exact(n.op, n.inputs[0]?.type))
        throw new Error(`reference: float32 ${n.op} is not exact, so not implemented`);
    }
    this.resetState();
  }

  /** Whether the reference computes `op` with this (first) input type exactly. */
  static exact(op: string, inputType: string | undefined): boolean {
    return KERNELS[op] !== undefined && (inputType !== "FLOAT32" || KERNELS[op].floatExact === true);
  }

  /** Whether every operator of the model is one the reference computes exactly. */
  static supports(bytes: Uint8Array): boolean {
    const m = readModel(bytes);
    return m.operators.every((o) => ReferenceModel.exact(o.op, m.tensors[o.inputs[0]!]?.type));
  }

  /** ResetVariableTensor: int8 variables to their zero point, the rest to 0. */
  resetState(): void {
    this.summary.tensors.forEach((t, i) => {
      if (!t.isVariable) return;
      const tensor = this.tensors[i]!;
      tensor.data = new Array<number>(elements(tensor.shape)).fill(
        tensor.type === "INT8" ? (tensor.zeroPoint[0] ?? 0) : 0,
      );
    });
  }

  /** Runs the model on one set of inputs (one array per graph input) and returns the outputs. */
  invoke(inputs: readonly (readonly number[])[]): number[][] {
    if (inputs.length !== this.summary.inputs.length)
      throw new Error(`reference: ${inputs.length} inputs for ${this.summary.inputs.length}`);
    this.summary.inputs.forEach((index, i) => {
      const t = this.tensors[index]!;
      if (inputs[i]!.length !== elements(t.shape))
        throw new Error(`reference: input ${i} has ${inputs[i]!.length} values for ${elements(t.shape)}`);
      t.data = Array.from(inputs[i]!);
    });
    for (const node of this.nodes) KERNELS[node.op]!.run(node, this.#state);
    return this.summary.outputs.map((i) => this.tensors[i]!.data.slice());
  }
}
