// Multiply-accumulates per inference, from a model's operators and tensor
// shapes: what `inspect` reports as the model's arithmetic cost.
import type { ModelSummary } from "@wasmlite/format";

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * Math.max(b, 1), 1);

export function macsPerInference(m: ModelSummary): number {
  let total = 0;
  for (const op of m.operators) {
    const shape = (i: number) => (i >= 0 ? m.tensors[i]!.shape : []);
    const out = shape(op.outputs[0]!);
    switch (op.op) {
      case "FULLY_CONNECTED": {
        const w = shape(op.inputs[1]!);
        total += (count(out) / w[0]!) * w[0]! * w[1]!;
        break;
      }
      case "CONV_2D": {
        const w = shape(op.inputs[1]!); // [out, kh, kw, in/groups]
        total += count(out) * w[1]! * w[2]! * w[3]!;
        break;
      }
      case "DEPTHWISE_CONV_2D": {
        const w = shape(op.inputs[1]!); // [1, kh, kw, channels]
        total += count(out) * w[1]! * w[2]!;
        break;
      }
      case "UNIDIRECTIONAL_SEQUENCE_LSTM": {
        // Four gates, each a product with the input and with the previous output, per step.
        const x = shape(op.inputs[0]!);
        const steps = x[0]! * x[1]!;
        const cells = shape(op.inputs[2]!)[0]!;
        const gates = op.inputs[1]! >= 0 ? 4 : 3;
        total += steps * gates * cells * (x[2]! + cells);
        break;
      }
      case "UNIDIRECTIONAL_SEQUENCE_RNN": {
        const x = shape(op.inputs[0]!);
        const units = shape(op.inputs[1]!)[0]!;
        total += x[0]! * x[1]! * units * (x[2]! + units);
        break;
      }
    }
  }
  return total;
}
