// float32 CONV_2D with output channels as the vector lanes (SIMD build), the
// float form of kernels/conv_channel_lanes.ts: the input is copied with its
// padding (0.0) around it, every tap of a window is one float at a fixed
// offset from the window's corner (offsets[k], k in the filter's
// height-width-channel order), and lane j of the packed filter holds output
// channel j's weight for tap k, so one splat of the input times one weight
// vector adds a tap to four channels. Four output pixels share every weight
// load.
//
// Each output is 0, plus w[k] * x[k] for k in filter order, plus the bias,
// then clamped: the MVP build's loop (conv2d_im2col.ts) sums in exactly that
// order, so the two builds give the same bits (WebAssembly has no fused
// multiply-add).

import { persistentAlloc } from "../layout";
import { ConvData } from "../ops_common/conv_data";
import { channelLanes } from "./conv_channel_lanes";

@unmanaged
export class ChannelLaneConvF32 {
  taps: i32; // elements of one filter
  filters: i32; // output channels per group
  lanes: i32; // filters rounded up to 8
  offsets: usize; // [taps] i32: byte offset of tap k from the window corner in the padded image
  weights: usize; // [group][tap][lane] f32, 0 past filters
  bias: usize; // [group][lane] f32, 0 past filters or without a bias
  actMin: f32;
  actMax: f32;
}

/**
 * Four output pixels of group g (see convPixels4 in conv_channel_lanes.ts;
 * pixels may repeat): window corners -> `filters` floats per pixel from
 * channel g * filters.
 */
export function convPixels4F32(
  p: ChannelLaneConvF32,
  g: i32,
  windowA: usize,
  windowB: usize,
  windowC: usize,
  windowD: usize,
  outA: usize,
  outB: usize,
  outC: usize,
  outD: usize,
): void {
  const taps = p.taps,
    lanes = p.lanes,
    filters = p.filters,
    offsets = p.offsets;
  const stride = (<usize>lanes) << 2;
  const weights = p.weights + <usize>g * <usize>taps * stride;
  const bias = p.bias + <usize>g * stride;
  const out = (<usize>(g * filters)) << 2;
  const lo = f32x4.splat(p.actMin),
    hi = f32x4.splat(p.actMax);
  for (let j = 0; j < lanes; j += 8) {
    const zero = f32x4.splat(0);
    let a0 = zero,
      a1 = zero,
      b0 = zero,
      b1 = zero,
      c0 = zero,
      c1 = zero,
      d0 = zero,
      d1 = zero;
    let w = weights + ((<usize>j) << 2);
    for (let k = 0; k < taps; k++) {
      const at = <usize>load<i32>(offsets + ((<usize>k) << 2));
      const w0 = v128.load(w),
        w1 = v128.load(w, 16);
      const sa = v128.load32_splat(windowA + at);
      a0 = f32x4.add(a0, f32x4.mul(w0, sa));
      a1 = f32x4.add(a1, f32x4.mul(w1, sa));
      const sb = v128.load32_splat(windowB + at);
      b0 = f32x4.add(b0, f32x4.mul(w0, sb));
      b1 = f32x4.add(b1, f32x4.mul(w1, sb));
      const sc = v128.load32_splat(windowC + at);
      c0 = f32x4.add(c0, f32x4.mul(w0, sc));
      c1 = f32x4.add(c1, f32x4.mul(w1, sc));
      const sd = v128.load32_splat(windowD + at);
      d0 = f32x4.add(d0, f32x4.mul(w0, sd));
      d1 = f32x4.add(d1, f32x4.mul(w1, sd));
      w += stride;
    }
    const bias0 = v128.load(bias + ((<usize>j) << 2)),
      bias1 = v128.load(bias + ((<usize>j) << 2), 16);
    const n = min(8, filters - j),
      at = out + ((<usize>j) << 2);
    storeFloats(outA + at, f32x4.add(a0, bias0), f32x4.add(a1, bias1), lo, hi, n);
    storeFloats(outB + at, f32x4.add(b0, bias0), f32x4.add(b1, bias1), lo, hi, n);
    storeFloats(outC + at, f32x4.add(c0, bias0), f32x4.add(c1, bias1), lo, hi, n);
    storeFloats(outD + at, f32x4.add(d0, bias0), f32x4.add(d1, bias1), lo, hi, n);
  }
}

/** Clamps eight floats to [lo, hi] (as the scalar min(max(v, lo), hi)) and stores the first n (1..8), exactly n. */
function storeFloats(dst: usize, low: v128, high: v128, lo: v128, hi: v128, n: i32): void {
  const r0 = f32x4.min(f32x4.max(low, lo), hi),
    r1 = f32x4.min(f32x4.max(high, lo), hi);
  if (n == 8) {
    v128.store(dst, r0);
    v128.store(dst, r1, 16);
    return;
  }
  // Exactly n floats: the next ones are another pixel's or group's.
  let at = dst,
    v = r0,
    rest = n;
  if (n >= 4) {
    v128.store(dst, r0);
    at += 16;
    v = r1;
    rest -= 4;
  }
  if (rest > 0) store<f32>(at, f32x4.extract_lane(v, 0));
  if (rest > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (rest > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

/**
 * Prepare (SIMD build): tap offsets, the filters packed [group][tap][lane]
 * and the bias per lane for the prepared float convolution `data`. Returns
 * the ChannelLaneConvF32 in persistent memory, or 0 when out of memory.
 */
export function prepareChannelLanesF32(data: ConvData, w: usize, bias: usize): usize {
  const p = changetype<ChannelLaneConvF32>(persistentAlloc(offsetof<ChannelLaneConvF32>()));
  if (changetype<usize>(p) == 0) return 0;
  const filters = data.filtersPerGroup,
    taps = data.rowLength,
    groups = data.groups,
    kC = data.kC,
    kW = data.kW;
  const lanes = channelLanes(filters);
  p.taps = taps;
  p.filters = filters;
  p.lanes = lanes;
  p.offsets = persistentAlloc(<u64>taps * 4);
  p.weights = persistentAlloc(<u64>taps * <u64>lanes * <u64>groups * 4);
  p.bias = persistentAlloc(<u64>lanes * <u64>groups * 4);
  if (p.offsets == 0 || p.weights == 0 || p.bias == 0) return 0;
  for (let k = 0; k < taps; k++) {
    const tap = k / kC,
      fy = tap / kW,
      fx = tap % kW;
    store<i32>(
      p.offsets + ((<usize>k) << 2),
      ((fy * data.dilationH * data.paddedW + fx * data.dilationW) * data.inC + (k % kC)) << 2,
    );
  }
  for (let g = 0; g < groups; g++) {
    for (let j = 0; j < lanes; j++) {
      const c = g * filters + j,
        inside = j < filters;
      for (let k = 0; k < taps; k++) {
        const at = p.weights + ((<usize>(g * taps + k) * <usize>lanes + <usize>j) << 2);
        store<f32>(at, inside ? load<f32>(w + ((<usize>c * <usize>taps + <usize>k) << 2)) : 0);
      }
      store<f32>(
        p.bias + ((<usize>(g * lanes + j)) << 2),
        inside && bias != 0 ? load<f32>(bias + ((<usize>c) << 2)) : 0,
      );
    }
  }
  p.actMin = data.actMinF;
  p.actMax = data.actMaxF;
  return changetype<usize>(p);
}
