// CONV_2D: TFLM conv_common.cc (prepare: padding, per-channel multipliers in
// double) and reference_integer_ops::ConvPerChannel (eval), grouped when the
// filter's depth is a fraction of the input's. int8: int32 accumulator with
// the input offset. 16x8: int8 filter, no offsets; the accumulator and the
// requantisation follow the bias type as TFLM's conv.cc chooses them: int64
// bias, an int64 accumulator and the 64-bit requantisation; int32 bias or
// none, an int32 accumulator and the 32-bit one.

import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplier64,
  quantizeMultiplier,
  wrap32,
  clamp,
} from "../fixedpoint.ts";
import {
  type Node,
  type Kernel,
  input,
  quant,
  activationRangeQuantized,
  zeros,
  outSize,
  paddingBefore,
  offset4,
} from "../tensor.ts";

export function conv2d(node: Node): void {
  const x = input(node, 0);
  const w = input(node, 1);
  const bias = node.inputs[2];
  const y = node.outputs[0]!;
  if (x.type !== "INT8" && x.type !== "INT16") throw new Error(`reference CONV_2D: ${x.type} input`);
  const o = node.options;
  const padding = (o.padding as number) ?? 0;
  const strideW = (o.strideW as number) ?? 1,
    strideH = (o.strideH as number) ?? 1;
  const dilationW = (o.dilationWFactor as number) ?? 1,
    dilationH = (o.dilationHFactor as number) ?? 1;
  const [batches, inH, inW, inDepth] = x.shape as [number, number, number, number];
  const [outDepth, kH, kW, filterDepth] = w.shape as [number, number, number, number];
  const outH = outSize(padding, inH, kH, strideH, dilationH);
  const outW = outSize(padding, inW, kW, strideW, dilationW);
  const padH = paddingBefore(strideH, dilationH, inH, kH, outH);
  const padW = paddingBefore(strideW, dilationW, inW, kW, outW);
  const groups = inDepth / filterDepth;
  const filtersPerGroup = outDepth / groups;
  const inQ = quant(x);
  const outQ = quant(y);
  const multipliers = Array.from({ length: outDepth }, (_, c) =>
    quantizeMultiplier((inQ.scale * w.scale[w.scale.length > 1 ? c : 0]!) / outQ.scale),
  );
  const [actMin, actMax] = activationRangeQuantized((o.fusedActivationFunction as number) ?? 0, y);
  const wide = x.type === "INT16" && bias?.type === "INT64";
  const out = zeros(y);
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < outDepth; c++) {
          const group = Math.floor(c / filtersPerGroup);
          let acc = 0;
          for (let fy = 0; fy < kH; fy++) {
            const iy = oy * strideH - padH + dilationH * fy;
            for (let fx = 0; fx < kW; fx++) {
              const ix = ox * strideW - padW + dilationW * fx;
              if (ix < 0 || ix >= inW || iy < 0 || iy >= inH) continue; // zero padding: the tap is left out
              for (let ic = 0; ic < filterDepth; ic++) {
                const v = x.data[offset4(x.shape, b, iy, ix, ic + group * filterDepth)]!;
                const f = w.data[offset4(w.shape, c, fy, fx, ic)]!;
                acc += x.type === "INT8" ? f * (v - inQ.zeroPoint) : f * v;
              }
            }
          }
          if (bias) acc += bias.data[c]!;
          const { multiplier, shift } = multipliers[c]!;
          let value: number;
          if (x.type === "INT8") value = multiplyByQuantizedMultiplier(wrap32(acc), multiplier, shift) + outQ.zeroPoint;
          else if (wide) value = multiplyByQuantizedMultiplier64(BigInt(acc), multiplier, shift);
          else value = multiplyByQuantizedMultiplier(wrap32(acc), multiplier, shift);
          out[offset4(y.shape, b, oy, ox, c)] = clamp(value, actMin, actMax);
        }
      }
    }
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = { CONV_2D: { run: conv2d } };
