// LOGISTIC: 1 / (1 + exp(-x)), float32. Integer LOGISTIC (TFLM's fixed-point
// and LUT kernels) is not implemented yet: prepare() rejects it by name.

import { Operator, input, output, inputIndex } from "../graph";
import { TYPE_FLOAT32 } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, checkArity, unsupportedTypes } from "./common";

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.elements != y.elements) return opFail(ERR_INVALID_MODEL, "input and output sizes differ");
  if (x.type != TYPE_FLOAT32 || y.type != TYPE_FLOAT32) return unsupportedTypes(x, inputIndex(op, 0));
  return true;
}

export function evaluate(op: Operator): void {
  const x = input(op, 0);
  const y = output(op, 0);
  for (let i = 0; i < y.elements; i++) {
    const v = load<f32>(x.data + (<usize>i << 2));
    store<f32>(y.data + (<usize>i << 2), <f32>1.0 / (<f32>1.0 + Mathf.exp(-v)));
  }
}
