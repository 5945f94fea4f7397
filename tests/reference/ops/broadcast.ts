// NumPy-style broadcasting of two inputs to an output shape, as TFLite's
// Broadcast*Slow kernels index them: for each output element, the element of
// each input at the same coordinates (a dimension of size 1 repeats).

import { type Tensor, elements } from "../tensor.ts";

/** For each output element, the indices into a and b. */
export function broadcastIndices(a: Tensor, b: Tensor, outShape: readonly number[]): [number[], number[]] {
  const rank = outShape.length;
  const pad = (s: readonly number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const shapeA = pad(a.shape);
  const shapeB = pad(b.shape);
  const n = elements(outShape);
  const ia: number[] = new Array(n);
  const ib: number[] = new Array(n);
  const coordinate = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let offsetA = 0;
    let offsetB = 0;
    for (let k = 0; k < rank; k++) {
      offsetA = offsetA * shapeA[k]! + (shapeA[k] === 1 ? 0 : coordinate[k]!);
      offsetB = offsetB * shapeB[k]! + (shapeB[k] === 1 ? 0 : coordinate[k]!);
    }
    ia[i] = offsetA;
    ib[i] = offsetB;
    for (let k = rank - 1; k >= 0; k--) {
      if (++coordinate[k]! < outShape[k]!) break;
      coordinate[k] = 0;
    }
  }
  return [ia, ib];
}
