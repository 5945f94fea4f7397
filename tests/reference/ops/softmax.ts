// SOFTMAX over the last dimension, int8 and int16 input: TFLM
// softmax_common.cc (prepare) and reference_ops::Softmax / SoftmaxInt16
// (eval, tensorflow/lite/kernels/internal/reference/softmax.h).
// int8: differences from the row maximum scaled to Q5.26
// (PreprocessSoftmaxScaling), gemmlowp's exp, summed in Q12.19, divided by
// GetReciprocal's fixed-point 1 / sum; int8 (1/256, -128) or int16
// (1/65536, -32768) output. int16: 513-entry exp and 1 / (1 + x) tables
// built in float32 (gen_lut), looked up with interpolation.

import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierGreaterThanOne,
  saturatingRoundingDoublingHighMul,
  roundingDivideByPOT,
  quantizeMultiplier,
  calculateInputRadius,
  countLeadingZeros32,
  roundHalfAway,
  clamp,
  wrap32,
} from "../fixedpoint.ts";
import { INT32, expOnNegativeValues, oneOverOnePlusXForXIn01 } from "../gemmlowp.ts";
import { type Node, type Kernel, input, quant, zeros, RANGE } from "../tensor.ts";

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

/** GetReciprocal (common.h): 1 / x for x in Q(integerBits), as a Q0 value and the bits above one. */
function getReciprocal(x: number, integerBits: number): { reciprocal: number; bitsOverUnit: number } {
  const headroomPlusOne = countLeadingZeros32(x);
  const shiftedSumMinusOne = wrap32(Number((BigInt(x >>> 0) << BigInt(headroomPlusOne)) & 0xffffffffn) - 2 ** 31);
  return {
    reciprocal: oneOverOnePlusXForXIn01(INT32, shiftedSumMinusOne),
    bitsOverUnit: integerBits - headroomPlusOne,
  };
}

function softmaxInt8Input(node: Node, beta: number): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  const depth = x.shape.at(-1)!;
  // PreprocessSoftmaxScaling: beta * s_in * 2^26 in double, capped at 2^31 - 1.
  const real = Math.min(beta * quant(x).scale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  const { multiplier, shift: leftShift } = quantizeMultiplier(real);
  if (!(real > 1) || leftShift < 0) throw new Error("reference SOFTMAX: input scale times beta too small");
  const diffMin = -calculateInputRadius(SCALED_DIFF_INTEGER_BITS, leftShift);
  const [outMin, outMax] = RANGE[y.type]!;
  const outBits = y.type === "INT16" ? 16 : 8;
  const out = zeros(y);
  const expOf = (diff: number) =>
    expOnNegativeValues(
      INT32,
      multiplyByQuantizedMultiplierGreaterThanOne(diff, multiplier, leftShift),
      SCALED_DIFF_INTEGER_BITS,
    );
  for (let row = 0; row < x.data.length / depth; row++) {
    const values = x.data.slice(row * depth, (row + 1) * depth);
    const maxInRow = Math.max(-128, ...values);
    let sumOfExps = 0; // Q12.19
    for (const v of values) {
      if (v - maxInRow >= diffMin)
        sumOfExps = wrap32(sumOfExps + INT32.rescale(expOf(v - maxInRow), 0, ACCUMULATION_INTEGER_BITS));
    }
    const { reciprocal, bitsOverUnit } = getReciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
    const exponent = bitsOverUnit + 31 - outBits;
    values.forEach((v, c) => {
      let result = outMin;
      if (v - maxInRow >= diffMin) {
        const unsaturated = roundingDivideByPOT(
          saturatingRoundingDoublingHighMul(reciprocal, expOf(v - maxInRow)),
          exponent,
        );
        result = clamp(unsaturated + outMin, outMin, outMax);
      }
      out[row * depth + c] = result;
    });
  }
  y.data = out;
}

/** gen_lut / LUTPopulateInt16 in float32: 513 samples of fn on [min, max], each nudged by half the midpoint error. */
export function generateInt16Lut(fn: (x: number) => number, min: number, max: number): number[] {
  const f = Math.fround;
  const steps = 512;
  const step = f(f(max - min) / steps);
  const halfStep = f(step / 2);
  const scale = f(65536 / 2); // (int16 range) / (output range [-1, 1])
  const round = (v: number) => f(roundHalfAway(v));
  const lut: number[] = [];
  for (let i = 0; i < steps; i++) {
    const value = f(fn(f(min + f(i * step))));
    const midpointValue = f(fn(f(f(min + f(i * step)) + halfStep)));
    const next = f(fn(f(min + f((i + 1) * step))));
    const sample = round(f(value * scale));
    const midpointInterpolated = round(f(f(f(next * scale) + round(f(value * scale))) / 2));
    const midpoint = round(f(midpointValue * scale));
    const bias = round(f(f(midpointInterpolated - midpoint) / 2));
    lut.push(clamp(f(sample - bias), -32768, 32767));
  }
  lut.push(clamp(round(f(f(fn(max)) * scale)), -32768, 32767));
  return lut;
}

/** LUTLookup: base + slope * (low 7 bits) / 128, rounded, for an int16 value. */
export function lutLookup(value: number, lut: readonly number[]): number {
  const index = 256 + (value >> 7);
  const offset = value & 0x7f;
  const base = lut[index]!;
  const slope = wrap16(lut[index + 1]! - base);
  return wrap16(base + ((slope * offset + 64) >> 7));
}

function wrap16(v: number): number {
  return ((v + 32768) & 0xffff) - 32768;
}

function softmaxInt16Input(node: Node, beta: number): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  const depth = x.shape.at(-1)!;
  const expLut = generateInt16Lut((v) => Math.fround(Math.exp(v)), -10, 0);
  const reciprocalLut = generateInt16Lut((v) => Math.fround(1 / Math.fround(1 + v)), 0, 1);
  // Differences scaled so that [-65535, 0] covers [-10, 0].
  const { multiplier, shift } = quantizeMultiplier((quant(x).scale * beta) / (10 / 65535));
  const out = zeros(y);
  for (let row = 0; row < x.data.length / depth; row++) {
    const values = x.data.slice(row * depth, (row + 1) * depth);
    const maxInRow = Math.max(-32768, ...values);
    const exps = values.map((v) => {
      const scaled = multiplyByQuantizedMultiplier(v - maxInRow, multiplier, shift) + 32767;
      return lutLookup(clamp(scaled, -32768, 32767), expLut);
    });
    const sumOfExps = exps.reduce((s, e) => s + e, 0); // Q16.15
    const headroomPlusOne = countLeadingZeros32(sumOfExps);
    const shiftedSum = Number((BigInt(sumOfExps) * 2n ** BigInt(headroomPlusOne - 1) + (1n << 13n)) >> 14n);
    const reciprocal = lutLookup(clamp(shiftedSum - (2 ** 15 + 2 ** 16), -32768, 32767), reciprocalLut);
    const rightShift = 31 - headroomPlusOne;
    exps.forEach((e, c) => {
      const result = Number((BigInt(e) * BigInt(reciprocal) + (1n << BigInt(rightShift - 1))) >> BigInt(rightShift));
      out[row * depth + c] = clamp(result, 0, 32767);
    });
  }
  y.data = out;
}

export function softmax(node: Node): void {
  const x = input(node, 0);
  const beta = (node.options.beta as number) ?? 1;
  if (x.type === "INT8") softmaxInt8Input(node, beta);
  else if (x.type === "INT16") softmaxInt16Input(node, beta);
  else throw new Error(`reference SOFTMAX: ${x.type} input`);
}

export const KERNELS: Record<string, Kernel> = { SOFTMAX: { run: softmax } };
