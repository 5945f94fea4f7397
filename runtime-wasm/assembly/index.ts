// wasmlite's ABI: the exports a host (JavaScript or C) drives the runtime with.
// Documented in runtime-wasm/README.md. Every export is safe to call in any
// order: misuse returns an error code, never traps.

import {
  OK,
  ERR_BAD_CALL,
  ERR_NOT_LOADED,
  ERR_OUT_OF_MEMORY,
  clearError,
  fail,
  lastErrorCode,
  messagePointer,
  messageBytes,
  sayInt,
  say,
} from "./status";
import { setModel } from "./flatbuffer";
import { modelStart, ensureMemory, resetPersistent, persistentEnd, alignUp, setMemoryLimit, RED_ZONE } from "./layout";
import { readModel } from "./model";
import { prepareOperator, evalOperator, runPasses } from "./registry";
import { enterOperator } from "./ops_common/operator";
import { plan, placeArena, resetScratch, arenaBytes, arenaLowerBound, setOverwriteInputs } from "./planner";
import {
  Tensor,
  tensorAt,
  tensorCount,
  operatorAt,
  operatorCount,
  graphInputs,
  graphInputCount,
  graphOutputs,
  graphOutputCount,
  dim,
  FLAG_VARIABLE,
} from "./graph";
import { TYPE_INT8 } from "./schema";
import { checkedArena } from "./checked/checker";

const ABI_VERSION: i32 = 1;

let reservedBytes: u32 = 0;
let loaded: bool = false;
let arenaStart: usize = 0;

/** ABI version; bumped on any incompatible change to these exports. */
export function wl_abi_version(): i32 {
  return ABI_VERSION;
}

/** 1 for the SIMD build (wasmlite.wasm), 0 for the MVP build. */
export function wl_simd(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/**
 * Caps the total linear memory (bytes) that loading a model may grow to;
 * 0 means no cap below WebAssembly's 4 GiB. A model that needs more fails to
 * load with ERR_OUT_OF_MEMORY. Memory already grown is not given back.
 */
export function wl_set_memory_limit(bytes: u32): void {
  setMemoryLimit(<u64>bytes);
}

/**
 * For the loads that follow: 0 (the default) keeps every graph input's bytes
 * intact through wl_invoke, so invoking again on the same input gives the
 * same outputs; 1 lets later tensors reuse an input's bytes once the
 * operators reading it are done, as TFLM does: a smaller arena, but the host
 * must write every input again before each wl_invoke.
 */
export function wl_set_overwrite_inputs(enabled: i32): void {
  setOverwriteInputs(enabled != 0);
}

/**
 * Reserves room for a model of `byteLength` bytes and returns where to write
 * it (0 on failure). Unloads any previous model. May grow memory, so hosts
 * must refresh their views of memory afterwards.
 */
export function wl_model_reserve(byteLength: u32): usize {
  clearError();
  loaded = false;
  reservedBytes = 0;
  if (!ensureMemory(<u64>modelStart + <u64>byteLength)) return 0;
  reservedBytes = byteLength;
  return modelStart;
}

/**
 * Verifies and loads the `byteLength` model bytes written at the reserved
 * address: reads the graph, prepares every operator, plans the arena.
 * Returns 0 or an error code (see wl_error_message).
 */
export function wl_load(byteLength: u32): i32 {
  clearError();
  loaded = false;
  if (isDefined(WASMLITE_CHECKED)) checkedArena(0, 0, false);
  if (byteLength > reservedBytes) {
    fail(ERR_BAD_CALL, "wl_load: ");
    sayInt(byteLength);
    say(" bytes is more than the ");
    sayInt(reservedBytes);
    say(" reserved with wl_model_reserve");
    return ERR_BAD_CALL;
  }
  setModel(modelStart, byteLength);
  resetPersistent(byteLength);
  resetScratch();
  if (!readModel()) return lastErrorCode();
  for (let i = 0; i < operatorCount; i++) {
    const op = operatorAt(i);
    enterOperator(i, op);
    if (!prepareOperator(op)) return lastErrorCode();
  }
  runPasses(); // graph rewrites that need every operator prepared (e.g. a CONV_2D doing the MAX_POOL_2D after it)
  if (!plan()) {
    if (lastErrorCode() == OK) fail(ERR_OUT_OF_MEMORY, "tensor arena would exceed 2 GiB");
    return lastErrorCode();
  }
  arenaStart = alignUp(persistentEnd()) + RED_ZONE;
  if (!ensureMemory(<u64>arenaStart + <u64>arenaBytes)) return lastErrorCode();
  placeArena(arenaStart);
  if (isDefined(WASMLITE_CHECKED)) checkedArena(arenaStart, arenaBytes, false);
  memory.fill(arenaStart, 0, <usize>arenaBytes);
  resetVariables();
  // The checked build: from here on each operator touches only the buffers live at its step.
  if (isDefined(WASMLITE_CHECKED)) checkedArena(arenaStart, arenaBytes, true);
  loaded = true;
  return OK;
}

/**
 * Recurrent state to its initial value, as TFLite's ResetVariableTensor
 * sets it: an int8 variable to its zero point (the quantised 0), any other
 * to zero bytes.
 */
function resetVariables(): void {
  for (let t = 0; t < tensorCount; t++) {
    const tensor = tensorAt(t);
    if ((tensor.flags & FLAG_VARIABLE) == 0) continue;
    const value = tensor.type == TYPE_INT8 ? <u8>tensor.zeroPoint : <u8>0;
    memory.fill(tensor.data, value, <usize>tensor.bytes);
  }
}

/**
 * Runs the model once. Allocates nothing and never grows memory. BAD_INPUT
 * when an input holds a value the model cannot take (a GATHER index outside
 * its table): the outputs are then not valid.
 */
export function wl_invoke(): i32 {
  if (!loaded) {
    fail(ERR_NOT_LOADED, "wl_invoke: no model is loaded");
    return ERR_NOT_LOADED;
  }
  clearError();
  for (let i = 0; i < operatorCount; i++) {
    const op = operatorAt(i);
    if (op.absorbed != 0) continue; // the operator before did its work
    enterOperator(i, op);
    evalOperator(op);
    // Only an operator checking a runtime input (GATHER's indices) can fail here.
    if (lastErrorCode() != OK) return lastErrorCode();
  }
  return OK;
}

/** Resets every variable tensor (recurrent state) to its initial value: zero, or an int8 zero point. */
export function wl_reset_state(): i32 {
  if (!loaded) {
    fail(ERR_NOT_LOADED, "wl_reset_state: no model is loaded");
    return ERR_NOT_LOADED;
  }
  resetVariables();
  return OK;
}

export function wl_error_code(): i32 {
  return lastErrorCode();
}
/** Address of the last error message (UTF-8, not NUL-terminated). */
export function wl_error_message(): usize {
  return messagePointer();
}
export function wl_error_message_length(): i32 {
  return messageBytes();
}

/** Bytes of tensor arena the loaded model uses. */
export function wl_arena_bytes(): u32 {
  return loaded ? arenaBytes : 0;
}
/** The largest total of simultaneously live tensor bytes: no plan can use less arena. */
export function wl_arena_lower_bound(): u32 {
  return loaded ? arenaLowerBound : 0;
}
/** Total linear memory the loaded model needs (static data, model, tables, arena). */
export function wl_memory_bytes(): u32 {
  return loaded ? <u32>(arenaStart + <usize>arenaBytes) : 0;
}

export function wl_input_count(): i32 {
  return loaded ? graphInputCount : 0;
}
export function wl_output_count(): i32 {
  return loaded ? graphOutputCount : 0;
}
/** Tensor index of graph input i, or -1. */
export function wl_input_tensor(i: i32): i32 {
  if (!loaded || i < 0 || i >= graphInputCount) return -1;
  return load<i32>(graphInputs + ((<usize>i) << 2));
}
/** Tensor index of graph output i, or -1. */
export function wl_output_tensor(i: i32): i32 {
  if (!loaded || i < 0 || i >= graphOutputCount) return -1;
  return load<i32>(graphOutputs + ((<usize>i) << 2));
}

function validTensor(t: i32): bool {
  return loaded && t >= 0 && t < tensorCount;
}

/** Address of a tensor's data (0 if the index is invalid). */
export function wl_tensor_data(t: i32): usize {
  return validTensor(t) ? tensorAt(t).data : 0;
}
export function wl_tensor_byte_length(t: i32): i32 {
  return validTensor(t) ? tensorAt(t).bytes : 0;
}
/** TFLite TensorType value (0 FLOAT32, 2 INT32, 3 UINT8, 4 INT64, 6 BOOL, 7 INT16, 9 INT8); -1 if invalid. */
export function wl_tensor_type(t: i32): i32 {
  return validTensor(t) ? tensorAt(t).type : -1;
}
export function wl_tensor_rank(t: i32): i32 {
  return validTensor(t) ? tensorAt(t).rank : -1;
}
export function wl_tensor_dim(t: i32, d: i32): i32 {
  if (!validTensor(t)) return -1;
  const tensor = tensorAt(t);
  return d >= 0 && d < tensor.rank ? dim(tensor, d) : -1;
}
/** Per-tensor scale (0 if not quantized). */
export function wl_tensor_scale(t: i32): f32 {
  return validTensor(t) ? tensorAt(t).scale : 0;
}
export function wl_tensor_zero_point(t: i32): i32 {
  return validTensor(t) ? tensorAt(t).zeroPoint : 0;
}
/** Address and length of the tensor's name in the model bytes (0 / 0 if none). */
export function wl_tensor_name(t: i32): usize {
  return validTensor(t) ? tensorAt(t).namePtr : 0;
}
export function wl_tensor_name_length(t: i32): i32 {
  return validTensor(t) ? tensorAt(t).nameLength : 0;
}
