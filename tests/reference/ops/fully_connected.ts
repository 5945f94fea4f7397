// FULLY_CONNECTED: TFLM fully_connected_common.cc (prepare) and
// reference_integer_ops::FullyConnected / FullyConnectedPerChannel (eval).
// int8: int32 accumulator, offsets on input and weights, int32 bias.
// 16x8: int16 input, int8 weights, int64 accumulator and bias, the 64-bit
// requantisation.

import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplier64,
  quantizeMultiplier,
  wrap32,
  clamp,
} from "../fixedpoint.ts";
import { type Node, type Kernel, input, quant, activationRangeQuantized, zeros } from "../tensor.ts";

export function fullyConnected(node: Node): void {
  const x = input(node, 0);
  const w = input(node, 1);
  const bias = node.inputs[2];
  const y = node.outputs[0]!;
  if (x.type !== "INT8" && x.type !== "INT16") throw new Error(`reference FULLY_CONNECTED: ${x.type} input`);
  const [units, depth] = [w.shape[0]!, w.shape[1]!];
  const batches = x.data.length / depth;
  const inQ = quant(x);
  const outQ = quant(y);
  // Per-tensor weights: GetQuantizedConvolutionMultipler multiplies the two
  // float scales in float, then divides in double. Per-channel weights:
  // PopulateConvolutionQuantizationParams, all in double.
  const perChannel = w.scale.length > 1;
  const multipliers = Array.from({ length: units }, (_, u) =>
    quantizeMultiplier(
      perChannel ? (inQ.scale * w.scale[u]!) / outQ.scale : Math.fround(inQ.scale * w.scale[0]!) / outQ.scale,
    ),
  );
  const [actMin, actMax] = activationRangeQuantized((node.options.fusedActivationFunction as number) ?? 0, y);
  const out = zeros(y);
  for (let b = 0; b < batches; b++) {
    for (let u = 0; u < units; u++) {
      const { multiplier, shift } = multipliers[u]!;
      let value: number;
      if (x.type === "INT8") {
        let acc = 0;
        for (let d = 0; d < depth; d++)
          acc += (w.data[u * depth + d]! - w.zeroPoint[0]!) * (x.data[b * depth + d]! - inQ.zeroPoint);
        if (bias) acc += bias.data[u]!;
        value = multiplyByQuantizedMultiplier(wrap32(acc), multiplier, shift) + outQ.zeroPoint;
      } else {
        let acc = 0n;
        for (let d = 0; d < depth; d++) acc += BigInt(w.data[u * depth + d]! * x.data[b * depth + d]!);
        if (bias) acc += BigInt(bias.data[u]!);
        value = multiplyByQuantizedMultiplier64(acc, multiplier, shift);
      }
      out[b * units + u] = clamp(value, actMin, actMax);
    }
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = { FULLY_CONNECTED: { run: fullyConnected } };
