// Realistic bugs, each a one-place edit of the real source, that the test
// suite must catch (`npm run mutants`, tests/mutants/run.ts). Each names the
// kind of mistake it models, and the test files that catch it; the runner
// applies one at a time to a scratch copy, rebuilds, runs those files and
// requires a failure. A mutant the suite misses is a missing test.

export interface Mutant {
  id: string;
  /** Path from the repository root. */
  file: string;
  /** Exact text, which must occur exactly once in the file. */
  find: string;
  replace: string;
  /** The mistake it models. */
  bug: string;
  /** What must be rebuilt for the edit to take effect. */
  build: "runtime" | "trainer-kernels" | "none";
  /** Test files expected to catch it (one failure in any of them is enough). */
  tests: string[];
}

const REFERENCE = "tests/reference.test.ts";
const ACTIVATIONS = "tests/integer-activations.test.ts";
const TRAINER = "tests/trainer.test.ts";

export const MUTANTS: Mutant[] = [
  // --- the runtime's shared fixed-point arithmetic (both builds) ---
  {
    id: "rounding-divide-half-up",
    file: "runtime-wasm/assembly/fixedpoint.ts",
    find: "const threshold: i32 = (mask >> 1) + (x < 0 ? 1 : 0);",
    replace: "const threshold: i32 = mask >> 1;",
    bug: "RoundingDivideByPOT rounds negative ties toward +infinity (half up) instead of away from zero",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "high-mul-nudge-sign",
    file: "runtime-wasm/assembly/fixedpoint.ts",
    find: "const nudge: i64 = ab >= 0 ? (1 << 30) : (1 - (1 << 30));",
    replace: "const nudge: i64 = 1 << 30;",
    bug: "SaturatingRoundingDoublingHighMul nudges negative products the wrong way before its truncating division",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "multiply-64-truncates",
    file: "runtime-wasm/assembly/fixedpoint.ts",
    find: "const rounded: i64 = x * reduced + (<i64>1 << (totalShift - 1));",
    replace: "const rounded: i64 = x * reduced;",
    bug: "the 16x8 kernels' 64-bit requantisation truncates instead of rounding",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "quantize-multiplier-truncates",
    file: "runtime-wasm/assembly/fixedpoint.ts",
    find: "let qFixed = <i64>roundHalfAwayF64(fraction * 2147483648.0);",
    replace: "let qFixed = <i64>Math.floor(fraction * 2147483648.0);",
    bug: "QuantizeMultiplier truncates the Q31 significand instead of rounding it",
    build: "runtime",
    tests: ["tests/requantize.test.ts", REFERENCE],
  },
  // --- SIMD-only paths ---
  {
    id: "simd-rounding-divide-half-up",
    file: "runtime-wasm/assembly/fixedpoint.ts",
    find: "const threshold = i32x4.sub(half, i32x4.shr_s(x, 31));",
    replace: "const threshold = half;",
    bug: "the four-lane RoundingDivideByPOT (SIMD build only) forgets the +1 threshold for negative lanes",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "simd-fc-no-bias",
    file: "runtime-wasm/assembly/ops/fully_connected.ts",
    find: "const sums = i32x4.add(v128.load(dots), v128.load(data.rowConstants + (<usize>u << 2)));",
    replace: "const sums = v128.load(dots);",
    bug: "int8 FULLY_CONNECTED's four-unit SIMD path drops the bias and the input-offset row sums",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "simd-depthwise-no-bias",
    file: "runtime-wasm/assembly/ops/depthwise_conv2d.ts",
    find: "if (bias != 0) sum = i32x4.add(sum, v128.load(bias + (<usize>c << 2)));",
    replace: "",
    bug: "int8 DEPTHWISE_CONV_2D's four-channel SIMD requantisation forgets the bias (the scalar tail keeps it)",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "simd-max-pool-starts-at-zero",
    file: "runtime-wasm/assembly/ops/pooling.ts",
    find: "let m = i8x16.splat(-128);",
    replace: "let m = i8x16.splat(0);",
    bug: "the SIMD int8 max pool starts its running maximum at 0 instead of the type's minimum",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "simd-conv-pad-value",
    file: "runtime-wasm/assembly/ops/conv2d.ts",
    find: "const pad = float ? 0 : <u32>(-d.inputOffset) & 0xffff;",
    replace: "const pad = float ? 0 : <u32>(1 - d.inputOffset) & 0xffff;",
    bug: "the SIMD convolution pads its widened image with the zero point plus one (off by one in a zero point)",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "simd-lstm-cifg-one",
    file: "runtime-wasm/assembly/ops/lstm_integer.ts",
    find: "const i = cifg ? i16x8.sub(i16x8.splat(32767), f) : v128.load(iRow + at);",
    replace: "const i = cifg ? i16x8.sub(i16x8.splat(1 << 15), f) : v128.load(iRow + at);",
    bug: "the SIMD integer LSTM's coupled input gate writes 1.0 in Q0.15 as 1 << 15 (which wraps) instead of 32767",
    build: "runtime",
    tests: [REFERENCE],
  },
  // --- MVP-only and shared scalar paths ---
  {
    id: "mvp-conv-pads-with-zero",
    file: "runtime-wasm/assembly/ops/conv2d.ts",
    find: "const padByte = <u32>(-d.inputOffset) & 0xff; // the input zero point",
    replace: "const padByte = 0; // the input zero point",
    bug: "the MVP build's im2col pads int8 images with 0 instead of the input zero point",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "mvp-lstm-cell-truncates",
    file: "runtime-wasm/assembly/ops/lstm_integer.ts",
    find: "let cell = saturate16(roundingDivideByPOT(f * <i32>load<i16>(c + at), 15)",
    replace: "let cell = saturate16(((f * <i32>load<i16>(c + at)) >> 15)",
    bug: "the MVP integer LSTM's forget term f * c / 2^15 truncates instead of rounding",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "fc-tail-no-bias",
    file: "runtime-wasm/assembly/ops/fully_connected.ts",
    find: "      const dot = dotI8(w.data + <usize>(u * depth), xrow, depth);\n      store<i8>(yrow + <usize>u, <i8>requantizeInt8(data, u, dot));",
    replace: "      const dot = dotI8(w.data + <usize>(u * depth), xrow, depth);\n      store<i8>(yrow + <usize>u, <i8>requantizeChannel(dot, data.multipliers, data.shifts, u, data.outputOffset, data.actMin, data.actMax));",
    bug: "int8 FULLY_CONNECTED's tail (units past a multiple of four) forgets the bias and input-offset row sums",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "padding-before-rounds-up",
    file: "runtime-wasm/assembly/ops/geometry.ts",
    find: "  return total / 2;",
    replace: "  return (total + 1) / 2;",
    bug: "SAME padding puts the odd extra row or column before the image instead of after (off by one in padding)",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "conv-filter-transposed",
    file: "runtime-wasm/assembly/ops/conv2d.ts",
    find: "const wp = w + <usize>(((c * d.kH + fy) * d.kW + fx) * d.kC);",
    replace: "const wp = w + <usize>(((c * d.kW + fx) * d.kH + fy) * d.kC);",
    bug: "the 16x8 convolution reads the filter with its height and width swapped (a transposed filter index)",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "int16-add-truncates",
    file: "runtime-wasm/assembly/ops/arithmetic.ts",
    find: "const out = multiplyByQuantizedMultiplierSmallerThanOneExp(raw, d.outputMultiplier, d.outputShift) + d.outputOffset;",
    replace: "const out = <i32>((<i64>raw * <i64>d.outputMultiplier) >> <i64>(31 - d.outputShift)) + d.outputOffset;",
    bug: "ADD/SUB rescale the sum to the output by truncating instead of rounding (the issue's int16 ADD/SUB example)",
    build: "runtime",
    tests: ["tests/conformance-tflm.test.ts", REFERENCE],
  },
  {
    id: "logistic-int8-truncates",
    file: "runtime-wasm/assembly/ops/sigmoid_int8.ts",
    find: ": roundingDivideByPOT(logistic(inQ4, INPUT_INTEGER_BITS), 31 - 8) - 128;",
    replace: ": (logistic(inQ4, INPUT_INTEGER_BITS) >> (31 - 8)) - 128;",
    bug: "int8 LOGISTIC truncates gemmlowp's Q0.31 result to 8 bits instead of rounding (the issue's LOGISTIC example)",
    build: "runtime",
    tests: [ACTIVATIONS, REFERENCE],
  },
  {
    id: "int16-logistic-interpolation",
    file: "runtime-wasm/assembly/ops/sigmoid_int16.ts",
    find: "result = (ua << 9) + (absV & 0x1ff) * (ub - ua);",
    replace: "result = (ua << 9) + (absV & 0xff) * (ub - ua);",
    bug: "int16 LOGISTIC interpolates between table entries with one fractional bit too few",
    build: "runtime",
    tests: [ACTIVATIONS, REFERENCE],
  },
  {
    id: "int16-lut-truncates",
    file: "runtime-wasm/assembly/kernels/int16_lut.ts",
    find: "const delta = (slope * offset + 64) >> 7;",
    replace: "const delta = (slope * offset) >> 7;",
    bug: "int16 SOFTMAX's table interpolation truncates instead of rounding",
    build: "runtime",
    tests: [ACTIVATIONS, REFERENCE],
  },
  {
    id: "softmax-sum-truncates",
    file: "runtime-wasm/assembly/ops/softmax.ts",
    find: "if (e >= 0) sumOfExps += roundingDivideByPOT(e, ACCUMULATION_INTEGER_BITS);",
    replace: "if (e >= 0) sumOfExps += e >> ACCUMULATION_INTEGER_BITS;",
    bug: "int8 SOFTMAX truncates each exponential to the Q12.19 sum instead of rounding it",
    build: "runtime",
    tests: [ACTIVATIONS, REFERENCE],
  },
  {
    id: "average-pool-truncates",
    file: "runtime-wasm/assembly/ops/pooling.ts",
    find: "if (average) v = v > 0 ? (v + count / 2) / count : (v - count / 2) / count;",
    replace: "if (average) v = v / count;",
    bug: "integer AVERAGE_POOL_2D truncates the mean instead of rounding half away from zero",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "mean-rounds",
    file: "runtime-wasm/assembly/ops/mean.ts",
    find: "      v = load<i32>(at) / d.count;",
    replace: "      v = (load<i32>(at) + (d.count >> 1)) / d.count;",
    bug: "MEAN with equal input and output quantisation rounds where TFLM's integer division truncates",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "quantize-rounds-half-even",
    file: "runtime-wasm/assembly/ops/quantize.ts",
    find: "const q = saturatingF32ToI32(roundHalfAwayF32(load<f32>(x.data + (<usize>i << 2)) / d.scale));",
    replace: "const q = saturatingF32ToI32(nearest<f32>(load<f32>(x.data + (<usize>i << 2)) / d.scale));",
    bug: "QUANTIZE float -> int rounds ties to even instead of away from zero",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "prelu-alpha-offset-sign",
    file: "runtime-wasm/assembly/ops/prelu.ts",
    find: "data.alphaOffset = -alpha.zeroPoint;",
    replace: "data.alphaOffset = alpha.zeroPoint;",
    bug: "quantised PRELU adds alpha's zero point instead of subtracting it (a sign error in a zero point)",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "pad-int8-with-zero",
    file: "runtime-wasm/assembly/ops/padding.ts",
    find: "if (x.type == TYPE_INT8) padValue = <u32>y.zeroPoint & 0xff;",
    replace: "if (x.type == TYPE_INT8) padValue = 0;",
    bug: "int8 PAD fills with 0 instead of the zero point",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "relu-n1-to-1-lower-bound",
    file: "runtime-wasm/assembly/ops/common.ts",
    find: "lo = max(qmin, quantizeForRange(out, -1));",
    replace: "lo = max(qmin, quantizeForRange(out, 0));",
    bug: "a fused RELU_N1_TO_1 clamps below at 0 (as RELU) instead of at -1",
    build: "runtime",
    tests: [REFERENCE],
  },
  {
    id: "state-starts-at-zero",
    file: "runtime-wasm/assembly/index.ts",
    find: "const value = tensor.type == TYPE_INT8 ? <u8>tensor.zeroPoint : <u8>0;",
    replace: "const value = <u8>0;",
    bug: "int8 recurrent state starts at raw 0 instead of its zero point (the quantised 0)",
    build: "runtime",
    tests: [REFERENCE],
  },
  // --- the trainer ---
  {
    id: "dense-weight-gradient-sign",
    file: "trainer/layers/dense.ts",
    find: "ws.gemmTN(dz, this.#x, this.w.grad, this.units, this.inputs, batch);",
    replace: "ws.gemmTN(dz, this.#x, this.w.grad, this.units, this.inputs, batch);\n    ws.f32(this.w.grad).forEach((v, i, a) => (a[i] = -v));",
    bug: "a wrong sign in the dense layer's weight gradient",
    build: "none",
    tests: [TRAINER],
  },
  {
    id: "cross-entropy-gradient-not-averaged",
    file: "trainer/losses.ts",
    find: "grad[r + j] = (Math.exp(out[r + j]! - lse) - y) / batch;",
    replace: "grad[r + j] = Math.exp(out[r + j]! - lse) - y;",
    bug: "the fused softmax cross-entropy gradient is summed over the batch, not averaged",
    build: "none",
    tests: [TRAINER],
  },
  {
    id: "adam-bias-correction",
    file: "trainer/optimizers.ts",
    find: "const c1 = 1 - o.beta1 ** this.steps, c2 = 1 - o.beta2 ** this.steps;",
    replace: "const c1 = 1 - o.beta1 ** (this.steps + 1), c2 = 1 - o.beta2 ** (this.steps + 1);",
    bug: "Adam's bias correction uses step t + 1 (an off-by-one in t)",
    build: "none",
    tests: [TRAINER],
  },
  {
    id: "rmsprop-epsilon-inside-sqrt",
    file: "trainer/kernels/updates.ts",
    find: "store<f32>(theta + at, load<f32>(theta + at) - (lr * gi) / (Mathf.sqrt(ns) + eps));",
    replace: "store<f32>(theta + at, load<f32>(theta + at) - (lr * gi) / Mathf.sqrt(ns + eps));",
    bug: "RMSProp's scalar tail puts epsilon inside the square root",
    build: "trainer-kernels",
    tests: [TRAINER],
  },
  {
    id: "momentum-forgets-velocity",
    file: "trainer/kernels/updates.ts",
    find: "const nv = f32x4.add(f32x4.mul(vg, v128.load(v + at)), f32x4.mul(vl, v128.load(g + at)));",
    replace: "const nv = f32x4.mul(vl, v128.load(g + at));",
    bug: "the SIMD momentum update forgets the previous velocity (plain SGD)",
    build: "trainer-kernels",
    tests: [TRAINER],
  },
];
