// Helpers every operator's prepare() uses: arity and type checks that name
// the operator in their error, option reading, activation ranges.

import {
  fail,
  say,
  sayInt,
  ERR_INVALID_MODEL,
  ERR_UNSUPPORTED_TYPE,
  ERR_UNSUPPORTED_FEATURE,
  Message,
} from "../status";
import { Operator, Tensor, input, output, inputIndex, outputIndex, tensorAt } from "../graph";
import { sayType } from "../tensor_type";
import {
  TYPE_FLOAT32,
  TYPE_INT8,
  TYPE_INT16,
  TYPE_UINT8,
  ACT_NONE,
  ACT_RELU,
  ACT_RELU6,
  ACT_RELU_N1_TO_1,
  ACT_TANH,
} from "../schema";
import { sayTensor } from "../model";
import { sayOperator } from "../operator_names";
import { readU8, scalarError } from "../flatbuffer";
import { roundHalfAwayF32, saturatingF32ToI32 } from "../fixedpoint";
import { persistentAlloc } from "../layout";
import { tanhRowF32 } from "../kernels/exp_f32";
import { typeInBuild } from "../kernel_types";
import { checkedOperator } from "../checked/checker";

let opIndex: i32 = 0;
let opCode: i32 = 0;

/** The operator being prepared or evaluated: error messages name it. */
export function enterOperator(index: i32, op: Operator): void {
  opIndex = index;
  opCode = op.code;
  if (isDefined(WASMLITE_CHECKED)) checkedOperator();
}

export function currentOperatorIndex(): i32 {
  return opIndex;
}

/** Starts an error message naming the current operator; returns false. */
export function opFail(code: i32, text: Message): bool {
  fail(code, "operator ");
  sayInt(opIndex);
  say(" (");
  sayOperator(opCode);
  say("): ");
  say(text);
  return false;
}

/**
 * Tailored builds: refuses an operator whose input 0 has a tensor type the
 * build has no kernels for (the registry calls this before a typed
 * operator's prepare, only in builds that leave a type out).
 */
export function requireTypeInBuild(op: Operator): bool {
  if (op.inputCount == 0 || inputIndex(op, 0) < 0) return true; // prepare reports it
  const type = input(op, 0).type;
  if (typeInBuild(type)) return true;
  opFail(ERR_UNSUPPORTED_TYPE, "input 0 has type ");
  sayType(type);
  say(
    ", which this tailored wasmlite build has no kernels for; rebuild it with `wasmlite build-runtime --model MODEL.tflite`",
  );
  return false;
}

export function checkArity(op: Operator, minInputs: i32, maxInputs: i32, outputs: i32): bool {
  if (op.inputCount < minInputs || op.inputCount > maxInputs) {
    opFail(ERR_INVALID_MODEL, "has ");
    sayInt(op.inputCount);
    say(" inputs, expected ");
    sayInt(minInputs);
    if (maxInputs != minInputs) {
      say(" to ");
      sayInt(maxInputs);
    }
    return false;
  }
  if (op.outputCount != outputs) {
    opFail(ERR_INVALID_MODEL, "has ");
    sayInt(op.outputCount);
    say(" outputs, expected ");
    sayInt(outputs);
    return false;
  }
  for (let i = 0; i < minInputs; i++) {
    if (inputIndex(op, i) < 0) {
      opFail(ERR_INVALID_MODEL, "required input ");
      sayInt(i);
      say(" is omitted");
      return false;
    }
  }
  return true;
}

/** Options table of the expected union type, or 0 when the operator has none (defaults apply). */
export function options(op: Operator, expectedType: i32): u32 {
  return op.options != 0 && op.optionsType == expectedType ? op.options : 0;
}

/**
 * Stricter than TFLM, whose option parsers fall back to the defaults when a
 * model's options are of another operator's type: that drops what the file
 * asked for (a fused activation, a stride), a wrong answer. Absent options
 * take the defaults in both.
 */
export function checkOptionsType(op: Operator, expectedType: i32): bool {
  if (op.options != 0 && op.optionsType != expectedType) {
    opFail(ERR_INVALID_MODEL, "builtin options have type #");
    sayInt(op.optionsType);
    say(", expected #");
    sayInt(expectedType);
    return false;
  }
  return true;
}

/**
 * Reads a fused activation option (NONE when the table is absent): the
 * activation, or -1 after an error for an out-of-range or unsupported value.
 */
export function readActivation(table: u32, field: i32): i32 {
  const activation = table == 0 ? ACT_NONE : <i32>readU8(table, field, 0);
  if (scalarError()) return -1;
  if (activation != ACT_NONE && activation != ACT_RELU && activation != ACT_RELU6 && activation != ACT_RELU_N1_TO_1) {
    opFail(ERR_UNSUPPORTED_FEATURE, "fused activation #");
    sayInt(activation);
    say(" is not supported (NONE, RELU, RELU_N1_TO_1 and RELU6 are)");
    return -1;
  }
  return activation;
}

/** Error for a type combination the operator does not implement. */
export function unsupportedTypes(t: Tensor, index: i32): bool {
  opFail(ERR_UNSUPPORTED_TYPE, "");
  sayTensor(index);
  say(" has type ");
  sayType(t.type);
  say(", which this operator does not support here");
  return false;
}

export function inputTensorFail(op: Operator, i: i32, text: Message): bool {
  opFail(ERR_INVALID_MODEL, "input ");
  sayInt(i);
  say(" (");
  sayTensor(inputIndex(op, i));
  say(") ");
  say(text);
  return false;
}

export function outputTensorFail(op: Operator, i: i32, text: Message): bool {
  opFail(ERR_INVALID_MODEL, "output ");
  sayInt(i);
  say(" (");
  sayTensor(outputIndex(op, i));
  say(") ");
  say(text);
  return false;
}

export function requireQuantized(t: Tensor, index: i32): bool {
  if (t.quantCount == 0) {
    opFail(ERR_INVALID_MODEL, "");
    sayTensor(index);
    say(" is ");
    sayType(t.type);
    say(" but has no quantization parameters");
    return false;
  }
  return true;
}

export function requirePerTensor(t: Tensor, index: i32): bool {
  if (t.quantCount != 1) {
    opFail(ERR_UNSUPPORTED_FEATURE, "");
    sayTensor(index);
    say(" must have per-tensor quantization (one scale)");
    return false;
  }
  return true;
}

/**
 * The tensor checks of a one-input, one-output activation (RELU, RELU6,
 * LEAKY_RELU, LOGISTIC, TANH): the output has the input's size and type,
 * and that type is float32, or int8/int16 quantised per tensor (the output
 * too when `checkOutput`). False with the error set.
 */
export function checkActivationTensors(op: Operator, checkOutput: bool): bool {
  const x = input(op, 0);
  const y = output(op, 0);
  if (x.elements != y.elements) return opFail(ERR_INVALID_MODEL, "input and output sizes differ");
  if (x.type != y.type) return unsupportedTypes(y, outputIndex(op, 0));
  if (x.type == TYPE_FLOAT32) return true;
  if (x.type != TYPE_INT8 && x.type != TYPE_INT16) return unsupportedTypes(x, inputIndex(op, 0));
  if (!requireQuantized(x, inputIndex(op, 0)) || !requirePerTensor(x, inputIndex(op, 0))) return false;
  return !checkOutput || (requireQuantized(y, outputIndex(op, 0)) && requirePerTensor(y, outputIndex(op, 0)));
}

export function typeMin(type: i32): i32 {
  if (type == TYPE_INT8) return -128;
  if (type == TYPE_INT16) return -32768;
  if (type == TYPE_UINT8) return 0;
  return -2147483648;
}

export function typeMax(type: i32): i32 {
  if (type == TYPE_INT8) return 127;
  if (type == TYPE_INT16) return 32767;
  if (type == TYPE_UINT8) return 255;
  return 2147483647;
}

function quantizeForRange(t: Tensor, value: f32): i32 {
  return t.zeroPoint + saturatingF32ToI32(roundHalfAwayF32(value / t.scale));
}

/**
 * The clamp a fused activation puts on an operator's output: integer bounds
 * for quantised outputs, float bounds for float ones. The data of every
 * operator with a fused activation extends it, and the helpers below fill it.
 */
@unmanaged
export class Clamp {
  actMin: i32;
  actMax: i32;
  actMinF: f32;
  actMaxF: f32;
}

/** TFLite CalculateActivationRangeQuantized for the output tensor, into `clamp`'s integer bounds. */
export function activationRangeQuantized(act: i32, out: Tensor, clamp: Clamp): void {
  const qmin = typeMin(out.type);
  const qmax = typeMax(out.type);
  let lo = qmin;
  let hi = qmax;
  if (act == ACT_RELU) {
    lo = max(qmin, quantizeForRange(out, 0));
  } else if (act == ACT_RELU6) {
    lo = max(qmin, quantizeForRange(out, 0));
    hi = min(qmax, quantizeForRange(out, 6));
  } else if (act == ACT_RELU_N1_TO_1) {
    lo = max(qmin, quantizeForRange(out, -1));
    hi = min(qmax, quantizeForRange(out, 1));
  }
  clamp.actMin = lo;
  clamp.actMax = hi;
}

/** TFLite CalculateActivationRange for float outputs, into `clamp`'s float bounds. */
export function activationRangeFloat(act: i32, clamp: Clamp): void {
  let lo: f32 = -Infinity;
  let hi: f32 = Infinity;
  if (act == ACT_RELU) {
    lo = 0;
  } else if (act == ACT_RELU6) {
    lo = 0;
    hi = 6;
  } else if (act == ACT_RELU_N1_TO_1) {
    lo = -1;
    hi = 1;
  }
  clamp.actMinF = lo;
  clamp.actMaxF = hi;
}

/**
 * A float fused activation over a row in place, as recurrent cells apply
 * theirs: TANH, or the clamp [lo, hi] activationRangeFloat gives (NONE, RELU,
 * RELU_N1_TO_1, RELU6).
 */
export function activateRowF32(act: i32, p: usize, n: i32, lo: f32, hi: f32): void {
  if (act == ACT_TANH) {
    tanhRowF32(p, p, n);
  } else if (act != ACT_NONE) {
    for (let i = 0; i < n; i++) {
      const at = p + ((<usize>i) << 2);
      store<f32>(at, min(max(load<f32>(at), lo), hi));
    }
  }
}

/** Persistent, zeroed operator data of `bytes` bytes; 0 on failure (error set). */
export function allocOpData(op: Operator, bytes: usize): usize {
  const ptr = persistentAlloc(<u64>bytes);
  op.data = ptr;
  return ptr;
}
