// DEQUANTIZE: int8/int16/uint8 -> float32, f = float(double(scale) * (q - zp)) as TFLite.

import { Operator, input, output, inputIndex, outputIndex } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, TYPE_UINT8 } from "../schema";
import { ERR_INVALID_MODEL } from "../status";
import { opFail, checkArity, unsupportedTypes, requireQuantized, requirePerTensor } from "../ops_common/operator";

export function prepare(op: Operator): bool {
  if (!checkArity(op, 1, 1, 1)) return false;
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.elements != y.elements) return opFail(ERR_INVALID_MODEL, "input and output sizes differ");
  if (y.type != TYPE_FLOAT32) return unsupportedTypes(y, outputIndex(op, 0));
  if (x.type != TYPE_INT8 && x.type != TYPE_INT16 && x.type != TYPE_UINT8)
    return unsupportedTypes(x, inputIndex(op, 0));
  return requireQuantized(x, inputIndex(op, 0)) && requirePerTensor(x, inputIndex(op, 0));
}

export function evaluate(op: Operator): void {
  const x = input(op, 0);
  const y = output(op, 0);
  const scale = <f64>x.scale;
  const zp = x.zeroPoint;
  for (let i = 0; i < y.elements; i++) {
    let q: i32;
    if (x.type == TYPE_INT8) q = <i32>load<i8>(x.data + <usize>i);
    else if (x.type == TYPE_INT16) q = <i32>load<i16>(x.data + ((<usize>i) << 1));
    else q = <i32>load<u8>(x.data + <usize>i);
    store<f32>(y.data + ((<usize>i) << 2), <f32>(scale * <f64>(q - zp)));
  }
}
