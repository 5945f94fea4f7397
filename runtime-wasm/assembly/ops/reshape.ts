// RESHAPE: same bytes, new shape. The output shape in the model is
// authoritative (static shapes only); the optional shape input and the
// new_shape option are not needed to run, only checked for size.

import { Operator, input, output, outputIndex } from "../graph";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, checkArity, unsupportedTypes } from "../ops_common/operator";

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 2, 1)) return false;
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  if (x.bytes != y.bytes) return opFail(ERR_INVALID_MODEL, "input and output sizes differ");
  return true;
}

export function evaluate(op: Operator): void {
  const x = input(op, 0);
  const y = output(op, 0);
  memory.copy(y.data, x.data, <usize>y.bytes);
}
