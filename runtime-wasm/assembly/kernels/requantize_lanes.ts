// Requantisation of int32 accumulators whose four vector lanes are four
// different output channels (the channel-lane convolution,
// kernels/conv_channel_lanes.ts), SIMD build only: TFLite's
// MultiplyByQuantizedMultiplier with each lane's own multiplier and shift,
// then the output offset and the activation clamp.
//
// wasm SIMD shifts all lanes by one amount. A lane's right shift is therefore
// done as the operator's smallest right shift on every lane, then the rest
// bit by bit, each bit kept only in the lanes that need it (select masks made
// at prepare): arithmetic shifts compose, (x >> a) >> b == x >> (a + b). A
// left shift (a multiplier above 1) is a multiplication by 2^shift, which
// wraps exactly like the shift it replaces.

import { doublingHighMulX4 } from "../fixedpoint";

// Per group of four channels, nine vectors.
const MULTIPLIER: usize = 0; // Q31 significands
const LEFT_SCALE: usize = 16; // 2^left shift
const REMAINDER_MASK: usize = 32; // 2^right shift - 1
const HALF_MASK: usize = 48; // (2^right shift - 1) >> 1
const EXTRA_SHIFT: usize = 64; // 5 select masks: bit b of (right shift - smallest right shift)
export const LANE_GROUP_BYTES: i32 = 144;

@unmanaged
export class LaneRequantization {
  groups: usize; // LANE_GROUP_BYTES per four channels
  minRightShift: i32;
  extraShiftBits: i32; // bits of (largest - smallest right shift)
  leftShifts: i32; // 1 when any channel shifts left
  outputOffset: i32; actMin: i32; actMax: i32;
}

/** Bytes of the lane groups for `lanes` channels (a multiple of 4). */
export function laneGroupBytes(lanes: i32): u64 {
  return <u64>(lanes >> 2) * <u64>LANE_GROUP_BYTES;
}

/**
 * Fills p's groups for `groups` groups of `lanes` lanes (a multiple of 4)
 * from TFLite's per-channel multipliers and shifts: lane j of group g is
 * channel g * filters + j, and lanes from `filters` on are unused
 * (multiplier 0). A lane with multiplier 0 (unused, or a zero scale) gives 0
 * whatever its shift, so its shift is left out of the range the shifts span.
 */
export function makeLaneRequantization(
  p: LaneRequantization,
  multipliers: usize,
  shifts: usize,
  filters: i32,
  lanes: i32,
  groups: i32,
): void {
  let smallest = 31, largest = 0, left = 0;
  for (let c = 0; c < filters * groups; c++) {
    if (load<i32>(multipliers + (<usize>c << 2)) == 0) continue;
    const shift = load<i32>(shifts + (<usize>c << 2));
    smallest = min(smallest, shift > 0 ? 0 : -shift);
    largest = max(largest, shift > 0 ? 0 : -shift);
    if (shift > 0) left = 1;
  }
  if (smallest > largest) smallest = largest; // no channel with a multiplier
  let bits = 0;
  while ((largest - smallest) >> bits != 0) bits++;
  p.minRightShift = smallest;
  p.extraShiftBits = bits;
  p.leftShifts = left;
  for (let i = 0; i < lanes * groups; i++) {
    const j = i % lanes, c = <usize>(i / lanes * filters + j) << 2;
    const multiplier = j < filters ? load<i32>(multipliers + c) : 0;
    const shift = multiplier != 0 ? load<i32>(shifts + c) : -smallest;
    const right = shift > 0 ? 0 : -shift;
    const lane = p.groups + <usize>(i >> 2) * <usize>LANE_GROUP_BYTES + (<usize>(i & 3) << 2);
    store<i32>(lane + MULTIPLIER, multiplier);
    store<i32>(lane + LEFT_SCALE, 1 << (shift > 0 ? shift : 0));
    store<i32>(lane + REMAINDER_MASK, (1 << right) - 1);
    store<i32>(lane + HALF_MASK, ((1 << right) - 1) >> 1);
    for (let b = 0; b < 5; b++)
      store<i32>(lane + EXTRA_SHIFT + (<usize>b << 4), (((right - smallest) >> b) & 1) != 0 ? -1 : 0);
  }
}

/**
 * The four channels of group `group` (channels 4 * group ..): accumulator
 * (bias included) -> activation-clamped output value, lane by lane equal to
 * requantizeChannel.
 */
export function requantizeLanes(p: LaneRequantization, group: i32, acc: v128): v128 {
  const g = p.groups + <usize>group * <usize>LANE_GROUP_BYTES;
  const x = p.leftShifts != 0 ? i32x4.mul(acc, v128.load(g, LEFT_SCALE)) : acc;
  const h = doublingHighMulX4(x, v128.load(g, MULTIPLIER));
  // RoundingDivideByPOT with a shift per lane.
  let q = i32x4.shr_s(h, p.minRightShift);
  for (let b = 0; b < p.extraShiftBits; b++) {
    q = v128.bitselect(i32x4.shr_s(q, 1 << b), q, v128.load(g + EXTRA_SHIFT + (<usize>b << 4)));
  }
  const threshold = i32x4.sub(v128.load(g, HALF_MASK), i32x4.shr_s(h, 31));
  q = i32x4.sub(q, i32x4.gt_s(v128.and(h, v128.load(g, REMAINDER_MASK)), threshold));
  q = i32x4.add(q, i32x4.splat(p.outputOffset));
  return i32x4.min_s(i32x4.max_s(q, i32x4.splat(p.actMin)), i32x4.splat(p.actMax));
}

/** requantizeLanes of `sums` (channels 4 * group ..), stored as four int8 bytes at dst. */
// @ts-ignore: decorator
@inline
export function storeRequantized4(dst: usize, p: LaneRequantization, group: i32, sums: v128): void {
  const r = requantizeLanes(p, group, sums);
  const r16 = i16x8.narrow_i32x4_s(r, r);
  store<i32>(dst, i32x4.extract_lane(i8x16.narrow_i16x8_s(r16, r16), 0));
}
