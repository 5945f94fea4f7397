// SimpleRNN (Elman's network) against independent references: the
// forward pass against a direct loop over steps in double precision; the
// gradients against central finite differences (sequences in, sequences
// out, stacked layers); truncated BPTT against a plain BPTT written here
// with the truncation rule; gradient clipping against its formula; the
// export (UNIDIRECTIONAL_SEQUENCE_RNN, STRIDED_SLICE for the last step) in
// our runtime within the float32 rule, and the int8 (hybrid) file.
import { describe, it, expect } from "vitest";
import { sequential, simpleRnn, dense, flatten, rebuildLayer } from "@wasmlite/trainer";
import { exportTflite } from "../../../trainer/export/tflite.ts";
import { verifyExport } from "../../../trainer/export/verify.ts";
import { readModel } from "@wasmlite/format";
import { gradientCheck, analyticGradients, data, sequenceData, expectGradientsMatch } from "../../helpers/gradients.ts";
import { trainConfigSchema } from "../../../cli/train-and-export/config-schema.ts";

const act = { tanh: Math.tanh, relu: (v: number) => Math.max(v, 0), identity: (v: number) => v };

/** The Elman recurrence, sample by sample and step by step, in double precision. */
function directRnn(
  x: Float32Array,
  n: number,
  t: number,
  f: number,
  w: Float32Array,
  u: Float32Array,
  b: Float32Array,
  a: keyof typeof act,
) {
  const hUnits = b.length;
  const out: number[][][] = [];
  for (let s = 0; s < n; s++) {
    let h = new Array<number>(hUnits).fill(0);
    const steps: number[][] = [];
    for (let k = 0; k < t; k++) {
      const next = Array.from({ length: hUnits }, (_, j) => {
        let z = b[j]!;
        for (let i = 0; i < f; i++) z += w[j * f + i]! * x[(s * t + k) * f + i]!;
        for (let i = 0; i < hUnits; i++) z += u[j * hUnits + i]! * h[i]!;
        return act[a](z);
      });
      steps.push(next);
      h = next;
    }
    out.push(steps);
  }
  return out;
}

describe("SimpleRNN forward against the recurrence, step by step", () => {
  for (const a of ["tanh", "relu", "identity"] as const) {
    for (const returnSequences of [false, true]) {
      it(`${a}, ${returnSequences ? "every step" : "the last step"}`, () => {
        const layer = simpleRnn({ units: 6, activation: a, returnSequences });
        const m = sequential([layer], { inputShape: [7, 5], seed: 3 });
        const bias = m.ws.f32(layer.b.value);
        bias.set(Float32Array.from(bias, (_, i) => 0.1 * i - 0.25));
        const d = sequenceData(3, 7, 5, 6, 4);
        const expected = directRnn(
          d.x,
          3,
          7,
          5,
          m.ws.f32(layer.w.value),
          m.ws.f32(layer.u.value),
          m.ws.f32(layer.b.value),
          a,
        );
        const got = m.predict(d.x);
        const flat = expected.flatMap((steps) => (returnSequences ? steps.flat() : steps[steps.length - 1]!));
        expect(got.length).toBe(flat.length);
        // float32 against double over 7 steps of 11-term sums: observed worst 4.2e-7.
        got.forEach((v, i) => expect(Math.abs(v - flat[i]!), `output ${i}`).toBeLessThanOrEqual(2e-6));
      });
    }
  }
});

describe("gradients against central finite differences", () => {
  it("SimpleRNN (sequences, tanh) -> SimpleRNN (last step, relu) -> dense, L2, mean squared error", () => {
    const m = sequential(
      [
        simpleRnn({ units: 5, returnSequences: true }),
        simpleRnn({ units: 4, activation: "relu" }),
        dense({ units: 2 }),
      ],
      { inputShape: [6, 3], seed: 7 },
    );
    m.compile({ optimizer: "sgd", loss: "mse", l2: 1e-3 });
    expect(gradientCheck(m, sequenceData(4, 6, 3, 2, 8)).checked).toBeGreaterThanOrEqual(60);
  });

  it("a sequence output into flatten and a dense softmax, with one step (no recurrence at all)", () => {
    const m = sequential(
      [
        simpleRnn({ units: 4, returnSequences: true, activation: "identity" }),
        flatten(),
        dense({ units: 3, activation: "softmax" }),
      ],
      { inputShape: [5, 2], seed: 9 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    gradientCheck(m, { ...data(5, 10, 3, "categoricalCrossentropy", 10), inputShape: [5, 2] });
    const one = sequential([simpleRnn({ units: 3 }), dense({ units: 1 })], { inputShape: [1, 4], seed: 11 });
    one.compile({ optimizer: "sgd", loss: "mse" });
    gradientCheck(one, sequenceData(4, 1, 4, 1, 12));
  });
});

/**
 * BPTT for one tanh SimpleRNN whose last step is the model's output under
 * mean squared error, with the truncation rule: the gradient does not flow
 * back into step s - 1 when step s starts a window of `window` steps.
 */
function plainBptt(
  x: Float32Array,
  y: Float32Array,
  n: number,
  t: number,
  f: number,
  w: Float32Array,
  u: Float32Array,
  b: Float32Array,
  window: number,
) {
  const h = b.length;
  const dW = new Float64Array(h * f),
    dU = new Float64Array(h * h),
    db = new Float64Array(h);
  for (let s = 0; s < n; s++) {
    const states: number[][] = [new Array<number>(h).fill(0)];
    for (let k = 0; k < t; k++) {
      const prev = states[k]!;
      states.push(
        Array.from({ length: h }, (_, j) => {
          let z = b[j]!;
          for (let i = 0; i < f; i++) z += w[j * f + i]! * x[(s * t + k) * f + i]!;
          for (let i = 0; i < h; i++) z += u[j * h + i]! * prev[i]!;
          return Math.tanh(z);
        }),
      );
    }
    let dh = states[t]!.map((v, j) => (2 * (v - y[s * h + j]!)) / (n * h));
    for (let k = t - 1; k >= 0; k--) {
      const hk = states[k + 1]!,
        prev = states[k]!;
      const dz = dh.map((g, j) => g * (1 - hk[j]! * hk[j]!));
      for (let j = 0; j < h; j++) {
        db[j] = db[j]! + dz[j]!;
        for (let i = 0; i < f; i++) dW[j * f + i] = dW[j * f + i]! + dz[j]! * x[(s * t + k) * f + i]!;
        for (let i = 0; i < h; i++) dU[j * h + i] = dU[j * h + i]! + dz[j]! * prev[i]!;
      }
      const cut = k % window === 0;
      dh = Array.from({ length: h }, (_, i) => (cut ? 0 : dz.reduce((acc, g, j) => acc + g * u[j * h + i]!, 0)));
    }
  }
  return [dW, dU, db];
}

describe("truncated backpropagation through time", () => {
  for (const window of [1, 2, 3, 8]) {
    it(`windows of ${window} step(s) over 8 steps: the gradient a plain BPTT with the same cuts gives`, () => {
      const layer = simpleRnn({ units: 4, truncate: window });
      const m = sequential([layer], { inputShape: [8, 3], seed: 13 });
      m.compile({ optimizer: "sgd", loss: "mse" });
      const d = sequenceData(3, 8, 3, 4, 14);
      const got = analyticGradients(m, d);
      const want = plainBptt(
        d.x,
        d.y,
        3,
        8,
        3,
        m.ws.f32(layer.w.value),
        m.ws.f32(layer.u.value),
        m.ws.f32(layer.b.value),
        window,
      );
      // float32 against double: observed worst 3e-9 on gradients of magnitude ~0.1.
      expectGradientsMatch(m, got, want, 1e-6);
    });
  }

  it("a shorter window changes the recurrent gradient (the cut is real)", () => {
    const grads = [1, 8].map((window) => {
      const m = sequential([simpleRnn({ units: 4, truncate: window })], { inputShape: [8, 3], seed: 13 });
      m.compile({ optimizer: "sgd", loss: "mse" });
      return analyticGradients(m, sequenceData(3, 8, 3, 4, 14))[1]!;
    });
    expect(Array.from(grads[0]!)).not.toEqual(Array.from(grads[1]!));
  });
});

describe("gradient clipping by global norm", () => {
  it("a step longer than clipNorm is scaled to it; a shorter one is left alone", () => {
    const d = sequenceData(6, 5, 2, 1, 15);
    const step = (clipNorm?: number) => {
      const m = sequential([simpleRnn({ units: 4 }), dense({ units: 1 })], { inputShape: [5, 2], seed: 16 });
      m.compile({ optimizer: { name: "sgd", learningRate: 1 }, loss: "mse", clipNorm });
      const before = m.getWeights();
      const g = analyticGradients(m, d);
      m.trainBatch(d, null, 0, d.n, 1, "clip test");
      const moved = m.getWeights().map((w, k) => w.map((v, i) => before[k]![i]! - v));
      const norm = (arrays: Float32Array[]) =>
        Math.sqrt(arrays.reduce((s, a) => s + a.reduce((t, v) => t + v * v, 0), 0));
      return { gradNorm: norm(g), stepNorm: norm(moved), moved, g };
    };
    const free = step();
    const clipped = step(free.gradNorm / 4);
    expect(clipped.stepNorm).toBeCloseTo(free.gradNorm / 4, 5);
    // The same direction: each entry a quarter of the unclipped step.
    clipped.moved.forEach((a, k) => a.forEach((v, i) => expect(v).toBeCloseTo(free.moved[k]![i]! / 4, 6)));
    const loose = step(free.gradNorm * 2);
    expect(loose.stepNorm).toBeCloseTo(free.stepNorm, 6);
    const m = sequential([dense({ units: 1 })], { inputShape: [2] });
    expect(() => m.compile({ optimizer: "sgd", loss: "mse", clipNorm: 0 })).toThrow(/clipNorm must be > 0/);
  });
});

describe("configs and export", () => {
  it("config round trip through the registry and the schema", () => {
    const layer = simpleRnn({ units: 3, activation: "relu", returnSequences: true, truncate: 4 });
    sequential([layer], { inputShape: [5, 2] });
    const config = layer.config();
    expect(rebuildLayer(JSON.parse(JSON.stringify(config))).config()).toEqual(config);
    const file = {
      data: { dataset: "sine" },
      layers: [config],
      compile: { optimizer: "sgd", loss: "mse", clipNorm: 1 },
      fit: { epochs: 1 },
    };
    expect(trainConfigSchema.safeParse(file).success).toBe(true);
    expect(() => simpleRnn({ units: 3, activation: "sigmoid" as "tanh" })).toThrow(
      /simpleRnn: activation: must be one of "tanh", "relu", "identity", got "sigmoid"/,
    );
    expect(() => sequential([simpleRnn({ units: 2 })], { inputShape: [6] })).toThrow(
      /expects sequences \[steps, features\]/,
    );
  });

  for (const returnSequences of [false, true]) {
    it(`${returnSequences ? "sequences -> flatten -> dense" : "last step (STRIDED_SLICE) -> dense"}: float32 within 1e-5 in the runtime, int8 (hybrid RNN) close`, async () => {
      const train = sequenceData(300, 9, 3, 2, 20);
      const test = sequenceData(100, 9, 3, 2, 21);
      const m = sequential(
        [simpleRnn({ units: 8, returnSequences }), ...(returnSequences ? [flatten()] : []), dense({ units: 2 })],
        { inputShape: [9, 3], seed: 22 },
      );
      m.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse", clipNorm: 5 });
      m.fit(train, { epochs: 3, batchSize: 32 });
      const f32 = exportTflite(m, { kind: "float32" });
      const ops = readModel(f32).operators.map((o) => o.op);
      expect(ops).toEqual(
        returnSequences
          ? ["UNIDIRECTIONAL_SEQUENCE_RNN", "RESHAPE", "FULLY_CONNECTED"]
          : ["UNIDIRECTIONAL_SEQUENCE_RNN", "STRIDED_SLICE", "FULLY_CONNECTED"],
      );
      const f = await verifyExport(f32, "float32", m, test);
      expect(f.maxAbsDifference).toBeLessThanOrEqual(1e-5);
      const q = await verifyExport(exportTflite(m, { kind: "int8", calibration: train }), "int8", m, test);
      // int8 weights and activations around a float RNN: within 10% of the float model's error.
      expect(q.mse!).toBeLessThanOrEqual(q.floatMse! * 1.1);
    }, 60_000);
  }
});
