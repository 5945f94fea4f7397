// format/quantization.ts: TFLite's quantisation arithmetic (real = scale * (q - zero_point)), checked
// against definitions written out independently here: frexp from the float's own exponent bits, the
// converter's scale and nudged zero point, per-channel symmetric weights and int32 biases.
import { describe, it, expect } from "vitest";
import {
  quantizeMultiplier,
  chooseQuantParams,
  quantize,
  dequantize,
  quantizeWeightsPerChannel,
  quantizeBias,
} from "@wasmlite/format";

/** frexp(m) for a normal double: m = fraction * 2^exponent, |fraction| in [0.5, 1), from the exponent bits. */
function frexp(m: number): { fraction: number; exponent: number } {
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, m);
  const exponent = ((bits.getUint16(0) >> 4) & 0x7ff) - 1022;
  return { fraction: m / 2 ** exponent, exponent };
}

/** TFLite's QuantizeMultiplier over that frexp: the Q31 fraction, rounded half away from zero. */
function referenceMultiplier(m: number): { multiplier: number; shift: number } {
  const { fraction, exponent } = frexp(m);
  let q = Math.sign(fraction) * Math.round(Math.abs(fraction) * 2 ** 31);
  let shift = exponent;
  if (q === 2 ** 31) {
    q /= 2;
    shift++;
  }
  return shift < -31 ? { multiplier: 0, shift: 0 } : { multiplier: q, shift };
}

describe("quantizeMultiplier", () => {
  it("is TFLite's frexp-based definition, including just below powers of two where log2 rounds up", () => {
    const values = [0.5, 0.75, 1e-3, 0.123456789, 1.5, 3e-10, 0.99999999999, 7, 1234.5];
    for (let k = -30; k <= 40; k += 7) values.push(2 ** k, 2 ** k * (1 - 2 ** -53), 2 ** k * (1 + 2 ** -52));
    values.push(2 ** 30 - 2 ** -23); // Math.log2 gives exactly 30 here
    for (const m of values) {
      expect(quantizeMultiplier(m), String(m)).toEqual(referenceMultiplier(m));
      expect(quantizeMultiplier(-m), String(-m)).toEqual(referenceMultiplier(-m));
    }
    expect(quantizeMultiplier(2 ** 30 - 2 ** -23)).toEqual({ multiplier: 2 ** 30, shift: 31 });
  });

  it("a multiplier in [2^30, 2^31) within 2^-30 of m; 0 for 0 and for m below 2^-32", () => {
    for (const m of [0.5, 0.75, 1e-3, 0.123456789, 1.5, 3e-10]) {
      const { multiplier, shift } = quantizeMultiplier(m);
      expect(multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs(multiplier * 2 ** (shift - 31) - m) / m).toBeLessThan(2 ** -30);
    }
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    // Rounds up to 2^31: halved, shift + 1.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    // The shift's lower bound: -31 is kept, below it the multiplier is 0.
    expect(quantizeMultiplier(2 ** -32)).toEqual({ multiplier: 2 ** 30, shift: -31 });
    expect(quantizeMultiplier(2 ** -33)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(1e-12)).toEqual({ multiplier: 0, shift: 0 });
  });

  it("refuses a multiplier that is not finite", () => {
    expect(() => quantizeMultiplier(Infinity)).toThrow("quantizeMultiplier: Infinity is not finite");
    expect(() => quantizeMultiplier(NaN)).toThrow("quantizeMultiplier: NaN is not finite");
  });
});

describe("chooseQuantParams, quantize, dequantize", () => {
  it("represents zero exactly and covers the range", () => {
    const { scale, zeroPoint } = chooseQuantParams(-1, 3, "int8");
    expect(scale).toBe(Math.fround(4 / 255));
    expect(zeroPoint).toBe(-128 + Math.round(1 / scale)); // -128 - (-1 / scale), nudged to an integer
    expect(quantize(0, scale, zeroPoint)).toBe(zeroPoint);
    expect(quantize(-1, scale, zeroPoint)).toBe(-128);
    expect(quantize(3, scale, zeroPoint)).toBe(127);
    expect(quantize(2.5 * scale, scale, 0)).toBe(3); // half away from zero
    expect(quantize(-2.5 * scale, scale, 0)).toBe(-3);
  });

  it("widens a range that excludes zero to include it; an all-zero range gets scale 1", () => {
    expect(chooseQuantParams(2, 5, "uint8")).toEqual({ scale: Math.fround(5 / 255), zeroPoint: 0 });
    expect(chooseQuantParams(-4, -1, "int16")).toEqual({ scale: Math.fround(4 / 65535), zeroPoint: 32767 });
    expect(chooseQuantParams(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it("refuses a range with either end not finite", () => {
    expect(() => chooseQuantParams(NaN, 1)).toThrow("chooseQuantParams: range [NaN, 1] is not finite");
    expect(() => chooseQuantParams(-1, Infinity)).toThrow("chooseQuantParams: range [-1, Infinity] is not finite");
  });

  it("dequantize is scale * (q - zero point) in float32", () => {
    expect(dequantize(5, 0.5, 2)).toBe(1.5);
    expect(dequantize(-128, 0.1, -128)).toBe(0);
    expect(dequantize(3, 0.1, 0)).toBe(Math.fround(0.1 * 3));
  });
});

describe("per-channel weights and int32 biases", () => {
  it("each channel symmetric over its own largest magnitude, -127..127; an all-zero channel scale 1", () => {
    const { values, scales } = quantizeWeightsPerChannel(Float32Array.from([1, -0.5, 0, 0, 0.2, -0.4]), 3);
    expect(scales).toEqual([Math.fround(1 / 127), 1, Math.fround(0.4 / 127)]);
    expect([...values]).toEqual([127, -64, 0, 0, 64, -127]);
  });

  it("refuses weights that do not split into the channels", () => {
    expect(() => quantizeWeightsPerChannel(new Float32Array(5), 2)).toThrow("5 weights do not split into 2 channels");
  });

  it("bias at input scale x weight scale (per channel or shared), saturating to int32", () => {
    expect([...quantizeBias(Float32Array.from([1, -1]), 0.5, [0.25, 0.5])]).toEqual([8, -4]);
    expect([...quantizeBias(Float32Array.from([1, -1]), 0.5, [0.25])]).toEqual([8, -8]);
    expect([...quantizeBias(Float32Array.from([1e12, -1e12]), 1, [1])]).toEqual([2 ** 31 - 1, -(2 ** 31)]);
  });
});
