// MAX_POOL_2D and AVERAGE_POOL_2D, int8 and int16: reference_integer_ops
// MaxPool / AveragePool (pooling.h). Windows are clipped to the image, so
// padding is never counted; the average rounds half away from zero with
// C++'s truncating division; the fused activation clamps. Input and output
// share their quantisation (TFLM checks it), so nothing is rescaled.

import { clamp } from "../fixedpoint.ts";
import {
  type Node,
  type Kernel,
  input,
  activationRangeQuantized,
  zeros,
  outSize,
  paddingBefore,
  offset4,
} from "../tensor.ts";

export function pool2d(node: Node, max: boolean): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  if (x.type !== "INT8" && x.type !== "INT16") throw new Error(`reference pooling: ${x.type} input`);
  const o = node.options;
  const padding = o.padding as number;
  const strideW = o.strideW as number,
    strideH = o.strideH as number;
  const filterW = o.filterWidth as number,
    filterH = o.filterHeight as number;
  const [batches, inH, inW, depth] = x.shape as [number, number, number, number];
  const outH = outSize(padding, inH, filterH, strideH);
  const outW = outSize(padding, inW, filterW, strideW);
  const padH = paddingBefore(strideH, 1, inH, filterH, outH);
  const padW = paddingBefore(strideW, 1, inW, filterW, outW);
  const [actMin, actMax] = activationRangeQuantized((o.fusedActivationFunction as number) ?? 0, y);
  const out = zeros(y);
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < depth; c++) {
          const originX = ox * strideW - padW;
          const originY = oy * strideH - padH;
          const xStart = Math.max(0, -originX),
            xEnd = Math.min(filterW, inW - originX);
          const yStart = Math.max(0, -originY),
            yEnd = Math.min(filterH, inH - originY);
          let acc = max ? -Infinity : 0;
          let count = 0;
          for (let fy = yStart; fy < yEnd; fy++) {
            for (let fx = xStart; fx < xEnd; fx++) {
              const v = x.data[offset4(x.shape, b, originY + fy, originX + fx, c)]!;
              acc = max ? Math.max(acc, v) : acc + v;
              count++;
            }
          }
          if (count === 0) throw new Error("reference pooling: a window covers no input");
          if (!max) {
            const half = Math.trunc(count / 2);
            acc = (acc > 0 ? Math.trunc((acc + half) / count) : Math.trunc((acc - half) / count)) + 0; // + 0: no -0
          }
          out[offset4(y.shape, b, oy, ox, c)] = clamp(acc, actMin, actMax);
        }
      }
    }
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = {
  MAX_POOL_2D: { run: (n) => pool2d(n, true) },
  AVERAGE_POOL_2D: { run: (n) => pool2d(n, false) },
};
