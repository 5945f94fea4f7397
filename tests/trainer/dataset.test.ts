// trainer/data/dataset.ts: a data set is checked once, up front, each problem named with its position
// (one test per clause of each check), and its rows are copied out by range or by order.
import { describe, it, expect } from "vitest";
import { validateDataset, oneHot, slice, take, type Dataset } from "../../trainer/data/dataset.ts";

/** Three samples of [2] features, two one-hot classes. */
function three(): Dataset {
  return {
    x: Float32Array.from([1, 2, 3, 4, 5, 6]),
    y: Float32Array.from([1, 0, 0, 1, 1, 0]),
    n: 3,
    inputShape: [2],
    targetSize: 2,
    labels: ["a", "b"],
  };
}

const check = (d: Dataset) => () => validateDataset(d, "train");

describe("validateDataset", () => {
  it("accepts a well-formed set, with labels and without", () => {
    expect(check(three())).not.toThrow();
    expect(check({ ...three(), n: 1, x: Float32Array.from([1, 2]), y: Float32Array.from([0, 1]) })).not.toThrow();
    expect(check({ ...three(), labels: undefined, y: Float32Array.from([0.5, -2, 0, 0, 7, 1]) })).not.toThrow();
  });

  it("refuses an empty set or a count that is not a whole number", () => {
    const empty = { ...three(), n: 0, x: new Float32Array(0), y: new Float32Array(0) };
    expect(check(empty)).toThrow("train: empty data set (n = 0)");
    expect(check({ ...three(), n: 1.5 })).toThrow("train: empty data set (n = 1.5)");
  });

  it("refuses features or targets that do not fill n samples", () => {
    expect(check({ ...three(), inputShape: [1, 2], x: new Float32Array(5) })).toThrow(
      "train: 5 feature values, expected 3 samples x 2 = 6",
    );
    expect(check({ ...three(), y: new Float32Array(7) })).toThrow("train: 7 target values, expected 3 samples x 2 = 6");
  });

  it("names the sample and position of a feature or target that is not finite", () => {
    const x = three().x;
    x[5] = Infinity;
    expect(check({ ...three(), x })).toThrow(
      "train: sample 2, feature 1 is Infinity (features must be finite numbers)",
    );
    const y = three().y;
    y[2] = NaN;
    expect(check({ ...three(), labels: undefined, y })).toThrow(
      "train: sample 1, target 0 is NaN (targets must be finite numbers)",
    );
  });

  it("with labels: one per class, and each target row one-hot", () => {
    expect(check({ ...three(), labels: ["a"] })).toThrow("train: 1 labels for 2 classes");
    const half = three().y;
    half[3] = 0.5;
    expect(check({ ...three(), y: half })).toThrow(
      "train: sample 1: class targets must be one-hot (0 or 1), got 0.5 for class 1",
    );
    const two = three().y;
    two[5] = 1;
    expect(check({ ...three(), y: two })).toThrow("train: sample 2: one-hot target has 2 ones");
    const none = three().y;
    none[0] = 0;
    expect(check({ ...three(), y: none })).toThrow("train: sample 0: one-hot target has 0 ones");
  });
});

describe("oneHot", () => {
  it("a row per label with a 1 in its class", () => {
    expect(Array.from(oneHot([2, 0, 1], 3, "labels"))).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(oneHot([], 3, "labels"))).toEqual([]);
  });

  it("refuses a label that is not a class index: below 0, at or past the count, fractional", () => {
    expect(() => oneHot([0, -1], 2, "labels")).toThrow("labels: sample 1 has label -1, outside 0..1");
    expect(() => oneHot([2], 2, "labels")).toThrow("labels: sample 0 has label 2, outside 0..1");
    expect(() => oneHot([0.5], 2, "labels")).toThrow("labels: sample 0 has label 0.5, outside 0..1");
  });
});

describe("slice and take", () => {
  it("slice copies rows [start, end)", () => {
    const d = three();
    const s = slice(d, 1, 3);
    expect([s.n, Array.from(s.x), Array.from(s.y), s.labels]).toEqual([2, [3, 4, 5, 6], [0, 1, 1, 0], ["a", "b"]]);
    s.x[0] = 99;
    expect(d.x[2]).toBe(3); // a copy
  });

  it("take copies the rows in the order given, repeats allowed", () => {
    const t = take(three(), [2, 0, 2]);
    expect([t.n, Array.from(t.x), Array.from(t.y)]).toEqual([3, [5, 6, 1, 2, 5, 6], [1, 0, 1, 0, 1, 0]]);
    expect(take(three(), []).n).toBe(0);
  });
});
