// Float32 LOGISTIC and TANH (kernels/exp_f32.ts, also the LSTM's gate
// activations): over a dense sweep of inputs, every output within 4 units in
// the last place of 1.0 (2^-21) of the true function computed in float64, the
// SIMD and MVP builds bit-identical, and saturation and NaN handled. The sweep
// length is not a multiple of four, so the scalar tail after the vector loop
// runs too.
import { describe, it, expect, beforeAll } from "vitest";
import { bothBuilds, type Builds } from "../../helpers/runtimes.ts";
import { unary } from "../../helpers/models.ts";
import { BuiltinOperator } from "@wasmlite/format";

let builds: Builds;
beforeAll(async () => {
  builds = await bothBuilds();
});

const SPECIAL = [
  0,
  -0,
  1e-30,
  -1e-30,
  1e-7,
  -1e-7,
  87,
  -87,
  88,
  -88,
  89,
  -89,
  100,
  -100,
  1e30,
  -1e30,
  Infinity,
  -Infinity,
];
const SWEEP = Float32Array.from([...Array.from({ length: 40_001 }, (_, i) => -20 + i * 0.001), ...SPECIAL]);
const TOLERANCE = 4 * 2 ** -23;

const cases = [
  { op: BuiltinOperator.LOGISTIC, name: "LOGISTIC", f: (x: number) => 1 / (1 + Math.exp(-x)), bottom: 0 },
  { op: BuiltinOperator.TANH, name: "TANH", f: Math.tanh, bottom: -1 },
];

function run(build: "simd" | "mvp", op: BuiltinOperator, values: Float32Array): Float32Array {
  const model = builds[build].load(
    unary({ op, inKind: "float32", outKind: "float32", shape: [values.length], seed: 1 }).bytes,
  );
  (model.inputs[0]!.data as Float32Array).set(values);
  model.invoke();
  return Float32Array.from(model.outputs[0]!.data as Float32Array);
}

describe.each(cases)("float32 $name", ({ op, name, f, bottom }) => {
  it(`within 4 ulp of 1.0 of the float64 function over ${SWEEP.length} inputs; SIMD = MVP bit for bit`, () => {
    const simd = run("simd", op, SWEEP);
    const mvp = run("mvp", op, SWEEP);
    expect(new Uint32Array(mvp.buffer)).toEqual(new Uint32Array(simd.buffer));
    let worst = 0;
    SWEEP.forEach((x, i) => {
      const error = Math.abs(simd[i]! - f(x));
      worst = Math.max(worst, error);
      expect(error, `${name}(${x}) = ${simd[i]}, true ${f(x)}`).toBeLessThanOrEqual(TOLERANCE);
    });
    console.log(
      `float32 ${name}: worst |error| ${worst.toExponential(2)} (${(worst / 2 ** -23).toFixed(2)} ulp of 1.0)`,
    );
  });

  it("saturates exactly and passes NaN through", () => {
    const [hi, lo, nan] = Array.from(run("simd", op, Float32Array.of(1e30, -1e30, NaN)));
    expect(hi).toBe(1);
    // The input clamp stops at exp(88), so LOGISTIC's floor is 1/(1 + e^88),
    // a float32 denormal below 1e-38; TANH reaches -1 exactly.
    expect(lo!).toBeGreaterThanOrEqual(bottom);
    expect(lo! - bottom).toBeLessThan(1e-38);
    expect(Number.isNaN(nan!)).toBe(true);
  });
});
