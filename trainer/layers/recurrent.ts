// What the recurrent layers (SimpleRNN, LSTM, the Jordan network) share: the
// time-major bookkeeping. Each keeps its
// per-step buffers time-major ([T, B, width]: one step's rows contiguous, so a
// step is one matrix product over the batch) while samples arrive and leave
// batch-major ([B, T, width]).
import { part, type Workspace, type Buf } from "../workspace.ts";
import type { InitializerName } from "../initializers.ts";

/** The options every recurrent layer takes. */
export interface RecurrentOptions {
  /** Hidden units. */
  units: number;
  /** Output every step ([T, width]) instead of the last ([width]). */
  returnSequences?: boolean;
  /** Truncated BPTT: no gradient flows back across the start of each window of this many steps. */
  truncate?: number;
  /** The weights' initialiser (default glorotUniform). */
  initializer?: InitializerName;
}

/** Step s's [batch, width] rows of a time-major buffer. */
export function stepRows(buf: Buf, step: number, batch: number, width: number): Buf {
  return part(buf, step * batch * width, batch * width);
}

/**
 * The layer's output gradient as the time-major dL/dy_t it backpropagates
 * from: every step's ([B, T, width] swapped), or, when only the last step is
 * the output, zero before it.
 */
export function outputGradientByStep(
  ws: Workspace,
  dOut: Buf,
  into: Buf,
  batch: number,
  steps: number,
  width: number,
  returnSequences: boolean,
): void {
  if (returnSequences) {
    ws.swapLeadingAxes(dOut, into, batch, steps, width);
    return;
  }
  ws.f32(into).fill(0, 0, (steps - 1) * batch * width);
  ws.f32(stepRows(into, steps - 1, batch, width)).set(ws.f32(part(dOut, 0, batch * width)));
}
