// MAX_POOL_2D: the largest value in each window. See pooling.ts.
import { Operator } from "../graph";
import { preparePool, evalPool } from "./pooling";

export function prepare(op: Operator): bool {
  return preparePool(op);
}

export function evaluate(op: Operator): void {
  evalPool(op, false);
}
