// The Jordan network (the recurrent network whose context is its
// output) against independent references: the forward pass against the
// seed's equations in double precision; gradients against central finite
// differences; truncated BPTT against a plain BPTT written here; the
// unrolled export (TFLite has no Jordan operator) in our runtime: float32
// within the float32 rule, int8 close to the float model.
import { describe, it, expect } from "vitest";
import { sequential, jordanRnn, dense, flatten, type Dataset } from "@wasmlite/trainer";
import { exportTflite } from "../../../trainer/export/tflite.ts";
import { verifyExport } from "../../../trainer/export/verify.ts";
import { readModel } from "@wasmlite/format";
import { gradientCheck, analyticGradients, sequenceData, expectGradientsMatch } from "../../helpers/gradients.ts";
import { expectConfigRoundTrip } from "../../helpers/layer-config.ts";
import { sineSequences } from "../../../cli/data/sine-sequences.ts";

const ACT = {
  tanh: Math.tanh,
  relu: (v: number) => Math.max(v, 0),
  sigmoid: (v: number) => 1 / (1 + Math.exp(-v)),
  identity: (v: number) => v,
};

interface JordanWeights {
  w: Float32Array;
  u: Float32Array;
  b: Float32Array;
  v: Float32Array;
  c: Float32Array;
}

/** One sample by the network's equations: each step's z, h and y, y_0 = 0. */
function seedJordan(
  x: Float32Array,
  sample: number,
  t: number,
  f: number,
  p: JordanWeights,
  act: keyof typeof ACT,
  outAct: keyof typeof ACT,
) {
  const h = p.b.length,
    o = p.c.length;
  let y = new Array<number>(o).fill(0);
  const steps: { z: number[]; h: number[]; y: number[]; yPrev: number[] }[] = [];
  for (let k = 0; k < t; k++) {
    const z = Array.from({ length: h }, (_, j) => {
      let v = p.b[j]!;
      for (let i = 0; i < f; i++) v += p.w[j * f + i]! * x[(sample * t + k) * f + i]!;
      for (let i = 0; i < o; i++) v += p.u[j * o + i]! * y[i]!;
      return v;
    });
    const hk = z.map(ACT[act]);
    const next = Array.from({ length: o }, (_, j) => {
      let v = p.c[j]!;
      for (let i = 0; i < h; i++) v += p.v[j * h + i]! * hk[i]!;
      return ACT[outAct](v);
    });
    steps.push({ z, h: hk, y: next, yPrev: y });
    y = next;
  }
  return steps;
}

/** BPTT for a tanh / identity Jordan layer as the model's output under MSE, cut at window starts. */
function plainBptt(d: Dataset, t: number, f: number, p: JordanWeights, window: number) {
  const h = p.b.length,
    o = p.c.length;
  const g = {
    w: new Float64Array(h * f),
    u: new Float64Array(h * o),
    b: new Float64Array(h),
    v: new Float64Array(o * h),
    c: new Float64Array(o),
  };
  for (let s = 0; s < d.n; s++) {
    const steps = seedJordan(d.x, s, t, f, p, "tanh", "identity");
    let dy = steps[t - 1]!.y.map((v, j) => (2 * (v - d.y[s * o + j]!)) / (d.n * o));
    for (let k = t - 1; k >= 0; k--) {
      const st = steps[k]!;
      const ds = dy; // identity output
      const dh = Array.from({ length: h }, (_, i) => ds.reduce((acc, gv, j) => acc + gv * p.v[j * h + i]!, 0));
      const dz = dh.map((gv, i) => gv * (1 - st.h[i]! * st.h[i]!));
      for (let j = 0; j < o; j++) {
        g.c[j] = g.c[j]! + ds[j]!;
        for (let i = 0; i < h; i++) g.v[j * h + i] = g.v[j * h + i]! + ds[j]! * st.h[i]!;
      }
      for (let j = 0; j < h; j++) {
        g.b[j] = g.b[j]! + dz[j]!;
        for (let i = 0; i < f; i++) g.w[j * f + i] = g.w[j * f + i]! + dz[j]! * d.x[(s * t + k) * f + i]!;
        for (let i = 0; i < o; i++) g.u[j * o + i] = g.u[j * o + i]! + dz[j]! * st.yPrev[i]!;
      }
      const cut = k % window === 0;
      dy = Array.from({ length: o }, (_, i) => (cut ? 0 : dz.reduce((acc, gv, j) => acc + gv * p.u[j * o + i]!, 0)));
    }
  }
  return [g.w, g.u, g.b, g.v, g.c];
}

function weightsOf(m: ReturnType<typeof sequential>, l: ReturnType<typeof jordanRnn>): JordanWeights {
  const f = (p: { value: Parameters<typeof m.ws.f32>[0] }) => m.ws.f32(p.value);
  return { w: f(l.w), u: f(l.u), b: f(l.b), v: f(l.v), c: f(l.c) };
}

describe("Jordan network forward against its equations", () => {
  for (const [act, outAct, returnSequences] of [
    ["tanh", "identity", false],
    ["relu", "sigmoid", true],
    ["sigmoid", "tanh", true],
  ] as const) {
    it(`${act} hidden, ${outAct} output, ${returnSequences ? "every step" : "the last step"}`, () => {
      const layer = jordanRnn({ units: 5, outputs: 3, activation: act, outputActivation: outAct, returnSequences });
      const m = sequential([layer], { inputShape: [6, 4], seed: 3 });
      const bias = m.ws.f32(layer.b.value);
      bias.set(Float32Array.from(bias, (_, i) => 0.1 * i - 0.2));
      const d = sequenceData(3, 6, 4, 3, 4);
      const expected = [0, 1, 2].map((s) => seedJordan(d.x, s, 6, 4, weightsOf(m, layer), act, outAct));
      const flat = expected.flatMap((steps) => (returnSequences ? steps.flatMap((k) => k.y) : steps[5]!.y));
      const got = m.predict(d.x);
      expect(got.length).toBe(flat.length);
      // float32 (polynomial exp) against double over 6 steps: observed worst 1.75e-7.
      got.forEach((v, i) => expect(Math.abs(v - flat[i]!), `output ${i}`).toBeLessThanOrEqual(5e-7));
    });
  }
});

describe("gradients against central finite differences", () => {
  it("Jordan (sequences, tanh output) -> flatten -> dense, and Jordan (last step, sigmoid hidden) -> dense, L2", () => {
    const m = sequential(
      [
        jordanRnn({ units: 5, outputs: 3, returnSequences: true, outputActivation: "tanh" }),
        flatten(),
        dense({ units: 2 }),
      ],
      { inputShape: [5, 3], seed: 7 },
    );
    m.compile({ optimizer: "sgd", loss: "mse", l2: 1e-3 });
    expect(gradientCheck(m, sequenceData(4, 5, 3, 2, 8)).checked).toBeGreaterThanOrEqual(58);
    const last = sequential([jordanRnn({ units: 4, outputs: 2, activation: "sigmoid" }), dense({ units: 1 })], {
      inputShape: [7, 2],
      seed: 9,
    });
    last.compile({ optimizer: "sgd", loss: "mse" });
    gradientCheck(last, sequenceData(4, 7, 2, 1, 10));
  });

  for (const window of [1, 3, 6]) {
    it(`truncated BPTT, windows of ${window} over 6 steps: the gradient a plain BPTT with the same cuts gives`, () => {
      const layer = jordanRnn({ units: 4, outputs: 3, truncate: window });
      const m = sequential([layer], { inputShape: [6, 2], seed: 13 });
      m.compile({ optimizer: "sgd", loss: "mse" });
      const d = sequenceData(3, 6, 2, 3, 14);
      const got = analyticGradients(m, d);
      const want = plainBptt(d, 6, 2, weightsOf(m, layer), window);
      // float32 against double: observed worst 7.8e-8 on gradients up to 0.27.
      expectGradientsMatch(m, got, want, 2e-7);
    });
  }
});

describe("configs and export", () => {
  it("config round trip through the registry and the schema; clear errors", () => {
    const layer = jordanRnn({ units: 3, outputs: 2, activation: "relu", outputActivation: "sigmoid", truncate: 2 });
    sequential([layer], { inputShape: [4, 2] });
    expectConfigRoundTrip(layer);
    expect(() => jordanRnn({ units: 3, outputs: 0 })).toThrow(/jordanRnn: outputs: must be >= 1, got 0/);
    expect(() => jordanRnn({ units: 3, outputs: 1, outputActivation: "relu" as "tanh" })).toThrow(
      /jordanRnn: outputActivation: must be one of "identity", "tanh", "sigmoid", got "relu"/,
    );
  });

  for (const returnSequences of [false, true]) {
    it(`unrolled export (${returnSequences ? "every step: CONCATENATION, RESHAPE" : "the last step"}): float32 within 1e-5, int8 close`, async () => {
      const { train, test } = sineSequences({ train: 1000, test: 200, steps: 12, seed: 3 });
      const m = sequential(
        [
          jordanRnn({
            units: 12,
            outputs: 3,
            returnSequences,
            outputActivation: returnSequences ? "tanh" : "identity",
          }),
          ...(returnSequences ? [flatten()] : []),
          dense({ units: 1 }),
        ],
        { inputShape: [12, 1], seed: 2 },
      );
      m.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse", clipNorm: 1 });
      m.fit(train, { epochs: 4, batchSize: 32 });
      const f32 = exportTflite(m, { kind: "float32" });
      const ops = readModel(f32).operators.map((o) => o.op);
      // Per step: STRIDED_SLICE, FULLY_CONNECTED (x), [FULLY_CONNECTED (y), ADD], TANH, FULLY_CONNECTED, [TANH].
      const perStep = returnSequences ? 7 : 6;
      // The first step has no recurrent product; then CONCATENATION, RESHAPE, the flatten's RESHAPE, the dense layer.
      expect(ops.length).toBe(12 * perStep - 2 + (returnSequences ? 4 : 1));
      expect(ops.slice(0, 4)).toEqual(["STRIDED_SLICE", "FULLY_CONNECTED", "TANH", "FULLY_CONNECTED"]);
      const f = await verifyExport(f32, "float32", m, test);
      expect(f.maxAbsDifference).toBeLessThanOrEqual(1e-5);
      const q = await verifyExport(exportTflite(m, { kind: "int8", calibration: train }), "int8", m, test);
      // int8 at every step, the output fed back quantised: observed MSE 8% (last step) and 2%
      // (every step) above the float model's.
      expect(q.mse!).toBeLessThanOrEqual(q.floatMse! * 1.1);
    }, 60_000);
  }
});
