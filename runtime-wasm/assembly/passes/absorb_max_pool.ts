// A graph pass, run after every operator is prepared (SIMD build): an int8
// MAX_POOL_2D with 2x2 windows at stride 2 inside the image is offered to
// the CONV_2D that writes its input. When the convolution takes it
// (ops/conv2d.ts, absorbMaxPool), the pooling is not evaluated and its
// input is never stored: the planner gives that tensor no buffer.
// The generated registry runs this pass only in builds holding both
// operators.

import { Operator, input, operatorAt, operatorCount, FLAG_ABSORBED } from "../graph";
import { OP_MAX_POOL_2D } from "../schema";
import { PoolData } from "../ops_common/pool_data";
import { absorbMaxPool } from "../ops/conv2d";
import { isInt8 } from "../kernel_types";

export function absorbMaxPoolings(): void {
  if (!ASC_FEATURE_SIMD) return;
  for (let i = 1; i < operatorCount; i++) {
    const op = operatorAt(i);
    if (op.code == OP_MAX_POOL_2D) offer(op, operatorAt(i - 1));
  }
}

function offer(op: Operator, before: Operator): void {
  const d = changetype<PoolData>(op.data);
  const x = input(op, 0);
  if (!isInt8(x.type)) return;
  if (d.filterH != 2 || d.filterW != 2 || d.strideH != 2 || d.strideW != 2) return;
  if (d.padH != 0 || d.padW != 0 || 2 * d.outH > d.inH || 2 * d.outW > d.inW) return;
  if (!absorbMaxPool(before, op, d.actMin, d.actMax)) return;
  op.absorbed = 1;
  x.flags |= FLAG_ABSORBED;
}
