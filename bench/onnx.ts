// Writing the benchmark models as ONNX for onnxruntime-web, with the protobuf
// definitions of `onnx-proto`: IR version 7, opset 13 (and onnxruntime's
// com.microsoft contrib domain, for its quantised operators), float32 inputs
// and outputs, weights as raw little-endian initializers.
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A node; domain "com.microsoft" for onnxruntime's contrib operators. An input named "" is omitted. */
export type OnnxNode = { opType: string; input: string[]; output: string[]; attribute?: object[]; domain?: string };

/** An initializer: float32 weights, int8 weights, or int64 values (shapes). */
export function tensor(name: string, dims: number[], data: Float32Array | Int8Array | BigInt64Array) {
  const dataType =
    data instanceof BigInt64Array
      ? onnx.TensorProto.DataType.INT64
      : data instanceof Int8Array
        ? onnx.TensorProto.DataType.INT8
        : FLOAT;
  return { name, dims, dataType, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function intAttribute(name: string, value: number) {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function intsAttribute(name: string, values: number[]) {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

/** A float32 graph input or output of a fixed shape. */
function floatValue(name: string, dims: number[]) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

export function onnxModel(spec: {
  name: string;
  nodes: OnnxNode[];
  initializers: ReturnType<typeof tensor>[];
  input: [string, number[]];
  output: [string, number[]];
}): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "wasmlite-bench",
    opsetImport: [
      { domain: "", version: 13 },
      { domain: "com.microsoft", version: 1 },
    ],
    graph: {
      name: spec.name,
      node: spec.nodes,
      initializer: spec.initializers,
      input: [floatValue(...spec.input)],
      output: [floatValue(...spec.output)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
