// MUL: TFLM mul_common.cc (prepare: s1 * s2 / s_out in double) and
// reference_integer_ops::MulElementwise (eval): the product of the
// offset inputs, requantised once, plus the output offset, clamped.
// float32: one float product and the fused clamp. int32: wrapping product.

import { multiplyByQuantizedMultiplier, quantizeMultiplier, mulWrap32, clamp } from "../fixedpoint.ts";
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

export function mul(node: Node): void {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = node.outputs[0]!;
  const [ia, ib] = broadcastIndices(a, b, y.shape);
  const activation = (node.options.fusedActivationFunction as number) ?? 0;
  const out = zeros(y);
  if (y.type === "FLOAT32") {
    const [lo, hi] = activationRangeFloat(activation);
    for (let i = 0; i < out.length; i++) out[i] = clamp(Math.fround(a.data[ia[i]!]! * b.data[ib[i]!]!), lo, hi);
  } else if (y.type === "INT32") {
    for (let i = 0; i < out.length; i++) out[i] = mulWrap32(a.data[ia[i]!]!, b.data[ib[i]!]!);
  } else {
    const qa = quant(a),
      qb = quant(b),
      qy = quant(y);
    const { multiplier, shift } = quantizeMultiplier((qa.scale * qb.scale) / qy.scale);
    const [actMin, actMax] = activationRangeQuantized(activation, y);
    for (let i = 0; i < out.length; i++) {
      const product = (a.data[ia[i]!]! - qa.zeroPoint) * (b.data[ib[i]!]! - qb.zeroPoint);
      out[i] = clamp(qy.zeroPoint + multiplyByQuantizedMultiplier(product, multiplier, shift), actMin, actMax);
    }
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = { MUL: { run: mul, floatExact: true } };
