// Small trained models the export suites share.
import {
  sequential,
  dense,
  flatten,
  prelu,
  conv2d,
  depthwiseConv2d,
  simpleRnn,
  lstm,
  embedding,
  jordanRnn,
  globalAveragePooling2d,
  maxPool2d,
  averagePool2d,
  conv1d,
  maxPool1d,
  averagePool1d,
  globalAveragePooling1d,
  oneHot,
  slice,
  type Sequential,
  type Dataset,
} from "@wasmlite/trainer";
import { Rng } from "../../trainer/rng.ts";
import { mnistSplit } from "../../cli/data/mnist.ts";
import { sineSequences } from "../../cli/data/sine-sequences.ts";

/**
 * A 784-24-16-10 MLP (ReLU, tanh, softmax) trained `epochs` epochs on the
 * first `samples` MNIST training digits, and those digits (for calibration).
 */
export function mnistMlp(samples: number, epochs: number): { model: Sequential; digits: Dataset } {
  const digits = slice(mnistSplit().train, 0, samples);
  const model = sequential(
    [
      flatten(),
      dense({ units: 24, activation: "relu" }),
      dense({ units: 16, activation: "tanh" }),
      dense({ units: 10, activation: "softmax" }),
    ],
    { inputShape: [28, 28, 1], seed: 5 },
  );
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  model.fit(digits, { epochs, batchSize: 32 });
  return { model, digits };
}

/** 200 samples of 6 features in [-1, 1], 3 classes by which third of the first two features' sum they fall in. */
export function sigmoidLeakyPreluData(): Dataset {
  const rng = new Rng(41);
  const n = 200;
  const x = Float32Array.from({ length: n * 6 }, () => rng.uniform(-1, 1));
  const labels = Array.from({ length: n }, (_, s) => {
    const v = x[s * 6]! + x[s * 6 + 1]!;
    return v < -0.5 ? 0 : v < 0.5 ? 1 : 2;
  });
  return { x, y: oneHot(labels, 3, "labels"), n, inputShape: [6], targetSize: 3, labels: ["low", "mid", "high"] };
}

/** dense(8, sigmoid) -> dense(8, leaky ReLU) -> dense(8) -> PReLU -> dense(3, softmax), trained a few epochs. */
export function sigmoidLeakyPrelu(d: Dataset): Sequential {
  const m = sequential(
    [
      dense({ units: 8, activation: "sigmoid" }),
      dense({ units: 8, activation: "leakyRelu", alpha: 0.2 }),
      dense({ units: 8 }),
      prelu(),
      dense({ units: 3, activation: "softmax" }),
    ],
    { inputShape: [6], seed: 42 },
  );
  m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  m.fit(d, { epochs: 5, batchSize: 16 });
  return m;
}

/**
 * A small CNN, conv 4@3x3 same ReLU -> max pool 2x2 -> conv 6@3x3 valid tanh
 * -> average pool 2x2 -> flatten -> dense 10 softmax, trained `epochs` epochs
 * on the first `samples` MNIST training digits; and those digits.
 */
export function mnistCnn(samples: number, epochs: number): { model: Sequential; digits: Dataset } {
  const digits = slice(mnistSplit().train, 0, samples);
  const model = sequential(
    [
      conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" }),
      maxPool2d(),
      conv2d({ filters: 6, kernelSize: 3, activation: "tanh" }),
      averagePool2d(),
      flatten(),
      dense({ units: 10, activation: "softmax" }),
    ],
    { inputShape: [28, 28, 1], seed: 6 },
  );
  model.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "categoricalCrossentropy" });
  model.fit(digits, { epochs, batchSize: 32 });
  return { model, digits };
}

/**
 * A separable CNN, conv 16@3x3 stride 2 ReLU -> depthwise 3x3 same ReLU ->
 * depthwise 3x3 x2 stride 2 ReLU -> global average pool -> dense 10 softmax,
 * trained `epochs` epochs on the first `samples` MNIST training digits; and those digits.
 */
export function mnistDepthwise(samples: number, epochs: number): { model: Sequential; digits: Dataset } {
  const digits = slice(mnistSplit().train, 0, samples);
  const model = sequential(
    [
      conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: "relu" }),
      depthwiseConv2d({ kernelSize: 3, padding: "same", activation: "relu" }),
      depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: "same", activation: "relu" }),
      globalAveragePooling2d(),
      dense({ units: 10, activation: "softmax" }),
    ],
    { inputShape: [28, 28, 1], seed: 7 },
  );
  model.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "categoricalCrossentropy" });
  model.fit(digits, { epochs, batchSize: 32 });
  return { model, digits };
}

/**
 * SimpleRNN 16 (tanh, last step) -> dense 1, trained 3 epochs to predict the
 * next value of 20-step sine waves (cli/data/sine-sequences.ts); and its training set.
 */
export function sineRnn(): { model: Sequential; train: Dataset } {
  const { train } = sineSequences({ train: 400, test: 1, steps: 20, seed: 3 });
  const model = sequential([simpleRnn({ units: 16 }), dense({ units: 1 })], { inputShape: [20, 1], seed: 8 });
  model.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse", clipNorm: 1 });
  model.fit(train, { epochs: 3, batchSize: 32 });
  return { model, train };
}

/**
 * LSTM 12 (last step) -> dense 1, trained 3 epochs on the same next-value
 * task as sineRnn(); and its training set.
 */
export function sineLstm(): { model: Sequential; train: Dataset } {
  const { train } = sineSequences({ train: 400, test: 1, steps: 20, seed: 3 });
  const model = sequential([lstm({ units: 12 }), dense({ units: 1 })], { inputShape: [20, 1], seed: 9 });
  model.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse", clipNorm: 1 });
  model.fit(train, { epochs: 3, batchSize: 32 });
  return { model, train };
}

/**
 * Embedding 20 x 8 -> LSTM 16 -> dense softmax on 12-token sequences, trained
 * 3 epochs to tell whether token 3 occurs; and its training set.
 */
export function tokenLstm(): { model: Sequential; train: Dataset } {
  const rng = new Rng(12);
  const n = 1000;
  const x = Float32Array.from({ length: n * 12 }, () => rng.nextU32() % 20);
  const labels = Array.from({ length: n }, (_, s) => (x.subarray(s * 12, (s + 1) * 12).includes(3) ? 1 : 0));
  const train = { x, y: oneHot(labels, 2, "tokens"), n, inputShape: [12], targetSize: 2, labels: ["no 3", "a 3"] };
  const model = sequential(
    [embedding({ vocabulary: 20, width: 8 }), lstm({ units: 16 }), dense({ units: 2, activation: "softmax" })],
    { inputShape: [12], seed: 10 },
  );
  model.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "categoricalCrossentropy" });
  model.fit(train, { epochs: 3, batchSize: 32 });
  return { model, train };
}

/**
 * Jordan network (12 hidden, 3 outputs fed back, last step) -> dense 1,
 * trained 3 epochs on 12-step sine waves; and its training set.
 */
export function sineJordan(): { model: Sequential; train: Dataset } {
  const { train } = sineSequences({ train: 400, test: 1, steps: 12, seed: 3 });
  const model = sequential([jordanRnn({ units: 12, outputs: 3 }), dense({ units: 1 })], {
    inputShape: [12, 1],
    seed: 11,
  });
  model.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse", clipNorm: 1 });
  model.fit(train, { epochs: 3, batchSize: 32 });
  return { model, train };
}

/**
 * A 1-D CNN over each MNIST digit read as a sequence of its 28 rows (28
 * features a step): conv1d 16@5 same ReLU -> max pool 2 -> conv1d 24@3
 * (dilation 2) tanh -> average pool 3 (stride 2, same) -> global average
 * pooling -> dense 10 softmax, Adam at 0.01, trained `epochs` epochs on the
 * first `samples` training digits; and those digits.
 */
export function mnistConv1d(samples: number, epochs: number): { model: Sequential; digits: Dataset } {
  const asRows = (d: Dataset): Dataset => ({ ...d, inputShape: [28, 28] });
  const digits = asRows(slice(mnistSplit().train, 0, samples));
  const model = sequential(
    [
      conv1d({ filters: 16, kernelSize: 5, padding: "same", activation: "relu" }),
      maxPool1d({ poolSize: 2 }),
      conv1d({ filters: 24, kernelSize: 3, dilation: 2, activation: "tanh" }),
      averagePool1d({ poolSize: 3, strides: 2, padding: "same" }),
      globalAveragePooling1d(),
      dense({ units: 10, activation: "softmax" }),
    ],
    { inputShape: [28, 28], seed: 21 },
  );
  model.compile({ optimizer: { name: "adam", learningRate: 0.01 }, loss: "categoricalCrossentropy" });
  model.fit(digits, { epochs, batchSize: 32 });
  return { model, digits };
}
