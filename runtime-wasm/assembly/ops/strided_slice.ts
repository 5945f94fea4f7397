// STRIDED_SLICE with TFLite's semantics (strided_slice_logic.h), as TFLM
// runs it: input 0 sliced by constant int32 begin, end and strides (one per
// axis). Per axis, with d its size and s its stride (not 0):
//   start = begin (0 or d - 1 under begin_mask, for s > 0 or s < 0), + d if negative,
//           clamped to [0, d] (s > 0) or [-1, d - 1] (s < 0)
//   stop  = start + 1 on a shrink axis; else end (+ begin with `offset`;
//           d or -1 under end_mask), + d if negative, clamped the same way
//   indices start, start + s, ... while before stop; a shrink axis is dropped
//   from the output's shape.
// ellipsis_mask and new_axis_mask are refused, as TFLM does. The operator only
// moves elements, so any element size; quantized input and output must share
// their quantisation (TFLM does not rescale).

import { Operator, input, output, inputIndex, outputIndex, dim, isConstant, elementSize, MAX_RANK } from "../graph";
import {
  TYPE_FLOAT32,
  TYPE_INT8,
  TYPE_INT16,
  TYPE_INT32,
  OPTIONS_STRIDED_SLICE,
  StridedSliceOptions,
} from "../schema";
import { ERR_INVALID_MODEL, ERR_UNSUPPORTED_FEATURE } from "../status";
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
import { readI32, readU8, scalarError } from "../flatbuffer";

@unmanaged
class SliceData {
  rank: i32;
  size: i32; // bytes per element
  // Per axis: the first index, the stride, the count of indices, and the input's stride in elements.
  start0: i32; start1: i32; start2: i32; start3: i32; start4: i32; start5: i32;
  step0: i32; step1: i32; step2: i32; step3: i32; step4: i32; step5: i32;
  count0: i32; count1: i32; count2: i32; count3: i32; count4: i32; count5: i32;
  pitch0: i32; pitch1: i32; pitch2: i32; pitch3: i32; pitch4: i32; pitch5: i32;
}

// @ts-ignore: decorator
@inline function slot(d: SliceData, field: usize, axis: i32): usize {
  return changetype<usize>(d) + field + (<usize>axis << 2);
}

const START = offsetof<SliceData>("start0");
const STEP = offsetof<SliceData>("step0");
const COUNT = offsetof<SliceData>("count0");
const PITCH = offsetof<SliceData>("pitch0");

function clampIndex(v: i64, stride: i32, size: i32): i32 {
  const lo: i64 = stride > 0 ? 0 : -1;
  const hi: i64 = stride > 0 ? size : size - 1;
  return <i32>(v < lo ? lo : v > hi ? hi : v);
}

export function prepare(op: Operator): bool {
  if (!checkArity(op, 4, 4, 1)) return false;
  if (!checkOptionsType(op, OPTIONS_STRIDED_SLICE)) return false;
  const opts = options(op, OPTIONS_STRIDED_SLICE);
  const beginMask = opts == 0 ? 0 : readI32(opts, StridedSliceOptions.begin_mask, 0);
  const endMask = opts == 0 ? 0 : readI32(opts, StridedSliceOptions.end_mask, 0);
  const ellipsisMask = opts == 0 ? 0 : readI32(opts, StridedSliceOptions.ellipsis_mask, 0);
  const newAxisMask = opts == 0 ? 0 : readI32(opts, StridedSliceOptions.new_axis_mask, 0);
  const shrinkMask = opts == 0 ? 0 : readI32(opts, StridedSliceOptions.shrink_axis_mask, 0);
  const offset = opts == 0 ? 0 : readU8(opts, StridedSliceOptions.offset, 0);
  if (scalarError()) return false;
  if (ellipsisMask != 0) return opFail(ERR_UNSUPPORTED_FEATURE, "ellipsis_mask is not supported");
  if (newAxisMask != 0) return opFail(ERR_UNSUPPORTED_FEATURE, "new_axis_mask is not supported");
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  if (x.type != TYPE_FLOAT32 && x.type != TYPE_INT8 && x.type != TYPE_INT16 && x.type != TYPE_INT32)
    return unsupportedTypes(x, inputIndex(op, 0));
  if ((x.type == TYPE_INT8 || x.type == TYPE_INT16) && (x.scale != y.scale || x.zeroPoint != y.zeroPoint))
    return opFail(ERR_INVALID_MODEL, "input and output must share their quantisation");
  const rank = x.rank;
  // The model reader refuses ranks above MAX_RANK (6).
  if (rank < 1) return inputTensorFail(op, 0, "must have rank 1 to 6");
  for (let i = 1; i < 4; i++) {
    const t = input(op, i);
    if (t.type != TYPE_INT32) return unsupportedTypes(t, inputIndex(op, i));
    if (!isConstant(t)) return opFail(ERR_UNSUPPORTED_FEATURE, "begin, end and strides must be constant");
    if (t.rank != 1 || t.elements != rank) return inputTensorFail(op, i, "must hold one value per input axis");
  }
  const data = changetype<SliceData>(allocOpData(op, offsetof<SliceData>()));
  if (changetype<usize>(data) == 0) return false;
  data.rank = rank;
  data.size = elementSize(x);
  const begin = input(op, 1).data, end = input(op, 2).data, strides = input(op, 3).data;
  let pitch = 1;
  let outAxis = 0;
  for (let i = rank - 1; i >= 0; i--) {
    store<i32>(slot(data, PITCH, i), pitch);
    pitch *= dim(x, i);
  }
  for (let i = 0; i < rank; i++) {
    const size = dim(x, i);
    const stride = load<i32>(strides + (<usize>i << 2));
    if (stride == 0) return inputTensorFail(op, 3, "has a zero stride");
    let start: i64 = load<i32>(begin + (<usize>i << 2));
    if ((beginMask & (1 << i)) != 0) start = stride > 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
    if (start < 0 && start != i64.MIN_VALUE) start += size;
    const first = clampIndex(start, stride, size);
    let stop: i64;
    const shrink = (shrinkMask & (1 << i)) != 0;
    if (shrink) {
      stop = <i64>first + 1;
    } else {
      stop = load<i32>(end + (<usize>i << 2));
      if (offset != 0) stop += load<i32>(begin + (<usize>i << 2));
      if ((endMask & (1 << i)) != 0) stop = stride > 0 ? i64.MAX_VALUE : i64.MIN_VALUE;
      if (stop < 0 && stop != i64.MIN_VALUE) stop += size;
      stop = clampIndex(stop, stride, size);
    }
    const span: i64 = stride > 0 ? stop - first : first - stop;
    const step: i64 = stride > 0 ? stride : -(<i64>stride);
    const count = span <= 0 ? 0 : <i32>((span + step - 1) / step);
    // A shrunk axis keeps one index, which must name an element: clamping leaves `size` itself possible.
    if (shrink && first >= size) return inputTensorFail(op, 1, "puts a shrunk axis's index past the input's end");
    if (shrink && count != 1) return inputTensorFail(op, 1, "puts a shrunk axis's index outside the input");
    store<i32>(slot(data, START, i), first);
    store<i32>(slot(data, STEP, i), stride);
    store<i32>(slot(data, COUNT, i), count);
    if (shrink) continue;
    if (outAxis >= y.rank || dim(y, outAxis) != count) return outputTensorFail(op, 0, "does not have the sliced shape");
    outAxis++;
  }
  // Every kept axis matched its count above, so the element counts agree once the ranks do.
  if (outAxis != y.rank) return outputTensorFail(op, 0, "does not have the sliced shape");
  return true;
}

let counters = memory.data(MAX_RANK * 4);

export function evaluate(op: Operator): void {
  const d = changetype<SliceData>(op.data);
  const x = input(op, 0);
  const y = output(op, 0);
  const rank = d.rank;
  const size = <usize>d.size;
  const total = y.elements;
  if (total == 0) return;
  // An odometer over the output's indices; the innermost axis copies a run when its stride is 1.
  const inner = rank - 1;
  const innerCount = load<i32>(slot(d, COUNT, inner));
  const innerStep = load<i32>(slot(d, STEP, inner));
  for (let k = 0; k < rank; k++) store<i32>(counters + (<usize>k << 2), 0);
  let out = y.data;
  for (let done = 0; done < total; done += innerCount) {
    let at: i64 = 0;
    for (let k = 0; k < inner; k++) {
      const index = load<i32>(slot(d, START, k)) + load<i32>(counters + (<usize>k << 2)) * load<i32>(slot(d, STEP, k));
      at += <i64>index * load<i32>(slot(d, PITCH, k));
    }
    at += load<i32>(slot(d, START, inner));
    const src = x.data + <usize>at * size;
    if (innerStep == 1) {
      memory.copy(out, src, <usize>innerCount * size);
    } else {
      const jump = <isize>innerStep * <isize>size;
      for (let j = 0; j < innerCount; j++)
        memory.copy(out + <usize>j * size, <usize>(<isize>src + <isize>j * jump), size);
    }
    out += <usize>innerCount * size;
    for (let k = inner - 1; k >= 0; k--) {
      const c = load<i32>(counters + (<usize>k << 2)) + 1;
      if (c < load<i32>(slot(d, COUNT, k))) {
        store<i32>(counters + (<usize>k << 2), c);
        break;
      }
      store<i32>(counters + (<usize>k << 2), 0);
    }
  }
}
