// Embedding (token ids -> learned vectors): the forward pass against the
// table's rows; clear errors for ids that are not whole numbers inside the
// table; gradients (repeated ids included) against central finite
// differences through an LSTM; the export (int32 ids in, GATHER) in our
// runtime: float32 within the float32 rule, int8 within 0.3 points.
import { describe, it, expect } from "vitest";
import { sequential, embedding, lstm, dense, flatten, oneHot, type Dataset } from "@wasmlite/trainer";
import { Rng } from "../../../trainer/rng.ts";
import { exportTflite } from "../../../trainer/export/tflite.ts";
import { verifyExport } from "../../../trainer/export/verify.ts";
import { readModel } from "@wasmlite/format";
import { gradientCheck } from "../../helpers/gradients.ts";
import { expectConfigRoundTrip } from "../../helpers/layer-config.ts";

/** n sequences of `steps` ids below `vocabulary`; the label: whether id 3 occurs. */
function tokens(n: number, steps: number, vocabulary: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * steps }, () => rng.nextU32() % vocabulary);
  const labels = Array.from({ length: n }, (_, s) => (x.subarray(s * steps, (s + 1) * steps).includes(3) ? 1 : 0));
  return { x, y: oneHot(labels, 2, "tokens"), n, inputShape: [steps], targetSize: 2, labels: ["no 3", "a 3"] };
}

describe("Embedding", () => {
  it("each step's output is the table's row for its id", () => {
    const layer = embedding({ vocabulary: 7, width: 5 });
    const m = sequential([layer], { inputShape: [4], seed: 1 });
    const ids = [6, 0, 6, 3, 1, 2, 5, 4];
    const table = m.ws.f32(layer.table.value);
    const got = m.predict(Float32Array.from(ids));
    expect(Array.from(got)).toEqual(ids.flatMap((id) => Array.from(table.subarray(id * 5, id * 5 + 5))));
    // Keras's initialisation: uniform in [-0.05, 0.05].
    expect(Math.max(...Array.from(table, Math.abs))).toBeLessThanOrEqual(0.05);
  });

  it("an id that is not a whole number inside the table is refused, naming the sample and step", () => {
    const m = sequential([embedding({ vocabulary: 10, width: 3 })], { inputShape: [3], seed: 1 });
    for (const [bad, shown] of [
      [10, "10"],
      [-1, "-1"],
      [2.5, "2.5"],
      [NaN, "NaN"],
    ] as const)
      expect(() => m.predict(Float32Array.from([1, 2, 3, 4, bad, 5]))).toThrow(
        new RegExp(`sample 1, step 1 holds token id ${shown}, not a whole number in 0\\.\\.9`),
      );
    // The very first id (the kernel reports its position, 0 included).
    expect(() => m.predict(Float32Array.from([10, 2, 3]))).toThrow(/sample 0, step 0 holds token id 10/);
    expect(() =>
      sequential([dense({ units: 2 }), embedding({ vocabulary: 4, width: 2 })], { inputShape: [3] }),
    ).toThrow(/embedding reads token ids, so it must be the first layer \(it is layer 2\)/);
    expect(() => embedding({ vocabulary: 0, width: 2 })).toThrow(/embedding: vocabulary: must be >= 1, got 0/);
    expect(() => sequential([embedding({ vocabulary: 4, width: 2 })], { inputShape: [3, 2] })).toThrow(
      /expects sequences of token ids \[steps\]/,
    );
  });

  it("gradients against central finite differences: repeated ids add up (embedding -> LSTM -> dense)", () => {
    // 6 tokens over 4 x 5 steps: every row is used, most more than once.
    const m = sequential([embedding({ vocabulary: 6, width: 4 }), lstm({ units: 3 }), dense({ units: 2 })], {
      inputShape: [5],
      seed: 3,
    });
    m.compile({ optimizer: "sgd", loss: "mse", l2: 1e-3 });
    const rng = new Rng(4);
    const d: Dataset = {
      x: Float32Array.from({ length: 20 }, () => rng.nextU32() % 6),
      y: Float32Array.from({ length: 8 }, () => rng.uniform(-1, 1)),
      n: 4,
      inputShape: [5],
      targetSize: 2,
    };
    expect(gradientCheck(m, d).checked).toBeGreaterThanOrEqual(36);
  });

  it("config round trip through the registry and the schema", () => {
    const layer = embedding({ vocabulary: 300, width: 16 });
    sequential([layer, flatten()], { inputShape: [8] });
    const config = layer.config();
    expect(config).toEqual({ type: "embedding", vocabulary: 300, width: 16 });
    expectConfigRoundTrip(layer);
  });

  it("export: int32 ids into GATHER and an LSTM; float32 within 1e-5, int8 within 0.3 points", async () => {
    const train = tokens(2000, 12, 20, 5);
    const test = tokens(500, 12, 20, 6);
    const m = sequential(
      [embedding({ vocabulary: 20, width: 8 }), lstm({ units: 16 }), dense({ units: 2, activation: "softmax" })],
      { inputShape: [12], seed: 2 },
    );
    m.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "categoricalCrossentropy" });
    m.fit(train, { epochs: 4, batchSize: 32 });
    const f32 = exportTflite(m, { kind: "float32" });
    const summary = readModel(f32);
    expect(summary.operators.map((o) => o.op)).toEqual([
      "GATHER",
      "UNIDIRECTIONAL_SEQUENCE_LSTM",
      "STRIDED_SLICE",
      "FULLY_CONNECTED",
      "SOFTMAX",
    ]);
    expect(summary.tensors[summary.inputs[0]!]).toMatchObject({ type: "INT32", shape: [1, 12] });
    const f = await verifyExport(f32, "float32", m, test);
    expect(f.maxAbsDifference).toBeLessThanOrEqual(1e-5);
    expect(f.floatAccuracy).toBeGreaterThan(0.95); // the task is learnt
    const int8 = exportTflite(m, { kind: "int8", calibration: train });
    const q = await verifyExport(int8, "int8", m, test);
    expect(readModel(int8).tensors[readModel(int8).inputs[0]!]!.type).toBe("INT32");
    expect(q.failure).toBeUndefined();
  }, 60_000);
});
