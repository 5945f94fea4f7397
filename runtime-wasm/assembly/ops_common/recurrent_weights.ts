// The weight-matrix check shared by the recurrent operators (LSTM float and
// integer, RNN float and hybrid): type, [rows, columns] shape, constant, and
// for int8 per-tensor symmetric quantisation (the gate kernels fold no
// weight zero point).

import { Operator, input, inputIndex, dim, isConstant, channelZeroPoint } from "../graph";
import { TYPE_INT8 } from "../schema";
import { ERR_UNSUPPORTED_FEATURE } from "../status";
import { opFail, unsupportedTypes, inputTensorFail, requireQuantized, requirePerTensor } from "./operator";

/** Checks input i as a constant [rows, columns] weight matrix of `type`; false with the error set. */
export function checkRecurrentWeights(op: Operator, i: i32, rows: i32, columns: i32, type: i32): bool {
  const w = input(op, i);
  const index = inputIndex(op, i);
  if (w.type != type) return unsupportedTypes(w, index);
  if (w.rank != 2 || dim(w, 0) != rows || dim(w, 1) != columns)
    return inputTensorFail(op, i, "has the wrong shape for this recurrent cell");
  if (!isConstant(w)) return opFail(ERR_UNSUPPORTED_FEATURE, "recurrent-cell weights must be constant");
  if (type == TYPE_INT8) {
    if (!requireQuantized(w, index) || !requirePerTensor(w, index)) return false;
    if (channelZeroPoint(w, 0) != 0) return inputTensorFail(op, i, "int8 weights must be symmetric (zero point 0)");
  }
  return true;
}
