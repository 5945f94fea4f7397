// The inner loops of MAX_POOL_2D and AVERAGE_POOL_2D (ops_common/pool.ts
// walks the output pixels): one window row at a time into per-channel
// accumulators, and the finished pixel out, SIMD across channels in the SIMD
// build, four int8 channels per word in the MVP build. Each channel sees its
// taps in the same order on both builds, so the results are the same.

import { TYPE_INT8 } from "../schema";
import { PoolData } from "../ops_common/pool_data";
import { copyBytes } from "./copy";
import { byte0, byte1, byte2, byte3 } from "./int8_word";

/**
 * One output pixel of int8 MAX_POOL_2D in the SIMD build: eight channels
 * per lane vector, i8x16.max_s over the window rows fy0..fy1 and columns
 * fx0..fx1 (`window` is the window's top-left input pixel), clamped,
 * without the per-element accumulator of the generic loop. A chunk of fewer
 * than eight channels is still read and written eight bytes at a time: the
 * extra bytes read are other channels (ignored), the extra bytes written
 * belong to pixels written later (pixels go in order). Only within 8 bytes
 * of a tensor's end does a chunk go through an 8-byte buffer, so nothing
 * leaves the tensors. Max is exact in any order, so the MVP build's results
 * are equal.
 */
export function maxPixelInt8(
  d: PoolData,
  window: usize,
  fy0: i32,
  fy1: i32,
  fx0: i32,
  fx1: i32,
  xEnd: usize,
  out: usize,
  yEnd: usize,
): void {
  const channels = d.channels;
  const rowBytes = <usize>(d.inW * channels);
  const partial = d.accumulators; // >= 16 bytes
  for (let c = 0; c < channels; c += 8) {
    const n = min(8, channels - c);
    let m = i8x16.splat(-128);
    for (let fy = fy0; fy < fy1; fy++) {
      for (let fx = fx0; fx < fx1; fx++) {
        const src = window + <usize>fy * rowBytes + <usize>(fx * channels + c);
        if (src + 8 <= xEnd) m = i8x16.max_s(m, v128.load64_zero(src));
        else {
          copyBytes(partial, src, <usize>n);
          m = i8x16.max_s(m, v128.load64_zero(partial));
        }
      }
    }
    m = i8x16.min_s(i8x16.max_s(m, i8x16.splat(<i8>d.actMin)), i8x16.splat(<i8>d.actMax));
    if (out + <usize>c + 8 <= yEnd) store<i64>(out + <usize>c, i64x2.extract_lane(m, 0));
    else {
      store<i64>(partial, i64x2.extract_lane(m, 0));
      copyBytes(out + <usize>c, partial, <usize>n);
    }
  }
}

/**
 * Adds (average) or takes the maximum of one window row: `taps` pixels of
 * `channels` floats from `src`, into the accumulators, a lane vector of
 * channels at a time, the running value held in a register across the row.
 * `first` (the window's first row) starts from the first tap, plus 0 for
 * an average as TFLite's sum starts at 0. Taps are taken in order, so float
 * sums round as TFLite's do.
 */
export function accumulateFloatRow(acc: usize, src: usize, taps: i32, channels: i32, average: bool, first: bool): void {
  const tapBytes = (<usize>channels) << 2;
  const start = first ? 1 : 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    for (; c + 4 <= channels; c += 4) {
      const a = acc + ((<usize>c) << 2);
      let p = src + ((<usize>c) << 2);
      let s = first ? v128.load(p) : v128.load(a);
      if (first && average) s = f32x4.add(f32x4.splat(0), s);
      for (let k = start; k < taps; k++) {
        const v = v128.load(p + <usize>k * tapBytes);
        s = average ? f32x4.add(s, v) : f32x4.max(s, v);
      }
      v128.store(a, s);
    }
  }
  // The channels left (all of them in the MVP build): tap by tap, channels inner.
  const rest = c;
  // (One loop per case: a select in the loop would compute every case.)
  for (let k = 0; k < taps; k++) {
    const tap = src + <usize>k * tapBytes;
    if (first && k == 0) {
      for (c = rest; c < channels; c++) {
        const v = load<f32>(tap + ((<usize>c) << 2));
        store<f32>(acc + ((<usize>c) << 2), average ? <f32>0 + v : v);
      }
    } else if (average) {
      for (c = rest; c < channels; c++) {
        const a = acc + ((<usize>c) << 2);
        store<f32>(a, load<f32>(a) + load<f32>(tap + ((<usize>c) << 2)));
      }
    } else {
      for (c = rest; c < channels; c++) {
        const a = acc + ((<usize>c) << 2);
        store<f32>(a, max(load<f32>(a), load<f32>(tap + ((<usize>c) << 2))));
      }
    }
  }
}

export function finishFloat(acc: usize, dst: usize, channels: i32, average: bool, count: i32, lo: f32, hi: f32): void {
  const n = <f32>count;
  for (let c = 0; c < channels; c++) {
    let v = load<f32>(acc + ((<usize>c) << 2));
    if (average) v = v / n;
    store<f32>(dst + ((<usize>c) << 2), min(max(v, lo), hi));
  }
}

/**
 * The integer form of accumulateFloatRow: one window row of `taps` pixels
 * starting at element `row` of int8 or int16 input, into int32 sums or
 * maxima (exact in any order); in the SIMD build eight int8 channels at a
 * time.
 */
export function accumulateIntegerRow(
  acc: usize,
  xData: usize,
  row: i32,
  taps: i32,
  type: i32,
  channels: i32,
  average: bool,
  first: bool,
): void {
  const start = first ? 1 : 0;
  let c = 0;
  if (ASC_FEATURE_SIMD && type == TYPE_INT8) {
    const src = xData + <usize>row;
    for (; c + 8 <= channels; c += 8) {
      const a = acc + ((<usize>c) << 2);
      const v0 = v128.load8x8_s(src + <usize>c);
      let lo = first ? i32x4.extend_low_i16x8_s(v0) : v128.load(a);
      let hi = first ? i32x4.extend_high_i16x8_s(v0) : v128.load(a, 16);
      for (let k = start; k < taps; k++) {
        const v = v128.load8x8_s(src + <usize>(k * channels + c));
        const vLo = i32x4.extend_low_i16x8_s(v);
        const vHi = i32x4.extend_high_i16x8_s(v);
        lo = average ? i32x4.add(lo, vLo) : i32x4.max_s(lo, vLo);
        hi = average ? i32x4.add(hi, vHi) : i32x4.max_s(hi, vHi);
      }
      v128.store(a, lo);
      v128.store(a, hi, 16);
    }
  }
  if (!ASC_FEATURE_SIMD && type == TYPE_INT8) {
    // MVP build: four channels per word loaded, their sums or maxima in
    // locals across the row's taps (one load and one bounds check, where the
    // host checks each access, per four values).
    const src = xData + <usize>row;
    const step = <usize>channels;
    for (; c + 4 <= channels; c += 4) {
      const a = acc + ((<usize>c) << 2);
      let p = src + <usize>c;
      let s0: i32, s1: i32, s2: i32, s3: i32;
      if (first) {
        const v = load<u32>(p);
        s0 = byte0(v);
        s1 = byte1(v);
        s2 = byte2(v);
        s3 = byte3(v);
        p += step;
      } else {
        s0 = load<i32>(a);
        s1 = load<i32>(a, 4);
        s2 = load<i32>(a, 8);
        s3 = load<i32>(a, 12);
      }
      if (average) {
        for (let k = start; k < taps; k++) {
          const v = load<u32>(p);
          s0 += byte0(v);
          s1 += byte1(v);
          s2 += byte2(v);
          s3 += byte3(v);
          p += step;
        }
      } else {
        for (let k = start; k < taps; k++) {
          const v = load<u32>(p);
          s0 = max(s0, byte0(v));
          s1 = max(s1, byte1(v));
          s2 = max(s2, byte2(v));
          s3 = max(s3, byte3(v));
          p += step;
        }
      }
      store<i32>(a, s0);
      store<i32>(a, s1, 4);
      store<i32>(a, s2, 8);
      store<i32>(a, s3, 12);
    }
  }
  // The channels left (int16, and int8 past the last group of four or eight): tap by tap, channels inner.
  const rest = c;
  for (let k = 0; k < taps; k++) {
    const init = first && k == 0;
    const tap = row + k * channels;
    for (c = rest; c < channels; c++) {
      const a = acc + ((<usize>c) << 2);
      const i = tap + c;
      const v = type == TYPE_INT8 ? <i32>load<i8>(xData + <usize>i) : <i32>load<i16>(xData + ((<usize>i) << 1));
      if (init) store<i32>(a, v);
      else if (average) store<i32>(a, load<i32>(a) + v);
      else store<i32>(a, max(load<i32>(a), v));
    }
  }
}

export function finishInteger(
  acc: usize,
  yData: usize,
  outPixel: i32,
  type: i32,
  channels: i32,
  average: bool,
  count: i32,
  lo: i32,
  hi: i32,
): void {
  for (let c = 0; c < channels; c++) {
    let v = load<i32>(acc + ((<usize>c) << 2));
    if (average) v = v > 0 ? (v + count / 2) / count : (v - count / 2) / count;
    v = min(max(v, lo), hi);
    if (type == TYPE_INT8) store<i8>(yData + <usize>(outPixel + c), <i8>v);
    else store<i16>(yData + ((<usize>(outPixel + c)) << 1), <i16>v);
  }
}
