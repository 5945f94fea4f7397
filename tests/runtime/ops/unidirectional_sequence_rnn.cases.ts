// UNIDIRECTIONAL_SEQUENCE_RNN, float32 and int8 weights (the hybrid form:
// float activations, int8 weights, also with asymmetrically quantised
// inputs): one step and 50, batches, time-major input, tanh, RELU and RELU6.
// State carries across runs.
import { ActivationFunctionType } from "@wasmlite/format";
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { rnn } from "../../helpers/rnn.ts";

const { RELU, RELU6 } = ActivationFunctionType;

// The hybrid form quantises h to int8 at every step: a step function of h.
// TFLite's float32 arithmetic before it (its tanh, its sums) and ours differ
// in the last place, which changes nothing until a value of h, scaled by
// 127 / range, lies next to a rounding tie: here in run 23 before step 28,
// 7.6e-6 from one, crossed in TFLite and not in wasmlite (nor in a float64
// emulation of the operator). That value then differs by one int8 step
// (1/127 of h's range), and the outputs that follow by up to 3.04e-3 of
// their magnitude (worst seen).
const TIE_CROSSED = {
  bound: 3.1e-3,
  why: "one value of the int8-quantised state crossed a rounding tie in TFLite only (float32 differences in the last place); 3.04e-3 is the worst seen after it",
};

export function cases(): Case[] {
  return [
    rnn({ batch: 1, steps: 50, features: 8, units: 13, seed: 11 }),
    rnn({ batch: 2, steps: 1, features: 3, units: 6, activation: RELU, seed: 12 }),
    rnn({ batch: 3, steps: 9, features: 7, units: 5, timeMajor: true, activation: RELU6, seed: 13 }),
    rnn({ kind: "int8", batch: 2, steps: 1, features: 3, units: 6, activation: RELU, seed: 15 }),
    rnn({ kind: "int8", batch: 3, steps: 9, features: 7, units: 5, timeMajor: true, seed: 16 }),
    rnn({ kind: "int8", batch: 2, steps: 20, features: 16, units: 32, asymmetricQuantizeInputs: true, seed: 17 }),
  ]
    .map((model) => randomCase(model, EXACT))
    .concat(
      randomCase(rnn({ kind: "int8", batch: 1, steps: 50, features: 8, units: 13, seed: 14 }), EXACT, {
        tfliteFloat: TIE_CROSSED,
      }),
    );
}
