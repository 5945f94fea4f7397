// GATHER with TFLite's semantics (reference_ops::Gather, as TFLM runs it):
// slices of input 0 (params) along `axis`, picked by the int32 or int64
// values of input 1 (indices). With batch_dims b (indices and params share
// their first b axes):
//   output shape = params[:axis] + indices[b:] + params[axis + 1:]
//   output[batch][outer][i][inner] = params[batch][outer][indices[batch][i]][inner]
// The operator only moves elements (any element size); quantized params and
// output must share their quantisation. Indices are usually a runtime input
// (token ids into an embedding table): an index outside [0, params[axis])
// fails invoke() with BAD_INPUT naming the index and its value, as TFLite
// refuses it, rather than reading outside the table.

import { Operator, input, output, inputIndex, outputIndex, dim, isConstant, elementSize } from "../graph";
import {
  TYPE_FLOAT32,
  TYPE_INT8,
  TYPE_INT16,
  TYPE_INT32,
  TYPE_INT64,
  OPTIONS_GATHER,
  GatherOptions,
} from "../schema";
import { ERR_INVALID_MODEL, ERR_BAD_INPUT, sayInt, say } from "../status";
import {
  opFail,
  checkArity,
  checkOptionsType,
  options,
  unsupportedTypes,
  inputTensorFail,
  outputTensorFail,
  allocOpData,
} from "../ops_common/operator";
import { readI32, scalarError } from "../flatbuffer";

@unmanaged
class GatherData {
  batches: i32; // product of the first batch_dims axes
  outer: i32; // product of params' axes batch_dims..axis-1
  axisSize: i32; // params[axis]: indices must lie in [0, axisSize)
  coords: i32; // indices per batch (product of indices[batch_dims:])
  innerBytes: i32; // bytes of one slice: product of params[axis + 1:] x element size
  wide: i32; // 1: int64 indices
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 2, 2, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_GATHER)) return false;
  const opts = options(op, OPTIONS_GATHER);
  let axis = opts == 0 ? 0 : readI32(opts, GatherOptions.axis, 0);
  let batchDims = opts == 0 ? 0 : readI32(opts, GatherOptions.batch_dims, 0);
  if (scalarError()) return false;
  const params = input(op, 0);
  const indices = input(op, 1);
  const y = output(op, 0);
  const type = params.type;
  if (type != TYPE_FLOAT32 && type != TYPE_INT8 && type != TYPE_INT16 && type != TYPE_INT32)
    return unsupportedTypes(params, inputIndex(op, 0));
  if (indices.type != TYPE_INT32 && indices.type != TYPE_INT64) return unsupportedTypes(indices, inputIndex(op, 1));
  if (y.type != params.type) return unsupportedTypes(y, outputIndex(op, 0));
  if ((y.type == TYPE_INT8 || y.type == TYPE_INT16) && (params.scale != y.scale || params.zeroPoint != y.zeroPoint))
    return opFail(ERR_INVALID_MODEL, "params and output must share their quantisation");
  if (axis < 0) axis += params.rank;
  if (batchDims < 0) batchDims += indices.rank;
  if (axis < 0 || axis >= params.rank) return opFail(ERR_INVALID_MODEL, "axis is outside the params' axes");
  if (batchDims < 0 || batchDims > indices.rank || batchDims > axis)
    return opFail(ERR_INVALID_MODEL, "batch_dims must lie in 0..min(axis, the indices' rank)");
  let batches = 1;
  for (let i = 0; i < batchDims; i++) {
    if (dim(params, i) != dim(indices, i)) return inputTensorFail(op, 1, "does not share the params' batch axes");
    batches *= dim(params, i);
  }
  let outer = 1;
  for (let i = batchDims; i < axis; i++) outer *= dim(params, i);
  let coords = 1;
  for (let i = batchDims; i < indices.rank; i++) coords *= dim(indices, i);
  let inner = 1;
  for (let i = axis + 1; i < params.rank; i++) inner *= dim(params, i);
  // The output's shape: params[:axis] + indices[batch_dims:] + params[axis + 1:].
  const rank = axis + indices.rank - batchDims + params.rank - axis - 1;
  if (y.rank != rank) return outputTensorFail(op, 0, "does not have the gathered shape");
  let k = 0;
  let same = true;
  for (let i = 0; i < axis; i++) same = same && dim(y, k++) == dim(params, i);
  for (let i = batchDims; i < indices.rank; i++) same = same && dim(y, k++) == dim(indices, i);
  for (let i = axis + 1; i < params.rank; i++) same = same && dim(y, k++) == dim(params, i);
  if (!same) return outputTensorFail(op, 0, "does not have the gathered shape");
  const d = changetype<GatherData>(allocOpData(op, offsetof<GatherData>()));
  if (changetype<usize>(d) == 0) return false;
  d.batches = batches;
  d.outer = outer;
  d.axisSize = dim(params, axis);
  d.coords = coords;
  d.innerBytes = inner * elementSize(params);
  d.wide = indices.type == TYPE_INT64 ? 1 : 0;
  // Constant indices are checked once, here; runtime ones at every invoke.
  if (isConstant(indices)) {
    if (firstBadIndex(d, indices.data, batches * coords) >= 0)
      return inputTensorFail(op, 1, "holds an index outside the params' axis");
  }
  return true;
}

function indexAt(d: GatherData, indices: usize, i: i32): i64 {
  return d.wide != 0 ? load<i64>(indices + (<usize>i << 3)) : <i64>load<i32>(indices + (<usize>i << 2));
}

/** The position of the first index outside [0, axisSize), or -1. */
function firstBadIndex(d: GatherData, indices: usize, count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const v = indexAt(d, indices, i);
    if (v < 0 || v >= <i64>d.axisSize) return i;
  }
  return -1;
}

export function evaluate(op: Operator): void {
  const d = changetype<GatherData>(op.data);
  const indices = input(op, 1).data;
  const count = d.batches * d.coords;
  const bad = firstBadIndex(d, indices, count);
  if (bad >= 0) {
    opFail(ERR_BAD_INPUT, "indices[");
    sayInt(bad);
    say("] is ");
    sayInt(indexAt(d, indices, bad));
    say(", outside 0..");
    sayInt(d.axisSize - 1);
    return;
  }
  const params = input(op, 0).data;
  const inner = <usize>d.innerBytes;
  let out = output(op, 0).data;
  for (let b = 0; b < d.batches; b++) {
    for (let o = 0; o < d.outer; o++) {
      const slab = params + (<usize>(b * d.outer + o) * <usize>d.axisSize) * inner;
      for (let i = 0; i < d.coords; i++) {
        memory.copy(out, slab + <usize>indexAt(d, indices, b * d.coords + i) * inner, inner);
        out += inner;
      }
    }
  }
}
