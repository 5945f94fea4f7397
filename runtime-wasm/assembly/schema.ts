// GENERATED from format/tflite.fbs by format/runtime-schema.mjs (npm run gen:format): do not edit.
// Each table's vtable field ids (a field's position in its table, deprecated
// placeholders included) and each enum's values, as TFLite's schema has them.

/** table CustomQuantization */
export namespace CustomQuantization {
  export const custom: i32 = 0;
}

/** table QuantizationParameters */
export namespace QuantizationParameters {
  export const min: i32 = 0;
  export const max: i32 = 1;
  export const scale: i32 = 2;
  export const zero_point: i32 = 3;
  export const details_type: i32 = 4;
  export const details: i32 = 5;
  export const quantized_dimension: i32 = 6;
}

/** table Tensor */
export namespace Tensor {
  export const shape: i32 = 0;
  export const type: i32 = 1;
  export const buffer: i32 = 2;
  export const name: i32 = 3;
  export const quantization: i32 = 4;
  export const is_variable: i32 = 5;
  export const sparsity: i32 = 6;
  export const shape_signature: i32 = 7;
  export const has_rank: i32 = 8;
}

/** table Conv2DOptions */
export namespace Conv2DOptions {
  export const padding: i32 = 0;
  export const stride_w: i32 = 1;
  export const stride_h: i32 = 2;
  export const fused_activation_function: i32 = 3;
  export const dilation_w_factor: i32 = 4;
  export const dilation_h_factor: i32 = 5;
  export const quantized_bias_type: i32 = 6;
}

/** table Pool2DOptions */
export namespace Pool2DOptions {
  export const padding: i32 = 0;
  export const stride_w: i32 = 1;
  export const stride_h: i32 = 2;
  export const filter_width: i32 = 3;
  export const filter_height: i32 = 4;
  export const fused_activation_function: i32 = 5;
}

/** table DepthwiseConv2DOptions */
export namespace DepthwiseConv2DOptions {
  export const padding: i32 = 0;
  export const stride_w: i32 = 1;
  export const stride_h: i32 = 2;
  export const depth_multiplier: i32 = 3;
  export const fused_activation_function: i32 = 4;
  export const dilation_w_factor: i32 = 5;
  export const dilation_h_factor: i32 = 6;
}

/** table SequenceRNNOptions */
export namespace SequenceRNNOptions {
  export const time_major: i32 = 0;
  export const fused_activation_function: i32 = 1;
  export const asymmetric_quantize_inputs: i32 = 2;
}

/** table FullyConnectedOptions */
export namespace FullyConnectedOptions {
  export const fused_activation_function: i32 = 0;
  export const weights_format: i32 = 1;
  export const keep_num_dims: i32 = 2;
  export const asymmetric_quantize_inputs: i32 = 3;
  export const quantized_bias_type: i32 = 4;
}

/** table SoftmaxOptions */
export namespace SoftmaxOptions {
  export const beta: i32 = 0;
}

/** table ConcatenationOptions */
export namespace ConcatenationOptions {
  export const axis: i32 = 0;
  export const fused_activation_function: i32 = 1;
}

/** table AddOptions */
export namespace AddOptions {
  export const fused_activation_function: i32 = 0;
  export const pot_scale_int16: i32 = 1;
}

/** table MulOptions */
export namespace MulOptions {
  export const fused_activation_function: i32 = 0;
}

/** table UnidirectionalSequenceLSTMOptions */
export namespace UnidirectionalSequenceLSTMOptions {
  export const fused_activation_function: i32 = 0;
  export const cell_clip: i32 = 1;
  export const proj_clip: i32 = 2;
  export const time_major: i32 = 3;
  export const asymmetric_quantize_inputs: i32 = 4;
  export const diagonal_recurrent_tensors: i32 = 5;
}

/** table ReshapeOptions */
export namespace ReshapeOptions {
  export const new_shape: i32 = 0;
}

/** table SubOptions */
export namespace SubOptions {
  export const fused_activation_function: i32 = 0;
  export const pot_scale_int16: i32 = 1;
}

/** table StridedSliceOptions */
export namespace StridedSliceOptions {
  export const begin_mask: i32 = 0;
  export const end_mask: i32 = 1;
  export const ellipsis_mask: i32 = 2;
  export const new_axis_mask: i32 = 3;
  export const shrink_axis_mask: i32 = 4;
  export const offset: i32 = 5;
}

/** table GatherOptions */
export namespace GatherOptions {
  export const axis: i32 = 0;
  export const batch_dims: i32 = 1;
}

/** table ReducerOptions */
export namespace ReducerOptions {
  export const keep_dims: i32 = 0;
}

/** table SqueezeOptions */
export namespace SqueezeOptions {
  export const squeeze_dims: i32 = 0;
}

/** table LeakyReluOptions */
export namespace LeakyReluOptions {
  export const alpha: i32 = 0;
}

/** table OperatorCode */
export namespace OperatorCode {
  export const deprecated_builtin_code: i32 = 0;
  export const custom_code: i32 = 1;
  export const version: i32 = 2;
  export const builtin_code: i32 = 3;
}

/** table Operator */
export namespace Operator {
  export const opcode_index: i32 = 0;
  export const inputs: i32 = 1;
  export const outputs: i32 = 2;
  export const builtin_options_type: i32 = 3;
  export const builtin_options: i32 = 4;
  export const custom_options: i32 = 5;
  export const custom_options_format: i32 = 6;
  export const mutating_variable_inputs: i32 = 7;
  export const intermediates: i32 = 8;
}

/** table SubGraph */
export namespace SubGraph {
  export const tensors: i32 = 0;
  export const inputs: i32 = 1;
  export const outputs: i32 = 2;
  export const operators: i32 = 3;
  export const name: i32 = 4;
}

/** table Buffer */
export namespace Buffer {
  export const data: i32 = 0;
  export const offset: i32 = 1;
  export const size: i32 = 2;
}

/** table Metadata */
export namespace Metadata {
  export const name: i32 = 0;
  export const buffer: i32 = 1;
}

/** table TensorMap */
export namespace TensorMap {
  export const name: i32 = 0;
  export const tensor_index: i32 = 1;
}

/** table SignatureDef */
export namespace SignatureDef {
  export const inputs: i32 = 0;
  export const outputs: i32 = 1;
  export const signature_key: i32 = 2;
  export const deprecated_tag: i32 = 3;
  export const subgraph_index: i32 = 4;
}

/** table Model */
export namespace Model {
  export const version: i32 = 0;
  export const operator_codes: i32 = 1;
  export const subgraphs: i32 = 2;
  export const description: i32 = 3;
  export const buffers: i32 = 4;
  export const metadata_buffer: i32 = 5;
  export const metadata: i32 = 6;
  export const signature_defs: i32 = 7;
}

// enum TensorType
export const TYPE_FLOAT32: i32 = 0;
export const TYPE_FLOAT16: i32 = 1;
export const TYPE_INT32: i32 = 2;
export const TYPE_UINT8: i32 = 3;
export const TYPE_INT64: i32 = 4;
export const TYPE_STRING: i32 = 5;
export const TYPE_BOOL: i32 = 6;
export const TYPE_INT16: i32 = 7;
export const TYPE_COMPLEX64: i32 = 8;
export const TYPE_INT8: i32 = 9;
export const TYPE_FLOAT64: i32 = 10;
export const TYPE_COMPLEX128: i32 = 11;
export const TYPE_UINT64: i32 = 12;
export const TYPE_RESOURCE: i32 = 13;
export const TYPE_VARIANT: i32 = 14;
export const TYPE_UINT32: i32 = 15;
export const TYPE_UINT16: i32 = 16;
export const TYPE_INT4: i32 = 17;

// enum BuiltinOperator
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
export const OP_RELU_N1_TO_1: i32 = 20;
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
export const OP_SQUEEZE: i32 = 43;
export const OP_UNIDIRECTIONAL_SEQUENCE_LSTM: i32 = 44;
export const OP_STRIDED_SLICE: i32 = 45;
export const OP_PRELU: i32 = 54;
export const OP_PADV2: i32 = 60;
export const OP_LEAKY_RELU: i32 = 98;
export const OP_QUANTIZE: i32 = 114;
export const OP_PLACEHOLDER_FOR_GREATER_OP_CODES: i32 = 127;

// enum Padding
export const PADDING_SAME: i32 = 0;
export const PADDING_VALID: i32 = 1;

// enum ActivationFunctionType
export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_RELU_N1_TO_1: i32 = 2;
export const ACT_RELU6: i32 = 3;
export const ACT_TANH: i32 = 4;
export const ACT_SIGN_BIT: i32 = 5;

// enum FullyConnectedOptionsWeightsFormat
export const FULLY_CONNECTED_OPTIONS_WEIGHTS_FORMAT_DEFAULT: i32 = 0;
export const FULLY_CONNECTED_OPTIONS_WEIGHTS_FORMAT_SHUFFLED4x16INT8: i32 = 1;

// enum CustomOptionsFormat
export const CUSTOM_OPTIONS_FORMAT_FLEXBUFFERS: i32 = 0;

// union QuantizationDetails: member numbers (0: none)
export const QUANTIZATION_DETAILS_NONE: i32 = 0;
export const QUANTIZATION_DETAILS_CUSTOM_QUANTIZATION: i32 = 1;

// union BuiltinOptions: member numbers (0: none)
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
export const OPTIONS_PAD: i32 = 22;
export const OPTIONS_GATHER: i32 = 23;
export const OPTIONS_REDUCER: i32 = 27;
export const OPTIONS_SUB: i32 = 28;
export const OPTIONS_SQUEEZE: i32 = 30;
export const OPTIONS_SEQUENCE_RNN: i32 = 31;
export const OPTIONS_STRIDED_SLICE: i32 = 32;
export const OPTIONS_DEQUANTIZE: i32 = 38;
export const OPTIONS_PAD_V2: i32 = 43;
export const OPTIONS_UNIDIRECTIONAL_SEQUENCE_LSTM: i32 = 71;
export const OPTIONS_LEAKY_RELU: i32 = 75;
export const OPTIONS_QUANTIZE: i32 = 89;
