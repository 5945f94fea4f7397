// 513-entry int16 lookup tables with linear interpolation, as TFLite builds
// and reads them for int16 SOFTMAX (exp on [-10, 0], 1 / (1 + x) on [0, 1]).
// The tables are computed at prepare in float32, step for step as TFLite's
// gen_lut does: each sample is nudged by half the error that linear
// interpolation would make at the midpoint of its segment. exp is the
// runtime's own (kernels/exp_f32.ts, within 1 ulp of a correctly rounded
// expf on [-10, 0]); the tables equal those built with the correctly rounded
// exp TFLite's libm gives (tests/runtime/arithmetic/int16-lut.test.ts).

import { roundHalfAwayF32 } from "../fixedpoint";
import { expF32 } from "./exp_f32";

export const LUT_ENTRIES: i32 = 513;

export const FUNCTION_EXP: i32 = 0;
export const FUNCTION_ONE_OVER_ONE_PLUS_X: i32 = 1;

function evaluate(fn: i32, x: f32): f32 {
  return fn == FUNCTION_EXP ? expF32(x) : <f32>1.0 / (<f32>1.0 + x);
}

function clampToInt16(v: f32): i16 {
  return <i16><i32>min(max(v, <f32>-32768.0), <f32>32767.0);
}

/** Fills `lut` (513 int16) for `fn` over [inputMin, inputMax], outputs in [-1, 1]. */
export function generateLut(fn: i32, inputMin: f32, inputMax: f32, lut: usize): void {
  const steps = 512;
  const step: f32 = (inputMax - inputMin) / <f32>steps;
  const halfStep: f32 = step / 2;
  const scale: f32 = <f32>65536.0 / <f32>2.0; // (int16 range) / (output range)
  for (let i = 0; i < steps; i++) {
    const value = evaluate(fn, inputMin + <f32>i * step);
    const valueMidpoint = evaluate(fn, inputMin + <f32>i * step + halfStep);
    const valueNext = evaluate(fn, inputMin + <f32>(i + 1) * step);
    const sample = roundHalfAwayF32(value * scale);
    const midpointInterpolated = roundHalfAwayF32((valueNext * scale + roundHalfAwayF32(value * scale)) / 2);
    const midpoint = roundHalfAwayF32(valueMidpoint * scale);
    const bias = roundHalfAwayF32((midpointInterpolated - midpoint) / 2);
    store<i16>(lut + (<usize>i << 1), clampToInt16(sample - bias));
  }
  store<i16>(lut + (<usize>steps << 1), clampToInt16(roundHalfAwayF32(evaluate(fn, inputMax) * scale)));
}

/** TFLite generic_int16_table_lookup: base + slope * (low 7 bits) / 128, rounded. */
// @ts-ignore: decorator
@inline
export function lookup(value: i32, lut: usize): i32 {
  const index = <u32>(256 + (value >> 7)) & 0xffff;
  const offset = value & 0x7f;
  const base = <i32>load<i16>(lut + (<usize>index << 1));
  const slope = <i32><i16>(<i32>load<i16>(lut + (<usize>(index + 1) << 1)) - base);
  const delta = (slope * offset + 64) >> 7;
  return <i32><i16>(base + delta);
}
