// DEPTHWISE_CONV_2D's loops (ops/depthwise_conv2d.ts prepares and dispatches):
// every output pixel's taps inside the image summed per output channel. The
// SIMD build runs across channels (contiguous in NHWC) for multiplier 1:
// eight int8 channels per step, widened to int16 and multiplied into int32
// lanes (exact), or four float32 channels, each lane summing its own channel
// in the same tap order as the scalar path, so both builds give identical
// bits; it requantises int8 four channels at a time with a multiplier and
// shift per lane (requantize_lanes.ts). The MVP build's int8 path for
// multiplier 1 (depthwiseInt8Words) runs four channels at a time in words:
// the microcontroller's hot loop.

import { DepthwiseData } from "../ops_common/depthwise_data";
import { requantizeChannel } from "../ops_common/channel_quantization";
import { LaneRequantization, storeRequantized4 } from "./requantize_lanes";
import { byte0, byte1, byte2, byte3 } from "./int8_word";

/**
 * Every output pixel: the taps inside the image summed per output channel
 * in tap order (int32 sums of int8 products with the input offset, or
 * float32), then the bias, then requantised (int8) or clamped (float).
 */
export function depthwiseWindows(d: DepthwiseData, x: usize, w: usize, bias: usize, y: usize, float: bool): void {
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

/**
 * MVP build, int8, multiplier 1. Per output pixel, four channels at a time:
 * their sums stay in locals across the taps inside the image, each tap
 * loading its four inputs and four weights as one word each (one bounds
 * check each where the host checks accesses, as wasm2c's C does), then
 * the bias, the requantisation and one word stored. The operator data is
 * read into locals first: stores to the output could alias it, which would
 * reload every field on every channel. Channels past the last multiple of
 * four go one at a time. Integer sums are exact: the bits are TFLM's.
 */
export function depthwiseInt8Words(d: DepthwiseData, x: usize, w: usize, bias: usize, y: usize): void {
  const outC = d.outC,
    inH = d.inH,
    inW = d.inW,
    kH = d.kH,
    kW = d.kW;
  const strideH = d.strideH,
    strideW = d.strideW,
    padH = d.padH,
    padW = d.padW;
  const dilationH = d.dilationH,
    dilationW = d.dilationW,
    offset = d.inputOffset;
  const multipliers = d.multipliers,
    shifts = d.shifts,
    outputOffset = d.outputOffset;
  const actMin = d.actMin,
    actMax = d.actMax;
  const xTapStep = <usize>(dilationW * outC),
    xRowStep = <usize>(dilationH * inW * outC);
  const wTapStep = <usize>outC,
    wRowStep = <usize>(kW * outC);
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      const iy0 = oy * strideH - padH;
      // The filter rows inside the image: [fy0, fy1).
      let fy0 = 0,
        fy1 = kH;
      while (fy0 < kH && iy0 + fy0 * dilationH < 0) fy0++;
      while (fy1 > fy0 && iy0 + (fy1 - 1) * dilationH >= inH) fy1--;
      for (let ox = 0; ox < d.outW; ox++) {
        const ix0 = ox * strideW - padW;
        let fx0 = 0,
          fx1 = kW;
        while (fx0 < kW && ix0 + fx0 * dilationW < 0) fx0++;
        while (fx1 > fx0 && ix0 + (fx1 - 1) * dilationW >= inW) fx1--;
        const out = y + <usize>(((b * d.outH + oy) * d.outW + ox) * outC);
        // The first tap inside the image, in x and in w.
        const xFirst = x + <usize>(((b * inH + iy0 + fy0 * dilationH) * inW + ix0 + fx0 * dilationW) * outC);
        const wFirst = w + <usize>((fy0 * kW + fx0) * outC);
        let c = 0;
        for (; c + 4 <= outC; c += 4) {
          let s0 = 0,
            s1 = 0,
            s2 = 0,
            s3 = 0;
          // Pointers stepped tap by tap: one tap right is dilationW pixels of x and one filter column of w.
          let xRow = xFirst + <usize>c;
          let wRow = wFirst + <usize>c;
          for (let fy = fy0; fy < fy1; fy++) {
            let xp = xRow;
            let wp = wRow;
            for (let fx = fx0; fx < fx1; fx++) {
              const xv = load<u32>(xp);
              const wv = load<u32>(wp);
              s0 += byte0(wv) * (byte0(xv) + offset);
              s1 += byte1(wv) * (byte1(xv) + offset);
              s2 += byte2(wv) * (byte2(xv) + offset);
              s3 += byte3(wv) * (byte3(xv) + offset);
              xp += xTapStep;
              wp += wTapStep;
            }
            xRow += xRowStep;
            wRow += wRowStep;
          }
          if (bias != 0) {
            const bc = bias + ((<usize>c) << 2);
            s0 += load<i32>(bc);
            s1 += load<i32>(bc, 4);
            s2 += load<i32>(bc, 8);
            s3 += load<i32>(bc, 12);
          }
          const q0 = requantizeChannel(s0, multipliers, shifts, c, outputOffset, actMin, actMax);
          const q1 = requantizeChannel(s1, multipliers, shifts, c + 1, outputOffset, actMin, actMax);
          const q2 = requantizeChannel(s2, multipliers, shifts, c + 2, outputOffset, actMin, actMax);
          const q3 = requantizeChannel(s3, multipliers, shifts, c + 3, outputOffset, actMin, actMax);
          store<u32>(out + <usize>c, (q0 & 0xff) | ((q1 & 0xff) << 8) | ((q2 & 0xff) << 16) | (q3 << 24));
        }
        for (; c < outC; c++) {
          let sum = bias != 0 ? load<i32>(bias + ((<usize>c) << 2)) : 0;
          for (let fy = fy0; fy < fy1; fy++) {
            for (let fx = fx0; fx < fx1; fx++) {
              const xc = x + <usize>(((b * inH + iy0 + fy * dilationH) * inW + ix0 + fx * dilationW) * outC + c);
              sum += <i32>load<i8>(w + <usize>((fy * kW + fx) * outC + c)) * (<i32>load<i8>(xc) + offset);
            }
          }
          store<i8>(out + <usize>c, <i8>requantizeChannel(sum, multipliers, shifts, c, outputOffset, actMin, actMax));
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

/**
 * SIMD build, multiplier 1: acc[c] += w[c] * (x[c] + offset) eight int8 channels at a time (exact in
 * int16 x int16 -> int32); returns the channels done.
 */
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
