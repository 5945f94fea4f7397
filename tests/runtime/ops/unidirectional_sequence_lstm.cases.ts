// UNIDIRECTIONAL_SEQUENCE_LSTM, float32 and int8 (TFLM's integer LSTM):
// one step and 50, batches, a cell clip, CIFG (coupled input and forget
// gates), time-major input, more steps than one chunk of input products (8)
// with an odd last chunk, cell scales, and a nonzero state zero point (the
// state starts at it, as TFLite's ResetVariableTensor does, not at 0). State
// carries across runs.
import { EXACT, randomCase, type Case, type RefusalCase } from "../../helpers/cases.ts";
import { lstm } from "../../helpers/rnn.ts";
import { editModel } from "../../helpers/edit-model.ts";

export function cases(): Case[] {
  return [
    lstm({ batch: 1, steps: 50, features: 8, cells: 13, seed: 1 }),
    lstm({ batch: 2, steps: 1, features: 3, cells: 6, seed: 2 }),
    lstm({ batch: 1, steps: 20, features: 16, cells: 32, cellClip: 3, seed: 3 }),
    lstm({ batch: 3, steps: 7, features: 5, cells: 9, cifg: true, seed: 4 }),
    lstm({ batch: 2, steps: 6, features: 4, cells: 5, timeMajor: true, seed: 5 }),
    lstm({ batch: 3, steps: 11, features: 9, cells: 21, timeMajor: true, seed: 18 }),
    lstm({ batch: 2, steps: 17, features: 6, cells: 40, seed: 19 }),
    lstm({ kind: "int8", batch: 1, steps: 50, features: 8, cells: 13, seed: 6 }),
    lstm({ kind: "int8", batch: 2, steps: 1, features: 3, cells: 6, seed: 7 }),
    lstm({ kind: "int8", batch: 1, steps: 20, features: 16, cells: 32, cellClip: 3, cellScaleLog2: -12, seed: 8 }),
    lstm({ kind: "int8", batch: 3, steps: 7, features: 5, cells: 9, cifg: true, seed: 9 }),
    lstm({ kind: "int8", batch: 2, steps: 6, features: 4, cells: 5, timeMajor: true, cellScaleLog2: -10, seed: 10 }),
    lstm({ kind: "int8", batch: 3, steps: 11, features: 9, cells: 21, timeMajor: true, seed: 20 }),
    lstm({ kind: "int8", batch: 2, steps: 5, features: 4, cells: 7, stateZeroPoint: 9, seed: 21 }),
  ].map((model) => randomCase(model, EXACT));
}

/** The LSTM with its output state (input 18) an ordinary graph input rather than a variable tensor. */
function stateAsGraphInput(bytes: Uint8Array): Uint8Array {
  return editModel(bytes, (model) => {
    const graph = model.subgraphs[0]!;
    const state = graph.operators[0]!.inputs[18]!;
    graph.tensors[state]!.isVariable = false;
    graph.inputs.push(state);
  });
}

export function refusals(): RefusalCase[] {
  return [
    {
      // The gates of 8 steps of 2^20 sequences of 9 cells: 2^20 x 8 x 36 x 4 bytes.
      name: "a batch of 2^20 sequences",
      bytes: lstm({ batch: 2 ** 20, steps: 8, features: 1, cells: 9, seed: 70 }).bytes,
      code: "UNSUPPORTED_FEATURE",
      message:
        "operator 0 (UNIDIRECTIONAL_SEQUENCE_LSTM): the LSTM's working buffers would exceed 1 GiB (batch too large)",
    },
    {
      name: "a state that is not a variable tensor",
      bytes: stateAsGraphInput(lstm({ batch: 1, steps: 2, features: 2, cells: 2, seed: 71 }).bytes),
      code: "INVALID_MODEL",
      message:
        /^operator 0 \(UNIDIRECTIONAL_SEQUENCE_LSTM\): input 18 \(tensor \d+ '\w+'\) must be a variable tensor \(the recurrent state\)$/,
    },
  ];
}
