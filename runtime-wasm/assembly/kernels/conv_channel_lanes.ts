// int8 CONV_2D as a matrix product with output channels as the vector lanes
// (SIMD build). The input image is first copied, widened to int16 and
// surrounded by its padding (the input zero point), so every tap of every
// output pixel is an in-bounds read: no im2col row is gathered. The filter
// is read as runs of taps that lie side by side in that image (a whole
// filter row, kW x in_channels elements, when there is no horizontal
// dilation and one group; otherwise one tap's channels) and each run as
// pairs of neighbouring int16 elements: pair q is one int32 load at a fixed
// offset (offsets[q]) from the pixel's window corner. The filters are packed
// to match at prepare, eight channels at a time: for pair q, lane j of a
// vector holds output channel j's two weights, so one i32x4.dot_i16x8_s with
// a splat of the pair adds 2 taps x 4 channels, and a pass over eight
// channels reads its weights as one contiguous run. Every loaded weight
// vector serves four output pixels.
// There are no horizontal sums (the dot-product form, kernels/dot.ts, needs
// one per output), and the requantisation runs four channels at a time
// (kernels/requantize_lanes.ts). An odd run's last pair reads one element
// past the run with weight 0 (the scratch has room past the image for it).
//
// Integer sums are exact and the requantisation is TFLite's lane by lane, so
// results equal the MVP build's im2col path.

import { LaneRequantization, requantizeLanes } from "./requantize_lanes";
import { widenInt8, fillElements } from "./copy";
import { persistentAlloc } from "../layout";
import { ConvData } from "../ops_common/conv_data";
import { prepareLaneRequantization } from "../ops_common/channel_quantization";

@unmanaged
export class ChannelLaneConv {
  pairCount: i32; // int16 pairs per window
  filters: i32; // output channels per group
  lanes: i32; // filters rounded up to 8
  offsets: usize; // [pairCount] i32: byte offset of pair q from the window corner in the widened image
  weights: usize; // packChannelLaneWeights, per group
  rowConstants: usize; // [group][lanes] int32: bias + input offset x filter sum, 0 past filters
  requantization: usize; // LaneRequantization over [group][lanes]
}

/** Bytes past the padded image that the kernel may read (never uses): an odd run's last pair. */
export const CHANNEL_LANE_OVERREAD: i32 = 4;

/** Lanes for `filters` output channels per group: eight per pass of convPixels4. */
// @ts-ignore: decorator
@inline
export function channelLanes(filters: i32): i32 {
  return (filters + 7) & ~7;
}

/** Pairs in a window of `taps` elements read as runs of `run` elements. */
// @ts-ignore: decorator
@inline
export function channelLanePairs(taps: i32, run: i32): i32 {
  return taps / run * ((run + 1) >> 1);
}

/**
 * w [filters][taps] int8 (one group's filters), read as runs of `run`
 * elements, -> [pass of 8 lanes][pair q][lane j] int32 at `packed`: the low
 * int16 is the weight of the pair's first element, the high one the
 * second's (0 past a run's end and past the last filter).
 */
export function packChannelLaneWeights(w: usize, filters: i32, taps: i32, run: i32, lanes: i32, packed: usize): void {
  const perRun = (run + 1) >> 1;
  const pairs = channelLanePairs(taps, run);
  for (let q = 0; q < pairs; q++) {
    const t = (q % perRun) << 1;
    const k = q / perRun * run + t; // the pair's first element in the filter
    for (let j = 0; j < lanes; j++) {
      let pair = 0;
      if (j < filters) {
        const filter = w + <usize>j * <usize>taps;
        pair = <i32>load<i8>(filter + <usize>k) & 0xffff;
        if (t + 1 < run) pair |= <i32>load<i8>(filter + <usize>(k + 1)) << 16;
      }
      store<i32>(packed + ((<usize>((j >> 3) * pairs + q) << 5) + (<usize>(j & 7) << 2)), pair);
    }
  }
}

/**
 * Four output pixels of group g: window (the address in the widened image
 * of each pixel's window corner, at the group's first channel; windows
 * [windowA, windowB, windowC, windowD]) -> out (the pixels' first output
 * channel; the group writes its `filters` bytes from g * filters). Pixels
 * may repeat (a last, partial set). With `pool`, the four pixels are one
 * 2x2 max-pooling window (ops/conv2d.ts, absorbMaxPool): their accumulators
 * are reduced by max and requantised once, to outA.
 */
export function convPixels4(
  p: ChannelLaneConv,
  g: i32,
  windowA: usize,
  windowB: usize,
  windowC: usize,
  windowD: usize,
  outA: usize,
  outB: usize,
  outC: usize,
  outD: usize,
  pool: bool,
): void {
  const pairCount = p.pairCount, lanes = p.lanes, filters = p.filters, offsets = p.offsets;
  const passBytes = <usize>pairCount << 5; // one pass's weights: eight lanes per pair
  const first = g * lanes; // this group's first lane in rowConstants and the requantisation
  let w = p.weights + <usize>g * <usize>(lanes >> 3) * passBytes;
  const out = <usize>(g * filters);
  const rq = changetype<LaneRequantization>(p.requantization);
  // Eight channels per pass: two accumulators per pixel.
  for (let j = 0; j < lanes; j += 8) {
    const start = p.rowConstants + (<usize>(first + j) << 2);
    let a0 = v128.load(start), a1 = v128.load(start, 16);
    let b0 = a0, b1 = a1, c0 = a0, c1 = a1, d0 = a0, d1 = a1;
    let offset = offsets;
    for (const end = w + passBytes; w < end; w += 32) {
      const at = <usize>load<i32>(offset);
      const w0 = v128.load(w), w1 = v128.load(w, 16);
      const sa = v128.load32_splat(windowA + at);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(w0, sa));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(w1, sa));
      const sb = v128.load32_splat(windowB + at);
      b0 = i32x4.add(b0, i32x4.dot_i16x8_s(w0, sb));
      b1 = i32x4.add(b1, i32x4.dot_i16x8_s(w1, sb));
      const sc = v128.load32_splat(windowC + at);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(w0, sc));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(w1, sc));
      const sd = v128.load32_splat(windowD + at);
      d0 = i32x4.add(d0, i32x4.dot_i16x8_s(w0, sd));
      d1 = i32x4.add(d1, i32x4.dot_i16x8_s(w1, sd));
      offset += 4;
    }
    const group = (first + j) >> 2, n = min(8, filters - j), at = out + <usize>j;
    if (pool) {
      // Requantisation and clamp never decrease, so max first is exact.
      storeChannels(
        outA + at,
        rq,
        group,
        i32x4.max_s(i32x4.max_s(a0, b0), i32x4.max_s(c0, d0)),
        i32x4.max_s(i32x4.max_s(a1, b1), i32x4.max_s(c1, d1)),
        n,
      );
      continue;
    }
    storeChannels(outA + at, rq, group, a0, a1, n);
    storeChannels(outB + at, rq, group, b0, b1, n);
    storeChannels(outC + at, rq, group, c0, c1, n);
    storeChannels(outD + at, rq, group, d0, d1, n);
  }
}

/**
 * Requantises eight channels (lane groups `group` and `group + 1`) and
 * stores the first n (1..8) of them: exactly n bytes, as the next ones are
 * another pixel's or group's, possibly written already.
 */
function storeChannels(dst: usize, rq: LaneRequantization, group: i32, low: v128, high: v128, n: i32): void {
  const r16 = i16x8.narrow_i32x4_s(requantizeLanes(rq, group, low), requantizeLanes(rq, group + 1, high));
  let bits = i64x2.extract_lane(i8x16.narrow_i16x8_s(r16, r16), 0);
  if (n == 8) {
    store<u64>(dst, bits);
    return;
  }
  let at = dst;
  if ((n & 4) != 0) {
    store<u32>(at, <u32>bits);
    bits >>= 32;
    at += 4;
  }
  if ((n & 2) != 0) {
    store<u16>(at, <u16>bits);
    bits >>= 16;
    at += 2;
  }
  if ((n & 1) != 0) store<u8>(at, <u8>bits);
}

/**
 * One image x [inH][inW][channels] -> `image` [paddedH][paddedW][channels]
 * with the input at row top and column left and every other element `pad`:
 * int8 widened to int16 (`float` false; pad is the input zero point), or
 * float32 copied (`float` true; pad is 0.0's bits).
 */
export function padImage(
  x: usize,
  inH: i32,
  inW: i32,
  channels: i32,
  top: i32,
  left: i32,
  paddedH: i32,
  paddedW: i32,
  pad: u32,
  float: bool,
  image: usize,
): void {
  const size: usize = float ? 4 : 2;
  const rowElements = <usize>paddedW * <usize>channels;
  const before = <usize>left * <usize>channels, inside = <usize>inW * <usize>channels;
  for (let py = 0; py < paddedH; py++) {
    const dst = image + <usize>py * rowElements * size;
    const iy = py - top;
    if (iy < 0 || iy >= inH) {
      fillElements(dst, pad, size, rowElements);
      continue;
    }
    fillElements(dst, pad, size, before);
    const src = x + <usize>iy * inside * (float ? 4 : 1);
    if (float) memory.copy(dst + before * size, src, inside << 2);
    else widenInt8(dst + (before << 1), src, inside);
    fillElements(dst + (before + inside) * size, pad, size, rowElements - before - inside);
  }
}

/**
 * Prepare (SIMD build): the tap-pair offsets, the filters packed pass by
 * pass, per-lane row constants and requantisation for the prepared
 * convolution `data`. Returns the ChannelLaneConv in persistent memory, or 0
 * when out of memory.
 */
export function prepareChannelLanes(data: ConvData, w: usize): usize {
  const p = changetype<ChannelLaneConv>(persistentAlloc(offsetof<ChannelLaneConv>()));
  if (changetype<usize>(p) == 0) return 0;
  const filters = data.filtersPerGroup, taps = data.rowLength, groups = data.groups, kC = data.kC, kW = data.kW;
  const lanes = channelLanes(filters);
  // A run: a whole filter row lies side by side in the image when one group
  // reads all channels and there is no horizontal dilation; else one tap.
  const wholeRow = groups == 1 && data.dilationW == 1;
  const run = wholeRow ? kW * kC : kC;
  const pairCount = channelLanePairs(taps, run), perRun = (run + 1) >> 1;
  const groupBytes = <u64>pairCount * <u64>lanes * 4; // packed weights of one group
  p.pairCount = pairCount;
  p.filters = filters;
  p.lanes = lanes;
  p.offsets = persistentAlloc(<u64>pairCount * 4);
  p.weights = persistentAlloc(groupBytes * <u64>groups);
  p.rowConstants = persistentAlloc(<u64>lanes * <u64>groups * 4);
  if (p.offsets == 0 || p.weights == 0 || p.rowConstants == 0) return 0;
  for (let q = 0; q < pairCount; q++) {
    const r = q / perRun;
    const fy = wholeRow ? r : r / kW, fx = wholeRow ? 0 : r % kW;
    const element = (fy * data.dilationH * data.paddedW + fx * data.dilationW) * data.inC + ((q % perRun) << 1);
    store<i32>(p.offsets + (<usize>q << 2), element << 1);
  }
  for (let g = 0; g < groups; g++) {
    const groupWeights = p.weights + <usize>(<u64>g * groupBytes);
    packChannelLaneWeights(w + <usize>(g * filters) * <usize>taps, filters, taps, run, lanes, groupWeights);
    for (let j = 0; j < lanes; j++) {
      const c = <usize>(g * filters + j) << 2;
      store<i32>(p.rowConstants + (<usize>(g * lanes + j) << 2), j < filters ? load<i32>(data.rowConstants + c) : 0);
    }
  }
  const multipliers = data.multipliers, shifts = data.shifts;
  p.requantization = prepareLaneRequantization(
    multipliers, shifts, filters, lanes, groups, data.outputOffset, data.actMin, data.actMax,
  );
  if (p.requantization == 0) return 0;
  return changetype<usize>(p);
}
