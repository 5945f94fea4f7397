// A layer after a recurrent layer's last step (returnSequences off) reads a [1, units] tensor: the
// exported PReLU after it has that shape, float32 and int8, and the float32 file gives what the model does.
import { describe, it, expect } from "vitest";
import { sequential, lstm, jordanRnn, simpleRnn, prelu, type Layer } from "@wasmlite/trainer";
import { readModel } from "@wasmlite/format";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { verifyExport } from "../../trainer/export/verify.ts";
import { sequenceData } from "../helpers/gradients.ts";

const cases: [string, () => Layer, number][] = [
  ["lstm", () => lstm({ units: 3 }), 3],
  ["jordanRnn", () => jordanRnn({ units: 4, outputs: 2 }), 2],
  ["simpleRnn", () => simpleRnn({ units: 3 }), 3],
];

describe("the last step of a recurrent layer, then a PReLU", () => {
  for (const [name, layer, width] of cases)
    for (const kind of ["float32", "int8"] as const)
      it(`${name}, ${kind}: the PReLU reads and writes [1, ${width}]`, async () => {
        const m = sequential([layer(), prelu()], { inputShape: [4, 2], seed: 3 });
        m.compile({ optimizer: "sgd", loss: "mse" });
        const d = sequenceData(16, 4, 2, width, 5);
        const bytes = exportTflite(m, { kind, calibration: d });
        const model = readModel(bytes);
        const op = model.operators.find((o) => o.op === "PRELU")!;
        expect(model.tensors[op.inputs[0]!]!.shape).toEqual([1, width]);
        expect(model.tensors[op.outputs[0]!]!.shape).toEqual([1, width]);
        expect(model.tensors[model.outputs[0]!]!.shape).toEqual([1, width]);
        if (kind === "float32") await verifyExport(bytes, kind, m, d); // throws beyond 1e-5
      });
});
