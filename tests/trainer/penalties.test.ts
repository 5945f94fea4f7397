// Which parameters the L1/L2 penalty l2 sum(w^2) + l1 sum(|w|) applies to, in
// every layer that has parameters: the weight matrices (kernels, recurrent
// and output kernels, embedding tables), never biases, batch normalisation's
// gamma and beta, or PReLU's slopes (as Keras's kernel and recurrent
// regularizers do). Checked on the loss (the penalty evaluate() adds, against
// the sum over the weights by name) and on the step (one SGD step with the
// penalty moves each weight by -lr (2 l2 w + l1 sign w) more than without,
// and nothing else).
import { describe, it, expect } from "vitest";
import {
  sequential,
  dense,
  conv2d,
  depthwiseConv2d,
  batchNormalization,
  prelu,
  flatten,
  simpleRnn,
  lstm,
  jordanRnn,
  embedding,
} from "@wasmlite/trainer";
import type { Dataset, Sequential } from "@wasmlite/trainer";
import { data } from "../helpers/gradients.ts";

const L1 = 0.003;
const L2 = 0.02;
const LR = 0.1;

/** The parameters the penalty is for, by the last part of their names. */
const PENALISED = /\/(kernel|recurrent_kernel|output_kernel|embeddings)$/;
const NOT_PENALISED = /\/(bias|output_bias|gamma|beta|alpha)$/;

interface Case {
  name: string;
  model: () => Sequential;
  data: Dataset;
}

const images = { ...data(6, 36, 3, "categoricalCrossentropy", 1), inputShape: [6, 6, 1] };
const sequences = { ...data(6, 12, 3, "categoricalCrossentropy", 2), inputShape: [4, 3] };
const ids: Dataset = {
  ...data(6, 5, 3, "categoricalCrossentropy", 3),
  inputShape: [5],
};
ids.x = ids.x.map((v) => Math.floor((v + 1) * 4.99)); // token ids 0..9

const CASES: Case[] = [
  {
    name: "conv2d, batch normalisation, PReLU, depthwise conv2d, dense",
    model: () =>
      sequential(
        [
          conv2d({ filters: 2, kernelSize: 3 }),
          batchNormalization(),
          prelu(),
          depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2 }),
          flatten(),
          dense({ units: 3, activation: "softmax" }),
        ],
        { inputShape: [6, 6, 1], seed: 4 },
      ),
    data: images,
  },
  {
    name: "simple RNN, LSTM, Jordan RNN",
    model: () =>
      sequential(
        [
          simpleRnn({ units: 3, returnSequences: true }),
          lstm({ units: 2, returnSequences: true }),
          jordanRnn({ units: 3, outputs: 3 }),
          dense({ units: 3, activation: "softmax" }),
        ],
        { inputShape: [4, 3], seed: 5 },
      ),
    data: sequences,
  },
  {
    name: "embedding, dense",
    model: () =>
      sequential([embedding({ vocabulary: 10, width: 2 }), flatten(), dense({ units: 3, activation: "softmax" })], {
        inputShape: [5],
        seed: 6,
      }),
    data: ids,
  },
];

function compiled(c: Case, penalties: boolean): Sequential {
  const m = c.model();
  m.compile({
    optimizer: { name: "sgd", learningRate: LR },
    loss: "categoricalCrossentropy",
    ...(penalties ? { l1: L1, l2: L2 } : {}),
  });
  return m;
}

describe("L1/L2 penalties: on the weight matrices, not on biases, gamma, beta or slopes", () => {
  for (const c of CASES) {
    it(`${c.name}: each parameter is penalised or not by its role`, () => {
      for (const p of compiled(c, true).params()) {
        if (PENALISED.test(p.name)) expect(p.regularized, p.name).toBe(true);
        else if (NOT_PENALISED.test(p.name)) expect(p.regularized, p.name).toBe(false);
        else throw new Error(`${p.name}: a parameter this test does not know; say whether it is penalised`);
      }
    });

    it(`${c.name}: evaluate() adds l2 sum(w^2) + l1 sum(|w|) over the weights; an SGD step moves each weight by -lr (2 l2 w + l1 sign w) more, nothing else`, () => {
      const plain = compiled(c, false);
      const penalised = compiled(c, true);
      let expected = 0;
      const before = penalised.params().map((p) => Float32Array.from(penalised.ws.f32(p.value)));
      penalised.params().forEach((p, i) => {
        if (!PENALISED.test(p.name)) return;
        for (const v of before[i]!) expected += L2 * v * v + L1 * Math.abs(v);
      });
      const added = penalised.evaluate(c.data).loss! - plain.evaluate(c.data).loss!;
      // Same weights, same data: the losses differ by the penalty alone, both summed in double over
      // the same float32 weights, in another order (observed worst relative difference 9.2e-16).
      expect(Math.abs(added - expected) / expected).toBeLessThan(1e-15);

      plain.fit(c.data, { epochs: 1, batchSize: c.data.n, shuffle: false });
      penalised.fit(c.data, { epochs: 1, batchSize: c.data.n, shuffle: false });
      const stepped = penalised.params();
      plain.params().forEach((p, i) => {
        const a = plain.ws.f32(p.value);
        const b = penalised.ws.f32(stepped[i]!.value);
        const w0 = before[i]!;
        for (let k = 0; k < a.length; k++) {
          const extra = PENALISED.test(p.name) ? -LR * (2 * L2 * w0[k]! + L1 * Math.sign(w0[k]!)) : 0;
          // Each run rounds its stepped weight (below 1) to float32 once: at most one ulp of 1 between
          // them, 1.2e-7 (observed worst 5.4e-8).
          expect(Math.abs(b[k]! - a[k]! - extra), `${p.name}[${k}]`).toBeLessThan(1.2e-7);
        }
      });
    });
  }
});

describe("each penalty on its own", () => {
  // The same dense model with l1 alone, then l2 alone: each term is added
  // without the other (neither is skipped because the other is 0).
  const d = data(6, 4, 3, "categoricalCrossentropy", 7);
  const make = (penalty: { l1?: number; l2?: number }) => {
    const m = sequential([dense({ units: 3, activation: "softmax" })], { inputShape: [4], seed: 8 });
    m.compile({ optimizer: { name: "sgd", learningRate: LR }, loss: "categoricalCrossentropy", ...penalty });
    return m;
  };
  for (const [name, penalty, term, slope] of [
    ["l1", { l1: L1 }, (w: number) => L1 * Math.abs(w), (w: number) => L1 * Math.sign(w)],
    ["l2", { l2: L2 }, (w: number) => L2 * w * w, (w: number) => 2 * L2 * w],
  ] as const) {
    it(`${name} alone: the loss gains its term, the step its gradient`, () => {
      const plain = make({}),
        penalised = make(penalty);
      // A weight of exactly 0: sign(0) = 0, so l1 adds nothing to its step.
      for (const m of [plain, penalised]) {
        const w = m.getWeights();
        w[0]![1] = 0;
        m.setWeights(w);
      }
      const kernel = Array.from(penalised.getWeights()[0]!);
      const expected = kernel.reduce((s, w) => s + term(w), 0);
      // The penalty (about 0.01 here) is added to a mean loss near 1, so each of the two losses is
      // rounded to a double ulp of 1 (2.2e-16), and so is their difference: within 2 ulps of the sum.
      const loss = penalised.evaluate(d).loss!;
      expect(Math.abs(loss - plain.evaluate(d).loss! - expected)).toBeLessThanOrEqual(2 * Number.EPSILON * loss);
      plain.fit(d, { epochs: 1, batchSize: d.n, shuffle: false });
      penalised.fit(d, { epochs: 1, batchSize: d.n, shuffle: false });
      const a = plain.getWeights()[0]!,
        b = penalised.getWeights()[0]!;
      kernel.forEach((w, k) =>
        // One float32 rounding of each stepped weight below 1, as above.
        expect(Math.abs(b[k]! - a[k]! + LR * slope(w)), `kernel[${k}]`).toBeLessThan(1.2e-7),
      );
    });
  }
});
