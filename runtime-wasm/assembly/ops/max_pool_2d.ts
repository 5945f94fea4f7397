// MAX_POOL_2D: the largest value in each window. See ops_common/pool.ts.
import { Operator } from "../graph";
import { preparePool, evalPool } from "../ops_common/pool";

// (In the SIMD build a CONV_2D before it may do the pooling instead: passes/absorb_max_pool.ts.)
export function prepare(op: Operator): bool {
  return preparePool(op);
}

export function evaluate(op: Operator): void {
  evalPool(op, false);
}
