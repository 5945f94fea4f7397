// Sequential's contract, clause by clause: what construction and compile()
// refuse and how layers are named; predict(), evaluate() and the metrics
// against sums written out here; the weights' copy in and out; summary()'s
// table; and fit()'s loop as its callbacks see it (the order of the calls, the
// running loss, the batch count, initialEpoch, stopTraining).
import { describe, it, expect } from "vitest";
import {
  sequential,
  dense,
  dropout,
  batchNormalization,
  conv2d,
  activation,
  accuracy,
  type Callback,
  type Sequential,
  Rng,
} from "@wasmlite/trainer";
import { correctCount } from "../../trainer/model.ts";
import { data } from "../helpers/gradients.ts";

const mlp = (seed = 3) =>
  sequential([dense({ units: 4, activation: "relu" }), dense({ units: 3, activation: "softmax" })], {
    inputShape: [5],
    seed,
  });

const weights = (m: Sequential) => m.getWeights().map((w) => Array.from(w));

describe("construction", () => {
  it("refuses no layers and an input shape that is not positive whole numbers", () => {
    expect(() => sequential([], { inputShape: [3] })).toThrow("sequential() needs at least one layer");
    for (const shape of [[], [0], [3, -1], [2.5]])
      expect(() => sequential([dense({ units: 1 })], { inputShape: shape })).toThrow(
        `inputShape must be positive whole numbers, got [${shape}]`,
      );
  });

  it("names each layer by its kind and its count of that kind; the output shape is the last layer's", () => {
    const m = sequential([dense({ units: 4 }), dropout(0.5), dense({ units: 2 }), dropout(0.1), batchNormalization()], {
      inputShape: [3],
    });
    expect(m.layers.map((l) => l.name)).toEqual([
      "dense_1",
      "dropout_1",
      "dense_2",
      "dropout_2",
      "batchNormalization_1",
    ]);
    expect(m.outputShape).toEqual([2]);
    expect(m.stopTraining).toBe(false);
  });

  it("keeps its own copy of the input shape, and without a seed draws as seed 0 does", () => {
    const shape = [5];
    const m = sequential([dense({ units: 2 })], { inputShape: shape });
    shape[0] = 9;
    expect(m.inputShape).toEqual([5]);
    expect(weights(m)).toEqual(weights(sequential([dense({ units: 2 })], { inputShape: [5], seed: 0 })));
    expect(weights(m)).not.toEqual(weights(sequential([dense({ units: 2 })], { inputShape: [5], seed: 1 })));
  });
});

describe("compile()", () => {
  it("refuses an unknown loss, listing the known ones", () => {
    expect(() => mlp().compile({ optimizer: "sgd", loss: "hinge" as never })).toThrow(
      "unknown loss 'hinge' (known: mse, binaryCrossentropy, categoricalCrossentropy)",
    );
  });

  it("a cross-entropy needs its activation on the output layer, which it is fused with", () => {
    const relu = sequential([dense({ units: 2, activation: "relu" })], { inputShape: [3] });
    expect(() => relu.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" })).toThrow(
      "loss 'categoricalCrossentropy' needs a softmax output layer (its gradient is fused with it); the last layer is dense_1 with relu",
    );
    const linear = sequential([dense({ units: 1 })], { inputShape: [3] });
    expect(() => linear.compile({ optimizer: "sgd", loss: "binaryCrossentropy" })).toThrow(
      "loss 'binaryCrossentropy' needs a sigmoid output layer (its gradient is fused with it); the last layer is dense_1 with identity",
    );
    // A layer without an activation of its own (dropout) is named alone.
    const sigmoidThenDropout = sequential([activation("sigmoid"), dropout(0.5)], { inputShape: [3] });
    expect(() => sigmoidThenDropout.compile({ optimizer: "sgd", loss: "binaryCrossentropy" })).toThrow(
      /needs a sigmoid output layer \(its gradient is fused with it\); the last layer is dropout_1$/,
    );
    const softmax = sequential([dense({ units: 2, activation: "softmax" })], { inputShape: [3] });
    expect(() => softmax.compile({ optimizer: "sgd", loss: "binaryCrossentropy" })).toThrow(
      "loss 'binaryCrossentropy' needs a sigmoid output layer (its gradient is fused with it); the last layer is dense_1 with softmax",
    );
  });

  it("softmax's distribution is over one axis: an image-shaped softmax output is refused", () => {
    const m = sequential([conv2d({ filters: 2, kernelSize: 3 }), activation("softmax")], { inputShape: [5, 5, 1] });
    expect(() => m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" })).toThrow(
      "activation_1's output is [3, 3, 2]: the loss takes one distribution per sample; add flatten() and a dense softmax layer",
    );
    // A sigmoid per value is fine on any shape.
    const s = sequential([conv2d({ filters: 2, kernelSize: 3 }), activation("sigmoid")], { inputShape: [5, 5, 1] });
    expect(() => s.compile({ optimizer: "sgd", loss: "binaryCrossentropy" })).not.toThrow();
  });

  it("a softmax output with another loss is refused, naming the loss", () => {
    expect(() => mlp().compile({ optimizer: "sgd", loss: "mse" })).toThrow(
      "a softmax output needs loss 'categoricalCrossentropy', not 'mse'",
    );
  });

  it("l1 and l2 must be >= 0 (0 accepted), clipNorm > 0", () => {
    const m = mlp();
    const base = { optimizer: "sgd", loss: "categoricalCrossentropy" } as const;
    expect(() => m.compile({ ...base, l1: -1 })).toThrow("l1 must be >= 0, got -1");
    expect(() => m.compile({ ...base, l2: -0.5 })).toThrow("l2 must be >= 0, got -0.5");
    expect(() => m.compile({ ...base, l2: NaN })).toThrow("l2 must be >= 0, got NaN");
    expect(() => m.compile({ ...base, l1: 0, l2: 0 })).not.toThrow();
    expect(() => m.compile({ ...base, clipNorm: -1 })).toThrow("clipNorm must be > 0, got -1");
    expect(() => m.compile({ ...base, clipNorm: NaN })).toThrow("clipNorm must be > 0, got NaN");
    expect(() => m.compile({ ...base, clipNorm: 1e-9 })).not.toThrow();
  });

  it("the optimiser by name takes its defaults; by options, those", () => {
    const m = mlp();
    m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    expect(m.optimizer.options).toMatchObject({ name: "adam", learningRate: 0.001 });
    m.compile({ optimizer: { name: "sgd", learningRate: 0.25 }, loss: "categoricalCrossentropy" });
    expect(m.optimizer.options).toMatchObject({ name: "sgd", learningRate: 0.25 });
  });

  it("before compile(), the optimiser, evaluate() and fit() say to call it", () => {
    const m = mlp();
    const d = data(4, 5, 3, "categoricalCrossentropy", 1);
    const message = "call compile() before fit() or evaluate()";
    expect(() => m.optimizer).toThrow(message);
    expect(() => m.evaluate(d)).toThrow(message);
    expect(() => m.fit(d, { epochs: 1 })).toThrow(message);
  });

  it("compiling again starts the optimiser afresh: the same steps as a model compiled once", () => {
    const d = data(12, 5, 3, "categoricalCrossentropy", 2);
    const once = mlp();
    once.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    once.fit(d, { epochs: 2, batchSize: 4, shuffle: false });
    const twice = mlp();
    twice.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    twice.fit(d, { epochs: 2, batchSize: 4, shuffle: false });
    const trained = twice.getWeights();
    twice.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    const fresh = mlp();
    fresh.setWeights(trained);
    fresh.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    twice.fit(d, { epochs: 1, batchSize: 4, shuffle: false });
    fresh.fit(d, { epochs: 1, batchSize: 4, shuffle: false });
    expect(weights(twice)).toEqual(weights(fresh));
    expect(weights(once)).not.toEqual(weights(twice));
  });
});

describe("predict(), evaluate() and the metrics", () => {
  const d = data(7, 5, 3, "categoricalCrossentropy", 4);

  it("predict() refuses features that are not whole samples, and batch sizes that are not positive whole numbers", () => {
    const m = mlp();
    expect(() => m.predict(new Float32Array(6))).toThrow(
      "predict: 6 values is not a whole number of samples of 5 features",
    );
    expect(() => m.predict(new Float32Array(0))).toThrow(
      "predict: 0 values is not a whole number of samples of 5 features",
    );
    for (const batchSize of [0, -2, 1.5])
      expect(() => m.predict(d.x, { batchSize })).toThrow(
        `batchSize must be a positive whole number, got ${batchSize}`,
      );
  });

  it("predict() in batches of 1, 3 and 256 gives the same rows, each the softmax of its own sample", () => {
    const m = mlp();
    const all = m.predict(d.x);
    expect(all).toHaveLength(7 * 3);
    for (const batchSize of [1, 3]) expect(Array.from(m.predict(d.x, { batchSize }))).toEqual(Array.from(all));
    for (let s = 0; s < 7; s++) {
      const one = m.predict(d.x.subarray(s * 5, (s + 1) * 5));
      expect(Array.from(one)).toEqual(Array.from(all.subarray(s * 3, (s + 1) * 3)));
      expect(one[0]! + one[1]! + one[2]!).toBeCloseTo(1, 6);
    }
  });

  it("evaluate(): the mean cross-entropy of predict()'s rows plus the penalty, accuracy and mae by their formulas, prefixed", () => {
    const m = mlp();
    const l1 = 0.01,
      l2 = 0.02;
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", metrics: ["accuracy", "mae"], l1, l2 });
    const p = m.predict(d.x);
    let ce = 0,
      abs = 0,
      correct = 0;
    for (let s = 0; s < 7; s++) {
      const row = Array.from(p.subarray(s * 3, s * 3 + 3));
      const target = Array.from(d.y.subarray(s * 3, s * 3 + 3));
      ce -= Math.log(row[target.indexOf(1)]!);
      row.forEach((v, j) => (abs += Math.abs(v - target[j]!)));
      if (row.indexOf(Math.max(...row)) === target.indexOf(1)) correct++;
    }
    let penalty = 0;
    for (const param of m.params())
      if (param.regularized) for (const w of m.ws.f32(param.value)) penalty += l2 * w * w + l1 * Math.abs(w);
    expect(penalty).toBeGreaterThan(0);
    for (const batchSize of [2, 256]) {
      const logs = m.evaluate(d, { batchSize, prefix: "val_" });
      expect(Object.keys(logs).sort()).toEqual(["val_accuracy", "val_loss", "val_mae"]);
      // Float32 softmax against float64 logs: within 1e-6 of each sample's loss.
      expect(logs.val_loss).toBeCloseTo(ce / 7 + penalty, 6);
      expect(logs.val_accuracy).toBe(correct / 7);
      expect(logs.val_mae).toBeCloseTo(abs / 21, 6);
    }
    expect(Object.keys(m.evaluate(d)).sort()).toEqual(["accuracy", "loss", "mae"]);
  });

  it("evaluate() without metrics reports the loss alone", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    expect(Object.keys(m.evaluate(d))).toEqual(["loss"]);
    expect(() => m.evaluate(d, { batchSize: 0 })).toThrow("batchSize must be a positive whole number, got 0");
  });

  it("evaluate() checks its data against the model", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    expect(() => m.evaluate({ ...d, targetSize: 2, y: new Float32Array(14) })).toThrow(
      "evaluation data: 2 targets per sample, the model outputs 3",
    );
  });

  it("correctCount: the largest output against the target's class, the first of equals; one output splits at 0.5", () => {
    const p = Float32Array.of(0.1, 0.7, 0.2, 0.5, 0.5, 0, 0.2, 0.2, 0.6);
    const y = Float32Array.of(0, 1, 0, 0, 1, 0, 1, 0, 0);
    // Row 1: argmax 1 = class 1. Row 2: a tie goes to index 0, the class is 1. Row 3: 2 against 0.
    expect(correctCount(p, y, 3)).toBe(1);
    expect(accuracy(p, y, 3)).toBe(1 / 3);
    // A target's class is its largest entry, the first of equals (label smoothing, soft targets).
    expect(correctCount(Float32Array.of(0, 0, 1), Float32Array.of(0.2, 0.2, 0.6), 3)).toBe(1);
    expect(correctCount(Float32Array.of(1, 0, 0), Float32Array.of(0.4, 0.4, 0.2), 3)).toBe(1);
    expect(correctCount(Float32Array.of(0, 1, 0), Float32Array.of(0.4, 0.4, 0.2), 3)).toBe(0);
    // One output: p >= 0.5 is class 1, and so is y >= 0.5.
    const p1 = Float32Array.of(0.5, 0.4999, 0.9, 0.2, 0.5);
    const y1 = Float32Array.of(1, 0, 0, 1, 0.5);
    expect(correctCount(p1, y1, 1)).toBe(3);
    expect(accuracy(p1, y1, 1)).toBe(3 / 5);
  });
});

describe("weights in and out", () => {
  it("getWeights() copies the parameters, then the layers' state; setWeights() puts them back", () => {
    const m = sequential([dense({ units: 4 }), batchNormalization(), dense({ units: 2 })], {
      inputShape: [3],
      seed: 2,
    });
    expect(m.weightBuffers().map((b) => `${b.name}:${b.value.length}`)).toEqual([
      "dense_1/kernel:12",
      "dense_1/bias:4",
      "batchNormalization_1/gamma:4",
      "batchNormalization_1/beta:4",
      "dense_2/kernel:8",
      "dense_2/bias:2",
      "batchNormalization_1/moving_mean:4",
      "batchNormalization_1/moving_variance:4",
    ]);
    const w = m.getWeights();
    expect(Array.from(w[7]!)).toEqual([1, 1, 1, 1]); // the moving variance starts at 1
    w[0]![0] = 1234; // a copy: the model is untouched
    expect(m.getWeights()[0]![0]).not.toBe(1234);
    m.setWeights(w);
    expect(m.getWeights()[0]![0]).toBe(1234);
    expect(weights(m)).toEqual(w.map((a) => Array.from(a)));
  });

  it("setWeights() refuses a wrong count of arrays, and an array of the wrong length by its parameter's name", () => {
    const m = sequential([dense({ units: 2 })], { inputShape: [3] });
    const w = m.getWeights();
    expect(() => m.setWeights(w.slice(0, 1))).toThrow("setWeights: 1 arrays for 2 parameters and state buffers");
    expect(() => m.setWeights([w[0]!, new Float32Array(3)])).toThrow("setWeights: dense_1/bias has 2 values, got 3");
    expect(weights(m)).toEqual(w.map((a) => Array.from(a))); // nothing was written
  });
});

describe("summary()", () => {
  it("a table of layer (with its details), output shape and parameters, then the totals", () => {
    const m = sequential([dense({ units: 4, activation: "relu" }), dropout(0.5), dense({ units: 3 })], {
      inputShape: [5],
    });
    expect(m.summary()).toBe(
      [
        "layer                      output shape      params",
        "dense_1 4 units, relu      [4]                   24",
        "dropout_1 rate 0.5         [4]                    0",
        "dense_2 3 units, identity  [3]                   15",
        "input shape [5], 39 parameters",
      ].join("\n"),
    );
  });

  it("the columns are at least 20, 12 and 10 wide", () => {
    const m = sequential([dropout(0.5)], { inputShape: [5] });
    expect(m.summary()).toBe(
      [
        "layer                 output shape      params",
        "dropout_1 rate 0.5    [5]                    0",
        "input shape [5], 0 parameters",
      ].join("\n"),
    );
  });

  it("widens a column to its longest entry", () => {
    const m = sequential([conv2d({ filters: 10, kernelSize: 3, activation: "relu" })], { inputShape: [100, 100, 1] });
    const lines = m.summary().split("\n");
    expect(lines[1]).toMatch(/^conv2d_1 \S.* {2}\[98, 98, 10\] {2}\s*100$/);
    expect(lines[0]!.indexOf("output shape")).toBe(lines[1]!.indexOf("[98, 98, 10]"));
    expect(lines[0]!.length).toBe(lines[1]!.length);
  });
});

describe("fit() as its callbacks see it", () => {
  const d = data(10, 5, 3, "categoricalCrossentropy", 6);

  it("calls begin, epoch, batch and end hooks in order, with the running mean loss and the batch count", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const calls: string[] = [];
    const batchLosses: number[] = [];
    let info: unknown;
    const cb: Callback = {
      onTrainBegin: (_m, i) => {
        info = i;
        calls.push("trainBegin");
      },
      onEpochBegin: (e) => calls.push(`epochBegin ${e}`),
      onBatchEnd: (b, loss) => {
        calls.push(`batch ${b}`);
        batchLosses.push(loss);
      },
      onEpochEnd: (_m, logs) => calls.push(`epochEnd ${logs.epoch}`),
      onTrainEnd: (_m, h) => calls.push(`trainEnd ${h.epochs.length}`),
    };
    // Batches of 4: rows 0-3, 4-7, 8-9; each batch's loss is computed before its step.
    const probe = mlp();
    probe.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const stepLosses = [0, 4, 8].map((start) => probe.trainBatch(d, null, start, Math.min(4, 10 - start), 0.01, ""));
    let afterFirst: number[][] = [];
    const firstEpoch: Callback = {
      onEpochEnd: (model, logs) => void (logs.epoch === 1 && (afterFirst = weights(model as Sequential))),
    };
    const history = m.fit(d, { epochs: 2, batchSize: 4, shuffle: false, callbacks: [cb, firstEpoch] });
    expect(info).toEqual({ epochs: 2, batches: 3 });
    expect(calls).toEqual([
      "trainBegin",
      "epochBegin 0",
      "batch 0",
      "batch 1",
      "batch 2",
      "epochEnd 1",
      "epochBegin 1",
      "batch 0",
      "batch 1",
      "batch 2",
      "epochEnd 2",
      "trainEnd 2",
    ]);
    // The running mean over the rows seen so far: (4 l0) / 4, (4 l0 + 4 l1) / 8, (4 l0 + 4 l1 + 2 l2) / 10.
    const [l0, l1, l2] = stepLosses as [number, number, number];
    expect(batchLosses[0]).toBeCloseTo(l0, 12);
    expect(batchLosses[1]).toBeCloseTo((4 * l0 + 4 * l1) / 8, 12);
    expect(batchLosses[2]).toBeCloseTo((4 * l0 + 4 * l1 + 2 * l2) / 10, 12);
    expect(history.epochs[0]!.loss).toBeCloseTo(batchLosses[2]!, 12);
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(afterFirst).toEqual(weights(probe));
  });

  it("each epoch visits the rows in a fresh permutation drawn from the model's generator; shuffle: false keeps their order", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const probe = mlp();
    probe.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const draws = new Rng(0);
    draws.restore(m.rng.state());
    const epochs: number[][][] = [];
    m.fit(d, {
      epochs: 2,
      batchSize: 4,
      callbacks: [{ onEpochEnd: (model) => void epochs.push(weights(model as Sequential)) }],
    });
    for (let e = 0; e < 2; e++) {
      const order = draws.permutation(10);
      for (const start of [0, 4, 8]) probe.trainBatch(d, order, start, Math.min(4, 10 - start), 0.01, "");
      expect(epochs[e]).toEqual(weights(probe));
    }
    const unshuffled = mlp();
    unshuffled.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    unshuffled.fit(d, { epochs: 1, batchSize: 4, shuffle: false });
    expect(weights(unshuffled)).not.toEqual(epochs[0]);
  });

  it("batchSize defaults to 32 and must be a positive whole number", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const big = data(70, 5, 3, "categoricalCrossentropy", 7);
    let batches = 0;
    m.fit(big, { epochs: 1, callbacks: [{ onTrainBegin: (_m, i) => (batches = i.batches) }] });
    expect(batches).toBe(3);
    for (const batchSize of [0, 2.5])
      expect(() => m.fit(big, { epochs: 1, batchSize })).toThrow(
        `batchSize must be a positive whole number, got ${batchSize}`,
      );
    expect(() => m.fit(big, { epochs: 1.5 })).toThrow("epochs must be a positive whole number, got 1.5");
  });

  it("initialEpoch resumes the count: epochs initialEpoch + 1 .. epochs, with that epoch's learning rate", () => {
    const m = mlp();
    m.compile({ optimizer: { name: "sgd", learningRate: 1 }, loss: "categoricalCrossentropy" });
    const history = m.fit(d, { epochs: 4, initialEpoch: 2, schedule: { kind: "exponential", rate: 0.5 } });
    expect(history.epochs.map((e) => [e.epoch, e.learningRate])).toEqual([
      [3, 0.25],
      [4, 0.125],
    ]);
  });

  it("stopTraining set by a callback ends fit() after that epoch; the next fit() starts it afresh", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const stopAtTwo: Callback = { onEpochEnd: (model, logs) => void (model.stopTraining = logs.epoch === 2) };
    expect(m.fit(d, { epochs: 5, callbacks: [stopAtTwo] }).epochs).toHaveLength(2);
    expect(m.stopTraining).toBe(true);
    expect(m.fit(d, { epochs: 3 }).epochs).toHaveLength(3);
  });

  it("metrics are logged for the training set, and with validation data under val_", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    const v = data(6, 5, 3, "categoricalCrossentropy", 8);
    const logs = m.fit(d, { epochs: 1, validationData: v }).epochs[0]!;
    expect(Object.keys(logs).sort()).toEqual(["accuracy", "epoch", "learningRate", "loss", "val_accuracy", "val_loss"]);
    expect(logs.accuracy).toBe(accuracy(m.predict(d.x), d.y, 3));
    expect(logs.val_accuracy).toBe(accuracy(m.predict(v.x), v.y, 3));
    expect(logs.val_loss).toBe(m.evaluate(v, { batchSize: 32 }).loss);
    expect(() => m.fit(d, { epochs: 1, validationData: { ...v, inputShape: [4], x: new Float32Array(24) } })).toThrow(
      "validation data: samples have shape [4], the model takes [5]",
    );
  });

  it("augment is handed the batch's feature rows, their count and the model's generator, before each step", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const seen: [number, number, boolean][] = [];
    m.fit(d, {
      epochs: 1,
      batchSize: 4,
      shuffle: false,
      augment: (x, rows, rng) => {
        seen.push([x.length, rows, rng === m.rng]);
        x.fill(0); // every feature zeroed: only the biases' gradients are non-zero
      },
    });
    expect(seen).toEqual([
      [20, 4, true],
      [20, 4, true],
      [10, 2, true],
    ]);
  });

  it("trace() visits every layer's output, batch by batch, as predict() computes it", () => {
    const m = mlp();
    const outputs: [number, number][] = [];
    let last: number[] = [];
    m.trace(
      d.x,
      (layer, output) => {
        outputs.push([layer, output.length]);
        if (layer === 1) last = last.concat(Array.from(output));
      },
      4,
    );
    expect(outputs).toEqual([
      [0, 16],
      [1, 12],
      [0, 16],
      [1, 12],
      [0, 8],
      [1, 6],
    ]);
    expect(last).toEqual(Array.from(m.predict(d.x)));
  });
});

describe("divergence", () => {
  const make = () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [2], seed: 1 });
    m.compile({ optimizer: { name: "sgd", learningRate: 0.5 }, loss: "mse" });
    return m;
  };
  const d = { x: Float32Array.of(0.5, -0.5), y: Float32Array.of(1), n: 1, inputShape: [2], targetSize: 1 };

  it("a finite loss with one parameter's gradient past float32's range is named as the gradient", () => {
    // (p - 1e38)^2 is finite in double, and so is the bias's gradient 2 (p - 1e38) in float32;
    // the kernel's, that times the features 4 and -4, is not.
    const wide = { ...d, x: Float32Array.of(4, -4), y: Float32Array.of(1e38) };
    expect(() => make().fit(wide, { epochs: 1 })).toThrow(
      /^training diverged at epoch 1, batch 1: the gradient is not finite \(9\.99999\d+e\+75\); try a lower learning rate \(now 0\.5\)$/,
    );
  });

  it("a NaN loss is named as the loss", () => {
    const m = make();
    const w = m.getWeights();
    w[1]![0] = NaN; // the bias
    m.setWeights(w);
    expect(() => m.fit(d, { epochs: 1 })).toThrow(
      "training diverged at epoch 1, batch 1: the loss is not finite (NaN); try a lower learning rate (now 0.5)",
    );
  });

  it("the weights are not stepped with a non-finite gradient", () => {
    const m = make();
    const before = weights(m);
    expect(() => m.fit({ ...d, y: Float32Array.of(3e38) }, { epochs: 1 })).toThrow(/the gradient is not finite/);
    expect(weights(m)).toEqual(before);
  });
});

describe("what a step computes and what it leaves", () => {
  it("backward skips the layers before the first with parameters, and that layer's input gradient", () => {
    const m = sequential(
      [
        dropout(0.2),
        batchNormalization(),
        dense({ units: 4, activation: "relu" }),
        dense({ units: 3, activation: "softmax" }),
      ],
      { inputShape: [5], seed: 1 },
    );
    // batchNormalization (gamma, beta) is the first with parameters.
    const calls: string[] = [];
    for (const layer of m.layers) {
      const backward = layer.backward.bind(layer);
      layer.backward = (g, batch, inputGradient) => {
        calls.push(`${layer.name} ${inputGradient}`);
        return backward(g, batch, inputGradient);
      };
      if (layer === m.layers.at(-1)) {
        const fromLogits = layer.backwardFromLogits!.bind(layer);
        layer.backwardFromLogits = (g, batch, inputGradient) => {
          calls.push(`${layer.name} from logits ${inputGradient}`);
          return fromLogits(g, batch, inputGradient);
        };
      }
    }
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    m.trainBatch(data(4, 5, 3, "categoricalCrossentropy", 1), null, 0, 4, 0.1, "");
    expect(calls).toEqual(["dense_2 from logits true", "dense_1 true", "batchNormalization_1 false"]);
  });

  it("a model without parameters trains (there is nothing to step) and reports its loss", () => {
    const m = sequential([dropout(0.5), activation("softmax")], { inputShape: [3], seed: 1 });
    m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    const d = data(4, 3, 3, "categoricalCrossentropy", 2);
    const [logs] = m.fit(d, { epochs: 1, batchSize: 2 }).epochs;
    expect(logs!.loss).toBeGreaterThan(0);
    expect(m.getWeights()).toEqual([]);
  });

  it("a step's loss includes the penalty; evaluate() adds it to the loss but not to the gradients", () => {
    const d = data(6, 4, 3, "categoricalCrossentropy", 3);
    const make = (l2: number) => {
      const m = sequential([dense({ units: 3, activation: "softmax" })], { inputShape: [4], seed: 4 });
      m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", l2 });
      return m;
    };
    const plain = make(0),
      penalised = make(0.5);
    const penalty = Array.from(penalised.getWeights()[0]!).reduce((s, w) => s + 0.5 * w * w, 0);
    // At learning rate 0 the weights stay; both losses are means near 1 plus the penalty: within 2 ulps.
    const loss = penalised.trainBatch(d, null, 0, 6, 0, "");
    expect(Math.abs(loss - plain.trainBatch(d, null, 0, 6, 0, "") - penalty)).toBeLessThanOrEqual(
      2 * Number.EPSILON * loss,
    );
    const grads = () => penalised.params().map((p) => Array.from(penalised.ws.f32(p.grad)));
    const before = grads();
    penalised.evaluate(d);
    expect(grads()).toEqual(before);
  });

  it("evaluate() runs in inference mode: dropout passes everything, so it is the same every time", () => {
    const m = sequential([dense({ units: 4 }), dropout(0.5), dense({ units: 3, activation: "softmax" })], {
      inputShape: [5],
      seed: 5,
    });
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const d = data(8, 5, 3, "categoricalCrossentropy", 6);
    const p = m.predict(d.x);
    let ce = 0;
    for (let s = 0; s < 8; s++) ce -= Math.log(p[s * 3 + d.y.subarray(s * 3, s * 3 + 3).indexOf(1)]!);
    expect(m.evaluate(d).loss).toBeCloseTo(ce / 8, 6);
    expect(m.evaluate(d).loss).toBe(m.evaluate(d).loss);
  });

  it("fit() releases the training set it copied in, and afterwards inference may use larger batches again", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const d = data(40, 5, 3, "categoricalCrossentropy", 9);
    m.fit(d, { epochs: 1, batchSize: 4 });
    const after = m.ws.mark();
    m.fit(d, { epochs: 1, batchSize: 4 });
    expect(m.ws.mark()).toBe(after);
    m.predict(d.x, { batchSize: 40 }); // the activation buffers grow to 40 rows
    expect(m.ws.mark()).toBeGreaterThan(after);
  });

  it("the training data's problems are named as the training data's", () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const d = data(4, 5, 2, "categoricalCrossentropy", 1);
    expect(() => m.fit(d, { epochs: 1 })).toThrow("training data: 2 targets per sample, the model outputs 3");
  });
});
