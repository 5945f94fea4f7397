// The input rescaling LOGISTIC and TANH prepare for their integer kernels:
// the operators' data (sigmoid_like.ts), filled by prepareSigmoidInput
// (int8, sigmoid_int8.ts) or prepareInt16Sigmoid (int16, sigmoid_int16.ts).

@unmanaged
export class SigmoidInput {
  /** int8: the input's zero point. */
  zeroPoint: i32;
  /** int8: the multiplier to Q4.27; int16: the table multiplier (0 for a power-of-two scale). */
  multiplier: i32;
  leftShift: i32;
  /** int8: beyond this distance from the zero point the output saturates. */
  rangeRadius: i32;
}
