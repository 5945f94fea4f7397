// report.html's contents for runs a preset does not make: the restored
// best epoch, a log-scale loss, a regression's predictions.
import { describe, it, expect } from "vitest";
import { renderReport } from "../../cli/train-and-export/report.ts";

describe("report.html's contents", () => {
  const check = {
    kind: "float32" as const,
    samples: 3,
    maxAbsDifference: 0,
    arenaBytes: 1,
    memoryBytes: 1,
    latencyUs: 1,
  };
  it("marks the restored best epoch, uses a log scale for a loss spanning decades, plots a regression's predictions", async () => {
    const history = Array.from({ length: 8 }, (_, i) => ({
      epoch: i + 1,
      learningRate: 0.01,
      loss: 10 ** -i,
      val_loss: 10 ** -Math.min(i, 4),
    }));
    const html = await renderReport({
      title: "t",
      description: "d",
      summary: "s",
      history,
      bestEpoch: 5,
      float32: { ...check, mse: 0.1, bytes: 10 },
      int8: { ...check, kind: "int8", mse: 0.1, bytes: 10, failure: "int8 accuracy <low>" },
      int8File: "model-int8-failed.tflite",
      targets: new Float32Array([0, 1, 2]),
      int8Outputs: new Float32Array([0.1, 0.9, 2.2]),
    });
    expect(html).toContain("best epoch 5 (restored)");
    expect(html).toContain("Loss per epoch (log scale)");
    expect(html).toContain("Predicted (int8 export) against actual, 3 test samples");
    expect(html).toContain("model-int8-failed.tflite (int8)");
    expect(html).toContain("<b>failed</b>: int8 accuracy &lt;low&gt;");
    const flat = await renderReport({
      ...{ title: "t", description: "d", summary: "s" },
      history: history.map((h) => ({ ...h, loss: 0.5, val_loss: 0.4 })),
      float32: { ...check, mse: 0.1, bytes: 10 },
      int8: { ...check, kind: "int8", mse: 0.1, bytes: 10 },
    });
    expect(flat).not.toContain("log scale");
    expect(flat).not.toContain("best epoch");
  });
});
