// The optimisers' steps against their update formulas (SGD, momentum,
// Nesterov's look-ahead, RMSProp, Adam's bias correction), and each one
// lowering a loss.
import { describe, it, expect } from "vitest";
import { sequential, dense } from "@wasmlite/trainer";
import { sine } from "../../cli/data/sine.ts";
import { data, analyticGradients } from "../helpers/gradients.ts";

describe("optimisers, against their update formulas", () => {
  // dense(1) on 6 inputs: 6 weights, so the update kernels' four-lane part and their scalar tail both run.
  function firstSteps(name: "sgd" | "momentum" | "nesterov" | "rmsprop" | "adam") {
    const m = sequential([dense({ units: 1 })], { inputShape: [6], seed: 9 });
    m.compile({ optimizer: { name, learningRate: 0.1, momentum: 0.5 }, loss: "mse" });
    const d = data(4, 6, 1, "mse", 7);
    return { m, d };
  }

  /** The batch gradient at given weights, from a fresh SGD model (no optimiser state). */
  function gradientAt(weights: Float32Array[]): Float32Array[] {
    const { m, d } = firstSteps("sgd");
    m.setWeights(weights);
    return analyticGradients(m, d);
  }
  const close = (a: Float32Array[], b: number[][]) =>
    a.forEach((w, k) => w.forEach((v, i) => expect(v).toBeCloseTo(b[k]![i]!, 6)));

  it("sgd: theta -= lr g", () => {
    const { m, d } = firstSteps("sgd");
    const w0 = m.getWeights();
    const g0 = gradientAt(w0);
    m.trainBatch(d, null, 0, d.n, 0.1, "step 1");
    close(
      m.getWeights(),
      w0.map((w, k) => Array.from(w, (v, i) => v - 0.1 * g0[k]![i]!)),
    );
  });

  it("momentum: v = gamma v + lr g(theta), theta -= v; nesterov: the gradient at theta - gamma v (two steps each)", () => {
    for (const name of ["momentum", "nesterov"] as const) {
      const { m, d } = firstSteps(name);
      const w0 = m.getWeights();
      const v1 = gradientAt(w0).map((g) => Array.from(g, (x) => 0.1 * x));
      const w1 = w0.map((w, k) => Array.from(w, (x, i) => x - v1[k]![i]!));
      const at = name === "momentum" ? w1 : w1.map((w, k) => w.map((x, i) => x - 0.5 * v1[k]![i]!));
      const g1 = gradientAt(at.map((w) => Float32Array.from(w)));
      const w2 = w1.map((w, k) => w.map((x, i) => x - (0.5 * v1[k]![i]! + 0.1 * g1[k]![i]!)));
      m.trainBatch(d, null, 0, d.n, 0.1, "step 1");
      close(m.getWeights(), w1);
      m.trainBatch(d, null, 0, d.n, 0.1, "step 2");
      close(m.getWeights(), w2);
    }
  });

  it("adam's first step moves every weight by about lr (bias-corrected m / sqrt(v) = sign(g))", () => {
    const { m, d } = firstSteps("adam");
    const w0 = m.getWeights();
    m.trainBatch(d, null, 0, d.n, 0.1, "step 1");
    m.getWeights().forEach((w, k) => w.forEach((v, i) => expect(Math.abs(v - w0[k]![i]!)).toBeCloseTo(0.1, 4)));
  });

  // RMSProp and Adam over several steps against their formulas in float64, on
  // 10 weights and 2 biases (the kernels' four-lane part and scalar tail),
  // with a large epsilon so where it enters the formula shows.
  function formulaSteps(name: "rmsprop" | "adam", steps: number): void {
    const options = { name, learningRate: 0.05, rho: 0.8, beta1: 0.7, beta2: 0.9, epsilon: 0.01 };
    const make = (opt: typeof options | "sgd") => {
      const m = sequential([dense({ units: 2 })], { inputShape: [5], seed: 11 });
      m.compile({ optimizer: opt === "sgd" ? { name: "sgd", learningRate: 0.1 } : opt, loss: "mse" });
      return m;
    };
    const model = make(options);
    const probe = make("sgd");
    const d = data(6, 5, 2, "mse", 13);
    let theta = model.getWeights().map((w) => Array.from(w));
    let s1 = theta.map((w) => w.map(() => 0));
    let s2 = theta.map((w) => w.map(() => 0));
    for (let t = 1; t <= steps; t++) {
      probe.setWeights(theta.map((w) => Float32Array.from(w)));
      const g = analyticGradients(probe, d).map((x) => Array.from(x));
      if (name === "rmsprop") {
        s1 = s1.map((w, k) => w.map((s, i) => options.rho * s + (1 - options.rho) * g[k]![i]! ** 2));
        theta = theta.map((w, k) =>
          w.map((x, i) => x - (options.learningRate * g[k]![i]!) / (Math.sqrt(s1[k]![i]!) + options.epsilon)),
        );
      } else {
        const c1 = 1 - options.beta1 ** t,
          c2 = 1 - options.beta2 ** t;
        s1 = s1.map((w, k) => w.map((m, i) => options.beta1 * m + (1 - options.beta1) * g[k]![i]!));
        s2 = s2.map((w, k) => w.map((v, i) => options.beta2 * v + (1 - options.beta2) * g[k]![i]! ** 2));
        theta = theta.map((w, k) =>
          w.map(
            (x, i) => x - (options.learningRate * (s1[k]![i]! / c1)) / (Math.sqrt(s2[k]![i]! / c2) + options.epsilon),
          ),
        );
      }
      model.trainBatch(d, null, 0, d.n, options.learningRate, `step ${t}`);
      close(model.getWeights(), theta);
    }
  }

  it("rmsprop: s = rho s + (1 - rho) g^2, theta -= lr g / (sqrt(s) + eps), four steps", () =>
    formulaSteps("rmsprop", 4));
  it("adam: bias-corrected m and v, theta -= lr m^ / (sqrt(v^) + eps), four steps", () => formulaSteps("adam", 4));

  it("nesterov takes its gradient at theta - gamma v (differs from momentum from the second step)", () => {
    const run = (name: "momentum" | "nesterov") => {
      const { m, d } = firstSteps(name);
      for (let s = 0; s < 3; s++) m.trainBatch(d, null, 0, d.n, 0.1, `step ${s}`);
      return m.getWeights()[0]!;
    };
    expect(Array.from(run("nesterov"))).not.toEqual(Array.from(run("momentum")));
  });

  it("state kept per weight: none for sgd, v for momentum, rmsprop's s, adam's m and v; nesterov also keeps theta", () => {
    const kept = (["sgd", "momentum", "nesterov", "rmsprop", "adam"] as const).map((name) => {
      const m = sequential([dense({ units: 3 })], { inputShape: [5] });
      const before = m.ws.mark();
      m.compile({ optimizer: { name }, loss: "mse" });
      return { checkpointed: m.optimizer.stateBuffers().length, floats: m.ws.mark() - before };
    });
    const one = kept[1]!.floats; // one buffer per parameter (kernel and bias), each rounded up for alignment
    expect(one).toBeGreaterThanOrEqual(18);
    expect(kept).toEqual([
      { checkpointed: 0, floats: 0 },
      { checkpointed: 2, floats: one },
      { checkpointed: 2, floats: 2 * one }, // the look-ahead's saved weights are not checkpointed state
      { checkpointed: 2, floats: one },
      { checkpointed: 4, floats: 2 * one },
    ]);
  });

  it("compile() again after training: the new optimiser starts from zero state, not the old one's memory", () => {
    const { m, d } = firstSteps("adam");
    m.fit(d, { epochs: 3, batchSize: 2 });
    m.compile({ optimizer: { name: "momentum", learningRate: 0.1, momentum: 0.5 }, loss: "mse" });
    for (const b of m.optimizer.stateBuffers()) expect(Array.from(m.ws.f32(b)).every((v) => v === 0)).toBe(true);
  });

  it("every optimiser lowers the loss on the sine regression", () => {
    const train = sine(400, 1);
    for (const name of ["sgd", "momentum", "nesterov", "rmsprop", "adam"] as const) {
      const m = sequential([dense({ units: 16, activation: "tanh" }), dense({ units: 1 })], {
        inputShape: [1],
        seed: 2,
      });
      m.compile({
        optimizer: { name, learningRate: name === "sgd" || name === "momentum" || name === "nesterov" ? 0.05 : 0.01 },
        loss: "mse",
      });
      const before = m.evaluate(train).loss!;
      m.fit(train, { epochs: 15, batchSize: 16 });
      expect(m.evaluate(train).loss!, name).toBeLessThan(before * 0.5);
    }
  });
});
