// A data set in memory: n samples, each a float32 feature row and a float32
// target row (one-hot for classification). Checked once, up front, so a
// wrong shape, a NaN feature or a bad label is reported with its position
// instead of surfacing as a diverged training run.

export interface Dataset {
  /** n * elements(inputShape) features, row-major. */
  x: Float32Array;
  /** n * targetSize targets. */
  y: Float32Array;
  n: number;
  inputShape: number[];
  targetSize: number;
  /** Class names, when the targets are one-hot classes. */
  labels?: string[];
  /** Where the data came from (recorded in exports). */
  source?: string;
}

export function validateDataset(d: Dataset, what: string): void {
  const width = d.inputShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(d.n) || d.n < 1) throw new Error(`${what}: empty data set (n = ${d.n})`);
  if (d.x.length !== d.n * width)
    throw new Error(`${what}: ${d.x.length} feature values, expected ${d.n} samples x ${width} = ${d.n * width}`);
  if (d.y.length !== d.n * d.targetSize)
    throw new Error(
      `${what}: ${d.y.length} target values, expected ${d.n} samples x ${d.targetSize} = ${d.n * d.targetSize}`,
    );
  for (let i = 0; i < d.x.length; i++) {
    if (!Number.isFinite(d.x[i]!))
      throw new Error(
        `${what}: sample ${Math.floor(i / width)}, feature ${i % width} is ${d.x[i]} (features must be finite numbers)`,
      );
  }
  for (let i = 0; i < d.y.length; i++) {
    if (!Number.isFinite(d.y[i]!))
      throw new Error(
        `${what}: sample ${Math.floor(i / d.targetSize)}, target ${i % d.targetSize} is ${d.y[i]} (targets must be finite numbers)`,
      );
  }
  if (d.labels) {
    if (d.labels.length !== d.targetSize)
      throw new Error(`${what}: ${d.labels.length} labels for ${d.targetSize} classes`);
    for (let s = 0; s < d.n; s++) {
      let ones = 0;
      for (let j = 0; j < d.targetSize; j++) {
        const v = d.y[s * d.targetSize + j]!;
        if (v !== 0 && v !== 1)
          throw new Error(`${what}: sample ${s}: class targets must be one-hot (0 or 1), got ${v} for class ${j}`);
        ones += v;
      }
      if (ones !== 1) throw new Error(`${what}: sample ${s}: one-hot target has ${ones} ones`);
    }
  }
}

/** One-hot rows from class indices, each checked to be in [0, classes). */
export function oneHot(labels: ArrayLike<number>, classes: number, what: string): Float32Array {
  const y = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes)
      throw new Error(`${what}: sample ${i} has label ${c}, outside 0..${classes - 1}`);
    y[i * classes + c] = 1;
  }
  return y;
}

/** Rows [start, end) of a data set, copied. */
export function slice(d: Dataset, start: number, end: number): Dataset {
  const width = d.x.length / d.n;
  return {
    ...d,
    x: d.x.slice(start * width, end * width),
    y: d.y.slice(start * d.targetSize, end * d.targetSize),
    n: end - start,
  };
}

/** The rows in `order`, copied. */
export function take(d: Dataset, order: ArrayLike<number>): Dataset {
  const width = d.x.length / d.n;
  const x = new Float32Array(order.length * width);
  const y = new Float32Array(order.length * d.targetSize);
  for (let i = 0; i < order.length; i++) {
    const s = order[i]!;
    x.set(d.x.subarray(s * width, (s + 1) * width), i * width);
    y.set(d.y.subarray(s * d.targetSize, (s + 1) * d.targetSize), i * d.targetSize);
  }
  return { ...d, x, y, n: order.length };
}
