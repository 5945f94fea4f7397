// The reference interpreter's tensors and what several kernels share:
// element ranges, fused activation ranges, window geometry. Values are
// plain numbers (every int8/16/32 exactly; int64 biases are exact while
// below 2^53, which the kernels check), float32 values are kept frounded.

import { roundHalfAway } from "./fixedpoint.ts";

export type ElementType = "FLOAT32" | "INT8" | "INT16" | "INT32" | "INT64" | "UINT8" | "BOOL";

export interface Tensor {
  name: string;
  type: ElementType;
  shape: number[];
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  data: number[];
}

/** One operator's tensors and builtin options, as a kernel sees them. */
export interface Node {
  op: string;
  /** Inputs in order; undefined for an omitted optional input (index -1). */
  inputs: (Tensor | undefined)[];
  outputs: Tensor[];
  intermediates: Tensor[];
  /** The builtin options' fields (flatc object API names), {} when absent. */
  options: Record<string, unknown>;
}

/**
 * How a file of ops/ offers its operators: it exports `KERNELS`, a record
 * from operator name to Kernel, and the interpreter finds it there.
 */
export interface Kernel {
  /** Computes the node's outputs; `state` keeps what a node carries between invocations (recurrent state). */
  run(node: Node, state: Map<Node, unknown>): void;
  /** Its float32 form is one float operation per element, so the reference is exact on float32 too. */
  floatExact?: boolean;
}

export const RANGE: Record<string, [number, number]> = {
  INT8: [-128, 127],
  UINT8: [0, 255],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};

export function elements(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

export function input(node: Node, i: number): Tensor {
  const t = node.inputs[i];
  if (!t) throw new Error(`reference ${node.op}: input ${i} is missing`);
  return t;
}

/** The single scale and zero point of a per-tensor quantised tensor. */
export function quant(t: Tensor): { scale: number; zeroPoint: number } {
  if (t.scale.length < 1) throw new Error(`reference: tensor ${t.name} is not quantized`);
  return { scale: t.scale[0]!, zeroPoint: t.zeroPoint[0] ?? 0 };
}

export const ACTIVATION = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4 } as const;

/** CalculateActivationRangeQuantized (kernel_util.cc): zero_point + round(f / scale), f / scale in float. */
export function activationRangeQuantized(activation: number, output: Tensor): [number, number] {
  const [qmin, qmax] = RANGE[output.type]!;
  const { scale, zeroPoint } = quant(output);
  const quantize = (f: number) => zeroPoint + roundHalfAway(Math.fround(f / scale));
  switch (activation) {
    case ACTIVATION.NONE:
      return [qmin, qmax];
    case ACTIVATION.RELU:
      return [Math.max(qmin, quantize(0)), qmax];
    case ACTIVATION.RELU6:
      return [Math.max(qmin, quantize(0)), Math.min(qmax, quantize(6))];
    case ACTIVATION.RELU_N1_TO_1:
      return [Math.max(qmin, quantize(-1)), Math.min(qmax, quantize(1))];
  }
  throw new Error(`reference: fused activation ${activation}`);
}

/** CalculateActivationRange for float outputs. */
export function activationRangeFloat(activation: number): [number, number] {
  switch (activation) {
    case ACTIVATION.NONE:
      return [-Infinity, Infinity];
    case ACTIVATION.RELU:
      return [0, Infinity];
    case ACTIVATION.RELU6:
      return [0, 6];
    case ACTIVATION.RELU_N1_TO_1:
      return [-1, 1];
  }
  throw new Error(`reference: fused activation ${activation}`);
}

export const PADDING = { SAME: 0, VALID: 1 } as const;

/** ComputeOutSize (padding.h). */
export function outSize(padding: number, image: number, filter: number, stride: number, dilation = 1): number {
  const effective = (filter - 1) * dilation + 1;
  return padding === PADDING.SAME
    ? Math.floor((image + stride - 1) / stride)
    : Math.floor((image + stride - effective) / stride);
}

/** ComputePaddingWithOffset: the padding before the first element (an odd total puts the extra one after). */
export function paddingBefore(stride: number, dilation: number, image: number, filter: number, out: number): number {
  const effective = (filter - 1) * dilation + 1;
  const total = Math.max(0, (out - 1) * stride + effective - image);
  return Math.floor(total / 2);
}

/** Row-major offset of a 4-D index (Offset in types.h). */
export function offset4(shape: readonly number[], i0: number, i1: number, i2: number, i3: number): number {
  return ((i0 * shape[1]! + i1) * shape[2]! + i2) * shape[3]! + i3;
}

/** A new output-shaped data array for `t`. */
export function zeros(t: Tensor): number[] {
  return new Array<number>(elements(t.shape)).fill(0);
}
