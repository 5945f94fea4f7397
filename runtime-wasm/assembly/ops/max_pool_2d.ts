// MAX_POOL_2D: the largest value in each window. See pooling.ts.
import { Operator } from "../graph";
import { preparePool, evalPool, offerMaxPool } from "./pooling";

export function prepare(op: Operator): bool {
  if (!preparePool(op)) return false;
  offerMaxPool(op); // a CONV_2D before it may do the pooling (SIMD build)
  return true;
}

export function evaluate(op: Operator): void {
  evalPool(op, false);
}
