// TFLite schema facts the reader needs: vtable field ids and enum values,
// matching format/tflite.fbs (which matches TFLite's schema.fbs).

import { say, sayInt } from "./status";

// Model
export const MODEL_VERSION: i32 = 0;
export const MODEL_OPERATOR_CODES: i32 = 1;
export const MODEL_SUBGRAPHS: i32 = 2;
export const MODEL_BUFFERS: i32 = 4;
// SubGraph
export const SUBGRAPH_TENSORS: i32 = 0;
export const SUBGRAPH_INPUTS: i32 = 1;
export const SUBGRAPH_OUTPUTS: i32 = 2;
export const SUBGRAPH_OPERATORS: i32 = 3;
// Buffer
export const BUFFER_DATA: i32 = 0;
export const BUFFER_OFFSET: i32 = 1;
export const BUFFER_SIZE: i32 = 2;
// Tensor
export const TENSOR_SHAPE: i32 = 0;
export const TENSOR_TYPE: i32 = 1;
export const TENSOR_BUFFER: i32 = 2;
export const TENSOR_NAME: i32 = 3;
export const TENSOR_QUANTIZATION: i32 = 4;
export const TENSOR_IS_VARIABLE: i32 = 5;
export const TENSOR_SPARSITY: i32 = 6;
// QuantizationParameters
export const QUANT_SCALE: i32 = 2;
export const QUANT_ZERO_POINT: i32 = 3;
export const QUANT_DETAILS_TYPE: i32 = 4;
export const QUANT_QUANTIZED_DIMENSION: i32 = 6;
// OperatorCode
export const OPCODE_DEPRECATED_BUILTIN: i32 = 0;
export const OPCODE_CUSTOM_CODE: i32 = 1;
export const OPCODE_VERSION: i32 = 2;
export const OPCODE_BUILTIN: i32 = 3;
// Operator
export const OP_OPCODE_INDEX: i32 = 0;
export const OP_INPUTS: i32 = 1;
export const OP_OUTPUTS: i32 = 2;
export const OP_OPTIONS_TYPE: i32 = 3;
export const OP_OPTIONS: i32 = 4;
export const OP_INTERMEDIATES: i32 = 8;

// TensorType
export const TYPE_FLOAT32: i32 = 0;
export const TYPE_FLOAT16: i32 = 1;
export const TYPE_INT32: i32 = 2;
export const TYPE_UINT8: i32 = 3;
export const TYPE_INT64: i32 = 4;
export const TYPE_STRING: i32 = 5;
export const TYPE_BOOL: i32 = 6;
export const TYPE_INT16: i32 = 7;
export const TYPE_INT8: i32 = 9;

/** Bytes per element, or 0 for types the runtime cannot hold in the arena. */
export function typeSize(t: i32): i32 {
  switch (t) {
    case TYPE_FLOAT32:
      return 4;
    case TYPE_INT32:
      return 4;
    case TYPE_UINT8:
      return 1;
    case TYPE_INT64:
      return 8;
    case TYPE_BOOL:
      return 1;
    case TYPE_INT16:
      return 2;
    case TYPE_INT8:
      return 1;
  }
  return 0;
}

export function sayType(t: i32): void {
  switch (t) {
    case 0:
      say("FLOAT32");
      return;
    case 1:
      say("FLOAT16");
      return;
    case 2:
      say("INT32");
      return;
    case 3:
      say("UINT8");
      return;
    case 4:
      say("INT64");
      return;
    case 5:
      say("STRING");
      return;
    case 6:
      say("BOOL");
      return;
    case 7:
      say("INT16");
      return;
    case 8:
      say("COMPLEX64");
      return;
    case 9:
      say("INT8");
      return;
    case 10:
      say("FLOAT64");
      return;
  }
  say("type#");
  sayInt(t);
}

// BuiltinOperator codes wasmlite knows by name.
export const OP_ADD: i32 = 0;
export const OP_AVERAGE_POOL_2D: i32 = 1;
export const OP_CONCATENATION: i32 = 2;
export const OP_CONV_2D: i32 = 3;
export const OP_DEPTHWISE_CONV_2D: i32 = 4;
export const OP_DEQUANTIZE: i32 = 6;
export const OP_FULLY_CONNECTED: i32 = 9;
export const OP_LOGISTIC: i32 = 14;
export const OP_MAX_POOL_2D: i32 = 17;
export const OP_MUL: i32 = 18;
export const OP_RELU: i32 = 19;
export const OP_RELU6: i32 = 21;
export const OP_RESHAPE: i32 = 22;
export const OP_SOFTMAX: i32 = 25;
export const OP_TANH: i32 = 28;
export const OP_CUSTOM: i32 = 32;
export const OP_PAD: i32 = 34;
export const OP_UNIDIRECTIONAL_SEQUENCE_RNN: i32 = 35;
export const OP_GATHER: i32 = 36;
export const OP_MEAN: i32 = 40;
export const OP_SUB: i32 = 41;
export const OP_UNIDIRECTIONAL_SEQUENCE_LSTM: i32 = 44;
export const OP_STRIDED_SLICE: i32 = 45;
export const OP_PRELU: i32 = 54;
export const OP_PADV2: i32 = 60;
export const OP_LEAKY_RELU: i32 = 98;
export const OP_QUANTIZE: i32 = 114;
export const OP_PLACEHOLDER_FOR_GREATER_OP_CODES: i32 = 127;

// BuiltinOptions union member numbers.
export const OPTIONS_NONE: i32 = 0;
export const OPTIONS_CONV2D: i32 = 1;
export const OPTIONS_DEPTHWISE_CONV2D: i32 = 2;
export const OPTIONS_POOL2D: i32 = 5;
export const OPTIONS_FULLY_CONNECTED: i32 = 8;
export const OPTIONS_SOFTMAX: i32 = 9;
export const OPTIONS_CONCATENATION: i32 = 10;
export const OPTIONS_ADD: i32 = 11;
export const OPTIONS_RESHAPE: i32 = 17;
export const OPTIONS_MUL: i32 = 21;
export const OPTIONS_SUB: i32 = 28;
export const OPTIONS_LEAKY_RELU: i32 = 75;
export const OPTIONS_PAD: i32 = 22;
export const OPTIONS_REDUCER: i32 = 27;
export const OPTIONS_PADV2: i32 = 43;
export const OPTIONS_UNIDIRECTIONAL_SEQUENCE_LSTM: i32 = 71;
export const OPTIONS_SEQUENCE_RNN: i32 = 31;
export const OPTIONS_STRIDED_SLICE: i32 = 32;
export const OPTIONS_GATHER: i32 = 23;
export const ACT_TANH: i32 = 4;

// ActivationFunctionType
export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_RELU_N1_TO_1: i32 = 2;
export const ACT_RELU6: i32 = 3;
