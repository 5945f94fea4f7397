// GATHER, from TFLite's reference_ops::Gather: with batch_dims b, the params
// viewed as [batch, outer, axis, inner] and the indices as [batch, coords],
//   output[batch][outer][i] = params[batch][outer][indices[batch][i]]   (a slice of `inner` values)
// An index outside [0, params[axis]) is an error, as in TFLite. Written as
// one flat index computation per output element.

import { type Node, type Kernel, input, elements } from "../tensor.ts";

export function gather(node: Node): void {
  const params = input(node, 0),
    indices = input(node, 1);
  const y = node.outputs[0]!;
  const o = node.options as { axis?: number; batchDims?: number };
  const axis = (o.axis ?? 0) < 0 ? (o.axis ?? 0) + params.shape.length : (o.axis ?? 0);
  const b = (o.batchDims ?? 0) < 0 ? (o.batchDims ?? 0) + indices.shape.length : (o.batchDims ?? 0);
  const outer = elements(params.shape.slice(b, axis));
  const size = params.shape[axis]!;
  const inner = elements(params.shape.slice(axis + 1));
  const coords = elements(indices.shape.slice(b));
  const out: number[] = new Array<number>(elements(y.shape));
  for (let e = 0; e < out.length; e++) {
    // The output element e as (batch, outer, coordinate, inner).
    const k = e % inner;
    const i = Math.floor(e / inner) % coords;
    const r = Math.floor(e / (inner * coords)) % outer;
    const n = Math.floor(e / (inner * coords * outer));
    const index = indices.data[n * coords + i]!;
    if (!(index >= 0 && index < size)) throw new Error(`reference GATHER: index ${index} outside 0..${size - 1}`);
    out[e] = params.data[((n * outer + r) * size + index) * inner + k]!;
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = { GATHER: { run: gather, floatExact: true } };
