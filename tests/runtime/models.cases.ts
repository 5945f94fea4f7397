// Whole models, for the exactness suites (see tests/helpers/cases.ts): TFLM's
// micro_speech (DEPTHWISE_CONV_2D, FULLY_CONNECTED, SOFTMAX) and mnist_lstm
// (float32 and int8), and LeNet-5 built by our writer (float32 and int8).
import { EXACT, XNNPACK_QS8, randomCase, type Case } from "../helpers/cases.ts";
import { lenet } from "../helpers/cnn.ts";
import { fixture } from "../helpers/fixtures.ts";
import { Rng } from "../helpers/mutate.ts";

export function cases(): Case[] {
  const speech = new Rng(99);
  const digits = new Rng(123);
  const mnistInputs = (ints: boolean) =>
    Array.from({ length: 100 }, () => [
      Array.from({ length: 784 }, () => (ints ? (digits.next() % 256) - 128 : Math.fround(digits.next() / 2 ** 32))),
    ]);
  return [
    {
      model: {
        name: "micro_speech",
        bytes: fixture("micro_speech/micro_speech_quantized.tflite"),
        inputs: [{ elements: 1960, kind: "int8" }],
      },
      tflite: XNNPACK_QS8,
      inputs: Array.from({ length: 200 }, () => [Array.from({ length: 1960 }, () => (speech.next() % 256) - 128)]),
    },
    randomCase(lenet("float32", 7), EXACT),
    randomCase(lenet("int8", 7), XNNPACK_QS8),
    {
      model: {
        name: "mnist_lstm float",
        bytes: fixture("mnist_lstm/trained_lstm.tflite"),
        inputs: [{ elements: 784, kind: "float32" }],
      },
      tflite: EXACT,
      inputs: mnistInputs(false),
    },
    // TFLite hands the FULLY_CONNECTED after the LSTM to XNNPACK (the LSTM itself runs TFLite's own integer kernel).
    {
      model: {
        name: "mnist_lstm int8",
        bytes: fixture("mnist_lstm/trained_lstm_int8.tflite"),
        inputs: [{ elements: 784, kind: "int8" }],
      },
      tflite: XNNPACK_QS8,
      inputs: mnistInputs(true),
    },
  ];
}
