// STRIDED_SLICE, from TFLite's strided_slice_logic.h (StartForAxis,
// StopForAxis) and reference_ops::StridedSlice: each axis's indices are
// listed from its clamped start towards its clamped stop by the stride, and
// the output holds every combination in row-major order; shrink axes keep
// one index and leave the shape. Written as index lists and a recursion
// (the runtime uses an odometer and copies runs).

import { type Node, type Kernel, input } from "../tensor.ts";

/** The indices one axis visits. */
function axisIndices(
  size: number,
  begin: number,
  end: number,
  stride: number,
  beginMasked: boolean,
  endMasked: boolean,
  shrink: boolean,
): number[] {
  if (stride === 0) throw new Error("reference STRIDED_SLICE: zero stride");
  const clampTo = (v: number) => (stride > 0 ? Math.min(Math.max(v, 0), size) : Math.min(Math.max(v, -1), size - 1));
  let start = beginMasked ? (stride > 0 ? -Infinity : Infinity) : begin;
  if (start < 0 && Number.isFinite(start)) start += size;
  start = clampTo(start);
  let stop: number;
  if (shrink) stop = start + 1;
  else {
    stop = endMasked ? (stride > 0 ? Infinity : -Infinity) : end;
    if (stop < 0 && Number.isFinite(stop)) stop += size;
    stop = clampTo(stop);
  }
  const out: number[] = [];
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) out.push(i);
  return out;
}

export function stridedSlice(node: Node): void {
  const x = input(node, 0);
  const begin = input(node, 1).data,
    end = input(node, 2).data,
    strides = input(node, 3).data;
  const o = node.options as {
    beginMask?: number;
    endMask?: number;
    ellipsisMask?: number;
    newAxisMask?: number;
    shrinkAxisMask?: number;
    offset?: boolean;
  };
  if (o.ellipsisMask || o.newAxisMask) throw new Error("reference STRIDED_SLICE: ellipsis or new axis mask");
  const bit = (mask: number | undefined, k: number) => ((mask ?? 0) & (1 << k)) !== 0;
  const lists = x.shape.map((size, k) =>
    axisIndices(
      size,
      begin[k]!,
      o.offset ? begin[k]! + end[k]! : end[k]!,
      strides[k]!,
      bit(o.beginMask, k),
      bit(o.endMask, k),
      bit(o.shrinkAxisMask, k),
    ),
  );
  const pitch = x.shape.map((_, k) => x.shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const visit = (k: number, at: number) => {
    if (k === x.shape.length) {
      out.push(x.data[at]!);
      return;
    }
    for (const i of lists[k]!) visit(k + 1, at + i * pitch[k]!);
  };
  visit(0, 0);
  node.outputs[0]!.data = out;
}

export const KERNELS: Record<string, Kernel> = { STRIDED_SLICE: { run: stridedSlice, floatExact: true } };
