// The bundled data sets' loaders: idx files (plain and gzip), Fashion-MNIST
// from its Debian package (the official split), CSV with clear errors.
import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readIdx } from "../../cli/data/idx.ts";
import { fashionMnist, FASHION_MNIST_DIR } from "../../cli/data/fashion-mnist.ts";
import { parseCsv, readCsv } from "../../cli/data/csv.ts";
import { REQUIRE_ALL } from "../helpers/system.ts";

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
