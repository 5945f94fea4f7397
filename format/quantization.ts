// TFLite's quantisation arithmetic in TypeScript, shared by the trainer's
// exporter and the tests. real = scale * (q - zero_point).

export type QuantType = "int8" | "int16" | "uint8";

export const QUANT_RANGE: Record<QuantType, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint8: [0, 255],
};

/** C's round(): half away from zero. */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** TFLite QuantizeMultiplier: m = multiplier * 2^(shift - 31), multiplier a Q31 integer in [2^30, 2^31). */
export function quantizeMultiplier(m: number): { multiplier: number; shift: number } {
  if (m === 0) return { multiplier: 0, shift: 0 };
  if (!Number.isFinite(m)) throw new Error(`quantizeMultiplier: ${m} is not finite`);
  // frexp: m = fraction * 2^shift with |fraction| in [0.5, 1). Just below 2^k, log2 can round up to k
  // (2^30 - 2^-23 gives 30), making shift one too high; from 2^k up it never gives less than k (log2(2^k) = k).
  let shift = Math.floor(Math.log2(Math.abs(m))) + 1;
  if (Math.abs(m / 2 ** shift) < 0.5) shift--;
  const fraction = m / 2 ** shift;
  let q = roundHalfAway(fraction * 2 ** 31);
  if (q === 2 ** 31) {
    q /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: q, shift };
}

/**
 * Asymmetric per-tensor parameters covering [min, max] (widened to include 0,
 * so zero is exactly representable), with a nudged integer zero point, as
 * TFLite's converter chooses them.
 */
export function chooseQuantParams(
  min: number,
  max: number,
  type: QuantType = "int8",
): { scale: number; zeroPoint: number } {
  const [qmin, qmax] = QUANT_RANGE[type];
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    throw new Error(`chooseQuantParams: range [${min}, ${max}] is not finite`);
  if (hi === lo) return { scale: 1, zeroPoint: 0 }; // min = max = 0: any scale represents it
  const scale = Math.fround((hi - lo) / (qmax - qmin));
  const zeroPointFromMin = qmin - lo / scale;
  const zeroPoint = Math.min(qmax, Math.max(qmin, roundHalfAway(zeroPointFromMin)));
  return { scale, zeroPoint };
}

/** zero_point + round(x / scale) in float32, clamped to the type: TFLite's AffineQuantize. */
export function quantize(x: number, scale: number, zeroPoint: number, type: QuantType = "int8"): number {
  const [qmin, qmax] = QUANT_RANGE[type];
  const q = roundHalfAway(Math.fround(Math.fround(x) / Math.fround(scale))) + zeroPoint;
  return Math.min(qmax, Math.max(qmin, q));
}

export function dequantize(q: number, scale: number, zeroPoint: number): number {
  return Math.fround(scale * (q - zeroPoint));
}

/**
 * Symmetric per-output-channel int8 weights (range -127..127), channel =
 * first dimension: what TFLite uses for FULLY_CONNECTED and CONV_2D weights.
 */
export function quantizeWeightsPerChannel(
  weights: Float32Array,
  channels: number,
): { values: Int8Array; scales: number[] } {
  if (weights.length % channels !== 0)
    throw new Error(`${weights.length} weights do not split into ${channels} channels`);
  const per = weights.length / channels;
  const values = new Int8Array(weights.length);
  const scales: number[] = [];
  for (let c = 0; c < channels; c++) {
    let maxAbs = 0;
    for (let k = 0; k < per; k++) maxAbs = Math.max(maxAbs, Math.abs(weights[c * per + k]!));
    const scale = maxAbs > 0 ? Math.fround(maxAbs / 127) : 1;
    scales.push(scale);
    for (let k = 0; k < per; k++) {
      values[c * per + k] = Math.max(-127, Math.min(127, roundHalfAway(Math.fround(weights[c * per + k]! / scale))));
    }
  }
  return { values, scales };
}

/** int32 bias with scale input_scale * weight_scale[c], zero point 0. */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: readonly number[]): Int32Array {
  const out = new Int32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    const scale = Math.fround(inputScale * (weightScales.length > 1 ? weightScales[c]! : weightScales[0]!));
    out[c] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, roundHalfAway(bias[c]! / scale)));
  }
  return out;
}
