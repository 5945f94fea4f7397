// SUB: output = act(input1 - input2), with broadcasting. See arithmetic.ts.
import { Operator } from "../graph";
import { OPTIONS_SUB } from "../schema";
import { prepareArithmetic, evalArithmetic } from "./arithmetic";

export function prepare(op: Operator): bool {
  return prepareArithmetic(op, OPTIONS_SUB);
}

export function evaluate(op: Operator): void {
  evalArithmetic(op, true);
}
