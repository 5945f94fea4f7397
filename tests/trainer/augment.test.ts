// Augmentation for images: random whole-pixel shifts (every offset, exact
// translation) and random affine distortions (rotation, scale, shift).
import { describe, it, expect } from "vitest";
import { randomShifts, randomAffine } from "../../trainer/data/augment.ts";
import { Rng } from "@wasmlite/trainer";

describe("random shifts", () => {
  it("random shifts translate each image by whole pixels with zeros shifted in, every offset up to the limit, reproducibly", () => {
    const img = Float32Array.from({ length: 20 }, (_, i) => i + 1); // 4 x 5, every pixel distinct
    const translated = (dy: number, dx: number) =>
      Float32Array.from({ length: 20 }, (_, i) => {
        const r = Math.floor(i / 5) - dy,
          c = (i % 5) - dx;
        return r >= 0 && r < 4 && c >= 0 && c < 5 ? img[r * 5 + c]! : 0;
      });
    const shift = randomShifts(4, 5, 1);
    const rng = new Rng(3);
    const seen = new Map<string, number>();
    const batch = new Float32Array(20 * 300);
    for (let k = 0; k < 300; k++) batch.set(img, k * 20);
    shift(batch, 300, rng);
    for (let k = 0; k < 300; k++) {
      const out = Array.from(batch.subarray(k * 20, k * 20 + 20));
      const offsets = [-1, 0, 1]
        .flatMap((dy) => [-1, 0, 1].map((dx) => [dy, dx] as const))
        .filter(([dy, dx]) => Array.from(translated(dy, dx)).every((v, i) => v === out[i]));
      expect(offsets.length, `image ${k} is not a translation of the original by at most one pixel`).toBe(1);
      const key = offsets[0]!.join(",");
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    // All nine offsets, each about 1/9 of the time (a shift that never moves anything would show 0,0 only).
    expect(seen.size).toBe(9);
    for (const [key, n] of seen) expect(n, key).toBeGreaterThan(15);
    // The same seed, the same shifts.
    const again = new Float32Array(20 * 300);
    for (let k = 0; k < 300; k++) again.set(img, k * 20);
    shift(again, 300, new Rng(3));
    expect(Array.from(again)).toEqual(Array.from(batch));
  });
});

describe("random affine distortions (rotation, scale, shift)", () => {
  it("zero bounds leave images as they are; a shift moves a blob without losing its ink; one seed, one result", () => {
    const img = new Float32Array(11 * 11);
    img[5 * 11 + 5] = 1; // one bright pixel in the centre
    const batch = Float32Array.from({ length: 3 * 121 }, (_, i) => img[i % 121]!);
    randomAffine(11, 11, {})(batch, 3, new Rng(1));
    for (let k = 0; k < 3; k++) expect(Array.from(batch.subarray(k * 121, (k + 1) * 121))).toEqual(Array.from(img));

    const shifted = Float32Array.from({ length: 50 * 121 }, (_, i) => img[i % 121]!);
    randomAffine(11, 11, { shift: 2 })(shifted, 50, new Rng(2));
    const centres = new Set<string>();
    for (let k = 0; k < 50; k++) {
      const one = shifted.subarray(k * 121, (k + 1) * 121);
      let sum = 0,
        cy = 0,
        cx = 0;
      one.forEach((v, i) => {
        sum += v;
        cy += v * Math.floor(i / 11);
        cx += v * (i % 11);
      });
      // Bilinear interpolation of an interior shift keeps the ink: 1 within float32 rounding.
      expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
      expect(Math.abs(cy / sum - 5)).toBeLessThanOrEqual(2 + 1e-6);
      expect(Math.abs(cx / sum - 5)).toBeLessThanOrEqual(2 + 1e-6);
      centres.add(`${(cy / sum).toFixed(2)},${(cx / sum).toFixed(2)}`);
    }
    expect(centres.size).toBeGreaterThan(40); // continuous shifts, not a handful of whole pixels

    // A rotation keeps the centre pixel where it is and moves a pixel off the centre.
    const arm = new Float32Array(121);
    arm[5 * 11 + 5] = 1;
    arm[5 * 11 + 9] = 1;
    const turned = Float32Array.from(arm);
    randomAffine(11, 11, { rotate: 30 })(turned, 1, new Rng(3));
    expect(turned[5 * 11 + 5]).toBeCloseTo(1, 5);
    expect(turned[5 * 11 + 9]!).toBeLessThan(1);

    const a = Float32Array.from({ length: 4 * 121 }, (_, i) => arm[i % 121]!);
    const b = Float32Array.from(a);
    randomAffine(11, 11, { rotate: 10, scale: 0.1, shift: 2 })(a, 4, new Rng(9));
    randomAffine(11, 11, { rotate: 10, scale: 0.1, shift: 2 })(b, 4, new Rng(9));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => randomAffine(11, 11, { rotate: -1 })).toThrow(/rotate must be >= 0/);
  });
});
