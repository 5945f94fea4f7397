// DEPTHWISE_CONV_2D: each input channel ic is convolved with depth_multiplier
// filters; output channel oc = ic * multiplier + m. Filter [1, kh, kw, out_c].
// float32 and int8 (per-channel filter scales along dimension 3).
//
// Channels are contiguous (NHWC), so the SIMD path runs across channels: for
// multiplier 1, eight int8 channels per step, widened to int16 and multiplied
// into int32 lanes (exact); float32 four channels per step, each lane summing
// its own channel in the same tap order as the scalar path, so both builds
// give identical bits. The SIMD build requantises int8 four channels at a
// time with a multiplier and shift per lane (kernels/requantize_lanes.ts,
// TFLite's arithmetic lane by lane). Taps outside the image are skipped, as
// in TFLM.

import { Operator, input, output, inputIndex } from "../graph";
import { TYPE_FLOAT32, OPTIONS_DEPTHWISE_CONV2D } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, options, inputTensorFail } from "./common";
import { readI32, scalarError } from "../flatbuffer";
import { persistentAlloc } from "../layout";
import { WindowConvData, prepareWindowConv } from "./window_conv";
import { requantizeChannel, prepareLaneRequantization } from "./channel_quantization";
import { LaneRequantization, storeRequantized4 } from "../kernels/requantize_lanes";
import { isFloat32 } from "../kernel_types";
import { INT8_KERNELS } from "../build_types";

// DepthwiseConv2DOptions field ids (padding 0 and strides 1, 2 as window_conv.ts reads them).
const OPT_DEPTH_MULTIPLIER = 3;
const OPT_ACTIVATION = 4;
const OPT_DILATION_W = 5; // and dilation_h 6

@unmanaged
class DepthwiseData extends WindowConvData {
  multiplier: i32;
  /** Per-channel int32 accumulators for one output pixel. */
  accumulators: usize;
  /** SIMD build, int8: LaneRequantization over the output channels, four at a time. */
  requantization: usize;
}

export function prepare(op: Operator): bool {
  const data = changetype<DepthwiseData>(
    prepareWindowConv(
      op,
      OPTIONS_DEPTHWISE_CONV2D,
      OPT_ACTIVATION,
      OPT_DILATION_W,
      true,
      "must be a 4-D filter [1, height, width, out_channels]",
      offsetof<DepthwiseData>(),
    ),
  );
  if (changetype<usize>(data) == 0) return false;
  if (data.outC % data.inC != 0)
    return inputTensorFail(op, 1, "has an output depth that is not a multiple of the input's channels");
  data.multiplier = data.outC / data.inC;
  // The option is redundant in TFLite >= 2.0; when present it must agree.
  const opts = options(op, OPTIONS_DEPTHWISE_CONV2D);
  const declaredMultiplier = opts == 0 ? 0 : readI32(opts, OPT_DEPTH_MULTIPLIER, 0);
  if (scalarError()) return false;
  if (declaredMultiplier > 0 && declaredMultiplier != data.multiplier)
    return opFail(ERR_INVALID_MODEL, "depth_multiplier disagrees with the filter and input shapes");
  data.accumulators = persistentAlloc(<u64>data.outC * 4 + 16);
  if (data.accumulators == 0) return false;
  if (!ASC_FEATURE_SIMD || !INT8_KERNELS || input(op, 0).type == TYPE_FLOAT32) return true;
  data.requantization = prepareLaneRequantization(
    data.multipliers,
    data.shifts,
    data.outC,
    (data.outC + 3) & ~3,
    1,
    data.outputOffset,
    data.actMin,
    data.actMax,
  );
  return data.requantization != 0;
}

export function evaluate(op: Operator): void {
  const d = changetype<DepthwiseData>(op.data);
  const x = input(op, 0);
  const bias = inputIndex(op, 2) >= 0 ? input(op, 2).data : 0;
  evalWindows(d, x.data, input(op, 1).data, bias, output(op, 0).data, isFloat32(x.type));
}

/**
 * Every output pixel: the taps inside the image summed per output channel
 * in tap order (int32 sums of int8 products with the input offset, or
 * float32), then the bias, then requantised (int8) or clamped (float).
 */
function evalWindows(d: DepthwiseData, x: usize, w: usize, bias: usize, y: usize, float: bool): void {
  const acc = d.accumulators; // int32 or float32 sums, one per output channel
  const outC = d.outC;
  const mult = d.multiplier;
  const offset = d.inputOffset;
  const shift: usize = float ? 2 : 0; // element size of x, w and y: 4 or 1 bytes
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      const iy0 = oy * d.strideH - d.padH;
      for (let ox = 0; ox < d.outW; ox++) {
        const ix0 = ox * d.strideW - d.padW;
        memory.fill(acc, 0, (<usize>outC) << 2);
        for (let fy = 0; fy < d.kH; fy++) {
          const iy = iy0 + fy * d.dilationH;
          if (iy < 0 || iy >= d.inH) continue;
          for (let fx = 0; fx < d.kW; fx++) {
            const ix = ix0 + fx * d.dilationW;
            if (ix < 0 || ix >= d.inW) continue;
            const xp = x + ((<usize>(((b * d.inH + iy) * d.inW + ix) * d.inC)) << shift);
            const wp = w + ((<usize>((fy * d.kW + fx) * outC)) << shift);
            let c = 0;
            if (ASC_FEATURE_SIMD && mult == 1)
              c = float ? tapF32x4(acc, wp, xp, outC) : tapI8x8(acc, wp, xp, outC, offset);
            for (; c < outC; c++) {
              const a = acc + ((<usize>c) << 2);
              const xc = xp + ((<usize>(c / mult)) << shift),
                wc = wp + ((<usize>c) << shift);
              if (float) store<f32>(a, load<f32>(a) + load<f32>(wc) * load<f32>(xc));
              else store<i32>(a, load<i32>(a) + <i32>load<i8>(wc) * (<i32>load<i8>(xc) + offset));
            }
          }
        }
        const out = y + ((<usize>(((b * d.outH + oy) * d.outW + ox) * outC)) << shift);
        // (Two loops: one shared loop measured the float path 2x slower in V8.)
        if (float) {
          for (let c = 0; c < outC; c++) {
            let a = load<f32>(acc + ((<usize>c) << 2));
            if (bias != 0) a += load<f32>(bias + ((<usize>c) << 2));
            store<f32>(out + ((<usize>c) << 2), min(max(a, d.actMinF), d.actMaxF));
          }
        } else {
          let c = 0;
          if (ASC_FEATURE_SIMD) {
            // Four channels' requantisations at once (kernels/requantize_lanes.ts).
            for (; c + 4 <= outC; c += 4) {
              let sum = v128.load(acc + ((<usize>c) << 2));
              if (bias != 0) sum = i32x4.add(sum, v128.load(bias + ((<usize>c) << 2)));
              storeRequantized4(out + <usize>c, changetype<LaneRequantization>(d.requantization), c >> 2, sum);
            }
          }
          for (; c < outC; c++) {
            const sum = load<i32>(acc + ((<usize>c) << 2)) + (bias != 0 ? load<i32>(bias + ((<usize>c) << 2)) : 0);
            store<i8>(
              out + <usize>c,
              <i8>requantizeChannel(sum, d.multipliers, d.shifts, c, d.outputOffset, d.actMin, d.actMax),
            );
          }
        }
      }
    }
  }
}

/** SIMD build, multiplier 1: acc[c] += w[c] * x[c] four float channels at a time; returns the channels done. */
function tapF32x4(acc: usize, wp: usize, xp: usize, outC: i32): i32 {
  let c = 0;
  for (; c + 4 <= outC; c += 4) {
    const a = acc + ((<usize>c) << 2);
    v128.store(
      a,
      f32x4.add(v128.load(a), f32x4.mul(v128.load(wp + ((<usize>c) << 2)), v128.load(xp + ((<usize>c) << 2)))),
    );
  }
  return c;
}

/** SIMD build, multiplier 1: acc[c] += w[c] * (x[c] + offset) eight int8 channels at a time (exact in int16 x int16 -> int32); returns the channels done. */
function tapI8x8(acc: usize, wp: usize, xp: usize, outC: i32, offset: i32): i32 {
  const off = i16x8.splat(<i16>offset);
  let c = 0;
  for (; c + 8 <= outC; c += 8) {
    const xv = i16x8.add(v128.load8x8_s(xp + <usize>c), off);
    const wv = v128.load8x8_s(wp + <usize>c);
    const a = acc + ((<usize>c) << 2);
    v128.store(a, i32x4.add(v128.load(a), i32x4.extmul_low_i16x8_s(wv, xv)));
    v128.store(a, i32x4.add(v128.load(a, 16), i32x4.extmul_high_i16x8_s(wv, xv)), 16);
  }
  return c;
}
