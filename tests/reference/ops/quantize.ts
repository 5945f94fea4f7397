// QUANTIZE and DEQUANTIZE: TFLM quantize_common.cc / dequantize_common.cc
// with reference_ops AffineQuantize, Requantize and Dequantize.
// float -> int: zero_point + round(x / scale), the division in float32.
// int -> int: MultiplyByQuantizedMultiplier(x - zp_in, s_in / s_out in double) + zp_out.
// int -> float: float(double(scale) * (q - zero_point)).

import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway, clamp } from "../fixedpoint.ts";
import { type Node, type Kernel, input, quant, RANGE } from "../tensor.ts";

export function quantizeOp(node: Node): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  const qy = quant(y);
  const [qmin, qmax] = RANGE[y.type]!;
  if (x.type === "FLOAT32") {
    y.data = x.data.map((v) => clamp(roundHalfAway(Math.fround(v / qy.scale)) + qy.zeroPoint, qmin, qmax));
    return;
  }
  const qx = quant(x);
  const { multiplier, shift } = quantizeMultiplier(qx.scale / qy.scale);
  y.data = x.data.map((v) =>
    clamp(multiplyByQuantizedMultiplier(v - qx.zeroPoint, multiplier, shift) + qy.zeroPoint, qmin, qmax),
  );
}

export function dequantizeOp(node: Node): void {
  const x = input(node, 0);
  const qx = quant(x);
  node.outputs[0]!.data = x.data.map((v) => Math.fround(qx.scale * (v - qx.zeroPoint)));
}

export const KERNELS: Record<string, Kernel> = {
  QUANTIZE: { run: quantizeOp, floatExact: true },
  DEQUANTIZE: { run: dequantizeOp, floatExact: true },
};
