// Dropout in training mode: the loss's gradient under one fixed mask (the
// random state replayed) against central finite differences.
import { describe, it, expect } from "vitest";
import { sequential, dense, dropout } from "@wasmlite/trainer";
import { data } from "../../helpers/gradients.ts";

describe("dropout", () => {
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
});
