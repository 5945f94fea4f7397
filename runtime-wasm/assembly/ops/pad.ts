// PAD: pads with 0.0 (float) or the output zero point (quantized). See ops_common/pad.ts.
import { Operator } from "../graph";
import { preparePad, evalPad } from "../ops_common/pad";

export function prepare(op: Operator): bool {
  return preparePad(op, false);
}

export function evaluate(op: Operator): void {
  evalPad(op);
}
