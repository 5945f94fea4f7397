// MEAN over constant axes, int8 and int16: TFLM reduce_common.cc
// (EvalIntegerMean). With the same scale and zero point in and out,
// reference_ops::Mean: the int32 sum divided by the count, truncating as
// C++ integer division does. Otherwise QuantizedMeanOrSum in float32:
// round(mean * s_in / s_out - zp_in * s_in / s_out) + zp_out, clamped.

import { roundHalfAway, clamp } from "../fixedpoint.ts";
import { type Node, type Kernel, input, quant, RANGE, elements } from "../tensor.ts";

export function mean(node: Node): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  if (x.type !== "INT8" && x.type !== "INT16") throw new Error(`reference MEAN: ${x.type} input`);
  const rank = x.shape.length;
  const reduced = new Set(input(node, 1).data.map((a) => (a < 0 ? a + rank : a)));
  const kept = x.shape.map((_, k) => k).filter((k) => !reduced.has(k));
  const count = elements([...reduced].map((k) => x.shape[k]!));
  const sums = new Array<number>(elements(kept.map((k) => x.shape[k]!))).fill(0);
  const coordinate = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (const k of kept) o = o * x.shape[k]! + coordinate[k]!;
    sums[o] = sums[o]! + x.data[i]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++coordinate[k]! < x.shape[k]!) break;
      coordinate[k] = 0;
    }
  }
  const qx = quant(x),
    qy = quant(y);
  const [qmin, qmax] = RANGE[y.type]!;
  if (qx.scale === qy.scale && qx.zeroPoint === qy.zeroPoint) {
    y.data = sums.map((s) => Math.trunc(s / count) + 0); // + 0: no -0
    return;
  }
  const f = Math.fround;
  const scale = f(qx.scale / qy.scale);
  const bias = f(-qx.zeroPoint * scale);
  y.data = sums.map((s) => {
    const floatMean = f(f(s) / f(count));
    return clamp(f(roundHalfAway(f(f(floatMean * scale) + bias)) + qy.zeroPoint), qmin, qmax);
  });
}

export const KERNELS: Record<string, Kernel> = { MEAN: { run: mean } };
