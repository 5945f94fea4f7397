// Data loaders and preprocessing: idx files (plain and gzip), Fashion-MNIST
// from its Debian package (the official split), CSV with clear errors, input
// normalisation (its gradient, and its folding into an export), augmentation.
import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readIdx } from "../../cli/data/idx.ts";
import { fashionMnist, FASHION_MNIST_DIR } from "../../cli/data/fashion-mnist.ts";
import { parseCsv, readCsv } from "../../cli/data/csv.ts";
import { randomShifts, randomAffine } from "../../trainer/data/augment.ts";
import { sequential, dense, flatten, activation, normalization, exportProblems, Rng } from "@wasmlite/trainer";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { verifyExport } from "../../trainer/export/verify.ts";
import { REQUIRE_ALL } from "../helpers/system.ts";
import { gradientCheck } from "../helpers/gradients.ts";

const dir = mkdtempSync(join(tmpdir(), "wasmlite-data-"));

function idx(shape: number[], data: number[]): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head.set([0, 0, 8, shape.length]);
  const view = new DataView(head.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...head, ...data]);
}

describe("idx files", () => {
  it("reads plain and gzip files, and names what is wrong with a bad one", () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    writeFileSync(join(dir, "a.idx"), bytes);
    writeFileSync(join(dir, "a.idx.gz"), gzipSync(bytes));
    for (const f of ["a.idx", "a.idx.gz"]) {
      const r = readIdx(join(dir, f));
      expect(r.shape).toEqual([2, 3]);
      expect(Array.from(r.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    writeFileSync(join(dir, "short.idx"), idx([2, 3], [1, 2, 3]));
    expect(() => readIdx(join(dir, "short.idx"))).toThrow(/3 data bytes for shape \[2,3\]/);
    const float = idx([1], [0, 0, 0, 0]);
    float[2] = 0x0d;
    writeFileSync(join(dir, "float.idx"), float);
    expect(() => readIdx(join(dir, "float.idx"))).toThrow(/element type 0xd/);
  });
});

const haveFashion = existsSync(FASHION_MNIST_DIR);
if (!haveFashion && REQUIRE_ALL)
  throw new Error(
    `${FASHION_MNIST_DIR} missing: install the Debian package dataset-fashion-mnist; WASMLITE_REQUIRE_ALL=1 forbids skipping`,
  );
if (!haveFashion) console.warn("SKIPPED: Fashion-MNIST tests need the Debian package dataset-fashion-mnist");

describe.skipIf(!haveFashion)("Fashion-MNIST (Debian dataset-fashion-mnist)", () => {
  it("the official 60,000 / 10,000 split, pixels in [0, 1], 10 classes of 6,000 / 1,000 each", () => {
    const { train, test } = fashionMnist();
    expect([train.n, test.n]).toEqual([60000, 10000]);
    expect(train.labels![9]).toBe("Ankle boot");
    for (const [d, per] of [
      [train, 6000],
      [test, 1000],
    ] as const) {
      const counts = new Array(10).fill(0);
      for (let i = 0; i < d.n; i++) counts[d.y.subarray(i * 10, i * 10 + 10).indexOf(1)]++;
      expect(counts).toEqual(new Array(10).fill(per));
    }
    let max = 0;
    for (const v of test.x) max = Math.max(max, v);
    expect(max).toBe(1);
  });
});

describe("CSV", () => {
  it("header detection, numeric features, class labels (sorted, one-hot) or regression targets", () => {
    const d = parseCsv("length,width,species\n1.0,0.5,setosa\n2.5,1.0,versicolor\n1.2,0.4,setosa\n", "iris.csv");
    expect(d.inputShape).toEqual([2]);
    expect(d.labels).toEqual(["setosa", "versicolor"]);
    expect(Array.from(d.y)).toEqual([1, 0, 0, 1, 1, 0]);
    const r = parseCsv("1,2,0.5\n3,4,1.5\n", "r.csv");
    expect([r.targetSize, Array.from(r.y)]).toEqual([1, [0.5, 1.5]]);
    const byName = parseCsv("y,a,b\n1,2,3\n0,5,6\n", "n.csv", { target: "y", classify: true });
    expect(Array.from(byName.x)).toEqual([2, 3, 5, 6]);
    expect(byName.labels).toEqual(["0", "1"]);
  });

  it("bad files are refused with the line and column", () => {
    expect(() => parseCsv("a,b,c\n1,2,x\n3,oops,y\n", "bad.csv")).toThrow(
      /line 3, column 2 \('b'\) is 'oops', not a number/,
    );
    expect(() => parseCsv("1,2,3\n4,5\n", "ragged.csv")).toThrow(/line 2 has 2 columns, expected 3/);
    expect(() => parseCsv("a,b\n1,2\n", "t.csv", { target: "c" })).toThrow(/no column named 'c'/);
    expect(() => parseCsv("", "empty.csv")).toThrow(/no data/);
    expect(() => readCsv(join(dir, "missing.csv"))).toThrow(/cannot read/);
  });
});

describe("normalisation and augmentation", () => {
  it("normalisation is fitted on the training data and folded into the export: raw inputs give the trainer's outputs", async () => {
    const rng = new Rng(4);
    const n = 64;
    const x = Float32Array.from({ length: n * 3 }, (_, i) =>
      i % 3 === 0 ? 1000 + 50 * rng.normal() : i % 3 === 1 ? 0.01 * rng.normal() : 7,
    );
    const y = Float32Array.from({ length: n }, (_, i) => Math.tanh(x[i * 3 + 1]! * 100));
    const train = { x, y, n, inputShape: [3], targetSize: 1 };
    const norm = normalization(train);
    expect(norm.mean[0]).toBeCloseTo(1000, -1);
    expect(norm.std[2]).toBe(1); // a constant feature is only centred
    const m = sequential([norm, dense({ units: 8, activation: "tanh" }), dense({ units: 1 })], {
      inputShape: [3],
      seed: 2,
    });
    m.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse" });
    const before = m.evaluate(train).loss!;
    m.fit(train, { epochs: 60, batchSize: 8 });
    // Learnable only through the tiny-scaled feature, which normalisation brings to unit scale.
    expect(m.evaluate(train).loss!).toBeLessThan(0.1 * before);
    const v = await verifyExport(exportTflite(m, { kind: "float32" }), "float32", m, train);
    expect(v.maxAbsDifference).toBeLessThanOrEqual(1e-5);
  });

  it("a float32 export folds normalisation into the dense layer after it, through a flatten; anything else is said before training", async () => {
    const rng = new Rng(6);
    const n = 16;
    const x = Float32Array.from({ length: n * 4 }, (_, i) => (i % 2 ? 300 : -2) + rng.normal() * (i % 2 ? 20 : 0.1));
    const train = {
      x,
      y: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
      n,
      inputShape: [2, 2],
      targetSize: 1,
    };
    const flat = sequential([normalization(train), flatten(), dense({ units: 1 })], { inputShape: [2, 2], seed: 1 });
    flat.compile({ optimizer: "sgd", loss: "mse" });
    expect(exportProblems(flat)).toEqual([]);
    const v = await verifyExport(exportTflite(flat, { kind: "float32" }), "float32", flat, train);
    expect(v.maxAbsDifference).toBeLessThanOrEqual(1e-5); // FLOAT_TOLERANCE: the fold reorders float sums
    const blocked = sequential([normalization(train), flatten(), activation("tanh"), dense({ units: 1 })], {
      inputShape: [2, 2],
    });
    expect(exportProblems(blocked)).toEqual([
      "normalization_1: is exported folded into the dense layer after it, and activation_1 is there",
    ]);
  });

  it("gradients through a normalisation layer match central differences of the loss", () => {
    const rng = new Rng(8);
    const n = 12;
    const x = Float32Array.from({ length: n * 3 }, (_, i) =>
      i % 3 === 0 ? 500 + 40 * rng.normal() : i % 3 === 1 ? 0.02 * rng.normal() : rng.normal(),
    );
    const y = Float32Array.from({ length: n * 2 }, () => rng.uniform(-1, 1));
    const train = { x, y, n, inputShape: [3], targetSize: 2 };
    const m = sequential([normalization(train), dense({ units: 5, activation: "tanh" }), dense({ units: 2 })], {
      inputShape: [3],
      seed: 9,
    });
    m.compile({ optimizer: "sgd", loss: "mse" });
    expect(gradientCheck(m, train).checked).toBeGreaterThan(20);
  });

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
