export interface Timing {
  /** Median microseconds per call. */
  medianUs: number;
  /** The fastest batch (timeCalls) or round (timeInRounds): microseconds per call. */
  fastestUs: number;
  calls: number;
}
export function timeCalls(fn: () => unknown, minBatchMs?: number, batches?: number, warmUpMs?: number): Promise<Timing>;
export function timeInRounds(
  fns: (() => unknown)[],
  rounds?: number,
  minBatchMs?: number,
  batches?: number,
): Promise<Timing[]>;
