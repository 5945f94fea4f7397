// Data augmentation for images: each training image is moved by a random
// whole-pixel shift (up to `pixels` in each direction, zeros shifted in),
// drawn from the model's seeded generator, so a digit seen twice is seldom
// seen the same way and the model generalises better from few samples.
import type { Rng } from "../rng.ts";

/** An `augment` function for fit(): random shifts of [height, width] single-channel images. */
export function randomShifts(height: number, width: number, pixels: number): (x: Float32Array, rows: number, rng: Rng) => void {
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
