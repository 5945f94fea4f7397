// The training loop's promises, each checked by what it does, not that it
// runs: every learning-rate schedule's rate and the step actually taken with
// it; each initialiser's statistics; early stopping that puts back the best
// epoch's weights; validationSplit holding out exactly the last samples.
import { describe, it, expect } from "vitest";
import {
  sequential,
  dense,
  earlyStopping,
  slice,
  type Schedule,
  type InitializerName,
  type Callback,
  Interrupted,
  Rng,
} from "@wasmlite/trainer";
import { learningRateAt } from "../../trainer/schedules.ts";
import { data, analyticGradients } from "../helpers/gradients.ts";

describe("learning-rate schedules", () => {
  const lr0 = 0.2;
  const schedules: [Schedule, (epoch: number) => number][] = [
    [{ kind: "constant" }, () => lr0],
    [{ kind: "step", every: 2, factor: 0.5 }, (e) => lr0 * 0.5 ** Math.floor(e / 2)],
    [{ kind: "exponential", rate: 0.7 }, (e) => lr0 * 0.7 ** e],
    [{ kind: "inverseTime", decay: 0.5 }, (e) => lr0 / (1 + 0.5 * e)],
  ];
  for (const [schedule, formula] of schedules) {
    it(`${schedule.kind}: the logged rate of each epoch is the formula's, and SGD steps with it`, () => {
      // One batch per epoch, no shuffling: each epoch is one SGD step theta -= lr_e g(theta).
      const make = () => {
        const m = sequential([dense({ units: 3 })], { inputShape: [4], seed: 5 });
        m.compile({ optimizer: { name: "sgd", learningRate: lr0 }, loss: "mse" });
        return m;
      };
      const model = make();
      const probe = make();
      const d = data(8, 4, 3, "mse", 9);
      let theta = model.getWeights().map((w) => Array.from(w));
      const seen: number[][][] = [];
      const record: Callback = { onEpochEnd: (m) => seen.push(m.getWeights().map((w) => Array.from(w))) };
      const history = model.fit(d, { epochs: 5, batchSize: 8, shuffle: false, schedule, callbacks: [record] });
      history.epochs.forEach((logs, e) => {
        expect(logs.learningRate, `epoch ${e + 1}`).toBeCloseTo(formula(e), 12);
        expect(learningRateAt(schedule, lr0, e)).toBeCloseTo(formula(e), 12);
        probe.setWeights(theta.map((w) => Float32Array.from(w)));
        const g = analyticGradients(probe, d);
        theta = theta.map((w, k) => w.map((x, i) => x - formula(e) * g[k]![i]!));
        seen[e]!.forEach((w, k) =>
          w.forEach((v, i) => expect(v, `epoch ${e + 1}, parameter ${k}[${i}]`).toBeCloseTo(theta[k]![i]!, 5)),
        );
      });
    });
  }
});

describe("initialisers: Glorot uniform, N(0, 0.01) and He normal, by their moments", () => {
  // 256 inputs x 512 units = 131,072 weights: the sample mean is within 0.003 of the
  // true mean's 4 standard errors for these spreads, the sample deviation within 1%.
  const fanIn = 256,
    fanOut = 512;
  const stats = (w: Float32Array) => {
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    return {
      mean,
      std,
      min: w.reduce((a, v) => Math.min(a, v), Infinity),
      max: w.reduce((a, v) => Math.max(a, v), -Infinity),
    };
  };
  const weights = (initializer: InitializerName | undefined, act: "relu" | "tanh" | "leakyRelu" = "tanh") => {
    const m = sequential([dense({ units: fanOut, activation: act, initializer })], { inputShape: [fanIn], seed: 3 });
    const [w, b] = m.getWeights();
    expect(
      b!.every((v) => v === 0),
      "biases start at zero",
    ).toBe(true);
    return stats(w!);
  };

  it("glorotUniform: U[-c, c], c = sqrt(6 / (fan_in + fan_out)), standard deviation c / sqrt(3)", () => {
    const c = Math.sqrt(6 / (fanIn + fanOut));
    const s = weights("glorotUniform");
    expect(s.min).toBeGreaterThanOrEqual(-c);
    expect(s.max).toBeLessThanOrEqual(c);
    expect(s.max).toBeGreaterThan(0.99 * c); // the whole interval is used
    expect(s.min).toBeLessThan(-0.99 * c);
    expect(Math.abs(s.mean)).toBeLessThan((4 * (c / Math.sqrt(3))) / Math.sqrt(fanIn * fanOut));
    expect(s.std / (c / Math.sqrt(3))).toBeCloseTo(1, 2);
  });

  it("normal: N(0, 0.01)", () => {
    const s = weights("normal");
    expect(Math.abs(s.mean)).toBeLessThan((4 * 0.01) / Math.sqrt(fanIn * fanOut));
    expect(s.std / 0.01).toBeCloseTo(1, 2);
  });

  it("heNormal: N(0, 2 / fan_in); the default for ReLU-family layers, Glorot otherwise", () => {
    const sd = Math.sqrt(2 / fanIn);
    const s = weights("heNormal");
    expect(Math.abs(s.mean)).toBeLessThan((4 * sd) / Math.sqrt(fanIn * fanOut));
    expect(s.std / sd).toBeCloseTo(1, 2);
    expect(weights(undefined, "relu")).toEqual(s);
    expect(weights(undefined, "leakyRelu")).toEqual(s);
    expect(weights(undefined, "tanh")).toEqual(weights("glorotUniform"));
  });

  it("each initialiser draws one value per weight from the model's generator, layer after layer", () => {
    for (const initializer of ["glorotUniform", "normal", "heNormal"] as const) {
      const m = sequential([dense({ units: 2, initializer }), dense({ units: 1, initializer })], {
        inputShape: [3],
        seed: 4,
      });
      const rng = new Rng(4);
      const draw = (n: number, fanIn: number, fanOut: number) =>
        Array.from({ length: n }, () =>
          Math.fround(
            initializer === "glorotUniform"
              ? rng.uniform(-Math.sqrt(6 / (fanIn + fanOut)), Math.sqrt(6 / (fanIn + fanOut)))
              : initializer === "normal"
                ? 0.01 * rng.normal()
                : Math.sqrt(2 / fanIn) * rng.normal(),
          ),
        );
      const [w1, , w2] = m.getWeights();
      expect([Array.from(w1!), Array.from(w2!)], initializer).toEqual([draw(6, 3, 2), draw(2, 2, 1)]);
    }
  });
});

describe("early stopping and validation", () => {
  it("a callback may evaluate and predict during fit() with any batch size (the buffers hold fit()'s batch)", () => {
    const d = data(40, 3, 2, "mse", 22);
    const m = sequential([dense({ units: 4, activation: "tanh" }), dense({ units: 2 })], { inputShape: [3], seed: 5 });
    m.compile({ optimizer: "sgd", loss: "mse" });
    const seen: number[] = [];
    const probe: Callback<typeof m> = {
      onEpochEnd: (model) => {
        seen.push(model.evaluate(d).loss!); // default batch 256, more than fit()'s 8
        expect(model.predict(d.x, { batchSize: 1000 }).length).toBe(80);
      },
    };
    m.fit(d, { epochs: 2, batchSize: 8, callbacks: [probe] });
    expect(seen).toEqual([expect.any(Number), expect.any(Number)]);
    // The same loss after fit(), summed from one batch of 40 instead of five of 8 (double rounding only).
    expect(m.evaluate(d).loss).toBeCloseTo(seen[1]!, 12);
  });

  it("restoreBestWeights puts back the best epoch's weights when training stops; without it the last epoch's stay", () => {
    // The learning rate grows 1.8x per epoch, so the validation loss falls, then rises: training stops.
    const d = data(40, 3, 2, "mse", 21);
    const run = (restoreBestWeights: boolean) => {
      const m = sequential([dense({ units: 6, activation: "tanh" }), dense({ units: 2 })], {
        inputShape: [3],
        seed: 4,
      });
      m.compile({ optimizer: { name: "sgd", learningRate: 0.05 }, loss: "mse" });
      const byEpoch: Float32Array[][] = [];
      const record: Callback = { onEpochEnd: (model) => byEpoch.push(model.getWeights()) };
      const stop = earlyStopping({ patience: 2, restoreBestWeights });
      const history = m.fit(slice(d, 0, 30), {
        epochs: 40,
        batchSize: 10,
        shuffle: false,
        validationData: slice(d, 30, 40),
        schedule: { kind: "exponential", rate: 1.8 },
        callbacks: [record, stop],
      });
      return { m, byEpoch, stop, history };
    };
    const restored = run(true);
    const { stop, history, byEpoch, m } = restored;
    expect(stop.stoppedEpoch).toBeGreaterThan(stop.bestEpoch);
    expect(history.epochs.length).toBe(stop.stoppedEpoch);
    const losses = history.epochs.map((e) => e.val_loss!);
    expect(Math.min(...losses)).toBe(losses[stop.bestEpoch - 1]);
    expect(m.getWeights()).toEqual(byEpoch[stop.bestEpoch - 1]);
    expect(m.evaluate(slice(data(40, 3, 2, "mse", 21), 30, 40), { batchSize: 10 }).loss).toBeCloseTo(
      losses[stop.bestEpoch - 1]!,
      6,
    );
    const kept = run(false);
    expect(kept.stop.stoppedEpoch).toBe(stop.stoppedEpoch);
    expect(kept.m.getWeights()).toEqual(kept.byEpoch.at(-1));
    expect(kept.m.getWeights()).not.toEqual(m.getWeights());
  });

  it("validationSplit holds out the last floor(n x split) samples: the same run as validationData of that slice", () => {
    const d = data(50, 3, 2, "mse", 22);
    const fit = (split: boolean) => {
      const m = sequential([dense({ units: 4, activation: "tanh" }), dense({ units: 2 })], {
        inputShape: [3],
        seed: 6,
      });
      m.compile({ optimizer: "adam", loss: "mse" });
      const options = { epochs: 3, batchSize: 8 };
      const history = split
        ? m.fit(d, { ...options, validationSplit: 0.3 })
        : m.fit(slice(d, 0, 35), { ...options, validationData: slice(d, 35, 50) });
      return { history, weights: m.getWeights() };
    };
    const a = fit(true),
      b = fit(false);
    expect(a.history.epochs.every((e) => typeof e.val_loss === "number")).toBe(true);
    expect(a.history).toEqual(b.history);
    expect(a.weights).toEqual(b.weights);
    const m = sequential([dense({ units: 2 })], { inputShape: [3], seed: 1 });
    m.compile({ optimizer: "sgd", loss: "mse" });
    for (const split of [0, 1, -0.5, NaN])
      expect(() => m.fit(d, { epochs: 1, validationSplit: split })).toThrow(
        `validationSplit must be in (0, 1), got ${split}`,
      );
    // 50 x 0.019 = 0.95: no sample held out; 50 x 0.02 = 1 is one.
    expect(() => m.fit(d, { epochs: 1, validationSplit: 0.019 })).toThrow(
      "validationSplit 0.019 of 50 samples holds out no sample",
    );
    expect(m.fit(d, { epochs: 1, validationSplit: 0.02 }).epochs[0]!.val_loss).toBe(
      m.evaluate(slice(d, 49, 50), { batchSize: 32 }).loss,
    );
    expect(() => m.fit(d, { epochs: 1, validationSplit: 0.2, validationData: d })).toThrow(/not both/);
  });
});

describe("fitAsync", () => {
  const make = () => {
    const m = sequential([dense({ units: 3 })], { inputShape: [4], seed: 5 });
    m.compile({ optimizer: "adam", loss: "mse" });
    return m;
  };
  it("trains exactly as fit does (same weights, bit for bit, same history)", async () => {
    const d = data(64, 4, 3, "mse", 9);
    const a = make(),
      b = make();
    const ha = a.fit(d, { epochs: 3, batchSize: 8 });
    const hb = await b.fitAsync(d, { epochs: 3, batchSize: 8 });
    expect(hb).toEqual(ha);
    expect(b.getWeights()).toEqual(a.getWeights());
  });

  it("an aborted signal stops it after the current batch: the epoch in progress is dropped, Interrupted says where", async () => {
    const d = data(64, 4, 3, "mse", 9);
    const stop = new AbortController();
    const ends: number[] = [];
    const m = make();
    let batches = 0;
    const abortAt: Callback = {
      onBatchEnd: () => {
        if (++batches === 11) stop.abort(); // epoch 2, batch 3 (8 batches per epoch)
      },
      onEpochEnd: (_m, logs) => void ends.push(logs.epoch),
    };
    const error = await m
      .fitAsync(d, { epochs: 5, batchSize: 8, callbacks: [abortAt], signal: stop.signal })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect([error.epoch, error.batch, error.batches]).toEqual([2, 3, 8]);
    expect(ends).toEqual([1]);
    // The model is usable afterwards (the loop released its buffers): it trains on.
    expect((await m.fitAsync(d, { epochs: 1, batchSize: 8 })).epochs).toHaveLength(1);
  });

  it("lets timers run during training: one set before it starts fires while it runs", async () => {
    const d = data(64, 4, 3, "mse", 9);
    const m = make();
    const stop = new AbortController();
    let batches = 0;
    let firedAt = -1;
    setTimeout(() => {
      firedAt = batches;
      stop.abort();
    }, 0);
    // Batches until the timer fires: fitAsync hands the event loop a turn at least every 50 ms.
    const error = await m
      .fitAsync(d, {
        epochs: 100_000,
        batchSize: 8,
        callbacks: [{ onBatchEnd: () => void batches++ }],
        signal: stop.signal,
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect(firedAt).toBeGreaterThan(0);
    expect(batches).toBe(firedAt);
  });
});
