// Hand-written refusals of whole models (the reader's and the planner's
// limits), as the operators' are in tests/runtime/ops/<operator>.cases.ts: a
// model each, with the code and message it must give. The refusal suite runs
// them on every build (loadRefusalCases in tests/helpers/cases.ts).
import * as flatbuffers from "flatbuffers";
import { BuiltinOperator, ModelBuilder, TensorType, tflite } from "@wasmlite/format";
import type { RefusalCase } from "../helpers/cases.ts";
import { unary } from "../helpers/models.ts";

/** The reader's limit on tensors, operators and operator codes. */
const LIMIT = 65536;

/** A one-operator float RELU, changed by `edit` (on the FlatBuffer's object form). */
function relu(edit: (model: tflite.ModelT) => void): Uint8Array {
  const { bytes } = unary({ op: BuiltinOperator.RELU, inKind: "float32", outKind: "float32", shape: [4], seed: 1 });
  const model = tflite.Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes)).unpack();
  edit(model);
  const b = new flatbuffers.Builder(1024);
  b.finish(model.pack(b), "TFL3");
  return b.asUint8Array();
}

/** ADD of two float32 vectors just under 1 GiB each: three such tensors live at once. */
function addOfThreeGigabytes(): Uint8Array {
  const elements = 2 ** 28 - 16;
  const b = new ModelBuilder();
  const [x, y, z] = ["x", "y", "z"].map((name) => b.addTensor({ name, shape: [elements], type: TensorType.FLOAT32 }));
  b.addOperator({ op: BuiltinOperator.ADD, inputs: [x!, y!], outputs: [z!], options: { type: "AddOptions" } });
  b.setInputs([x!, y!]);
  b.setOutputs([z!]);
  return b.finish();
}

export function refusals(): RefusalCase[] {
  return [
    {
      name: `${LIMIT + 1} operator codes`,
      bytes: relu((m) => {
        while (m.operatorCodes.length <= LIMIT) m.operatorCodes.push(m.operatorCodes[0]!);
      }),
      code: "UNSUPPORTED_FEATURE",
      message: "too many operator codes",
    },
    {
      name: `${LIMIT + 1} tensors`,
      bytes: relu((m) => {
        const g = m.subgraphs[0]!;
        while (g.tensors.length <= LIMIT) g.tensors.push(g.tensors[0]!);
      }),
      code: "UNSUPPORTED_FEATURE",
      message: "model has more than 65536 tensors",
    },
    {
      name: `${LIMIT + 1} operators`,
      bytes: relu((m) => {
        const g = m.subgraphs[0]!;
        while (g.operators.length <= LIMIT) g.operators.push(g.operators[0]!);
      }),
      code: "UNSUPPORTED_FEATURE",
      message: "model has more than 65536 operators",
    },
    {
      name: "three tensors of 1 GiB live at once",
      bytes: addOfThreeGigabytes(),
      code: "OUT_OF_MEMORY",
      message: "tensor arena would exceed 2 GiB",
    },
  ];
}
