// AVERAGE_POOL_2D: the mean of each window (clipped to the image). See ops_common/pool.ts.
import { Operator } from "../graph";
import { preparePool, evalPool } from "../ops_common/pool";

export function prepare(op: Operator): bool {
  return preparePool(op);
}

export function evaluate(op: Operator): void {
  evalPool(op, true);
}
