// CONV_2D with awkward geometry in float32 and int8: SAME and VALID,
// strides, dilations, 1x1 to 7x7, grouped, batch 2, fused RELU, RELU6 and
// RELU_N1_TO_1, without a bias; the int16 (16x8) form with each bias TFLM
// accepts (int64, int32, none: they choose the accumulator); and
// CONV_2D -> MAX_POOL_2D pairs, which the SIMD build may fuse.
import { ActivationFunctionType } from "@wasmlite/format";
import { EXACT, XNNPACK_QS8, randomCase, type Case, type RefusalCase, type Rounding } from "../../helpers/cases.ts";
import { conv, convPool } from "../../helpers/cnn.ts";

const { RELU, RELU6, RELU_N1_TO_1 } = ActivationFunctionType;

const OPT_CONV_16X8: Rounding = {
  lsb: 1,
  why: "TFLite runs an int16 CONV_2D with an int32 bias on its optimized kernel, which requantises its own way (the reference kernel only with an int64 bias); TFLM always runs the reference kernel",
};

export function cases(): Case[] {
  const list: Case[] = [];
  for (const kind of ["float32", "int8"] as const) {
    const r = kind === "int8" ? XNNPACK_QS8 : EXACT;
    list.push(
      randomCase(conv({ kind, input: [1, 9, 11, 1], outChannels: 3, kernel: [3, 3], padding: "SAME", seed: 1 }), r),
      randomCase(
        conv({ kind, input: [1, 10, 9, 3], outChannels: 7, kernel: [3, 3], stride: [2, 2], padding: "SAME", seed: 2 }),
        r,
      ),
      randomCase(
        conv({
          kind,
          input: [2, 12, 12, 7],
          outChannels: 17,
          kernel: [3, 3],
          dilation: [2, 2],
          padding: "VALID",
          activation: RELU,
          seed: 3,
        }),
        r,
      ),
      randomCase(conv({ kind, input: [1, 6, 5, 17], outChannels: 5, kernel: [1, 1], padding: "VALID", seed: 4 }), r),
      randomCase(
        conv({
          kind,
          input: [1, 13, 13, 3],
          outChannels: 4,
          kernel: [7, 7],
          stride: [2, 3],
          padding: "SAME",
          activation: RELU6,
          seed: 5,
        }),
        r,
      ),
      // One input channel: the SIMD build's pixel-lane kernel (rows of 17, 8, 9, 13 and 12
      // outputs: blocks of 8 then a half block of 4 or a whole one overlapping the one
      // before; channel counts not a multiple of 3, 1x1, 3x2 and 7x7, vertical stride and
      // dilation, per-tensor weights), equal to the MVP build's im2col.
      randomCase(
        conv({
          kind,
          input: [2, 12, 19, 1],
          outChannels: 5,
          kernel: [3, 3],
          padding: "VALID",
          activation: RELU,
          seed: 21,
        }),
        r,
      ),
      randomCase(conv({ kind, input: [1, 8, 8, 1], outChannels: 1, kernel: [1, 1], padding: "VALID", seed: 22 }), r),
      randomCase(
        conv({
          kind,
          input: [1, 10, 15, 1],
          outChannels: 4,
          kernel: [7, 7],
          padding: "VALID",
          perChannel: false,
          seed: 23,
        }),
        r,
      ),
      randomCase(
        conv({
          kind,
          input: [2, 11, 13, 1],
          outChannels: 4,
          kernel: [3, 2],
          stride: [2, 1],
          dilation: [2, 1],
          padding: "SAME",
          activation: RELU6,
          seed: 26,
        }),
        r,
      ),
      randomCase(
        conv({
          kind,
          input: [1, 6, 14, 1],
          outChannels: 4,
          kernel: [3, 3],
          padding: "VALID",
          activation: RELU,
          seed: 40,
        }),
        r,
      ),
      randomCase(
        conv({
          kind,
          input: [1, 7, 8, 6],
          outChannels: 9,
          kernel: [3, 2],
          stride: [1, 2],
          padding: "SAME",
          groups: 3,
          seed: 25,
        }),
        r,
      ),
      // Image rows of 6 values (fewer than one vector when widened in the SIMD build).
      randomCase(conv({ kind, input: [1, 5, 3, 2], outChannels: 3, kernel: [2, 2], padding: "SAME", seed: 27 }), r),
      ...pooled(kind, r),
    );
  }
  list.push(
    randomCase(
      conv({
        kind: "int8",
        input: [1, 7, 6, 4],
        outChannels: 5,
        kernel: [3, 3],
        padding: "SAME",
        bias: "none",
        seed: 50,
      }),
      XNNPACK_QS8,
      { tfliteRefuses: "TFLite's int8 CONV_2D needs a bias (the model does not initialise); TFLM's does not" },
    ),
    randomCase(
      conv({
        kind: "int8",
        input: [1, 8, 7, 3],
        outChannels: 6,
        kernel: [2, 3],
        padding: "VALID",
        activation: RELU_N1_TO_1,
        seed: 51,
      }),
      XNNPACK_QS8,
    ),
    randomCase(
      conv({ kind: "int16", input: [1, 9, 8, 3], outChannels: 5, kernel: [3, 3], padding: "SAME", seed: 53 }),
      EXACT,
    ),
    randomCase(
      conv({
        kind: "int16",
        input: [2, 7, 9, 4],
        outChannels: 6,
        kernel: [3, 2],
        stride: [2, 1],
        padding: "VALID",
        activation: RELU6,
        bias: "int32",
        seed: 54,
      }),
      OPT_CONV_16X8,
    ),
    randomCase(
      conv({
        kind: "int16",
        input: [1, 6, 6, 2],
        outChannels: 3,
        kernel: [3, 3],
        dilation: [2, 2],
        padding: "SAME",
        bias: "none",
        seed: 55,
      }),
      EXACT,
      { tfliteRefuses: "TFLite's 16x8 CONV_2D needs a bias (the model does not initialise); TFLM's does not" },
    ),
    randomCase(
      conv({
        kind: "int16",
        input: [1, 6, 7, 6],
        outChannels: 6,
        kernel: [3, 3],
        padding: "SAME",
        groups: 2,
        seed: 56,
      }),
      EXACT,
    ),
  );
  return list;
}

/**
 * CONV_2D -> MAX_POOL_2D. The SIMD build's convolution does a 2x2, stride-2
 * pooling itself where it can (equal to the MVP build, which never does):
 * the pixel-lane kernel with odd convolution sizes, batch 2 and a RELU only
 * on the pooling; eight convolution columns; 14 (a last whole block
 * overlapping the one before); the channel-lane kernel, with groups; a
 * vertical stride (pixel lanes) and a dilation (channel lanes). Not
 * absorbed: a window past the image (SAME on 9 columns), a 3x3 window, the
 * unpooled tensor also an output, a requantisation that shifts left.
 */
function pooled(kind: "float32" | "int8", r: Rounding): Case[] {
  const twoByTwo = { window: [2, 2] as [number, number], poolStride: [2, 2] as [number, number] };
  return [
    convPool({
      kind,
      input: [2, 13, 21, 1],
      outChannels: 5,
      kernel: [3, 3],
      padding: "VALID",
      ...twoByTwo,
      poolPadding: "VALID",
      poolActivation: RELU,
      seed: 30,
    }),
    convPool({
      kind,
      input: [1, 8, 10, 1],
      outChannels: 3,
      kernel: [3, 3],
      padding: "VALID",
      activation: RELU,
      ...twoByTwo,
      poolPadding: "SAME",
      seed: 31,
    }),
    convPool({
      kind,
      input: [1, 9, 16, 1],
      outChannels: 6,
      kernel: [3, 3],
      padding: "VALID",
      ...twoByTwo,
      poolPadding: "VALID",
      seed: 41,
    }),
    convPool({
      kind,
      input: [1, 11, 10, 3],
      outChannels: 10,
      kernel: [3, 3],
      padding: "SAME",
      activation: RELU6,
      ...twoByTwo,
      poolPadding: "VALID",
      seed: 32,
    }),
    convPool({
      kind,
      input: [2, 9, 8, 6],
      outChannels: 9,
      kernel: [2, 2],
      padding: "SAME",
      groups: 3,
      ...twoByTwo,
      poolPadding: "VALID",
      poolActivation: RELU6,
      seed: 33,
    }),
    convPool({
      kind,
      input: [1, 20, 12, 1],
      outChannels: 3,
      kernel: [3, 3],
      stride: [2, 1],
      padding: "VALID",
      ...twoByTwo,
      poolPadding: "VALID",
      seed: 38,
    }),
    convPool({
      kind,
      input: [1, 12, 12, 3],
      outChannels: 4,
      kernel: [3, 3],
      dilation: [2, 2],
      padding: "VALID",
      activation: RELU,
      ...twoByTwo,
      poolPadding: "VALID",
      seed: 39,
    }),
    convPool({
      kind,
      input: [1, 10, 9, 3],
      outChannels: 7,
      kernel: [3, 3],
      padding: "SAME",
      ...twoByTwo,
      poolPadding: "SAME",
      seed: 34,
    }),
    convPool({
      kind,
      input: [1, 12, 12, 2],
      outChannels: 4,
      kernel: [3, 3],
      padding: "VALID",
      window: [3, 3],
      poolStride: [2, 2],
      poolPadding: "VALID",
      seed: 35,
    }),
    convPool({
      kind,
      input: [1, 12, 12, 1],
      outChannels: 4,
      kernel: [3, 3],
      padding: "VALID",
      ...twoByTwo,
      poolPadding: "VALID",
      exposeConv: true,
      seed: 36,
    }),
    convPool({
      kind,
      input: [1, 12, 12, 3],
      outChannels: 4,
      kernel: [3, 3],
      padding: "VALID",
      ...twoByTwo,
      poolPadding: "VALID",
      outputRange: 0.005,
      seed: 37,
    }),
  ].map((model) => randomCase(model, r));
}

export function refusals(): RefusalCase[] {
  return [
    {
      // 1025 x 1024 x 1 weights per filter: one row of the im2col matrix would pass 2^20 elements.
      name: "a receptive field of 1025 x 1024",
      bytes: conv({
        kind: "int8",
        input: [1, 1025, 1024, 1],
        outChannels: 1,
        kernel: [1025, 1024],
        padding: "VALID",
        seed: 3,
      }).bytes,
      code: "UNSUPPORTED_FEATURE",
      message: "operator 0 (CONV_2D): receptive field larger than 2^20 elements",
    },
    {
      // A 9x9 kernel dilated 4096 times, SAME: the padded image is 36,865 x 36,865 from a 256 MiB input.
      name: "a padded input of 5 GB",
      bytes: conv({
        kind: "float32",
        input: [1, 8192, 8192, 1],
        outChannels: 1,
        kernel: [9, 9],
        stride: [4096, 4096],
        dilation: [4096, 4096],
        padding: "SAME",
        seed: 4,
      }).bytes,
      code: "UNSUPPORTED_FEATURE",
      message: "operator 0 (CONV_2D): padded input would take 1 GiB or more",
    },
  ];
}
