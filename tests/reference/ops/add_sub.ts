// ADD and SUB: TFLM add_common.cc / sub_common.cc (prepare) and the
// reference kernels' general quantised path (eval): both inputs shifted
// left by 20 bits (int8) or 15 (int16), rescaled to twice the larger input
// scale, added or subtracted, rescaled to the output; every rescaling is
// MultiplyByQuantizedMultiplierSmallerThanOneExp. float32: one float
// operation and the fused clamp. int32: plain wrapping arithmetic.

import {
  multiplyByQuantizedMultiplierSmallerThanOneExp,
  quantizeMultiplier,
  mulWrap32,
  wrap32,
  clamp,
} from "../fixedpoint.ts";
import {
  type Node,
  type Kernel,
  input,
  quant,
  activationRangeQuantized,
  activationRangeFloat,
  zeros,
} from "../tensor.ts";
import { broadcastIndices } from "./broadcast.ts";

function smallerThanOne(real: number): { multiplier: number; shift: number } {
  const q = quantizeMultiplier(real);
  if (!(real > 0 && real < 1) || q.shift > 0) throw new Error(`reference ADD/SUB: multiplier ${real} outside (0, 1)`);
  return q;
}

export function addSub(node: Node, subtract: boolean): void {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = node.outputs[0]!;
  const [ia, ib] = broadcastIndices(a, b, y.shape);
  const activation = (node.options.fusedActivationFunction as number) ?? 0;
  const out = zeros(y);
  if (y.type === "FLOAT32") {
    const [lo, hi] = activationRangeFloat(activation);
    for (let i = 0; i < out.length; i++) {
      const r = Math.fround(subtract ? a.data[ia[i]!]! - b.data[ib[i]!]! : a.data[ia[i]!]! + b.data[ib[i]!]!);
      out[i] = clamp(r, lo, hi);
    }
  } else if (y.type === "INT32") {
    for (let i = 0; i < out.length; i++)
      out[i] = wrap32(subtract ? a.data[ia[i]!]! - b.data[ib[i]!]! : a.data[ia[i]!]! + b.data[ib[i]!]!);
  } else {
    const qa = quant(a),
      qb = quant(b),
      qy = quant(y);
    const leftShift = y.type === "INT16" ? 15 : 20;
    const twiceMaxInputScale = 2 * Math.max(qa.scale, qb.scale);
    const m1 = smallerThanOne(qa.scale / twiceMaxInputScale);
    const m2 = smallerThanOne(qb.scale / twiceMaxInputScale);
    const mOut = smallerThanOne(twiceMaxInputScale / (2 ** leftShift * qy.scale));
    const [actMin, actMax] = activationRangeQuantized(activation, y);
    for (let i = 0; i < out.length; i++) {
      const shifted1 = mulWrap32(a.data[ia[i]!]! - qa.zeroPoint, 2 ** leftShift);
      const shifted2 = mulWrap32(b.data[ib[i]!]! - qb.zeroPoint, 2 ** leftShift);
      const scaled1 = multiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, m1.multiplier, m1.shift);
      const scaled2 = multiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, m2.multiplier, m2.shift);
      const raw = wrap32(subtract ? scaled1 - scaled2 : scaled1 + scaled2);
      const value = multiplyByQuantizedMultiplierSmallerThanOneExp(raw, mOut.multiplier, mOut.shift) + qy.zeroPoint;
      out[i] = clamp(value, actMin, actMax);
    }
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = {
  ADD: { run: (n) => addSub(n, false), floatExact: true },
  SUB: { run: (n) => addSub(n, true), floatExact: true },
};
