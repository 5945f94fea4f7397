// PADV2: pads with a constant value given as a third input. See ops_common/pad.ts.
import { Operator } from "../graph";
import { preparePad, evalPad } from "../ops_common/pad";

export function prepare(op: Operator): bool {
  return preparePad(op, true);
}

export function evaluate(op: Operator): void {
  evalPad(op);
}
