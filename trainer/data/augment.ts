// Data augmentation for images: each training image is moved by a random
// whole-pixel shift (up to `pixels` in each direction, zeros shifted in),
// drawn from the model's seeded generator, so a digit seen twice is seldom
// seen the same way and the model generalises better from few samples.
import type { Rng } from "../rng.ts";

/** An `augment` function for fit(): random shifts of [height, width] single-channel images. */
export function randomShifts(
  height: number,
  width: number,
  pixels: number,
): (x: Float32Array, rows: number, rng: Rng) => void {
  const scratch = new Float32Array(height * width);
  return (x, rows, rng) => {
    const size = height * width;
    for (let r = 0; r < rows; r++) {
      const dy = (rng.nextU32() % (2 * pixels + 1)) - pixels;
      const dx = (rng.nextU32() % (2 * pixels + 1)) - pixels;
      if (dx === 0 && dy === 0) continue;
      const img = x.subarray(r * size, (r + 1) * size);
      scratch.fill(0);
      for (let i = 0; i < height; i++) {
        const si = i - dy;
        if (si < 0 || si >= height) continue;
        for (let j = 0; j < width; j++) {
          const sj = j - dx;
          if (sj >= 0 && sj < width) scratch[i * width + j] = img[si * width + sj]!;
        }
      }
      img.set(scratch);
    }
  };
}

export interface AffineOptions {
  /** Largest rotation either way, in degrees. */
  rotate?: number;
  /** Largest relative change of size either way (0.1: 90% to 110%). */
  scale?: number;
  /** Largest shift either way, in pixels (fractional shifts are interpolated). */
  shift?: number;
}

/**
 * An `augment` function for fit(): each [height, width] single-channel image
 * is rotated about its centre, scaled and shifted by amounts drawn uniformly
 * within the given bounds. Each output pixel p reads the input at
 * c + R(-angle) (p - c - t) / s (c the centre, t the shift), interpolated
 * bilinearly, 0 outside the image: small distortions a hand-written digit
 * might have, so a model sees more digits than the data set holds.
 */
export function randomAffine(
  height: number,
  width: number,
  o: AffineOptions,
): (x: Float32Array, rows: number, rng: Rng) => void {
  for (const [k, v] of Object.entries(o))
    if (v !== undefined && !(v >= 0)) throw new Error(`randomAffine: ${k} must be >= 0, got ${v}`);
  const scratch = new Float32Array(height * width);
  const cy = (height - 1) / 2,
    cx = (width - 1) / 2;
  const size = height * width;
  const pixel = (img: Float32Array, y: number, x: number) =>
    y >= 0 && y < height && x >= 0 && x < width ? img[y * width + x]! : 0;
  return (x, rows, rng) => {
    for (let r = 0; r < rows; r++) {
      const angle = (rng.uniform(-1, 1) * (o.rotate ?? 0) * Math.PI) / 180;
      const s = 1 + rng.uniform(-1, 1) * (o.scale ?? 0);
      const ty = rng.uniform(-1, 1) * (o.shift ?? 0),
        tx = rng.uniform(-1, 1) * (o.shift ?? 0);
      const cos = Math.cos(angle) / s,
        sin = Math.sin(angle) / s;
      const img = x.subarray(r * size, (r + 1) * size);
      for (let i = 0; i < height; i++) {
        const py = i - cy - ty;
        for (let j = 0; j < width; j++) {
          const px = j - cx - tx;
          const sy = cy + cos * py - sin * px;
          const sx = cx + sin * py + cos * px;
          const y0 = Math.floor(sy),
            x0 = Math.floor(sx);
          const fy = sy - y0,
            fx = sx - x0;
          scratch[i * width + j] =
            (1 - fy) * ((1 - fx) * pixel(img, y0, x0) + fx * pixel(img, y0, x0 + 1)) +
            fy * ((1 - fx) * pixel(img, y0 + 1, x0) + fx * pixel(img, y0 + 1, x0 + 1));
        }
      }
      img.set(scratch);
    }
  };
}
