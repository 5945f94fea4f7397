// LSTM (update, forget, candidate and output gates) against independent
// references: the forward pass against the cell's equations written out per cell in double
// precision; the gradients against central finite differences (stacked
// layers, sequences in and out, one step); truncated BPTT against a plain
// BPTT written here from the same equations; the export
// (UNIDIRECTIONAL_SEQUENCE_LSTM, STRIDED_SLICE for the last step) in our
// runtime: float32 within the float32 rule, int8 as TFLite's integer LSTM.
import { describe, it, expect } from "vitest";
import { sequential, lstm, dense, flatten, type Dataset } from "@wasmlite/trainer";
import { exportTflite } from "../../../trainer/export/tflite.ts";
import { verifyExport } from "../../../trainer/export/verify.ts";
import { cellStateScaleLog2 } from "../../../trainer/layers/lstm.ts";
import { readModel } from "@wasmlite/format";
import { gradientCheck, analyticGradients, data, sequenceData, expectGradientsMatch } from "../../helpers/gradients.ts";
import { trainConfigSchema } from "../../../cli/train-and-export/config-schema.ts";
import { expectConfigRoundTrip, configFileWith } from "../../helpers/layer-config.ts";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface LstmWeights {
  w: Float32Array; // [4H, F], gates update, forget, candidate, output
  u: Float32Array; // [4H, H]
  b: Float32Array; // [4H]
}

/** One sample's steps by the cell's equations: every step's gates, cell and hidden state. */
function seedLstm(x: Float32Array, sample: number, t: number, f: number, p: LstmWeights) {
  const h = p.b.length / 4;
  const steps: { gates: number[]; c: number[]; h: number[] }[] = [];
  let hPrev = new Array<number>(h).fill(0),
    cPrev = new Array<number>(h).fill(0);
  for (let k = 0; k < t; k++) {
    const z = Array.from({ length: 4 * h }, (_, r) => {
      let v = p.b[r]!;
      for (let i = 0; i < f; i++) v += p.w[r * f + i]! * x[(sample * t + k) * f + i]!;
      for (let i = 0; i < h; i++) v += p.u[r * h + i]! * hPrev[i]!;
      return v;
    });
    const gates = z.map((v, r) => (r >= 2 * h && r < 3 * h ? Math.tanh(v) : sigmoid(v)));
    const c = cPrev.map((cp, j) => gates[h + j]! * cp + gates[j]! * gates[2 * h + j]!);
    const hNext = c.map((cv, j) => gates[3 * h + j]! * Math.tanh(cv));
    steps.push({ gates, c, h: hNext });
    hPrev = hNext;
    cPrev = c;
  }
  return steps;
}

/**
 * BPTT for one LSTM whose last step is the model's output under mean squared
 * error, in double precision, with the truncation rule: neither the hidden
 * nor the cell gradient flows back into step s - 1 when step s starts a
 * window of `window` steps.
 */
function plainBptt(d: Dataset, t: number, f: number, p: LstmWeights, window: number) {
  const h = p.b.length / 4;
  const dW = new Float64Array(4 * h * f),
    dU = new Float64Array(4 * h * h),
    db = new Float64Array(4 * h);
  for (let s = 0; s < d.n; s++) {
    const steps = seedLstm(d.x, s, t, f, p);
    let dh = steps[t - 1]!.h.map((v, j) => (2 * (v - d.y[s * h + j]!)) / (d.n * h));
    let dcNext = new Array<number>(h).fill(0); // dC_(k+1) f_(k+1)
    for (let k = t - 1; k >= 0; k--) {
      const { gates, c } = steps[k]!;
      const cPrev = k > 0 ? steps[k - 1]!.c : new Array<number>(h).fill(0);
      const hPrev = k > 0 ? steps[k - 1]!.h : new Array<number>(h).fill(0);
      const dz = new Array<number>(4 * h);
      const dc = new Array<number>(h);
      for (let j = 0; j < h; j++) {
        const [u, fg, g, o] = [gates[j]!, gates[h + j]!, gates[2 * h + j]!, gates[3 * h + j]!];
        const tc = Math.tanh(c[j]!);
        dc[j] = dcNext[j]! + dh[j]! * o * (1 - tc * tc);
        dz[j] = dc[j]! * g * u * (1 - u);
        dz[h + j] = dc[j]! * cPrev[j]! * fg * (1 - fg);
        dz[2 * h + j] = dc[j]! * u * (1 - g * g);
        dz[3 * h + j] = dh[j]! * tc * o * (1 - o);
      }
      for (let r = 0; r < 4 * h; r++) {
        db[r] = db[r]! + dz[r]!;
        for (let i = 0; i < f; i++) dW[r * f + i] = dW[r * f + i]! + dz[r]! * d.x[(s * t + k) * f + i]!;
        for (let i = 0; i < h; i++) dU[r * h + i] = dU[r * h + i]! + dz[r]! * hPrev[i]!;
      }
      const cut = k % window === 0;
      dh = Array.from({ length: h }, (_, i) => (cut ? 0 : dz.reduce((acc, g, r) => acc + g * p.u[r * h + i]!, 0)));
      dcNext = dc.map((v, j) => (cut ? 0 : v * gates[h + j]!));
    }
  }
  return [dW, dU, db];
}

function weightsOf(m: ReturnType<typeof sequential>, layer: ReturnType<typeof lstm>): LstmWeights {
  return { w: m.ws.f32(layer.w.value), u: m.ws.f32(layer.u.value), b: m.ws.f32(layer.b.value) };
}

describe("LSTM forward against the cell's equations, step by step", () => {
  for (const returnSequences of [false, true]) {
    it(returnSequences ? "every step" : "the last step", () => {
      const layer = lstm({ units: 6, returnSequences });
      const m = sequential([layer], { inputShape: [7, 5], seed: 3 });
      const bias = m.ws.f32(layer.b.value);
      bias.set(Float32Array.from(bias, (v, i) => v + 0.05 * (i % 7) - 0.15));
      const d = sequenceData(3, 7, 5, 6, 4);
      const expected = [0, 1, 2].map((s) => seedLstm(d.x, s, 7, 5, weightsOf(m, layer)));
      const flat = expected.flatMap((steps) => (returnSequences ? steps.flatMap((k) => k.h) : steps[6]!.h));
      const got = m.predict(d.x);
      expect(got.length).toBe(flat.length);
      // float32 (polynomial exp) against double over 7 steps: observed worst 7.6e-8.
      got.forEach((v, i) => expect(Math.abs(v - flat[i]!), `output ${i}`).toBeLessThanOrEqual(2e-7));
    });
  }

  it("the forget gate's bias starts at 1 unless unitForgetBias is false; the other gates' at 0", () => {
    const on = lstm({ units: 3 });
    const mOn = sequential([on], { inputShape: [2, 2], seed: 1 });
    expect(Array.from(mOn.ws.f32(on.b.value))).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const off = lstm({ units: 3, unitForgetBias: false });
    const mOff = sequential([off], { inputShape: [2, 2], seed: 1 });
    expect(Array.from(mOff.ws.f32(off.b.value))).toEqual(new Array(12).fill(0));
  });
});

describe("gradients against central finite differences", () => {
  it("LSTM (sequences) -> LSTM (last step) -> dense, L2, mean squared error", () => {
    const m = sequential([lstm({ units: 5, returnSequences: true }), lstm({ units: 4 }), dense({ units: 2 })], {
      inputShape: [6, 3],
      seed: 7,
    });
    m.compile({ optimizer: "sgd", loss: "mse", l2: 1e-3 });
    expect(gradientCheck(m, sequenceData(4, 6, 3, 2, 8)).checked).toBeGreaterThanOrEqual(60);
  });

  it("a sequence output into flatten and a dense softmax; and one step (no recurrence at all)", () => {
    const m = sequential(
      [lstm({ units: 4, returnSequences: true }), flatten(), dense({ units: 3, activation: "softmax" })],
      { inputShape: [5, 2], seed: 9 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    gradientCheck(m, { ...data(5, 10, 3, "categoricalCrossentropy", 10), inputShape: [5, 2] });
    const one = sequential([lstm({ units: 3 }), dense({ units: 1 })], { inputShape: [1, 4], seed: 11 });
    one.compile({ optimizer: "sgd", loss: "mse" });
    gradientCheck(one, sequenceData(4, 1, 4, 1, 12));
  });
});

describe("truncated backpropagation through time", () => {
  for (const window of [1, 2, 3, 8]) {
    it(`windows of ${window} step(s) over 8 steps: the gradient a plain BPTT with the same cuts gives`, () => {
      const layer = lstm({ units: 4, truncate: window });
      const m = sequential([layer], { inputShape: [8, 3], seed: 13 });
      m.compile({ optimizer: "sgd", loss: "mse" });
      const d = sequenceData(3, 8, 3, 4, 14);
      const got = analyticGradients(m, d);
      const want = plainBptt(d, 8, 3, weightsOf(m, layer), window);
      // float32 against double: observed worst 3.6e-8 on gradients up to 0.29.
      expectGradientsMatch(m, got, want, 1e-7);
    });
  }

  it("a shorter window changes the recurrent gradient (the cut is real)", () => {
    const grads = [2, 8].map((window) => {
      const m = sequential([lstm({ units: 4, truncate: window })], { inputShape: [8, 3], seed: 13 });
      m.compile({ optimizer: "sgd", loss: "mse" });
      return analyticGradients(m, sequenceData(3, 8, 3, 4, 14))[1]!;
    });
    expect(Array.from(grads[0]!)).not.toEqual(Array.from(grads[1]!));
  });
});

describe("configs and export", () => {
  it("config round trip through the registry and the schema; clear errors", () => {
    const layer = lstm({ units: 3, returnSequences: true, truncate: 4, unitForgetBias: false });
    sequential([layer], { inputShape: [5, 2] });
    const config = layer.config();
    expect(config).toEqual({ type: "lstm", units: 3, returnSequences: true, truncate: 4, unitForgetBias: false });
    expectConfigRoundTrip(layer);
    expect(trainConfigSchema.safeParse(configFileWith([{ type: "lstm", units: 0 }])).success).toBe(false);
    expect(() => lstm({ units: 2.5 })).toThrow(/lstm: units: must be a whole number, got 2.5/);
    expect(() => lstm({ units: 2, truncate: 0 })).toThrow(/lstm: truncate: must be >= 1, got 0/);
    expect(() => sequential([lstm({ units: 2 })], { inputShape: [6] })).toThrow(
      /expects sequences \[steps, features\]/,
    );
  });

  it("the int8 cell state's power-of-two scale covers the calibrated cell values, within TFLite's formats", () => {
    const within = (min: number, max: number) => cellStateScaleLog2({ min, max });
    expect(cellStateScaleLog2(undefined)).toBe(-15); // not calibrated
    expect(within(0, 0)).toBe(-15);
    expect(within(-0.2, 0.7)).toBe(-15); // |c| < 1: Q0.15
    expect(within(-1.5, 0.5)).toBe(-14); // the negative side is the larger
    expect(within(-1, 4)).toBe(-13);
    expect(within(-4.01, 4)).toBe(-12);
    expect(within(-3, 1000)).toBe(-9); // beyond 64 the cell saturates
  });

  for (const returnSequences of [false, true]) {
    it(`${returnSequences ? "sequences -> flatten -> dense" : "last step (STRIDED_SLICE) -> dense"}: float32 within 1e-5 in the runtime, int8 (integer LSTM) close`, async () => {
      const train = sequenceData(300, 9, 3, 2, 20);
      const test = sequenceData(100, 9, 3, 2, 21);
      const m = sequential(
        [lstm({ units: 8, returnSequences }), ...(returnSequences ? [flatten()] : []), dense({ units: 2 })],
        { inputShape: [9, 3], seed: 22 },
      );
      m.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse", clipNorm: 5 });
      m.fit(train, { epochs: 3, batchSize: 32 });
      const f32 = exportTflite(m, { kind: "float32" });
      const ops = readModel(f32).operators.map((o) => o.op);
      expect(ops).toEqual(
        returnSequences
          ? ["UNIDIRECTIONAL_SEQUENCE_LSTM", "RESHAPE", "FULLY_CONNECTED"]
          : ["UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "FULLY_CONNECTED"],
      );
      const f = await verifyExport(f32, "float32", m, test);
      expect(f.maxAbsDifference).toBeLessThanOrEqual(1e-5);
      const int8 = exportTflite(m, { kind: "int8", calibration: train });
      const lstmOp = readModel(int8).operators[0]!;
      expect(lstmOp.op).toBe("UNIDIRECTIONAL_SEQUENCE_LSTM");
      const q = await verifyExport(int8, "int8", m, test);
      // int8 weights and hidden state (steps of max|h| / 127), int16 cell state, an int8 dense layer
      // after it: observed worst 0.0040 from the float model's outputs (in [-1, 1]).
      expect(q.maxAbsDifference).toBeLessThanOrEqual(0.005);
      expect(q.mse!).toBeLessThanOrEqual(q.floatMse! * 1.01);
    }, 60_000);
  }
});
