// TANH.
// float32: kernels/exp_f32.ts (vectorised). int8 (TFLM reference_integer_ops::Tanh):
// rescale the input to Q4.27, gemmlowp's fixed-point tanh to Q0.31, then to
// the output's fixed quantisation (scale 1/128, zero point 0).
// int16: the sigmoid-table kernel of ops_common/sigmoid_int16.ts, as TFLM.
// The checks and paths are shared with LOGISTIC: ops_common/sigmoid_like.ts.

import { Operator } from "../graph";
import { prepareSigmoidLike, evaluateSigmoidLike } from "../ops_common/sigmoid_like";

export function prepare(op: Operator): bool {
  return prepareSigmoidLike(op, true);
}

export function evaluate(op: Operator): void {
  evaluateSigmoidLike(op, true);
}
