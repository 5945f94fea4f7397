// UNIDIRECTIONAL_SEQUENCE_LSTM (float32 and integer) and
// UNIDIRECTIONAL_SEQUENCE_RNN (float32 and hybrid int8): TFLM's mnist_lstm
// models on their own sample digits, recurrent state across invoke() calls,
// streaming one step at a time, and resetState(). (Compared with real TFLite
// in tflite-oracle.test.ts.)
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { bothBuilds, type Builds } from "../../helpers/runtimes.ts";
import { fixture, TFLM_DIR } from "../../helpers/fixtures.ts";
import { lstm, rnn } from "../../helpers/rnn.ts";
import { Rng } from "../../helpers/mutate.ts";
import { uniform } from "../../helpers/models.ts";
import { ActivationFunctionType, TensorType, readModel } from "@wasmlite/format";
import { withExtraInput, withInputOmitted } from "../../helpers/extract.ts";

let builds: Builds;
beforeAll(async () => {
  builds = await bothBuilds();
});

/** A 28x28 grayscale sample as 784 floats in [0, 1], row by row. */
function sample(digit: number): Float32Array {
  const png = PNG.sync.read(readFileSync(join(TFLM_DIR, "mnist_lstm", "samples", `sample${digit}.png`)));
  expect([png.width, png.height]).toEqual([28, 28]);
  // pngjs decodes to RGBA; the samples are grayscale, so any channel is the pixel.
  return Float32Array.from({ length: 784 }, (_, i) => png.data[i * 4]! / 255);
}

describe("mnist_lstm (TFLM's float and int8 LSTMs)", () => {
  for (const [file, build] of [
    ["trained_lstm.tflite", "simd"],
    ["trained_lstm.tflite", "mvp"],
    ["trained_lstm_int8.tflite", "simd"],
    ["trained_lstm_int8.tflite", "mvp"],
  ] as const) {
    it(`${file} predicts each sampleN.png as digit N on the ${build} build`, () => {
      const model = builds[build].load(fixture(`mnist_lstm/${file}`));
      expect(model.inputs[0]!.shape).toEqual([1, 28, 28]);
      for (let digit = 0; digit < 10; digit++) {
        model.resetState(); // each image is its own sequence
        const probabilities = model.predict(sample(digit))[0]!;
        const predicted = probabilities.indexOf(Math.max(...probabilities));
        expect(predicted, `sample${digit}.png`).toBe(digit);
      }
    });
  }
});

describe("recurrent state", () => {
  const steps = 12;
  const features = 5;
  const cells = 7; // not a multiple of 4
  const rng = new Rng(3);
  const sequence = Float32Array.from({ length: steps * features }, () => uniform(rng, -2, 2));

  it("state persists across invoke() and resetState() clears it", () => {
    const m = builds.simd.load(lstm({ batch: 1, steps, features, cells, seed: 1 }).bytes);
    const first = m.predict(sequence)[0]!;
    const second = m.predict(sequence)[0]!; // starts from the state the first call left
    expect(Array.from(second)).not.toEqual(Array.from(first));
    m.resetState();
    expect(Array.from(m.predict(sequence)[0]!)).toEqual(Array.from(first));
  });

  for (const [kind, build] of [
    ["float32", "simd"],
    ["float32", "mvp"],
    ["int8", "simd"],
    ["int8", "mvp"],
  ] as const) {
    it(`streaming one step per invoke equals running the whole sequence (${kind}, ${build})`, () => {
      const whole = builds[build].load(lstm({ kind, batch: 1, steps, features, cells, seed: 1 }).bytes);
      const expected = Array.from(whole.predict(sequence)[0]!);
      const stream = builds[build].load(lstm({ kind, batch: 1, steps: 1, features, cells, seed: 1 }).bytes);
      const got: number[] = [];
      for (let t = 0; t < steps; t++)
        got.push(...stream.predict(sequence.subarray(t * features, (t + 1) * features))[0]!);
      expect(got).toEqual(expected);
    });
  }

  for (const kind of ["float32", "int8"] as const) {
    it(`SIMD and MVP builds give identical bits (${kind}; CIFG, time-major, cell clip, batch 3)`, () => {
      const model = lstm({
        kind,
        batch: 3,
        steps: 9,
        features: 6,
        cells: 5,
        cifg: true,
        timeMajor: true,
        cellClip: 0.8,
        seed: 4,
      });
      const x = Float32Array.from({ length: 3 * 9 * 6 }, () => uniform(rng, -3, 3));
      const [a, b] = (["simd", "mvp"] as const).map((build) =>
        Array.from(builds[build].load(model.bytes).predict(x)[0]!),
      );
      expect(b).toEqual(a);
    });
  }

  it("peepholes, projection and layer normalisation are refused by name, float32 and int8", () => {
    for (const kind of ["float32", "int8"] as const) {
      const model = lstm({ kind, batch: 1, steps: 2, features: 3, cells: 4, seed: 8 }).bytes;
      const type = kind === "int8" ? TensorType.INT16 : TensorType.FLOAT32;
      for (const [slot, shape, message] of [
        [9, [4], /UNIDIRECTIONAL_SEQUENCE_LSTM\): peephole connections are not supported yet/],
        [16, [4, 4], /UNIDIRECTIONAL_SEQUENCE_LSTM\): projection is not supported yet/],
        [20, [4], /UNIDIRECTIONAL_SEQUENCE_LSTM\): layer normalisation is not supported yet/],
      ] as const) {
        for (const build of ["simd", "mvp"] as const) {
          expect(
            () =>
              builds[build].load(
                withExtraInput(model, 0, slot, [...shape], slot === 16 && kind === "int8" ? TensorType.INT8 : type),
              ),
            `${kind} input ${slot}`,
          ).toThrow(message);
        }
      }
    }
  });

  it("an omitted recurrent state input (18 or 19) is refused by name, not read from before the tensor table", () => {
    // Found by the checked build: the state's tensor was looked up at index -1.
    for (const kind of ["float32", "int8"] as const) {
      const model = lstm({ kind, batch: 1, steps: 2, features: 3, cells: 4, seed: 8 }).bytes;
      for (const slot of [18, 19]) {
        for (const build of ["simd", "mvp"] as const) {
          expect(() => builds[build].load(withInputOmitted(model, 0, slot)), `${kind} input ${slot}`).toThrow(
            /UNIDIRECTIONAL_SEQUENCE_LSTM\): a recurrent state input \(18 or 19\) is omitted \[INVALID_MODEL\]/,
          );
        }
      }
    }
  });

  it("the integer LSTM refuses what it does not implement, by name", () => {
    expect(() =>
      builds.simd.load(
        lstm({
          kind: "int8",
          batch: 1,
          steps: 2,
          features: 3,
          cells: 4,
          activation: ActivationFunctionType.RELU,
          seed: 6,
        }).bytes,
      ),
    ).toThrow(/UNIDIRECTIONAL_SEQUENCE_LSTM\): the integer LSTM supports only the TANH activation/);
    expect(() =>
      builds.simd.load(
        lstm({ kind: "int8", batch: 1, steps: 2, features: 3, cells: 4, cellScaleLog2: -7, seed: 6 }).bytes,
      ),
    ).toThrow(/power-of-two scale between 2\^-15 and 2\^-9/);
  });

  it("a batch whose working buffers would pass 1 GiB is refused by name, not wrapped", () => {
    // 140,000 rows x 8 steps x 256 gate values x 4 bytes of input products.
    expect(() => builds.simd.load(lstm({ batch: 140_000, steps: 8, features: 1, cells: 64, seed: 7 }).bytes)).toThrow(
      /UNIDIRECTIONAL_SEQUENCE_LSTM\): the LSTM's working buffers would exceed 1 GiB/,
    );
    expect(() => builds.mvp.load(lstm({ batch: 140_000, steps: 8, features: 1, cells: 64, seed: 7 }).bytes)).toThrow(
      /the LSTM's working buffers would exceed 1 GiB/,
    );
  });
});

describe("UNIDIRECTIONAL_SEQUENCE_RNN (the Elman network)", () => {
  const steps = 10;
  const features = 3;
  const units = 7;
  const rng = new Rng(8);
  const sequence = Float32Array.from({ length: steps * features }, () => uniform(rng, -2, 2));

  it("float32 equals h_t = tanh(W x_t + U h_(t-1) + b) computed in float64 from the file's weights", () => {
    const model = rnn({ batch: 1, steps, features, units, seed: 2 });
    const summary = readModel(model.bytes);
    const data = (i: number) => {
      const t = summary.tensors[summary.operators[0]!.inputs[i]!]!;
      return new Float32Array(t.data!.buffer.slice(t.data!.byteOffset, t.data!.byteOffset + t.data!.byteLength));
    };
    const [w, u, b] = [data(1), data(2), data(3)];
    let h = new Float64Array(units);
    const expected: number[] = [];
    for (let t = 0; t < steps; t++) {
      const next = new Float64Array(units);
      for (let k = 0; k < units; k++) {
        let z = b[k]!;
        for (let j = 0; j < features; j++) z += w[k * features + j]! * sequence[t * features + j]!;
        for (let j = 0; j < units; j++) z += u[k * units + j]! * h[j]!;
        next[k] = Math.tanh(z);
      }
      h = next;
      expected.push(...h);
    }
    for (const build of ["simd", "mvp"] as const) {
      const got = builds[build].load(model.bytes).predict(sequence)[0]!;
      got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `${build} element ${i}`).toBeLessThan(1e-6));
    }
  });

  for (const [kind, build] of [
    ["float32", "simd"],
    ["float32", "mvp"],
    ["int8", "simd"],
    ["int8", "mvp"],
  ] as const) {
    it(`streaming one step per invoke equals the whole sequence, and resetState() restarts it (${kind}, ${build})`, () => {
      const whole = builds[build].load(rnn({ kind, batch: 1, steps, features, units, seed: 3 }).bytes);
      const expected = Array.from(whole.predict(sequence)[0]!);
      const stream = builds[build].load(rnn({ kind, batch: 1, steps: 1, features, units, seed: 3 }).bytes);
      const run = () => {
        const got: number[] = [];
        for (let t = 0; t < steps; t++)
          got.push(...stream.predict(sequence.subarray(t * features, (t + 1) * features))[0]!);
        return got;
      };
      expect(run()).toEqual(expected);
      expect(run()).not.toEqual(expected); // the state carried on
      stream.resetState();
      expect(run()).toEqual(expected);
    });
  }

  it("SIMD and MVP builds give identical bits (hybrid asymmetric, time-major, batch 3)", () => {
    const model = rnn({
      kind: "int8",
      batch: 3,
      steps: 6,
      features: 9,
      units: 11,
      timeMajor: true,
      asymmetricQuantizeInputs: true,
      seed: 5,
    });
    const x = Float32Array.from({ length: 3 * 6 * 9 }, () => uniform(rng, -3, 3));
    const [a, b] = (["simd", "mvp"] as const).map((build) =>
      Array.from(builds[build].load(model.bytes).predict(x)[0]!),
    );
    expect(b).toEqual(a);
  });

  it("refuses what it does not implement, by name", () => {
    expect(() =>
      builds.simd.load(
        rnn({ batch: 1, steps: 2, features: 3, units: 4, activation: ActivationFunctionType.SIGN_BIT, seed: 6 }).bytes,
      ),
    ).toThrow(/UNIDIRECTIONAL_SEQUENCE_RNN\): RNN activation must be NONE, RELU, RELU_N1_TO_1, RELU6 or TANH/);
  });
});
