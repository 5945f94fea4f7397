// Dropout in training mode: what it outputs (each value zeroed with
// probability rate, the others scaled by 1 / (1 - rate); the identity in
// inference), and the loss's gradient under one fixed mask (the random state
// replayed) against central finite differences.
import { describe, it, expect } from "vitest";
import { sequential, dense, dropout, Rng } from "@wasmlite/trainer";
import { data } from "../../helpers/gradients.ts";

describe("dropout", () => {
  it("training mode outputs x / (1 - rate) or 0, zeroing a share `rate` of the values; backward uses the same mask; inference is the identity", () => {
    const n = 100_000;
    for (const rate of [0.2, 0.5]) {
      const m = sequential([dropout(rate)], { inputShape: [n], seed: 21 });
      const layer = m.layers[0]!;
      layer.allocate(m.ws, 1);
      const x = m.ws.alloc(n);
      const xs = m.ws.f32(x);
      for (let i = 0; i < n; i++) xs[i] = 0.5 + (i % 97) / 10;
      const y = Float32Array.from(m.ws.f32(layer.forward(x, 1, true)));
      const scale = Math.fround(1 / (1 - rate));
      let dropped = 0;
      for (let i = 0; i < n; i++) {
        if (y[i] === 0) dropped++;
        else expect(y[i], `y[${i}]`).toBe(Math.fround(xs[i]! * scale));
      }
      // The dropped share is binomial(n, rate): within 5 standard deviations (0.0020 at rate 0.5).
      expect(Math.abs(dropped / n - rate)).toBeLessThan(5 * Math.sqrt((rate * (1 - rate)) / n));
      const dy = m.ws.alloc(n);
      m.ws.f32(dy).fill(2);
      const dx = m.ws.f32(layer.backward(dy, 1, true));
      for (let i = 0; i < n; i += 101) expect(dx[i], `dx[${i}]`).toBe(y[i] === 0 ? 0 : Math.fround(2 * scale));
      // Another training pass draws another mask; inference passes the values through.
      const again = m.ws.f32(layer.forward(x, 1, true));
      expect(again.some((v, i) => (v === 0) !== (y[i] === 0))).toBe(true);
      expect(layer.forward(x, 1, false)).toBe(x);
    }
  });

  it("dropout in training mode: the gradient of the loss under one fixed mask (the random state replayed)", () => {
    const m = sequential(
      [dense({ units: 8, activation: "tanh" }), dropout(0.4), dense({ units: 3, activation: "softmax" })],
      { inputShape: [4], seed: 11 },
    );
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const d = data(6, 4, 3, "categoricalCrossentropy", 12);
    const state = m.rng.state();
    // Training-mode loss with the same mask every time: replay the generator, step at learning rate 0.
    const loss = () => {
      m.rng.restore(state);
      return m.trainBatch(d, null, 0, d.n, 0, "dropout check");
    };
    loss();
    const grads = m.params().map((p) => Float32Array.from(m.ws.f32(p.grad)));
    const h = 1e-3;
    let checked = 0;
    m.params().forEach((p, k) => {
      for (let i = 0; i < Math.min(p.value.length, 10); i++) {
        const original = m.ws.f32(p.value)[i]!;
        m.ws.f32(p.value)[i] = original + h;
        const up = loss();
        m.ws.f32(p.value)[i] = original - h;
        const down = loss();
        m.ws.f32(p.value)[i] = original;
        const numeric = (up - down) / (2 * h);
        const analytic = grads[k]![i]!;
        expect(Math.abs(numeric - analytic), `${p.name}[${i}]`).toBeLessThanOrEqual(
          0.02 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 2e-4,
        );
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(30);
    // Some units really were dropped: a different mask changes the loss.
    m.rng.restore(state.map((v) => (v + 1) >>> 0));
    expect(m.trainBatch(d, null, 0, d.n, 0, "other mask")).not.toBe(loss());
  });

  it("the mask is one draw per value from the model's generator, call after call (u < rate drops)", () => {
    const m = sequential([dropout(0.5)], { inputShape: [5], seed: 3 });
    const layer = m.layers[0]!;
    layer.allocate(m.ws, 2);
    const x = m.ws.alloc(10);
    m.ws.f32(x).fill(1);
    const replay = new Rng(0);
    replay.restore(m.rng.state());
    for (let call = 0; call < 2; call++) {
      const y = Array.from(m.ws.f32(layer.forward(x, 2, true)));
      expect(y, `call ${call + 1}`).toEqual(Array.from({ length: 10 }, () => (replay.next() < 0.5 ? 0 : 2)));
    }
  });

  it("rate 0 in training is the identity and draws nothing: training matches the model without it", () => {
    const d = data(8, 3, 2, "mse", 4);
    const trained = (layers: ReturnType<typeof dense | typeof dropout>[]) => {
      const m = sequential(layers, { inputShape: [3], seed: 2 });
      m.compile({ optimizer: "sgd", loss: "mse" });
      m.fit(d, { epochs: 3, batchSize: 4 });
      return m.getWeights();
    };
    expect(trained([dense({ units: 4, activation: "tanh" }), dropout(0), dense({ units: 2 })])).toEqual(
      trained([dense({ units: 4, activation: "tanh" }), dense({ units: 2 })]),
    );
  });
});
