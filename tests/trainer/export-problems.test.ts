// What the export refuses, and where: folds that have nowhere to go are
// listed by exportProblems() before training (so a run never ends in an
// export that was never possible); a missing or empty calibration set is
// refused when the int8 file is asked for.
import { describe, it, expect } from "vitest";
import {
  sequential,
  normalization,
  conv2d,
  depthwiseConv2d,
  dense,
  flatten,
  batchNormalization,
  exportProblems,
  exportTflite,
  type Dataset,
} from "@wasmlite/trainer";
import { readModel } from "@wasmlite/format";

const f = (...v: number[]) => Float32Array.from(v);

describe("export problems", () => {
  it("a normalisation before a convolution has no dense layer to fold into (float32 files)", () => {
    const norm = () => normalization({ mean: f(0, 1, 2, 3), std: f(1, 2, 3, 4) });
    for (const [layer, name] of [
      [conv2d({ filters: 1, kernelSize: 1 }), "conv2d_1"],
      [depthwiseConv2d({ kernelSize: 1 }), "depthwiseConv2d_1"],
    ] as const) {
      const m = sequential([norm(), layer, flatten(), dense({ units: 1 })], { inputShape: [2, 2, 1] });
      expect(exportProblems(m)).toEqual([
        `normalization_1: ${name} takes no fold of its inputs (only a dense layer does)`,
      ]);
    }
  });

  it("a batch normalisation folds into the channels of the layer before it: not across a flatten", () => {
    const m = sequential([conv2d({ filters: 2, kernelSize: 2 }), flatten(), batchNormalization()], {
      inputShape: [3, 3, 1],
    });
    expect(exportProblems(m)).toEqual(["batchNormalization_1: conv2d_1 has 2 output channels, the fold 8"]);
  });

  it("int8 needs a calibration set with at least one sample; one is enough", () => {
    const m = sequential([dense({ units: 2 })], { inputShape: [3] });
    const set = (n: number): Dataset => ({
      x: new Float32Array(n * 3).fill(0.5),
      y: new Float32Array(n),
      n,
      inputShape: [3],
      targetSize: 1,
    });
    expect(() => exportTflite(m, { kind: "int8" })).toThrow("int8 export needs a calibration set");
    expect(() => exportTflite(m, { kind: "int8", calibration: set(0) })).toThrow("calibration set is empty");
    expect(readModel(exportTflite(m, { kind: "int8", calibration: set(1) })).operators).toHaveLength(1);
  });

  it("the metadata given is stored under the name 'wasmlite'", () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [2] });
    const file = readModel(exportTflite(m, { kind: "float32", metadata: { labels: ["yes"] } }));
    expect(Object.keys(file.metadata)).toEqual(["wasmlite"]);
    expect(JSON.parse(new TextDecoder().decode(file.metadata.wasmlite))).toEqual({ labels: ["yes"] });
  });
});
