// The piecewise-linear activations, int8 and int16: TFLM
// activations_common.cc (RELU, RELU6), leaky_relu_common.cc and
// prelu_common.cc (prepare), reference_ops QuantizeLeakyRelu and
// BroadcastPrelu4DSlow (eval).

import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway, clamp } from "../fixedpoint.ts";
import { type Node, type Kernel, input, quant, zeros, RANGE } from "../tensor.ts";
import { broadcastIndices } from "./broadcast.ts";

/** RELU: rescale to the output's quantisation, clamp at the quantised zero. */
export function relu(node: Node): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  const qx = quant(x),
    qy = quant(y);
  const [qmin, qmax] = RANGE[y.type]!;
  const { multiplier, shift } = quantizeMultiplier(qx.scale / qy.scale);
  const actMin = Math.max(qmin, qy.zeroPoint + roundHalfAway(Math.fround(0 / qy.scale)));
  y.data = x.data.map((v) =>
    clamp(qy.zeroPoint + multiplyByQuantizedMultiplier(v - qx.zeroPoint, multiplier, shift), actMin, qmax),
  );
}

/** RELU6: input and output share quantisation; a clamp between the quantised 0 and 6. */
export function relu6(node: Node): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  const qx = quant(x);
  const [qmin, qmax] = RANGE[x.type]!;
  // FloatToQuantizedType: round(6 / scale) + zero point, clamped to the type.
  const six = clamp(roundHalfAway(Math.fround(6 / qx.scale)) + qx.zeroPoint, qmin, qmax);
  const zero = qx.zeroPoint;
  y.data = x.data.map((v) => (v > six ? six : v < zero ? zero : v));
}

/** LEAKY_RELU: identity and alpha multipliers, both computed in float32 before QuantizeMultiplier. */
export function leakyRelu(node: Node): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  const alpha = Math.fround((node.options.alpha as number) ?? 0);
  const qx = quant(x),
    qy = quant(y);
  const [qmin, qmax] = RANGE[y.type]!;
  const alphaM = quantizeMultiplier(Math.fround(Math.fround(qx.scale * alpha) / qy.scale));
  const identityM = quantizeMultiplier(Math.fround(qx.scale / qy.scale));
  y.data = x.data.map((v) => {
    const value = v - qx.zeroPoint;
    const m = value >= 0 ? identityM : alphaM;
    return clamp(qy.zeroPoint + multiplyByQuantizedMultiplier(value, m.multiplier, m.shift), qmin, qmax);
  });
}

/** PRELU: alpha a tensor broadcast against the input; multipliers in double. */
export function prelu(node: Node): void {
  const x = input(node, 0);
  const alpha = input(node, 1);
  const y = node.outputs[0]!;
  const qx = quant(x),
    qa = quant(alpha),
    qy = quant(y);
  const [qmin, qmax] = RANGE[y.type]!;
  const m1 = quantizeMultiplier(qx.scale / qy.scale);
  const m2 = quantizeMultiplier((qx.scale * qa.scale) / qy.scale);
  const [ix, ia] = broadcastIndices(x, alpha, y.shape);
  const out = zeros(y);
  for (let i = 0; i < out.length; i++) {
    const value = x.data[ix[i]!]! - qx.zeroPoint;
    const scaled =
      value >= 0
        ? multiplyByQuantizedMultiplier(value, m1.multiplier, m1.shift)
        : multiplyByQuantizedMultiplier(value * (alpha.data[ia[i]!]! - qa.zeroPoint), m2.multiplier, m2.shift);
    out[i] = clamp(scaled + qy.zeroPoint, qmin, qmax);
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = {
  RELU: { run: relu },
  RELU6: { run: relu6 },
  LEAKY_RELU: { run: leakyRelu },
  PRELU: { run: prelu },
};
