// Shared prepare and eval for PAD and PADV2: paddings is a constant int32 or
// int64 tensor [rank, 2] of (before, after) counts. The pad value is 0.0 for
// float, the output zero point for quantized PAD, and the constant input for
// PADV2. Quantized padding does not rescale: input and output share their
// quantisation, as TFLM requires.

import { Operator, Tensor, input, output, inputIndex, outputIndex, dim, isConstant } from "../graph";
import { TYPE_FLOAT32, TYPE_INT8, TYPE_INT16, TYPE_INT32, TYPE_INT64 } from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE } from "../status";
import {
  opFail,
  checkArity,
  unsupportedTypes,
  inputTensorFail,
  outputTensorFail,
  requireQuantized,
  requirePerTensor,
  allocOpData,
} from "./operator";
import { MAX_RANK } from "../graph";
import { fillElements } from "../kernels/copy";

@unmanaged
class PadData {
  rank: i32;
  elementSize: i32;
  padBits: u32; // the pad value's bit pattern
  before0: i32; before1: i32; before2: i32; before3: i32; before4: i32; before5: i32;
}

// @ts-ignore: decorator
@inline function beforeAt(d: PadData, i: i32): usize {
  return changetype<usize>(d) + offsetof<PadData>("before0") + (<usize>i << 2);
}

export function preparePad(op: Operator, withConstant: bool): bool {
  if (!checkArity(op, withConstant ? 2 : 2, withConstant ? 3 : 2, 1)) return false;
  const x = input(op, 0);
  const p = input(op, 1);
  const y = output(op, 0);
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  if (x.type != TYPE_FLOAT32 && x.type != TYPE_INT8 && x.type != TYPE_INT16 && x.type != TYPE_INT32)
    return unsupportedTypes(x, inputIndex(op, 0));
  if (!isConstant(p)) return opFail(ERR_UNSUPPORTED_FEATURE, "paddings must be constant");
  if (p.type != TYPE_INT32 && p.type != TYPE_INT64) return unsupportedTypes(p, inputIndex(op, 1));
  if (p.rank != 2 || dim(p, 0) != x.rank || dim(p, 1) != 2) return inputTensorFail(op, 1, "must be [rank, 2]");
  if (y.rank != x.rank) return outputTensorFail(op, 0, "must have the input's rank");
  const data = changetype<PadData>(allocOpData(op, offsetof<PadData>()));
  if (changetype<usize>(data) == 0) return false;
  data.rank = x.rank;
  data.elementSize = x.type == TYPE_FLOAT32 || x.type == TYPE_INT32 ? 4 : x.type == TYPE_INT16 ? 2 : 1;
  for (let i = 0; i < x.rank; i++) {
    const before: i64 =
      p.type == TYPE_INT32 ? <i64>load<i32>(p.data + (<usize>(2 * i) << 2)) : load<i64>(p.data + (<usize>(2 * i) << 3));
    const after: i64 =
      p.type == TYPE_INT32
        ? <i64>load<i32>(p.data + (<usize>(2 * i + 1) << 2))
        : load<i64>(p.data + (<usize>(2 * i + 1) << 3));
    if (before < 0 || after < 0) return inputTensorFail(op, 1, "has a negative padding");
    if (<i64>dim(x, i) + before + after != <i64>dim(y, i))
      return outputTensorFail(op, 0, "does not have the padded shape");
    store<i32>(beforeAt(data, i), <i32>before);
  }
  if (x.type != TYPE_FLOAT32 && x.type != TYPE_INT32) {
    if (!requireQuantized(x, inputIndex(op, 0)) || !requirePerTensor(x, inputIndex(op, 0))) return false;
    if (!requireQuantized(y, outputIndex(op, 0)) || !requirePerTensor(y, outputIndex(op, 0))) return false;
    if (x.scale != y.scale || x.zeroPoint != y.zeroPoint)
      return opFail(ERR_INVALID_MODEL, "quantized padding needs the same scale and zero point on input and output");
  }
  let padValue: u32 = 0;
  if (x.type == TYPE_INT8) padValue = <u32>y.zeroPoint & 0xff;
  else if (x.type == TYPE_INT16) padValue = <u32>y.zeroPoint & 0xffff;
  if (withConstant && inputIndex(op, 2) >= 0) {
    const c = input(op, 2);
    if (c.type != x.type) return unsupportedTypes(c, inputIndex(op, 2));
    if (c.elements != 1 || !isConstant(c)) return inputTensorFail(op, 2, "must be one constant value");
    if (x.type != TYPE_FLOAT32 && x.type != TYPE_INT32 && (c.scale != y.scale || c.zeroPoint != y.zeroPoint)) {
      return inputTensorFail(op, 2, "must have the output's quantisation");
    }
    padValue =
      data.elementSize == 4
        ? load<u32>(c.data)
        : data.elementSize == 2
          ? <u32>load<u16>(c.data)
          : <u32>load<u8>(c.data);
  }
  data.padBits = padValue;
  return true;
}

let counters = memory.data(MAX_RANK * 4);

export function evalPad(op: Operator): void {
  const d = changetype<PadData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  const size = <usize>d.elementSize;
  // Fill everything with the pad value, then copy the input's innermost rows into place.
  fillElements(y.data, d.padBits, size, <usize>y.elements);
  const rank = d.rank;
  if (rank == 0) {
    memory.copy(y.data, x.data, size);
    return;
  }
  const rowElements = dim(x, rank - 1);
  const rows = x.elements / rowElements;
  for (let k = 0; k < rank; k++) store<i32>(counters + (<usize>k << 2), 0);
  for (let r = 0; r < rows; r++) {
    // Output offset of this input row.
    let offset: i64 = 0;
    for (let k = 0; k < rank; k++) {
      const coordinate = k == rank - 1 ? 0 : load<i32>(counters + (<usize>k << 2));
      offset = offset * <i64>dim(y, k) + <i64>(coordinate + load<i32>(beforeAt(d, k)));
    }
    memory.copy(y.data + <usize>offset * size, x.data + <usize>(r * rowElements) * size, <usize>rowElements * size);
    // Next row: odometer over all but the last dimension.
    for (let k = rank - 2; k >= 0; k--) {
      const c = load<i32>(counters + (<usize>k << 2)) + 1;
      if (c < dim(x, k)) {
        store<i32>(counters + (<usize>k << 2), c);
        break;
      }
      store<i32>(counters + (<usize>k << 2), 0);
    }
  }
}
