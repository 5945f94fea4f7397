// int16 LOGISTIC and TANH (TFLM reference_integer_ops), shared: both read
// the sigmoid table with linear interpolation (tanh(x) = 2 sigmoid(2x) - 1).
// Prepare rescales the input so that the table covers about [-10.7, 10.7]:
// either a power-of-two input scale handled by a shift, or a multiplier to
// the scale 1 / (3 * 4096).

import { Tensor } from "../graph";
import { ERR_INVALID_MODEL } from "../status";
import { opFail } from "./operator";
import { checkedLog2, log2Rounded } from "../fixedpoint";
import { sigmoidTable } from "../kernels/sigmoid_table";
import { SigmoidInput } from "./sigmoid_input";

/**
 * TFLM's int16 prepare for LOGISTIC (maxPotShift 0) and TANH (maxPotShift 1):
 * symmetric input and output, output scale 2^-15; the input's multiplier
 * and shift into `into`.
 */
export function prepareInt16Sigmoid(x: Tensor, y: Tensor, maxPotShift: i32, into: SigmoidInput): bool {
  if (x.zeroPoint != 0 || y.zeroPoint != 0)
    return opFail(ERR_INVALID_MODEL, "int16 input and output must have zero point 0");
  let pot = checkedLog2(x.scale);
  let leftShift = 15 - 3 + log2Rounded;
  pot = pot && leftShift >= 0 && leftShift <= maxPotShift;
  let tableMultiplier: i32 = 0;
  if (!pot) {
    let multiplier: f64 = <f64>x.scale * 4096.0 * 3.0;
    leftShift = 0;
    while (multiplier <= 32767.0 / 2.0 && leftShift <= 30) {
      leftShift++;
      multiplier *= 2.0;
    }
    if (multiplier > 32767.0) return opFail(ERR_INVALID_MODEL, "int16 input scale is too large for the lookup table");
    tableMultiplier = <i32>multiplier;
  }
  if (!checkedLog2(y.scale) || log2Rounded != -15) return opFail(ERR_INVALID_MODEL, "int16 output scale must be 2^-15");
  into.multiplier = tableMultiplier;
  into.leftShift = leftShift;
  return true;
}

/** Rescaled input for the table: (x * multiplier + round) >> shift, power-of-two case folded in. */
// @ts-ignore: decorator
@inline
function rescale(v: i32, multiplier: i32, leftShift: i32): i32 {
  let m = multiplier;
  let s = leftShift;
  if (m == 0) {
    m = 3 << s;
    s = 0;
  }
  const round: i32 = s > 0 ? 1 << (s - 1) : 0;
  return (v * m + round) >> s;
}

export function logisticInt16(x: usize, y: usize, n: i32, multiplier: i32, leftShift: i32): void {
  for (let i = 0; i < n; i++) {
    const v = rescale(<i32>load<i16>(x + (<usize>i << 1)), multiplier, leftShift);
    const absV = <u32>(v < 0 ? -v : v);
    const uh = absV >> 9;
    let result: u32;
    if (uh >= 255) {
      result = 0x7fff << 10;
    } else {
      const ua = sigmoidTable(uh);
      const ub = sigmoidTable(uh + 1);
      result = (ua << 9) + (absV & 0x1ff) * (ub - ua);
    }
    result = v >= 0 ? result + (1 << 9) : (<u32>1 << 25) - result + (1 << 9) - 1;
    store<i16>(y + (<usize>i << 1), <i16>(result >> 10));
  }
}

export function tanhInt16(x: usize, y: usize, n: i32, multiplier: i32, leftShift: i32): void {
  for (let i = 0; i < n; i++) {
    const v = rescale(<i32>load<i16>(x + (<usize>i << 1)), multiplier, leftShift);
    const absV = <u32>(v < 0 ? -v : v);
    const uh = absV >> 8;
    let result: i32;
    if (uh >= 255) {
      result = 0xffff << 8;
    } else {
      const ua = sigmoidTable(uh);
      const ub = sigmoidTable(uh + 1);
      result = <i32>((ua << 8) + (absV & 0xff) * (ub - ua));
    }
    result = v >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
    store<i16>(y + (<usize>i << 1), <i16>(result >> 8));
  }
}
