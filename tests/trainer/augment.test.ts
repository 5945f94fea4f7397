// Augmentation for images: random whole-pixel shifts (every offset, exact
// translation) and random affine distortions (rotation, scale, shift).
import { describe, it, expect } from "vitest";
import { randomShifts, randomAffine } from "../../trainer/data/augment.ts";
import { Rng } from "@wasmlite/trainer";

/** A generator whose draws are given: uniform(-1, 1) and nextU32 return these values in turn. */
function drawing(values: number[]): Rng {
  let at = 0;
  const next = () => values[at++ % values.length]!;
  return { uniform: () => next(), nextU32: () => next() } as unknown as Rng;
}

/** An 11 x 11 image, 0 but for the pixels given as [y, x]. */
function pixels(...at: [number, number][]): Float32Array {
  const img = new Float32Array(121);
  for (const [y, x] of at) img[y * 11 + x] = 1;
  return img;
}

/** The [y, x] of the pixels above 0.5. */
const lit = (img: Float32Array) =>
  [...img].flatMap((v, i) => (v > 0.5 ? [[Math.floor(i / 11), i % 11] as [number, number]] : []));

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

describe("random shifts: the draws", () => {
  it("the first draw shifts down (dy), the second right (dx), each draw mod (2 pixels + 1) minus pixels", () => {
    const img = pixels([5, 5]);
    randomShifts(11, 11, 2)(img, 1, drawing([4, 1])); // dy = 4 % 5 - 2 = 2, dx = 1 - 2 = -1
    expect(lit(img)).toEqual([[7, 4]]);
    const right = pixels([5, 5]);
    randomShifts(11, 11, 2)(right, 1, drawing([2, 8])); // dy = 0, dx = 8 % 5 - 2 = 1
    expect(lit(right)).toEqual([[5, 6]]);
    const two = Float32Array.from([...pixels([0, 0]), ...pixels([10, 10])]);
    randomShifts(11, 11, 1)(two, 2, drawing([2, 2, 0, 0])); // the first image +1 both ways, the second -1
    expect([lit(two.subarray(0, 121)), lit(two.subarray(121))]).toEqual([[[1, 1]], [[9, 9]]]);
    const edge = pixels([0, 3]);
    randomShifts(11, 11, 1)(edge, 1, drawing([0, 1])); // up one: the top row leaves, zeros come in
    expect(lit(edge)).toEqual([]);
  });
});

describe("random affine: the geometry, with the draws given", () => {
  // Draws in order: rotation, scale, vertical shift, horizontal shift, each uniform in [-1, 1] times its bound.
  it("a rotation by the bound turns the image about its centre, clockwise on screen (rows grow downwards) for +90", () => {
    const img = pixels([5, 5], [5, 9]); // the centre and a pixel 4 to its right
    randomAffine(11, 11, { rotate: 90 })(img, 1, drawing([1, 0, 0, 0]));
    expect(lit(img)).toEqual([
      [5, 5],
      [9, 5],
    ]); // now 4 below the centre
    const back = pixels([5, 9]);
    randomAffine(11, 11, { rotate: 90 })(back, 1, drawing([-1, 0, 0, 0]));
    expect(lit(back)).toEqual([[1, 5]]);
    const below = pixels([9, 5]); // below the centre turns to its left
    randomAffine(11, 11, { rotate: 90 })(below, 1, drawing([1, 0, 0, 0]));
    expect(lit(below)).toEqual([[5, 1]]);
  });

  it("a scale of 1 + bound magnifies about the centre; 1 - bound shrinks", () => {
    const img = pixels([5, 7]);
    randomAffine(11, 11, { scale: 1 })(img, 1, drawing([0, 1, 0, 0])); // twice the size: 2 right becomes 4
    expect(img[5 * 11 + 9]).toBeCloseTo(1, 6);
    expect(img[5 * 11 + 7]).toBe(0);
    const down = pixels([7, 5]); // magnified downwards too: 2 below becomes 4
    randomAffine(11, 11, { scale: 1 })(down, 1, drawing([0, 1, 0, 0]));
    expect(lit(down)).toEqual([[9, 5]]);
    const both = pixels([5, 7]); // turned a quarter, then magnified: 2 right becomes 4 below
    randomAffine(11, 11, { rotate: 90, scale: 1 })(both, 1, drawing([1, 1, 0, 0]));
    expect(lit(both)).toEqual([[9, 5]]);
    const half = pixels([5, 9], [5, 8]);
    randomAffine(11, 11, { scale: 0.5 })(half, 1, drawing([0, -1, 0, 0])); // half the size: 4 and 3 right become 2, 1.5
    expect(half[5 * 11 + 7]).toBeCloseTo(1, 6);
  });

  it("the third draw shifts down, the fourth right, by whole or fractional pixels", () => {
    const img = pixels([5, 5]);
    randomAffine(11, 11, { shift: 2 })(img, 1, drawing([0, 0, 1, -1]));
    expect(lit(img)).toEqual([[7, 3]]);
    const corner = pixels([0, 0]); // the first row and column are read like any other
    randomAffine(11, 11, { shift: 1 })(corner, 1, drawing([0, 0, 1, 1]));
    expect(lit(corner)).toEqual([[1, 1]]);
    const half = pixels([5, 5]);
    randomAffine(11, 11, { shift: 1 })(half, 1, drawing([0, 0, 0.5, 0]));
    expect(half[5 * 11 + 5]).toBeCloseTo(0.5, 6); // bilinear: half in each of the two rows
    expect(half[6 * 11 + 5]).toBeCloseTo(0.5, 6);
  });

  it("refuses a negative or missing-number bound, naming it", () => {
    expect(() => randomAffine(11, 11, { scale: -0.1 })).toThrow("randomAffine: scale must be >= 0, got -0.1");
    expect(() => randomAffine(11, 11, { shift: NaN })).toThrow("randomAffine: shift must be >= 0, got NaN");
    expect(() => randomAffine(11, 11, { rotate: 0, scale: 0, shift: 0 })).not.toThrow();
    expect(() => randomAffine(11, 11, { rotate: undefined, scale: 0.1 })).not.toThrow(); // undefined: not given
  });

  it("each image draws four numbers uniform in [-1, 1]: rotation, scale, vertical and horizontal shift", () => {
    const calls: number[][] = [];
    const recording = { uniform: (lo: number, hi: number) => (calls.push([lo, hi]), 0) } as unknown as Rng;
    randomAffine(11, 11, { rotate: 5, scale: 0.1, shift: 1 })(new Float32Array(2 * 121), 2, recording);
    expect(calls).toEqual(Array.from({ length: 8 }, () => [-1, 1]));
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
