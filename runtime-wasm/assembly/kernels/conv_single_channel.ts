// int8 CONV_2D over a one-channel image (a grayscale first layer, LeNet's
// conv1), stride 1, no padding, no dilation, SIMD build only: eight
// neighbouring output pixels of one row are the lanes. Each filter tap is one
// 8-byte load of the input row (shared by every output channel) times that
// tap's weight, kept as an int16 splat vector made at prepare. im2col would
// gather a 25-element row per pixel and reduce every dot product
// horizontally; here nothing is gathered or reduced, and the
// requantisation runs on the eight pixels of a channel at once.
//
// Integer sums are exact and the requantisation is lane for lane TFLite's
// (multiplyByQuantizedMultiplierX4), so results equal the im2col path's.

import { multiplyByQuantizedMultiplierX4 } from "../fixedpoint";

/** Bytes of the weight vectors for `channels` filters of `taps` taps. */
export function singleChannelWeightBytes(channels: i32, taps: i32): u64 {
  return <u64>channels * <u64>taps * 16;
}

/** Splats every int8 weight of w [channels, taps] into an int16x8 vector (16 bytes each) at `vectors`. */
export function makeSingleChannelWeights(w: usize, channels: i32, taps: i32, vectors: usize): void {
  for (let i = 0; i < channels * taps; i++) v128.store(vectors + (<usize>i << 4), i16x8.splat(<i16>load<i8>(w + <usize>i)));
}

@unmanaged
export class SingleChannelConv {
  inH: i32; inW: i32; outH: i32; outW: i32; outC: i32; kH: i32; kW: i32;
  weights: usize; // makeSingleChannelWeights
  rowConstants: usize; // per channel: bias + input offset x filter sum (int32)
  multipliers: usize; shifts: usize; // per channel
  outputOffset: i32; actMin: i32; actMax: i32;
}

/** One image of the batch: x [inH, inW] int8 -> y [outH, outW, outC] int8. Needs outW >= 8. */
export function convSingleChannel(p: SingleChannelConv, x: usize, y: usize): void {
  const outW = p.outW, outC = p.outC;
  for (let oy = 0; oy < p.outH; oy++) {
    for (let ox0 = 0; ox0 < outW; ox0 += 8) {
      // The last block of a row overlaps the previous one instead of running
      // past the row (its pixels are recomputed to the same values).
      const ox = min(ox0, outW - 8);
      const image = x + <usize>(oy * p.inW + ox);
      const pixel = y + <usize>((oy * outW + ox) * outC);
      // Two channels per pass (an odd last channel is computed twice).
      for (let c = 0; c < outC; c += 2) {
        const c1 = min(c + 1, outC - 1);
        channelPair(p, image, c, c1, pixel);
      }
    }
  }
}

function channelPair(p: SingleChannelConv, image: usize, c0: i32, c1: i32, pixel: usize): void {
  const taps = p.kH * p.kW;
  let a0 = i32x4.splat(load<i32>(p.rowConstants + (<usize>c0 << 2))), a1 = a0;
  let b0 = i32x4.splat(load<i32>(p.rowConstants + (<usize>c1 << 2))), b1 = b0;
  let wa = p.weights + (<usize>(c0 * taps) << 4);
  let wb = p.weights + (<usize>(c1 * taps) << 4);
  for (let fy = 0; fy < p.kH; fy++) {
    const row = image + <usize>(fy * p.inW);
    for (let fx = 0; fx < p.kW; fx++) {
      const xv = i16x8.extend_low_i8x16_s(v128.load64_zero(row + <usize>fx));
      const va = v128.load(wa), vb = v128.load(wb);
      a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(xv, va));
      a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(xv, va));
      b0 = i32x4.add(b0, i32x4.extmul_low_i16x8_s(xv, vb));
      b1 = i32x4.add(b1, i32x4.extmul_high_i16x8_s(xv, vb));
      wa += 16;
      wb += 16;
    }
  }
  storeChannel(p, a0, a1, c0, pixel);
  storeChannel(p, b0, b1, c1, pixel);
}

/** Requantises one channel's eight accumulators and stores them, outC bytes apart. */
function storeChannel(p: SingleChannelConv, low: v128, high: v128, c: i32, pixel: usize): void {
  const m = load<i32>(p.multipliers + (<usize>c << 2)), shift = load<i32>(p.shifts + (<usize>c << 2));
  const offset = i32x4.splat(p.outputOffset), lo = i32x4.splat(p.actMin), hi = i32x4.splat(p.actMax);
  const r0 = i32x4.min_s(i32x4.max_s(i32x4.add(multiplyByQuantizedMultiplierX4(low, m, shift), offset), lo), hi);
  const r1 = i32x4.min_s(i32x4.max_s(i32x4.add(multiplyByQuantizedMultiplierX4(high, m, shift), offset), lo), hi);
  const r16 = i16x8.narrow_i32x4_s(r0, r1);
  const bytes = i8x16.narrow_i16x8_s(r16, r16);
  const step = <usize>p.outC;
  const at = pixel + <usize>c;
  store<i8>(at, i8x16.extract_lane_s(bytes, 0));
  store<i8>(at + step, i8x16.extract_lane_s(bytes, 1));
  store<i8>(at + 2 * step, i8x16.extract_lane_s(bytes, 2));
  store<i8>(at + 3 * step, i8x16.extract_lane_s(bytes, 3));
  store<i8>(at + 4 * step, i8x16.extract_lane_s(bytes, 4));
  store<i8>(at + 5 * step, i8x16.extract_lane_s(bytes, 5));
  store<i8>(at + 6 * step, i8x16.extract_lane_s(bytes, 6));
  store<i8>(at + 7 * step, i8x16.extract_lane_s(bytes, 7));
}
