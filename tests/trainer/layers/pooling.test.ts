// MaxPool2D and AveragePool2D against direct loops from their definitions
// (their gradients are checked through conv2d.test.ts's network), and
// GlobalAveragePooling2D against each channel's mean.
import { describe, it, expect } from "vitest";
import { maxPool2d, averagePool2d, globalAveragePooling2d } from "@wasmlite/trainer";
import { windowOver } from "../../../trainer/layers/window.ts";
import { images, run, WINDOW_CASES as cases } from "../../helpers/images.ts";

/** A pool from its definition: max or mean over the window's taps inside the image. */
function directPool(x: Float32Array, n: number, g: ReturnType<typeof windowOver>, kind: "max" | "mean") {
  const y = new Float32Array(n * g.outH * g.outW * g.c);
  let at = 0;
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let c = 0; c < g.c; c++) {
          const taps: number[] = [];
          for (let ky = 0; ky < g.kh; ky++)
            for (let kx = 0; kx < g.kw; kx++) {
              const iy = oy * g.strideH - g.padTop + ky;
              const ix = ox * g.strideW - g.padLeft + kx;
              if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) taps.push(x[((s * g.h + iy) * g.w + ix) * g.c + c]!);
            }
          y[at++] = kind === "max" ? Math.max(...taps) : taps.reduce((a, v) => a + v, 0) / taps.length;
        }
  return y;
}

describe("pools forward against their definitions", () => {
  for (const [kind, make] of [
    ["max", maxPool2d],
    ["mean", averagePool2d],
  ] as const) {
    for (const c of cases) {
      const o = { poolSize: c.o.size, strides: c.o.strides, padding: c.o.padding };
      it(`${kind === "max" ? "MaxPool2D" : "AveragePool2D"} ${c.name.replace(/, dilation.*/, "")}`, () => {
        const d = images(3, c.shape, 2, 10);
        const g = windowOver(c.shape, { size: c.o.size, strides: c.o.strides ?? c.o.size, padding: c.o.padding }, "t");
        const expected = directPool(d.x, 3, g, kind);
        const got = run(make(o), d.x, c.shape);
        // Max is exact. The mean sums up to 25 taps in [-1, 1] in float32 (the definition in double): the
        // summation bound 25 x 2^-24 is 1.5e-6; observed worst 1.5e-8.
        got.forEach((v, i) =>
          expect(Math.abs(v - expected[i]!), `output ${i}`).toBeLessThanOrEqual(kind === "max" ? 0 : 1.5e-6),
        );
      });
    }
  }

  it("GlobalAveragePooling2D: each channel's mean over the image", () => {
    const d = images(3, [5, 7, 6], 2, 12);
    const got = run(globalAveragePooling2d(), d.x, [5, 7, 6]);
    expect(got.length).toBe(3 * 6);
    for (let s = 0; s < 3; s++)
      for (let ch = 0; ch < 6; ch++) {
        let sum = 0;
        for (let p = 0; p < 35; p++) sum += d.x[(s * 35 + p) * 6 + ch]!;
        // 35 float32 additions against a double sum: bound 35 x 2^-24 = 2.1e-6, observed 3e-8.
        expect(Math.abs(got[s * 6 + ch]! - sum / 35)).toBeLessThanOrEqual(2.1e-6);
      }
  });
});
