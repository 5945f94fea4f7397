// TFLite Micro conformance: the fixtures in tests/fixtures/tflm. hello_world
// by TFLM's own criterion; the seanet layers against their golden vectors,
// every element exactly (TFLM's tests allow 1; its kernels give 0).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { fixture, readCsvInts, seanetCases } from "../helpers/fixtures.ts";
import { bothBuilds, type Builds } from "../helpers/runtimes.ts";
import type { Model } from "@wasmlite/runtime";

let builds: Builds;
beforeAll(async () => {
  builds = await bothBuilds();
});

const report: string[] = [];
afterAll(() => {
  console.log(["TFLM conformance (exactly equal elements / total):", ...report].join("\n  "));
});

describe("hello_world (TFLM's criterion: |sin(x) - y| <= 0.05 at x = 0, 1, 3, 5)", () => {
  for (const variant of ["float", "int8"]) {
    for (const build of ["simd", "mvp"] as const) {
      it(`${variant} on the ${build} build`, () => {
        const model = builds[build].load(fixture(`hello_world/hello_world_${variant}.tflite`));
        expect(model.inputs[0]!.dtype).toBe(variant === "float" ? "float32" : "int8");
        for (const x of [0, 1, 3, 5]) {
          const y = model.predict(new Float32Array([x]))[0]![0]!;
          expect(Math.abs(Math.sin(x) - y)).toBeLessThanOrEqual(0.05);
        }
      });
    }
  }
});

describe("simple_add", () => {
  it("runs int8 ADD and gives the same bytes on both builds", () => {
    const outputs = (["simd", "mvp"] as const).map((build) => {
      const model = builds[build].load(fixture("simple_add/simple_add_model.tflite"));
      for (const input of model.inputs) {
        const data = input.data as Int8Array;
        for (let i = 0; i < data.length; i++) data[i] = ((i * 37) % 255) - 127;
      }
      model.invoke();
      expect(model.arenaBytes).toBeGreaterThan(0);
      expect(model.arenaBytes).toBeGreaterThanOrEqual(model.arenaLowerBound);
      if (build === "simd")
        report.push(`simple_add: arena ${model.arenaBytes} B (lower bound ${model.arenaLowerBound} B)`);
      return Array.from(model.outputs[0]!.data as Int8Array);
    });
    expect(outputs[0]).toEqual(outputs[1]);
  });
});

function fillInputs(model: Model, inputs: number[][]): void {
  expect(model.inputs.length).toBe(inputs.length);
  model.inputs.forEach((t, i) => {
    const values = inputs[i]!;
    expect(values.length, `input ${i} length`).toBe(t.data.length);
    (t.data as Int16Array | Int32Array).set(values);
  });
}

describe.each(["add", "sub", "leaky_relu", "quantize", "conv", "pad", "strided_slice"])(
  "seanet %s (16x8) against TFLM goldens",
  (op) => {
    const cases = seanetCases(op);
    it(`has fixtures`, () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) {
      it(`${c.name}: every element equal to the golden value, same bytes on SIMD and MVP`, () => {
        const inputs = c.inputs.map(readCsvInts);
        const golden = readCsvInts(c.golden);
        const results = (["simd", "mvp"] as const).map((build) => {
          const model = builds[build].load(fixture(c.model));
          fillInputs(model, inputs);
          model.invoke();
          const out = model.outputs[0]!;
          expect(out.data.length).toBe(golden.length);
          return Array.from(out.data as Int16Array | Int32Array);
        });
        expect(results[1]).toEqual(results[0]);
        const out = results[0]!;
        let exact = 0;
        let worst = 0;
        for (let i = 0; i < golden.length; i++) {
          const diff = Math.abs(out[i]! - golden[i]!);
          if (diff === 0) exact++;
          worst = Math.max(worst, diff);
        }
        report.push(`${c.name}: ${exact}/${golden.length} exact, max |diff| ${worst}`);
        // TFLM's own tests allow 1; its reference kernels (and so wasmlite) give the goldens exactly.
        expect(worst, `${c.name}: ${golden.length - exact} elements differ from TFLM's golden values`).toBe(0);
      });
    }
  },
);
