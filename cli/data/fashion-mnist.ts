// Fashion-MNIST (Zalando): 70,000 28x28 grayscale images of clothing in 10
// classes, the official 60,000 / 10,000 split, from the Debian package
// dataset-fashion-mnist (idx files, gzip). Pixels scaled to [0, 1].
import { join } from "node:path";
import { existsSync } from "node:fs";
import { readIdx } from "./idx.ts";
import { MNIST_PREPROCESSING } from "./mnist.ts";
import { oneHot, type Dataset } from "@wasmlite/trainer";

export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
export const FASHION_LABELS = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

function find(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(`Fashion-MNIST: ${join(dir, stem)}(.gz) not found; install the Debian package dataset-fashion-mnist`);
}

function load(dir: string, prefix: "train" | "t10k"): Dataset {
  const images = readIdx(find(dir, `${prefix}-images-idx3-ubyte`));
  const labels = readIdx(find(dir, `${prefix}-labels-idx1-ubyte`));
  const [n, h, w] = images.shape;
  if (images.shape.length !== 3 || h !== 28 || w !== 28)
    throw new Error(`Fashion-MNIST ${prefix} images have shape [${images.shape}], expected [n, 28, 28]`);
  if (labels.shape.length !== 1 || labels.shape[0] !== n)
    throw new Error(`Fashion-MNIST ${prefix}: ${labels.shape[0]} labels for ${n} images`);
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  return {
    x,
    y: oneHot(labels.data, 10, `Fashion-MNIST ${prefix} labels`),
    n: n!,
    inputShape: [28, 28, 1],
    targetSize: 10,
    labels: FASHION_LABELS,
    source: `Fashion-MNIST (${prefix === "train" ? "official training split" : "official test split"})`,
  };
}

/** The official split, and what its model's input is. */
export function fashionMnist(dir = FASHION_MNIST_DIR): { train: Dataset; test: Dataset; preprocessing: string } {
  return { train: load(dir, "train"), test: load(dir, "t10k"), preprocessing: MNIST_PREPROCESSING };
}
