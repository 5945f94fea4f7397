// Reads and verifies an untrusted .tflite model into the tensor and operator
// tables of graph.ts. Each check names what is wrong (which tensor, which
// operator). Operator-specific checks live in each operator's prepare().

import {
  fail,
  say,
  sayInt,
  sayBytes,
  Message,
  ERR_INVALID_MODEL,
  ERR_UNSUPPORTED_FEATURE,
  ERR_UNSUPPORTED_TYPE,
  ERR_UNSUPPORTED_OPERATOR,
} from "./status";
import {
  rootTable,
  readTable,
  readVector,
  readString,
  readU32,
  readI32,
  readU8,
  readI8,
  readU64,
  vectorTable,
  scalarError,
  vectorData,
  vectorCount,
  i32At,
  u32At,
  f32At,
  i64At,
  modelBase,
  BAD,
} from "./flatbuffer";
import * as S from "./schema";
import { typeSize, sayType } from "./tensor_type";
import { sayOperator } from "./operator_names";
import {
  Tensor,
  Operator,
  MAX_RANK,
  FLAG_CONSTANT,
  FLAG_VARIABLE,
  FLAG_GRAPH_INPUT,
  FLAG_GRAPH_OUTPUT,
  setTensors,
  setOperators,
  setGraphIO,
  tensorAt,
  operatorAt,
  setDim,
  tensorCount,
  graphOutputs,
  graphOutputCount,
} from "./graph";
import { persistentAlloc } from "./layout";

// Limits that keep every size computation far from overflow.
const MAX_TENSORS: u32 = 1 << 16;
const MAX_OPERATORS: u32 = 1 << 16;
const MAX_OPERATOR_INPUTS: u32 = 64;
const MAX_ELEMENTS: i64 = 1 << 28;
const MAX_TENSOR_BYTES: i64 = 1 << 30;

export function sayTensor(index: i32): void {
  say("tensor ");
  sayInt(index);
  const t = tensorAt(index);
  if (t.nameLength > 0) {
    say(" '");
    sayBytes(t.namePtr, t.nameLength);
    say("'");
  }
}

function tensorError(code: i32, index: i32, text: Message): bool {
  fail(code, "");
  sayTensor(index);
  say(": ");
  say(text);
  return false;
}

function operatorError(code: i32, index: i32, opcode: i32, text: Message): bool {
  fail(code, "operator ");
  sayInt(index);
  say(" (");
  sayOperator(opcode);
  say("): ");
  say(text);
  return false;
}

let operatorCodes: usize = 0;
let operatorVersions: usize = 0;
let operatorCodeCount: u32 = 0;
let buffersData: u32 = 0;
let buffersCount: u32 = 0;

/** Parses and verifies everything except operator semantics. */
export function readModel(): bool {
  const root = rootTable();
  if (root == 0) return false;

  const version = readU32(root, S.Model.version, 0);
  if (scalarError()) return false;
  if (version != 3) {
    fail(ERR_UNSUPPORTED_FEATURE, "model schema version ");
    sayInt(version);
    say(" is not supported (expected 3)");
    return false;
  }

  if (!readOperatorCodes(root)) return false;

  if (readVector(root, S.Model.buffers, 4, "Model.buffers") == BAD) return false;
  buffersData = vectorData;
  buffersCount = vectorCount;

  const sgResult = readVector(root, S.Model.subgraphs, 4, "Model.subgraphs");
  if (sgResult == BAD) return false;
  if (vectorCount == 0) return fail(ERR_INVALID_MODEL, "model has no subgraph");
  // Only subgraph 0 runs; the others would only be reached through control-flow
  // operators, which wasmlite does not implement, so they are never read.
  const subgraph = vectorTable(vectorData, 0, "SubGraph 0");
  if (subgraph == BAD) return false;

  if (!readTensors(subgraph)) return false;
  if (!readGraphIO(subgraph)) return false;
  return readOperators(subgraph);
}

function readOperatorCodes(root: u32): bool {
  if (readVector(root, S.Model.operator_codes, 4, "Model.operator_codes") == BAD) return false;
  const data = vectorData;
  const count = vectorCount;
  if (count > MAX_OPERATORS) return fail(ERR_UNSUPPORTED_FEATURE, "too many operator codes");
  operatorCodeCount = count;
  operatorCodes = persistentAlloc(<u64>count * 4);
  operatorVersions = persistentAlloc(<u64>count * 4);
  if (count > 0 && (operatorCodes == 0 || operatorVersions == 0)) return false;
  for (let i: u32 = 0; i < count; i++) {
    const table = vectorTable(data, i, "OperatorCode");
    if (table == BAD) return false;
    const deprecated = readI8(table, S.OperatorCode.deprecated_builtin_code, 0);
    const builtin = readI32(table, S.OperatorCode.builtin_code, 0);
    const opVersion = readI32(table, S.OperatorCode.version, 1);
    if (scalarError()) return false;
    // TFLite's rule: the larger of the two fields is the code.
    const code = builtin > deprecated ? builtin : deprecated;
    store<i32>(operatorCodes + ((<usize>i) << 2), code);
    store<i32>(operatorVersions + ((<usize>i) << 2), opVersion);
  }
  return true;
}

function readTensors(subgraph: u32): bool {
  if (readVector(subgraph, S.SubGraph.tensors, 4, "SubGraph.tensors") == BAD) return false;
  const data = vectorData;
  const count = vectorCount;
  if (count > MAX_TENSORS) return fail(ERR_UNSUPPORTED_FEATURE, "model has more than 65536 tensors");
  const table = persistentAlloc(<u64>count * offsetof<Tensor>());
  if (table == 0 && count > 0) return false;
  setTensors(table, <i32>count);
  for (let i: u32 = 0; i < count; i++) {
    const tt = vectorTable(data, i, "Tensor");
    if (tt == BAD) return false;
    if (!readTensor(<i32>i, tt)) return false;
  }
  return true;
}

function readTensor(index: i32, table: u32): bool {
  const t = tensorAt(index);
  const name = readString(table, S.Tensor.name, "Tensor.name");
  if (name == BAD) return false;
  if (name == 1) {
    t.namePtr = modelBase() + <usize>vectorData;
    t.nameLength = <i32>vectorCount;
  }
  t.type = readI8(table, S.Tensor.type, 0);
  const bufferIndex = readU32(table, S.Tensor.buffer, 0);
  const variable = readU8(table, S.Tensor.is_variable, 0);
  if (scalarError()) return false;

  const size = typeSize(t.type);
  if (size == 0) {
    fail(ERR_UNSUPPORTED_TYPE, "");
    sayTensor(index);
    say(": tensor type ");
    sayType(t.type);
    say(" is not supported");
    return false;
  }

  if (readVector(table, S.Tensor.shape, 4, "Tensor.shape") == BAD) return false;
  const rank = vectorCount;
  if (rank > <u32>MAX_RANK) return tensorError(ERR_UNSUPPORTED_FEATURE, index, "rank above 6 is not supported");
  t.rank = <i32>rank;
  let elements: i64 = 1;
  for (let d: u32 = 0; d < rank; d++) {
    const extent = i32At(vectorData + 4 * d);
    if (extent < 0) {
      tensorError(ERR_INVALID_MODEL, index, "dimension ");
      sayInt(d);
      say(" is ");
      sayInt(extent);
      say(" (dynamic shapes are not supported)");
      return false;
    }
    elements *= <i64>extent;
    if (elements > MAX_ELEMENTS) return tensorError(ERR_UNSUPPORTED_FEATURE, index, "more than 2^28 elements");
    setDim(t, <i32>d, extent);
  }
  const bytes: i64 = elements * <i64>size;
  if (bytes > MAX_TENSOR_BYTES) return tensorError(ERR_UNSUPPORTED_FEATURE, index, "larger than 1 GiB");
  t.elements = <i32>elements;
  t.bytes = <i32>bytes;
  if (variable != 0) t.flags |= FLAG_VARIABLE;

  if (readU8(table, S.Tensor.sparsity, 0) != 0 || readVector(table, S.Tensor.sparsity, 1, "Tensor.sparsity") != 0) {
    if (scalarError()) return false;
    return tensorError(ERR_UNSUPPORTED_FEATURE, index, "sparse tensors are not supported");
  }

  if (!readBuffer(index, t, bufferIndex)) return false;
  return readQuantization(index, t, table);
}

function readBuffer(index: i32, t: Tensor, bufferIndex: u32): bool {
  if (bufferIndex >= buffersCount) {
    if (bufferIndex == 0) return true; // no buffers at all: nothing is constant
    tensorError(ERR_INVALID_MODEL, index, "buffer index ");
    sayInt(bufferIndex);
    say(" is out of range (model has ");
    sayInt(buffersCount);
    say(" buffers)");
    return false;
  }
  if (bufferIndex == 0) return true;
  const buffer = vectorTable(buffersData, bufferIndex, "Buffer");
  if (buffer == BAD) return false;
  const externalOffset = readU64(buffer, S.Buffer.offset);
  if (scalarError()) return false;
  if (externalOffset > 1) {
    return tensorError(
      ERR_UNSUPPORTED_FEATURE,
      index,
      "buffer stored outside the FlatBuffer (models over 2 GB) is not supported",
    );
  }
  const present = readVector(buffer, S.Buffer.data, 1, "Buffer.data");
  if (present == BAD) return false;
  if (present == 0 || vectorCount == 0) return true; // empty buffer: not constant
  // A variable tensor's buffer is ignored, as TFLM's allocator does: the
  // state lives in the arena and starts where wl_reset_state puts it (zero,
  // or an int8 tensor's zero point). Converters write such buffers, often
  // of zeros. (TFLite's desktop interpreter refuses them; TFLM runs them.)
  if ((t.flags & FLAG_VARIABLE) != 0) return true;
  // Stricter than TFLM, which takes the first bytes of any buffer: a
  // smaller one would be read past its end, and one of another size means
  // the file disagrees with itself (often a type mismatch), a wrong answer.
  if (vectorCount != <u32>t.bytes) {
    tensorError(ERR_INVALID_MODEL, index, "buffer ");
    sayInt(bufferIndex);
    say(" holds ");
    sayInt(vectorCount);
    say(" bytes but the tensor's shape and type need ");
    sayInt(t.bytes);
    return false;
  }
  t.flags |= FLAG_CONSTANT;
  t.data = modelBase() + <usize>vectorData;
  return true;
}

function readQuantization(index: i32, t: Tensor, table: u32): bool {
  const q = readTable(table, S.Tensor.quantization, "QuantizationParameters");
  if (q == BAD) return false;
  if (q == 0) return true;
  const detailsType = readU8(q, S.QuantizationParameters.details_type, 0);
  const quantDim = readI32(q, S.QuantizationParameters.quantized_dimension, 0);
  if (scalarError()) return false;
  if (detailsType != 0) return tensorError(ERR_UNSUPPORTED_FEATURE, index, "custom quantization is not supported");

  if (readVector(q, S.QuantizationParameters.scale, 4, "QuantizationParameters.scale") == BAD) return false;
  const scaleData = vectorData;
  const scaleCount = vectorCount;
  if (readVector(q, S.QuantizationParameters.zero_point, 8, "QuantizationParameters.zero_point") == BAD) return false;
  const zpData = vectorData;
  const zpCount = vectorCount;
  // As TFLM: quantised only with both scales and zero points (min/max
  // alone, or an empty vector, means not quantised); zero points past the
  // scales' count are unused. Fewer zero points than scales TFLM would read
  // past the vector's end: refused.
  if (scaleCount == 0 || zpCount == 0) return true;
  if (zpCount < scaleCount) {
    tensorError(ERR_INVALID_MODEL, index, "has ");
    sayInt(scaleCount);
    say(" quantization scales but only ");
    sayInt(zpCount);
    say(" zero points");
    return false;
  }
  // quantized_dimension and the number of scales are not checked here, as
  // TFLM does not: a kernel that uses per-channel scales checks both against
  // its own axis (checkChannelWeights); every other kernel uses scale 0 only
  // or refuses more than one (requirePerTensor). So a per-tensor tensor with
  // a meaningless quantized_dimension, or per-channel scales a kernel never
  // reads, loads as in TFLM.
  for (let c: u32 = 0; c < scaleCount; c++) {
    const s = f32At(scaleData + 4 * c);
    // Stricter than TFLM, which computes with any value: a zero, negative,
    // infinite or NaN scale makes every multiplier meaningless (a wrong answer).
    if (!(s > 0) || !isFinite(s)) {
      tensorError(ERR_INVALID_MODEL, index, "quantization scale ");
      sayInt(c);
      say(" is not a positive finite number");
      return false;
    }
    // Stricter than TFLM: a zero point outside its type's range is outside
    // TFLite's quantisation spec, and the SIMD kernels keep zero points and
    // offsets in lanes as wide as the type (int8 widened to int16).
    const z = i64At(zpData + 8 * c);
    if (z < -2147483648 || z > 2147483647) return tensorError(ERR_INVALID_MODEL, index, "zero point outside int32");
    if (
      (t.type == S.TYPE_INT8 && (z < -128 || z > 127)) ||
      (t.type == S.TYPE_UINT8 && (z < 0 || z > 255)) ||
      (t.type == S.TYPE_INT16 && (z < -32768 || z > 32767))
    ) {
      tensorError(ERR_INVALID_MODEL, index, "zero point ");
      sayInt(z);
      say(" is outside the range of the tensor's type");
      return false;
    }
  }
  t.quantCount = <i32>scaleCount;
  t.quantDim = quantDim;
  t.scales = modelBase() + <usize>scaleData;
  t.zeroPoints = modelBase() + <usize>zpData;
  t.scale = f32At(scaleData);
  t.zeroPoint = <i32>i64At(zpData);
  return true;
}

/** Copies a vector of tensor indices into persistent memory, checking each. */
function readIndexList(
  table: u32,
  field: i32,
  what: Message,
  allowOmitted: bool,
  owner: Message,
  ownerIndex: i32,
): usize {
  if (readVector(table, field, 4, what) == BAD) return 0;
  const data = vectorData;
  const count = vectorCount;
  indexListCount = <i32>count;
  if (count > MAX_OPERATOR_INPUTS && ownerIndex >= 0) {
    fail(ERR_UNSUPPORTED_FEATURE, owner);
    say(" ");
    sayInt(ownerIndex);
    say(" has too many inputs or outputs");
    return 0;
  }
  if (count > MAX_TENSORS) {
    fail(ERR_INVALID_MODEL, "subgraph lists more inputs or outputs than it has tensors");
    return 0;
  }
  const list = persistentAlloc(<u64>count * 4 + 4);
  if (list == 0) return 0;
  const tensors = tensorCount;
  for (let i: u32 = 0; i < count; i++) {
    const idx = i32At(data + 4 * i);
    if ((idx == -1 && !allowOmitted) || idx < -1 || idx >= tensors) {
      fail(ERR_INVALID_MODEL, owner);
      say(" ");
      if (ownerIndex >= 0) {
        sayInt(ownerIndex);
        say(" ");
      }
      say(what);
      say("[");
      sayInt(i);
      say("] = ");
      sayInt(idx);
      say(" is not a tensor index (0..");
      sayInt(tensors - 1);
      say(")");
      return 0;
    }
    store<i32>(list + ((<usize>i) << 2), idx);
  }
  return list;
}
let indexListCount: i32 = 0;

function readGraphIO(subgraph: u32): bool {
  const inputs = readIndexList(subgraph, S.SubGraph.inputs, "inputs", false, "graph", -1);
  if (inputs == 0) return false;
  const inputCount = indexListCount;
  const outputs = readIndexList(subgraph, S.SubGraph.outputs, "outputs", false, "graph", -1);
  if (outputs == 0) return false;
  const outputCount = indexListCount;
  for (let i = 0; i < inputCount; i++) {
    const idx = load<i32>(inputs + ((<usize>i) << 2));
    const t = tensorAt(idx);
    // Stricter than TFLM: a host writes its inputs, which here would write
    // into the model's own bytes (TFLM would write into flash or fault).
    if ((t.flags & FLAG_CONSTANT) != 0)
      return tensorError(ERR_INVALID_MODEL, idx, "is a graph input but has constant data");
    t.flags |= FLAG_GRAPH_INPUT;
  }
  for (let i = 0; i < outputCount; i++) {
    tensorAt(load<i32>(outputs + ((<usize>i) << 2))).flags |= FLAG_GRAPH_OUTPUT;
  }
  setGraphIO(inputs, inputCount, outputs, outputCount);
  return true;
}

function readOperators(subgraph: u32): bool {
  if (readVector(subgraph, S.SubGraph.operators, 4, "SubGraph.operators") == BAD) return false;
  const data = vectorData;
  const count = vectorCount;
  if (count > MAX_OPERATORS) return fail(ERR_UNSUPPORTED_FEATURE, "model has more than 65536 operators");
  const table = persistentAlloc(<u64>count * offsetof<Operator>());
  if (table == 0 && count > 0) return false;
  setOperators(table, <i32>count);
  for (let i: u32 = 0; i < count; i++) {
    const ot = vectorTable(data, i, "Operator");
    if (ot == BAD) return false;
    const op = operatorAt(<i32>i);
    const opcodeIndex = readU32(ot, S.Operator.opcode_index, 0);
    const optionsType = readU8(ot, S.Operator.builtin_options_type, 0);
    if (scalarError()) return false;
    if (opcodeIndex >= operatorCodeCount) {
      fail(ERR_INVALID_MODEL, "operator ");
      sayInt(i);
      say(": opcode_index ");
      sayInt(opcodeIndex);
      say(" is out of range (model has ");
      sayInt(operatorCodeCount);
      say(" operator codes)");
      return false;
    }
    op.code = load<i32>(operatorCodes + ((<usize>opcodeIndex) << 2));
    op.version = load<i32>(operatorVersions + ((<usize>opcodeIndex) << 2));
    if (op.code == S.OP_CUSTOM)
      return operatorError(ERR_UNSUPPORTED_OPERATOR, <i32>i, op.code, "custom operators are not supported");
    op.inputs = readIndexList(ot, S.Operator.inputs, "inputs", true, "operator", <i32>i);
    if (op.inputs == 0) return false;
    op.inputCount = indexListCount;
    op.outputs = readIndexList(ot, S.Operator.outputs, "outputs", false, "operator", <i32>i);
    if (op.outputs == 0) return false;
    op.outputCount = indexListCount;
    op.intermediates = readIndexList(ot, S.Operator.intermediates, "intermediates", false, "operator", <i32>i);
    if (op.intermediates == 0) return false;
    op.intermediateCount = indexListCount;
    op.optionsType = <i32>optionsType;
    const options = readTable(ot, S.Operator.builtin_options, "builtin options");
    if (options == BAD) return false;
    op.options = options;
    if (options == 0) op.optionsType = 0;

    // Empty tensors (a 0 in the shape) may only carry metadata, as intermediates:
    // a gap, not a safety rule (the kernels and the planner assume every operand
    // has an element; TFLM has kernels that take empty ones).
    for (let k = 0; k < op.inputCount + op.outputCount; k++) {
      const idx =
        k < op.inputCount
          ? load<i32>(op.inputs + ((<usize>k) << 2))
          : load<i32>(op.outputs + ((<usize>(k - op.inputCount)) << 2));
      if (idx >= 0 && tensorAt(idx).elements == 0) {
        operatorError(ERR_UNSUPPORTED_FEATURE, <i32>i, op.code, "");
        sayTensor(idx);
        say(" is empty; empty tensors are not supported as operator inputs or outputs");
        return false;
      }
    }
    // Each non-constant tensor is written by exactly one operator, and never a
    // constant. TFLM does not check these; its arena planner, like ours, assumes
    // them, and a model breaking them gets overlapping buffers (wrong answers).
    for (let o = 0; o < op.outputCount; o++) {
      const idx = load<i32>(op.outputs + ((<usize>o) << 2));
      const t = tensorAt(idx);
      if ((t.flags & FLAG_CONSTANT) != 0)
        return operatorError(ERR_INVALID_MODEL, <i32>i, op.code, "writes to a constant tensor");
      if ((t.flags & FLAG_GRAPH_INPUT) != 0)
        return operatorError(ERR_INVALID_MODEL, <i32>i, op.code, "writes to a graph input");
      if (t.writerCount != 0) {
        operatorError(ERR_INVALID_MODEL, <i32>i, op.code, "");
        sayTensor(idx);
        say(" is written by more than one operator");
        return false;
      }
      t.writerCount = 1;
      for (let k = 0; k < op.inputCount; k++) {
        if (load<i32>(op.inputs + ((<usize>k) << 2)) == idx)
          return operatorError(ERR_INVALID_MODEL, <i32>i, op.code, "reads and writes the same tensor");
      }
    }
    // ...and is written before it is read (variables and graph inputs are ready
    // from the start). TFLM would read uninitialised arena bytes.
    for (let k = 0; k < op.inputCount; k++) {
      const idx = load<i32>(op.inputs + ((<usize>k) << 2));
      if (idx < 0) continue;
      const t = tensorAt(idx);
      if ((t.flags & (FLAG_CONSTANT | FLAG_VARIABLE | FLAG_GRAPH_INPUT)) == 0 && t.writerCount == 0) {
        operatorError(ERR_INVALID_MODEL, <i32>i, op.code, "reads ");
        sayTensor(idx);
        say(" before any operator writes it");
        return false;
      }
    }
  }
  // Every graph output must be produced by something (or be an input or a constant).
  return checkOutputsProduced();
}

function checkOutputsProduced(): bool {
  for (let i = 0; i < graphOutputCount; i++) {
    const idx = load<i32>(graphOutputs + ((<usize>i) << 2));
    const t = tensorAt(idx);
    if ((t.flags & (FLAG_CONSTANT | FLAG_GRAPH_INPUT | FLAG_VARIABLE)) == 0 && t.writerCount == 0) {
      return tensorError(ERR_INVALID_MODEL, idx, "is a graph output but no operator writes it");
    }
  }
  return true;
}
