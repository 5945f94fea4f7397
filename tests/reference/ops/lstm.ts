// UNIDIRECTIONAL_SEQUENCE_LSTM, TFLite's integer "8x8_16" form: int8 input,
// weights and hidden state, int16 gates and cell state. Prepare follows
// TFLite's PopulateQuantizedLstmParams8x8_16 and
// PopulatePrecomputedZPTimesWeightsWithBias (scales multiplied in float32;
// the zero points folded into the biases); one step follows
// lstm_eval.cc's LstmStepInteger8x8_16 with the portable tensor_utils
// kernels, in its order: forget, cell, input, new cell, output, hidden.
// Without layer normalisation the gates are Q3.12 (scale 2^-12); no
// peepholes or projection (the runtime refuses those by name).

import {
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  roundingDivideByPOT,
  checkedLog2,
  clamp,
  wrap32,
} from "../fixedpoint.ts";
import { INT16, logistic, tanh } from "../gemmlowp.ts";
import { type Node, type Kernel, type Tensor, input, quant } from "../tensor.ts";

const INPUT_WEIGHTS = 1; // + gate: input, forget, cell, output
const RECURRENT_WEIGHTS = 5;
const BIASES = 12;
const OUTPUT_STATE = 18;
const CELL_STATE = 19;
const GATE_SCALE = 2 ** -12;

const sat16 = (v: number) => clamp(v, -32768, 32767);
const wrap16 = (v: number) => INT16.wrap(v);
const f = Math.fround;

interface GateWeights {
  wx: Tensor;
  wh: Tensor;
  /** bias - zp_x * rowsum(wx), and -zp_h * rowsum(wh) (PrecomputeZeroPointTimesWeightWithBias). */
  biasX: number[];
  biasH: number[];
  mx: { multiplier: number; shift: number };
  mh: { multiplier: number; shift: number };
}

function rowSums(w: Tensor): number[] {
  const [rows, cols] = [w.shape[0]!, w.shape[1]!];
  return Array.from({ length: rows }, (_, r) => w.data.slice(r * cols, (r + 1) * cols).reduce((s, v) => s + v, 0));
}

/** MatrixBatchVectorMultiplyAccumulate (int16 output): out = sat16(out + MBQM(bias + W v, m)). */
function accumulate(
  out: number[],
  v: readonly number[],
  w: Tensor,
  bias: readonly number[],
  m: { multiplier: number; shift: number },
): void {
  const cols = w.shape[1]!;
  for (let r = 0; r < out.length; r++) {
    let acc = bias[r]!;
    for (let k = 0; k < cols; k++) acc += v[k]! * w.data[r * cols + k]!;
    out[r] = sat16(multiplyByQuantizedMultiplier(wrap32(acc), m.multiplier, m.shift) + out[r]!);
  }
}

export class IntegerLstm {
  readonly gates: (GateWeights | undefined)[];
  readonly cellScaleLog2: number;
  readonly cellClip: number;
  readonly hidden: { multiplier: number; shift: number };
  readonly hiddenZeroPoint: number;

  constructor(node: Node) {
    const x = input(node, 0);
    const h = input(node, OUTPUT_STATE);
    const c = input(node, CELL_STATE);
    const qx = quant(x),
      qh = quant(h);
    this.gates = [0, 1, 2, 3].map((g) => {
      const wx = node.inputs[INPUT_WEIGHTS + g];
      if (!wx) return undefined; // CIFG: no input gate
      const wh = input(node, RECURRENT_WEIGHTS + g);
      const bias = input(node, BIASES + g).data;
      const sx = rowSums(wx),
        sh = rowSums(wh);
      return {
        wx,
        wh,
        biasX: sx.map((s, r) => bias[r]! + -qx.zeroPoint * s),
        biasH: sh.map((s) => -qh.zeroPoint * s),
        // weight scale * input scale / intermediate scale, all float32.
        mx: quantizeMultiplier(f(f(wx.scale[0]! * qx.scale) / GATE_SCALE)),
        mh: quantizeMultiplier(f(f(wh.scale[0]! * qh.scale) / GATE_SCALE)),
      };
    });
    const { log2, exact } = checkedLog2(quant(c).scale);
    if (!exact || log2 > -9) throw new Error("reference LSTM: the cell state's scale must be 2^k, k <= -9");
    this.cellScaleLog2 = log2;
    const clip = f((node.options.cellClip as number) ?? 0);
    this.cellClip = clip > 0 ? Math.trunc(clamp(f(clip / quant(c).scale), -32768, 32767)) : 0;
    const hiddenTensor = node.intermediates[4]!;
    this.hidden = quantizeMultiplier(f((2 ** -15 / hiddenTensor.scale[0]!) * 2 ** -15));
    this.hiddenZeroPoint = hiddenTensor.zeroPoint[0] ?? 0;
  }

  /** One step for one batch row: x (int8), h and c (the state, updated in place). Returns the new h. */
  step(x: readonly number[], h: number[], c: number[]): number[] {
    const cells = c.length;
    const gate = (g: number, activation: (v: number) => number): number[] => {
      const w = this.gates[g]!;
      const out = new Array<number>(cells).fill(0);
      accumulate(out, x, w.wx, w.biasX, w.mx);
      accumulate(out, h, w.wh, w.biasH, w.mh);
      return out.map(activation);
    };
    const sigmoid = (v: number) => logistic(INT16, v, 3);
    const forget = gate(1, sigmoid);
    const cellGate = gate(2, (v) => tanh(INT16, v, 3));
    const inputGate = this.gates[0] ? gate(0, sigmoid) : forget.map((v) => 32767 - v); // Sub1Vector
    for (let u = 0; u < cells; u++) {
      // CwiseMul casts to int16 without saturating; CwiseAdd saturates.
      const kept = wrap16(roundingDivideByPOT(forget[u]! * c[u]!, 15));
      const added = wrap16(roundingDivideByPOT(inputGate[u]! * cellGate[u]!, 30 + this.cellScaleLog2));
      c[u] = sat16(kept + added);
      if (this.cellClip > 0) c[u] = clamp(c[u]!, -this.cellClip, this.cellClip);
    }
    const outputGate = gate(3, sigmoid);
    const tanhCell = c.map((v) => tanh(INT16, v, 15 + this.cellScaleLog2));
    return outputGate.map((o, u) => {
      const value =
        multiplyByQuantizedMultiplier(o * tanhCell[u]!, this.hidden.multiplier, this.hidden.shift) +
        this.hiddenZeroPoint;
      return clamp(value, -128, 127);
    });
  }
}

export function integerLstm(node: Node, lstm: IntegerLstm): void {
  const x = input(node, 0);
  const hState = input(node, OUTPUT_STATE);
  const cState = input(node, CELL_STATE);
  const y = node.outputs[0]!;
  const timeMajor = Boolean(node.options.timeMajor);
  const features = x.shape.at(-1)!;
  const cells = cState.shape.at(-1)!;
  const [steps, batches] =
    x.shape.length === 3 ? (timeMajor ? [x.shape[0]!, x.shape[1]!] : [x.shape[1]!, x.shape[0]!]) : [1, x.shape[0]!];
  const out = new Array<number>(steps * batches * cells).fill(0);
  for (let b = 0; b < batches; b++) {
    const h = hState.data.slice(b * cells, (b + 1) * cells);
    const c = cState.data.slice(b * cells, (b + 1) * cells);
    for (let t = 0; t < steps; t++) {
      const at = timeMajor ? t * batches + b : b * steps + t;
      const next = lstm.step(x.data.slice(at * features, (at + 1) * features), h, c);
      h.splice(0, cells, ...next);
      out.splice(at * cells, cells, ...next);
    }
    hState.data.splice(b * cells, cells, ...h);
    cState.data.splice(b * cells, cells, ...c);
  }
  y.data = out;
}

export const KERNELS: Record<string, Kernel> = {
  UNIDIRECTIONAL_SEQUENCE_LSTM: {
    run: (n, state) => {
      if (!state.has(n)) state.set(n, new IntegerLstm(n));
      integerLstm(n, state.get(n) as IntegerLstm);
    },
  },
};
