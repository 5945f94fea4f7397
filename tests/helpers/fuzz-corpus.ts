// The models our writer builds for the fuzzer and the refusal corpus, so that
// mutation reaches operators the TFLM fixtures do not use (pooling,
// convolutions that pool, concatenation, mean, float convolutions, CIFG and
// integer LSTMs, float and hybrid RNNs).
import { lenet, conv, convPool, depthwise, pool, padModel, concat, meanModel } from "./cnn.ts";
import { mlp, type BuiltModel } from "./models.ts";
import { lstm, rnn } from "./rnn.ts";

export function writerBuiltModels(): BuiltModel[] {
  return [
    lenet("float32", 1),
    lenet("int8", 2),
    conv({
      kind: "int8",
      input: [1, 7, 7, 3],
      outChannels: 5,
      kernel: [3, 3],
      stride: [2, 2],
      padding: "SAME",
      seed: 3,
    }),
    // A pooling the SIMD build's grouped convolution absorbs (LeNet's two are absorbed too).
    convPool({
      kind: "int8",
      input: [2, 9, 8, 6],
      outChannels: 9,
      kernel: [2, 2],
      padding: "SAME",
      groups: 3,
      window: [2, 2],
      poolStride: [2, 2],
      poolPadding: "VALID",
      seed: 14,
    }),
    depthwise({ kind: "float32", input: [1, 6, 6, 4], multiplier: 2, kernel: [3, 3], padding: "VALID", seed: 4 }),
    pool({ kind: "int8", max: false, input: [1, 5, 5, 2], window: [2, 2], stride: [2, 2], padding: "SAME", seed: 5 }),
    padModel({
      kind: "int8",
      input: [1, 3, 3, 2],
      paddings: [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      seed: 6,
    }),
    concat({
      kind: "float32",
      shapes: [
        [1, 2, 3],
        [1, 4, 3],
      ],
      axis: 1,
      seed: 7,
    }),
    meanModel({ kind: "int8", input: [1, 4, 4, 3], axes: [1, 2], keepDims: true, sameQuant: false, seed: 8 }),
    mlp({ kind: "int8", sizes: [20, 8, 4], perChannel: true, seed: 9, head: "none" }),
    lstm({ batch: 2, steps: 3, features: 4, cells: 5, cifg: true, seed: 10 }),
    lstm({ kind: "int8", batch: 2, steps: 3, features: 4, cells: 5, cellClip: 2, seed: 11 }),
    rnn({ batch: 2, steps: 3, features: 4, units: 5, seed: 12 }),
    rnn({ kind: "int8", batch: 1, steps: 4, features: 6, units: 3, asymmetricQuantizeInputs: true, seed: 13 }),
    lstm({ kind: "int8", batch: 2, steps: 3, features: 4, cells: 5, stateZeroPoint: 7, seed: 15 }),
    conv({
      kind: "int16",
      input: [1, 6, 5, 3],
      outChannels: 4,
      kernel: [3, 3],
      padding: "SAME",
      bias: "int32",
      seed: 16,
    }),
  ];
}
