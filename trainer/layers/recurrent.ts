// What the recurrent layers (SimpleRNN, LSTM, the Jordan network) share: the
// time-major bookkeeping. Each keeps its
// per-step buffers time-major ([T, B, width]: one step's rows contiguous, so a
// step is one matrix product over the batch) while samples arrive and leave
// batch-major ([B, T, width]).
import { z } from "zod";
import { part, type Workspace, type Buf } from "../workspace.ts";
import { initializerField } from "../initializers.ts";
import { positiveInt } from "./options.ts";
import type { Param } from "./layer.ts";
import { BuiltinOperator, type TensorType, type QuantizationSpec } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

/** The options every recurrent layer takes (layers/options.ts). */
export const recurrentFields = {
  units: positiveInt.meta({ description: "hidden units" }),
  returnSequences: z.boolean().optional().meta({ description: "output every step (default: the last)" }),
  truncate: positiveInt
    .optional()
    .meta({ description: "truncated BPTT: no gradient flows back across windows of this many steps" }),
  initializer: initializerField("glorotUniform"),
};

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
    ws.kernels.swapLeadingAxes(dOut, into, batch, steps, width);
    return;
  }
  ws.f32(into).fill(0, 0, (steps - 1) * batch * width);
  ws.f32(stepRows(into, steps - 1, batch, width)).set(ws.f32(part(dOut, 0, batch * width)));
}

/** The layer's output: the last step's rows, or every step swapped to batch-major into `sequence`. */
export function outputOfSteps(
  ws: Workspace,
  states: Buf,
  sequence: Buf,
  batch: number,
  steps: number,
  width: number,
  returnSequences: boolean,
): Buf {
  if (!returnSequences) return stepRows(states, steps - 1, batch, width);
  ws.kernels.swapLeadingAxes(states, sequence, steps, batch, width);
  return sequence;
}

/**
 * What every recurrent layer's backward pass ends with, once its steps have
 * left the pre-activation gradients dz [T, B, G] (G = the rows of W and U):
 *   dW = sum_t dz_t^T x_t,  db = sum_t dz_t,
 *   dU = sum over t >= 1 of dz_t^T s_(t-1)   (s: the state fed back, width S;
 *        steps 1.. of dz against steps ..T-1 of s, one product),
 *   dx_t = dz_t W, swapped back to batch-major (when inputGradient).
 */
export function inputAndRecurrentGradients(
  ws: Workspace,
  b: {
    dz: Buf;
    x: Buf;
    fedBack: Buf;
    w: Param;
    u: Param;
    bias: Param;
    dxTime: Buf;
    dx: Buf;
  },
  batch: number,
  steps: number,
  rows: number,
  features: number,
  fedBackWidth: number,
  inputGradient: boolean,
): void {
  const all = steps * batch;
  ws.kernels.gemmTN(b.dz, b.x, b.w.grad, rows, features, all, 0);
  ws.kernels.sumRows(b.dz, b.bias.grad, all, b.bias.grad.length);
  // One step has nothing fed back: a product over no rows, which writes dU = 0.
  ws.kernels.gemmTN(
    part(b.dz, batch * rows, (steps - 1) * batch * rows),
    b.fedBack,
    b.u.grad,
    rows,
    fedBackWidth,
    (steps - 1) * batch,
    0,
  );
  if (inputGradient) {
    ws.kernels.gemmNN(b.dz, b.w.value, b.dxTime, all, features, rows, 0);
    ws.kernels.swapLeadingAxes(b.dxTime, b.dx, steps, batch, features);
  }
}

/**
 * The last step of a [1, T, H] sequence: STRIDED_SLICE to [1, H], as
 * TensorFlow's converter writes it (begin [0, -1, 0], end [0, 0, 0], strides
 * 1, begin and end masks on the batch and feature axes, the time axis shrunk).
 */
export function addLastStep(
  e: LayerExport,
  name: string,
  sequence: number,
  units: number,
  type: TensorType,
  quantization?: QuantizationSpec,
): number {
  const shape = [1, units];
  const out = e.builder.addTensor({ name: `${name}/last_step`, shape, type, quantization });
  e.addOperator({
    op: BuiltinOperator.STRIDED_SLICE,
    inputs: [
      sequence,
      e.addConstant(`${name}/last_step/begin`, [3], Int32Array.from([0, -1, 0])),
      e.addConstant(`${name}/last_step/end`, [3], Int32Array.from([0, 0, 0])),
      e.addConstant(`${name}/last_step/strides`, [3], Int32Array.from([1, 1, 1])),
    ],
    outputs: [out],
    options: { type: "StridedSliceOptions", beginMask: 0b101, endMask: 0b101, shrinkAxisMask: 0b010 },
  });
  return out;
}
