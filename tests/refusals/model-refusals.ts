// Hand-written refusals of whole models (the reader's and the planner's
// limits), as the operators' are in tests/runtime/ops/<operator>.cases.ts: a
// model each, with the code and message it must give. The refusal suite runs
// them on every build (loadRefusalCases in tests/helpers/cases.ts).
import { BuiltinOperator, ModelBuilder, TensorType, type tflite } from "@wasmlite/format";
import { editModel } from "../helpers/edit-model.ts";
import type { RefusalCase } from "../helpers/cases.ts";
import { unary } from "../helpers/models.ts";

/** The reader's limit on tensors, operators and operator codes. */
const LIMIT = 65536;

/** A one-operator float RELU whose list `pick` picks is grown, with copies of its first entry, past the limit. */
function reluPastLimit(pick: (model: tflite.ModelT) => unknown[]): Uint8Array {
  const { bytes } = unary({ op: BuiltinOperator.RELU, inKind: "float32", outKind: "float32", shape: [4], seed: 1 });
  return editModel(bytes, (model) => {
    const list = pick(model);
    while (list.length <= LIMIT) list.push(list[0]);
  });
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
      bytes: reluPastLimit((m) => m.operatorCodes),
      code: "UNSUPPORTED_FEATURE",
      message: "too many operator codes",
    },
    {
      name: `${LIMIT + 1} tensors`,
      bytes: reluPastLimit((m) => m.subgraphs[0]!.tensors),
      code: "UNSUPPORTED_FEATURE",
      message: "model has more than 65536 tensors",
    },
    {
      name: `${LIMIT + 1} operators`,
      bytes: reluPastLimit((m) => m.subgraphs[0]!.operators),
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
