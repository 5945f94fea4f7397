// LOGISTIC and TANH, int8 and int16: TFLM logistic_common.cc / tanh.cc
// (prepare) and reference_integer_ops Logistic / Tanh (eval).
// int8: the input offset scaled to Q4.27 by a multiplier taken from frexp
// (no 2^31 fix-up), saturation beyond the input radius, gemmlowp's
// fixed-point function, rounded to the output's fixed quantisation.
// int16: TFLite's 256-entry sigmoid table in unsigned 0.16, interpolated
// (tanh(x) = 2 sigmoid(2x) - 1), after the input is rescaled by a shift
// (power-of-two scales) or a multiplier to the scale 1 / (3 * 4096).

import {
  multiplyByQuantizedMultiplier,
  roundingDivideByPOT,
  roundHalfAway,
  frexp,
  calculateInputRadius,
  checkedLog2,
  wrap32,
  clamp,
} from "../fixedpoint.ts";
import { INT32, logistic as gemmlowpLogistic, tanh as gemmlowpTanh } from "../gemmlowp.ts";
import { type Node, type Kernel, input, quant } from "../tensor.ts";

// sigmoid(i / 24) for i = 0..255, unsigned 0.16 (sigmoid_table_uint16 in TFLite's common.h).
const SIGMOID_TABLE = [
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688, 43304,
  43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311,
  52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280,
  58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750,
  61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615,
  63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576,
  64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060,
  65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301,
  65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420,
  65425, 65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479,
  65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
  65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
  65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
  65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533,
  65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
  65535,
];

const INT8_INPUT_INTEGER_BITS = 4;

/** The int8 prepare: multiplier and shift from frexp of s_in * 2^27, and the input radius. */
function int8InputScaling(inputScale: number): { multiplier: number; leftShift: number; radius: number } {
  const { fraction, exponent } = frexp(inputScale * 2 ** (31 - INT8_INPUT_INTEGER_BITS));
  return {
    multiplier: wrap32(roundHalfAway(fraction * 2 ** 31)),
    leftShift: exponent,
    radius: calculateInputRadius(INT8_INPUT_INTEGER_BITS, exponent, 31),
  };
}

/** The int16 prepare; `maxPotShift` is 0 for LOGISTIC and 1 for TANH. */
function int16InputScaling(inputScale: number, maxPotShift: number): { multiplier: number; leftShift: number } {
  const { log2, exact } = checkedLog2(inputScale);
  const potShift = 15 - 3 + log2;
  if (exact && potShift >= 0 && potShift <= maxPotShift) return { multiplier: 0, leftShift: potShift };
  let multiplier = inputScale * 4096 * 3;
  let leftShift = 0;
  while (multiplier <= 32767 / 2 && leftShift <= 30) {
    leftShift++;
    multiplier *= 2;
  }
  return { multiplier: Math.trunc(multiplier), leftShift };
}

/** ((x * multiplier + round) >> shift), the power-of-two case folded in as 3 << shift. */
function rescaleInt16(v: number, multiplier: number, leftShift: number): number {
  if (multiplier === 0) {
    multiplier = 3 * 2 ** leftShift;
    leftShift = 0;
  }
  const round = leftShift > 0 ? 2 ** (leftShift - 1) : 0;
  return Math.floor((v * multiplier + round) / 2 ** leftShift);
}

function logisticInt16(v: number): number {
  const abs = Math.abs(v);
  const uh = Math.floor(abs / 512);
  let result: number;
  if (uh >= 255) {
    result = 0x7fff * 1024;
  } else {
    const ua = SIGMOID_TABLE[uh]!;
    const ub = SIGMOID_TABLE[uh + 1]!;
    result = ua * 512 + (abs % 512) * (ub - ua);
  }
  result = v >= 0 ? result + 512 : 2 ** 25 - result + 512 - 1;
  return Math.floor(result / 1024);
}

function tanhInt16(v: number): number {
  const abs = Math.abs(v);
  const uh = Math.floor(abs / 256);
  let result: number;
  if (uh >= 255) {
    result = 0xffff * 256;
  } else {
    const ua = SIGMOID_TABLE[uh]!;
    const ub = SIGMOID_TABLE[uh + 1]!;
    result = ua * 256 + (abs % 256) * (ub - ua);
  }
  result = v >= 0 ? result - 2 ** 23 + 2 ** 7 : -result + 2 ** 23 + 2 ** 7 - 1;
  return Math.floor(result / 256);
}

export function logisticOrTanh(node: Node, isTanh: boolean): void {
  const x = input(node, 0);
  const y = node.outputs[0]!;
  const qx = quant(x);
  if (x.type === "INT8") {
    const { multiplier, leftShift, radius } = int8InputScaling(qx.scale);
    y.data = x.data.map((q) => {
      const v = q - qx.zeroPoint;
      if (v <= -radius) return -128;
      if (v >= radius) return 127;
      const inQ4 = multiplyByQuantizedMultiplier(v, multiplier, leftShift);
      const out = isTanh
        ? roundingDivideByPOT(gemmlowpTanh(INT32, inQ4, INT8_INPUT_INTEGER_BITS), 31 - 7)
        : roundingDivideByPOT(gemmlowpLogistic(INT32, inQ4, INT8_INPUT_INTEGER_BITS), 31 - 8) - 128;
      return clamp(out, -128, 127);
    });
  } else if (x.type === "INT16") {
    const { multiplier, leftShift } = int16InputScaling(qx.scale, isTanh ? 1 : 0);
    y.data = x.data.map((q) => {
      const v = rescaleInt16(q, multiplier, leftShift);
      return isTanh ? tanhInt16(v) : logisticInt16(v);
    });
  } else {
    throw new Error(`reference ${isTanh ? "TANH" : "LOGISTIC"}: ${x.type} input`);
  }
}

export const KERNELS: Record<string, Kernel> = {
  LOGISTIC: { run: (n) => logisticOrTanh(n, false) },
  TANH: { run: (n) => logisticOrTanh(n, true) },
};
