// int8 CONV_2D of a one-channel image (a grayscale first layer, LeNet's
// conv1), horizontal stride and dilation 1, SIMD build: eight neighbouring
// output pixels of a row are the lanes. It reads the same widened, padded
// int16 copy of the input as kernels/conv_channel_lanes.ts. The filter's
// taps, in raster order, are taken two at a time (the last row's end pairs
// with the next row's start, so only an odd total leaves one tap with a zero
// partner): for taps at element offsets o1 and o2 from the window corner,
// interleaving the image loaded from o1 with the image loaded from o2 gives
// four pixels' input pairs side by side, so one i32x4.dot_i16x8_s with a
// splat of the two weights adds 2 taps x 4 pixels; the inputs are shared by
// three channels per pass. The channel-lane kernel would leave lanes idle
// here (few output channels) and requantise per pixel; this one requantises
// eight pixels of a channel at once with that channel's multiplier. A row
// whose width is not a multiple of 8 ends in a half block (four pixels, the
// low halves only) when 1-4 columns are left, else in a whole block that
// overlaps the one before.
//
// With `pool` set it also does a 2x2, stride-2 MAX_POOL_2D (ops/conv2d.ts,
// absorbMaxPool): the two conv rows of a pooled row are accumulated one
// after the other and reduced by max, then neighbouring lanes, before one
// requantisation of four pooled pixels.
//
// Integer sums are exact and the requantisation is TFLite's lane by lane
// (multiplyByQuantizedMultiplierX4's steps, with each channel's constants
// as vectors made at prepare), so results equal the MVP build's.

import { doublingHighMulX4, roundingDivideByPOTMasked } from "../fixedpoint";
import { persistentAlloc } from "../layout";
import { ConvData } from "../ops_common/conv_data";

@unmanaged
export class PixelLaneConv {
  outH: i32; outW: i32; outC: i32; // of the output written (pooled when pool is 1)
  pool: i32; // 1: 2x2 stride-2 max pooling of the convolution's output
  pairCount: i32; // (kh x kw + 1) / 2 tap pairs
  pixelRowStep: i32; // bytes from one output row's windows to the next (stride x padded row)
  program: usize; // packPixelLanes
  rowConstants: usize; // per channel
  requant: usize; // makePixelLaneRequant
}

/** Bytes of one pair's entry in the program: two tap offsets, three weight pairs. */
export const PIXEL_LANE_PAIR_BYTES: i32 = 20;

/** Bytes of the program for `channels` channels and `taps` taps. */
export function pixelLaneProgramBytes(channels: i32, taps: i32): u64 {
  return <u64>((channels + 2) / 3) * <u64>((taps + 1) >> 1) * <u64>PIXEL_LANE_PAIR_BYTES;
}

/**
 * w [channels][taps] int8 (taps in raster order, kW per filter row) -> the
 * kernel's program: for each pass of three channels (c, c + 1, c + 2, the
 * last pass repeating the last channel) and each pair q of taps 2q and
 * 2q + 1 (a lone last tap pairs with itself): the two taps' byte offsets
 * from the window corner in an image with `rowElements` int16 elements
 * per filter row step, then each channel's weights as one int32, the low
 * int16 tap 2q's, the high one tap 2q + 1's (0 for a lone tap). One pointer
 * walks it, with every load at a fixed offset.
 */
export function packPixelLanes(w: usize, channels: i32, kW: i32, taps: i32, rowElements: i32, program: usize): void {
  let at = program;
  for (let c = 0; c < channels; c += 3) {
    for (let k = 0; k < taps; k += 2) {
      for (let i = 0; i < 2; i++) {
        const tap = min(k + i, taps - 1);
        store<i32>(at, ((tap / kW) * rowElements + tap % kW) << 1);
        at += 4;
      }
      for (let j = 0; j < 3; j++) {
        const filter = w + <usize>(min(c + j, channels - 1) * taps);
        let pair = <i32>load<i8>(filter + <usize>k) & 0xffff;
        if (k + 1 < taps) pair |= <i32>load<i8>(filter + <usize>(k + 1)) << 16;
        store<i32>(at, pair);
        at += 4;
      }
    }
  }
}

/**
 * One image: `image` (the widened, padded input) -> y [outH][outW][outC]
 * int8. Needs at least 8 convolution columns (outW << pool).
 */
export function convPixelLanes(p: PixelLaneConv, image: usize, y: usize): void {
  const outW = p.outW, outC = p.outC, pool = p.pool;
  const columns = outW << pool; // convolution columns: even when pooling
  const passBytes = <usize>p.pairCount * <usize>PIXEL_LANE_PAIR_BYTES;
  for (let oy = 0; oy < p.outH; oy++) {
    for (let cx0 = 0; cx0 < columns; cx0 += 8) {
      // A row's last columns: up to four are one half block (lanes 0-3),
      // more one whole block. Either ends at the row's end, overlapping
      // columns done already (recomputed to the same values).
      const left = columns - cx0;
      const half = left <= 4;
      const cx = left >= 8 ? cx0 : columns - (half ? 4 : 8);
      const window = image + <usize>(oy << pool) * <usize>p.pixelRowStep + (<usize>cx << 1);
      const pixel = y + <usize>((oy * outW + (cx >> pool)) * outC);
      // Three channels per pass (the last pass repeats its last channel).
      let pass = p.program;
      for (let c = 0; c < outC; c += 3) {
        channelTriple(p, window, pass, pass + passBytes, c, min(c + 1, outC - 1), min(c + 2, outC - 1), pixel, half);
        pass += passBytes;
      }
    }
  }
}

function channelTriple(
  p: PixelLaneConv,
  window: usize,
  pass: usize,
  end: usize,
  c0: i32,
  c1: i32,
  c2: i32,
  pixel: usize,
  half: bool,
): void {
  const ia = i32x4.splat(load<i32>(p.rowConstants + (<usize>c0 << 2)));
  const ib = i32x4.splat(load<i32>(p.rowConstants + (<usize>c1 << 2)));
  const id = i32x4.splat(load<i32>(p.rowConstants + (<usize>c2 << 2)));
  // Running maxima over the convolution rows of a pooled row (one row without pooling).
  let ma0 = i32x4.splat(i32.MIN_VALUE), ma1 = ma0, mb0 = ma0, mb1 = ma0, md0 = ma0, md1 = ma0;
  for (let r = 0; r <= p.pool; r++) {
    let a0 = ia, a1 = ia, b0 = ib, b1 = ib, d0 = id, d1 = id;
    const corner = window + <usize>r * <usize>p.pixelRowStep;
    if (half) {
      // Four pixels: the low halves only.
      for (let at = pass; at < end; at += PIXEL_LANE_PAIR_BYTES) {
        const v0 = v128.load64_zero(corner + <usize>load<i32>(at));
        const v1 = v128.load64_zero(corner + <usize>load<i32>(at, 4));
        const low = i16x8.shuffle(v0, v1, 0, 8, 1, 9, 2, 10, 3, 11);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(low, v128.load32_splat(at, 8)));
        b0 = i32x4.add(b0, i32x4.dot_i16x8_s(low, v128.load32_splat(at, 12)));
        d0 = i32x4.add(d0, i32x4.dot_i16x8_s(low, v128.load32_splat(at, 16)));
      }
    } else {
      for (let at = pass; at < end; at += PIXEL_LANE_PAIR_BYTES) {
        // Pixel k's taps are elements k + o1 and k + o2 of the image from the
        // corner: interleaving the image from o1 with the image from o2 pairs
        // them, pixels 0-3 in the low halves, 4-7 in the high halves.
        const v0 = v128.load(corner + <usize>load<i32>(at)), v1 = v128.load(corner + <usize>load<i32>(at, 4));
        const low = i16x8.shuffle(v0, v1, 0, 8, 1, 9, 2, 10, 3, 11);
        const high = i16x8.shuffle(v0, v1, 4, 12, 5, 13, 6, 14, 7, 15);
        const sa = v128.load32_splat(at, 8), sb = v128.load32_splat(at, 12), sc = v128.load32_splat(at, 16);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(low, sa));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(high, sa));
        b0 = i32x4.add(b0, i32x4.dot_i16x8_s(low, sb));
        b1 = i32x4.add(b1, i32x4.dot_i16x8_s(high, sb));
        d0 = i32x4.add(d0, i32x4.dot_i16x8_s(low, sc));
        d1 = i32x4.add(d1, i32x4.dot_i16x8_s(high, sc));
      }
    }
    ma0 = i32x4.max_s(ma0, a0); ma1 = i32x4.max_s(ma1, a1);
    mb0 = i32x4.max_s(mb0, b0); mb1 = i32x4.max_s(mb1, b1);
    md0 = i32x4.max_s(md0, d0); md1 = i32x4.max_s(md1, d1);
  }
  // Pixels stored per channel: 8 or 4 convolution columns, halved by pooling.
  const count = (half ? 4 : 8) >> p.pool;
  storeChannel(p, ma0, ma1, c0, pixel, count);
  storeChannel(p, mb0, mb1, c1, pixel, count);
  storeChannel(p, md0, md1, c2, pixel, count);
}

/**
 * The requantisation as vectors, made at prepare (and again when a pooling
 * is absorbed, which changes the clamp), so the store below does no splats
 * and no shift-count arithmetic: the output offset and the clamp's two ends,
 * then per channel its multiplier, the rounding divide's two masks and its
 * right and left shift counts.
 */
const R_OFFSET: usize = 0, R_MIN: usize = 16, R_MAX: usize = 32, R_CHANNELS: usize = 48;
const R_MULTIPLIER: usize = 0, R_MASK: usize = 16, R_HALF: usize = 32, R_RIGHT: usize = 48, R_LEFT: usize = 52;
const R_CHANNEL_BYTES: i32 = 64;

/** Bytes of the requantisation vectors for `channels` output channels. */
export function pixelLaneRequantBytes(channels: i32): u64 {
  return <u64>R_CHANNELS + <u64>channels * <u64>R_CHANNEL_BYTES;
}

// @ts-ignore: decorator
@inline
function channelRequant(p: PixelLaneConv, c: i32): usize {
  return p.requant + R_CHANNELS + <usize>c * <usize>R_CHANNEL_BYTES;
}

export function makePixelLaneRequant(
  p: PixelLaneConv,
  multipliers: usize,
  shifts: usize,
  outputOffset: i32,
  actMin: i32,
  actMax: i32,
): void {
  v128.store(p.requant + R_OFFSET, i32x4.splat(outputOffset));
  v128.store(p.requant + R_MIN, i32x4.splat(actMin));
  v128.store(p.requant + R_MAX, i32x4.splat(actMax));
  for (let c = 0; c < p.outC; c++) {
    const at = channelRequant(p, c);
    const shift = load<i32>(shifts + (<usize>c << 2));
    const right = shift > 0 ? 0 : -shift;
    const mask = (1 << right) - 1;
    v128.store(at + R_MULTIPLIER, i32x4.splat(load<i32>(multipliers + (<usize>c << 2))));
    v128.store(at + R_MASK, i32x4.splat(mask));
    v128.store(at + R_HALF, i32x4.splat(mask >> 1));
    store<i32>(at + R_RIGHT, right);
    store<i32>(at + R_LEFT, shift > 0 ? shift : 0);
  }
}

/**
 * Requantises one channel's eight or four pixels (or, pooling, the maxima
 * of neighbouring pairs) and stores the first `count`, outC bytes apart.
 */
// @ts-ignore: decorator
@inline
function storeChannel(p: PixelLaneConv, low: v128, high: v128, c: i32, pixel: usize, count: i32): void {
  const q = channelRequant(p, c);
  const pool = p.pool != 0;
  const first = pool ? i32x4.max_s(i32x4.shuffle(low, high, 0, 2, 4, 6), i32x4.shuffle(low, high, 1, 3, 5, 7)) : low;
  const r0 = requantize(p.requant, q, first);
  const r1 = count > 4 ? requantize(p.requant, q, high) : r0;
  const r16 = i16x8.narrow_i32x4_s(r0, r1);
  const bytes = i8x16.narrow_i16x8_s(r16, r16);
  const step = <usize>p.outC;
  const at = pixel + <usize>c;
  v128.store8_lane(at, bytes, 0);
  v128.store8_lane(at + step, bytes, 1);
  if (count == 2) return;
  v128.store8_lane(at + 2 * step, bytes, 2);
  v128.store8_lane(at + 3 * step, bytes, 3);
  if (count == 4) return;
  v128.store8_lane(at + 4 * step, bytes, 4);
  v128.store8_lane(at + 5 * step, bytes, 5);
  v128.store8_lane(at + 6 * step, bytes, 6);
  v128.store8_lane(at + 7 * step, bytes, 7);
}

/** multiplyByQuantizedMultiplierX4 with channel q's vectors, plus the offset, clamped (all: p.requant). */
// @ts-ignore: decorator
@inline
function requantize(all: usize, q: usize, acc: v128): v128 {
  const h = doublingHighMulX4(i32x4.shl(acc, load<i32>(q, R_LEFT)), v128.load(q, R_MULTIPLIER));
  const r = roundingDivideByPOTMasked(h, load<i32>(q, R_RIGHT), v128.load(q, R_MASK), v128.load(q, R_HALF));
  return i32x4.min_s(i32x4.max_s(i32x4.add(r, v128.load(all, R_OFFSET)), v128.load(all, R_MIN)), v128.load(all, R_MAX));
}

/**
 * Prepare (SIMD build): packs the filter into the program and makes the
 * per-channel requantisation vectors for the prepared convolution `data`.
 * Returns the PixelLaneConv in persistent memory, or 0 when out of memory.
 */
export function preparePixelLanes(data: ConvData, w: usize): usize {
  const p = changetype<PixelLaneConv>(persistentAlloc(offsetof<PixelLaneConv>()));
  if (changetype<usize>(p) == 0) return 0;
  const taps = data.rowLength;
  p.program = persistentAlloc(pixelLaneProgramBytes(data.outC, taps));
  if (p.program == 0) return 0;
  // Tap offsets lie in the padded image (under 1 GiB).
  packPixelLanes(w, data.outC, data.kW, taps, data.dilationH * data.paddedW, p.program);
  p.pairCount = (taps + 1) >> 1;
  p.outH = data.outH; p.outW = data.outW; p.outC = data.outC;
  // Only taken inside the padded image: with one output row it is never taken and may be 0.
  p.pixelRowStep = data.outH > 1 ? data.strideH * (data.paddedW << 1) : 0;
  p.rowConstants = data.rowConstants;
  p.requant = persistentAlloc(pixelLaneRequantBytes(data.outC));
  if (p.requant == 0) return 0;
  makePixelLaneRequant(p, data.multipliers, data.shifts, data.outputOffset, data.actMin, data.actMax);
  return changetype<usize>(p);
}
