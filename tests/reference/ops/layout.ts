// The operators that move values without arithmetic: RESHAPE, PAD / PADV2,
// CONCATENATION (reference_ops Pad and Concatenation). Quantised tensors keep
// their quantisation through them (TFLM checks it), so values are copied.

import { type Node, type Kernel, type Tensor, input, elements, quant } from "../tensor.ts";

export function reshape(node: Node): void {
  node.outputs[0]!.data = input(node, 0).data.slice();
}

/** PAD pads with 0 (float) or the output zero point; PADV2 with its constant input. */
export function pad(node: Node): void {
  const x = input(node, 0);
  const paddings = input(node, 1).data;
  const y = node.outputs[0]!;
  const constant = node.inputs[2];
  const padValue = constant ? constant.data[0]! : y.type === "FLOAT32" || y.type === "INT32" ? 0 : quant(y).zeroPoint;
  const out = new Array<number>(elements(y.shape)).fill(padValue);
  const rank = x.shape.length;
  const coordinate = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let at = 0;
    for (let k = 0; k < rank; k++) at = at * y.shape[k]! + coordinate[k]! + paddings[2 * k]!;
    out[at] = x.data[i]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++coordinate[k]! < x.shape[k]!) break;
      coordinate[k] = 0;
    }
  }
  y.data = out;
}

export function concatenation(node: Node): void {
  const y = node.outputs[0]!;
  const axis =
    ((node.options.axis as number) ?? 0) < 0
      ? (node.options.axis as number) + y.shape.length
      : ((node.options.axis as number) ?? 0);
  const outer = elements(y.shape.slice(0, axis));
  const inputs = node.inputs.filter((t): t is Tensor => t !== undefined);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const t of inputs) {
      const chunk = t.data.length / outer;
      for (let k = 0; k < chunk; k++) out.push(t.data[o * chunk + k]!);
    }
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = {
  RESHAPE: { run: reshape, floatExact: true },
  PAD: { run: pad, floatExact: true },
  PADV2: { run: pad, floatExact: true },
  CONCATENATION: { run: concatenation, floatExact: true },
};
