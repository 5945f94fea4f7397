// SOFTMAX over the last dimension: exp(beta * (x - max)) / sum, float32.
// Integer SOFTMAX (TFLM's fixed-point exp) is not implemented yet: prepare()
// rejects it by name.

import { Operator, input, output, inputIndex, dim } from "../graph";
import { TYPE_FLOAT32, OPTIONS_SOFTMAX } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, checkArity, checkOptionsType, options, unsupportedTypes, allocOpData } from "./common";
import { readF32, scalarError } from "../flatbuffer";

@unmanaged
class SoftmaxData {
  beta: f32;
  rows: i32;
  depth: i32;
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_SOFTMAX)) return false;
  const opts = options(op, OPTIONS_SOFTMAX);
  const beta = opts == 0 ? <f32>1 : readF32(opts, 0, 0);
  if (scalarError()) return false;
  if (!isFinite(beta)) return opFail(ERR_INVALID_MODEL, "beta is not a finite number");
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.elements != y.elements) return opFail(ERR_INVALID_MODEL, "input and output sizes differ");
  if (x.rank < 1) return opFail(ERR_INVALID_MODEL, "input must have at least one dimension");
  if (x.type != TYPE_FLOAT32 || y.type != TYPE_FLOAT32) return unsupportedTypes(x, inputIndex(op, 0));
  const data = changetype<SoftmaxData>(allocOpData(op, offsetof<SoftmaxData>()));
  if (changetype<usize>(data) == 0) return false;
  data.beta = beta;
  data.depth = dim(x, x.rank - 1);
  data.rows = x.elements / data.depth;
  return true;
}

export function evaluate(op: Operator): void {
  const d = changetype<SoftmaxData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  const depth = d.depth;
  for (let r = 0; r < d.rows; r++) {
    const xi = x.data + (<usize>(r * depth) << 2);
    const yo = y.data + (<usize>(r * depth) << 2);
    let maxValue = load<f32>(xi);
    for (let c = 1; c < depth; c++) maxValue = max(maxValue, load<f32>(xi + (<usize>c << 2)));
    let sum: f32 = 0;
    for (let c = 0; c < depth; c++) {
      const e = Mathf.exp((load<f32>(xi + (<usize>c << 2)) - maxValue) * d.beta);
      store<f32>(yo + (<usize>c << 2), e);
      sum += e;
    }
    for (let c = 0; c < depth; c++) store<f32>(yo + (<usize>c << 2), load<f32>(yo + (<usize>c << 2)) / sum);
  }
}
