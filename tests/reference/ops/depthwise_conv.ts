// DEPTHWISE_CONV_2D int8: TFLM depthwise_conv_common.cc (prepare) and
// reference_integer_ops::DepthwiseConvPerChannel (eval). Output channel
// m + in_channel * depth_multiplier reads only its input channel; the filter
// is [1, kh, kw, out_channels].

import { multiplyByQuantizedMultiplier, quantizeMultiplier, wrap32, clamp } from "../fixedpoint.ts";
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

export function depthwiseConv2d(node: Node): void {
  const x = input(node, 0);
  const w = input(node, 1);
  const bias = node.inputs[2];
  const y = node.outputs[0]!;
  if (x.type !== "INT8") throw new Error(`reference DEPTHWISE_CONV_2D: ${x.type} input`);
  const o = node.options;
  const padding = (o.padding as number) ?? 0;
  const strideW = (o.strideW as number) ?? 1,
    strideH = (o.strideH as number) ?? 1;
  const dilationW = (o.dilationWFactor as number) ?? 1,
    dilationH = (o.dilationHFactor as number) ?? 1;
  const [batches, inH, inW, inDepth] = x.shape as [number, number, number, number];
  const [, kH, kW, outDepth] = w.shape as [number, number, number, number];
  const depthMultiplier = outDepth / inDepth;
  const outH = outSize(padding, inH, kH, strideH, dilationH);
  const outW = outSize(padding, inW, kW, strideW, dilationW);
  const padH = paddingBefore(strideH, dilationH, inH, kH, outH);
  const padW = paddingBefore(strideW, dilationW, inW, kW, outW);
  const inQ = quant(x);
  const outQ = quant(y);
  const multipliers = Array.from({ length: outDepth }, (_, c) =>
    quantizeMultiplier((inQ.scale * w.scale[w.scale.length > 1 ? c : 0]!) / outQ.scale),
  );
  const [actMin, actMax] = activationRangeQuantized((o.fusedActivationFunction as number) ?? 0, y);
  const out = zeros(y);
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ic = 0; ic < inDepth; ic++) {
          for (let m = 0; m < depthMultiplier; m++) {
            const c = m + ic * depthMultiplier;
            let acc = 0;
            for (let fy = 0; fy < kH; fy++) {
              const iy = oy * strideH - padH + dilationH * fy;
              for (let fx = 0; fx < kW; fx++) {
                const ix = ox * strideW - padW + dilationW * fx;
                if (ix < 0 || ix >= inW || iy < 0 || iy >= inH) continue;
                acc +=
                  w.data[offset4(w.shape, 0, fy, fx, c)]! * (x.data[offset4(x.shape, b, iy, ix, ic)]! - inQ.zeroPoint);
              }
            }
            if (bias) acc += bias.data[c]!;
            const { multiplier, shift } = multipliers[c]!;
            const value = multiplyByQuantizedMultiplier(wrap32(acc), multiplier, shift) + outQ.zeroPoint;
            out[offset4(y.shape, b, oy, ox, c)] = clamp(value, actMin, actMax);
          }
        }
      }
    }
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = { DEPTHWISE_CONV_2D: { run: depthwiseConv2d } };
