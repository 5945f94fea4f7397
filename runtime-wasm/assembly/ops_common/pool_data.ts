// What MAX_POOL_2D and AVERAGE_POOL_2D prepare for their evaluation (pool.ts)
// and the row kernels read (kernels/pool_rows.ts).

import { Window } from "./window";

@unmanaged
export class PoolData extends Window {
  batches: i32;
  inH: i32;
  inW: i32;
  channels: i32;
  outH: i32;
  outW: i32;
  filterH: i32;
  filterW: i32;
  padH: i32;
  padW: i32;
  /** One accumulator per channel (f32 or i32) for the output pixel being computed. */
  accumulators: usize;
}
