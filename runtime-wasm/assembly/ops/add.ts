// ADD: output = act(input1 + input2), with broadcasting. See ops_common/add_sub.ts.
import { Operator } from "../graph";
import { OPTIONS_ADD } from "../schema";
import { prepareArithmetic, evalArithmetic } from "../ops_common/add_sub";

export function prepare(op: Operator): bool {
  return prepareArithmetic(op, OPTIONS_ADD);
}

export function evaluate(op: Operator): void {
  evalArithmetic(op, false);
}
