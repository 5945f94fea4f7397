// One WebAssembly memory holds every training buffer (parameters, gradients,
// activations, optimiser state) for a whole run, so the SIMD kernels work in
// place: no copies between JS and WASM per step. Buffers are float32 ranges
// handed out by a bump allocator; JS reads and writes them through views.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Window } from "./layers/window.ts";

/** A float32 range in the workspace: `offset` and `length` in elements. */
export interface Buf {
  readonly offset: number;
  readonly length: number;
}

interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  sum(a: number, n: number): number;
  axpyUpdate(alpha: number, x: number, y: number, n: number): void;
  addBiasRows(z: number, b: number, rows: number, cols: number): void;
  sumRows(g: number, out: number, rows: number, cols: number): void;
  reluForward(x: number, y: number, n: number): void;
  reluBackward(x: number, dy: number, dx: number, n: number): void;
  gatherRows(src: number, order: number, start: number, count: number, width: number, dst: number): void;
  sigmoidForward(x: number, y: number, n: number): void;
  tanhForward(x: number, y: number, n: number): void;
  sigmoidBackward(y: number, dy: number, dx: number, n: number): void;
  tanhBackward(y: number, dy: number, dx: number, n: number): void;
  momentumUpdate(theta: number, v: number, g: number, n: number, lr: number, gamma: number): void;
  rmspropUpdate(theta: number, s: number, g: number, n: number, lr: number, rho: number, eps: number): void;
  adamUpdate(
    theta: number,
    m: number,
    v: number,
    g: number,
    n: number,
    lr: number,
    b1: number,
    b2: number,
    c1: number,
    c2: number,
    eps: number,
  ): void;
  gemmNT(a: number, b: number, c: number, m: number, n: number, k: number, accumulate: number): void;
  gemmNN(a: number, b: number, c: number, m: number, n: number, k: number, accumulate: number): void;
  gemmTN(a: number, b: number, c: number, m: number, n: number, k: number, accumulate: number): void;
  im2col(x: number, cols: number, batch: number, ...window: number[]): void;
  col2im(dcols: number, dx: number, batch: number, ...window: number[]): void;
  maxPoolForward(x: number, y: number, argmax: number, batch: number, ...window: number[]): void;
  maxPoolBackward(dy: number, argmax: number, dx: number, outputs: number, inputs: number): void;
  averagePoolForward(x: number, y: number, batch: number, ...window: number[]): void;
  averagePoolBackward(dy: number, dx: number, batch: number, ...window: number[]): void;
  depthwiseForward(x: number, w: number, bias: number, z: number, batch: number, ...window: number[]): void;
  swapLeadingAxes(src: number, dst: number, a: number, b: number, width: number): void;
  lstmStepForward(z: number, cPrev: number, c: number, tanhC: number, h: number, rows: number, units: number): void;
  embeddingForward(ids: number, table: number, out: number, n: number, width: number, vocabulary: number): number;
  embeddingBackward(ids: number, dy: number, dtable: number, n: number, width: number): void;
  lstmStepBackward(
    a: number,
    cPrev: number,
    tanhC: number,
    dh: number,
    dc: number,
    dz: number,
    rows: number,
    units: number,
  ): void;
  bnStatistics(x: number, mean: number, variance: number, rows: number, c: number): void;
  bnForward(
    x: number,
    mean: number,
    invStd: number,
    gamma: number,
    beta: number,
    xhat: number,
    y: number,
    rows: number,
    c: number,
  ): void;
  bnBackward(
    dy: number,
    xhat: number,
    gamma: number,
    invStd: number,
    dgamma: number,
    dbeta: number,
    dx: number,
    rows: number,
    c: number,
  ): void;
  sumSquares(x: number, n: number): number;
  depthwiseBackward(dz: number, x: number, w: number, dw: number, dx: number, batch: number, ...window: number[]): void;
}

/** A window's geometry in the order the convolution kernels take it. */
function convArgs(g: Window): number[] {
  return [
    g.h,
    g.w,
    g.c,
    g.kh,
    g.kw,
    g.strideH,
    g.strideW,
    g.dilationH,
    g.dilationW,
    g.padTop,
    g.padLeft,
    g.outH,
    g.outW,
  ];
}

/** A window's geometry and depth multiplier in the order the depthwise kernels take them. */
function depthwiseArgs(g: Window, multiplier: number): number[] {
  const [h, w, c, ...rest] = convArgs(g);
  return [h!, w!, c!, multiplier, ...rest];
}

/** A window's geometry in the order the pooling kernels take it (no dilation). */
function poolArgs(g: Window): number[] {
  return [g.h, g.w, g.c, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft, g.outH, g.outW];
}

/** Floats [from, from + length) of a buffer, as a buffer of its own (no copy). */
export function part(b: Buf, from: number, length: number): Buf {
  if (from < 0 || length < 0 || from + length > b.length)
    throw new Error(`workspace: part [${from}, ${from + length}) of a buffer of ${b.length} floats`);
  return { offset: b.offset + from, length };
}

const KERNELS = fileURLToPath(new URL("./kernels/build/trainer-kernels.wasm", import.meta.url));
let compiled: WebAssembly.Module | undefined;

export class Workspace {
  readonly #k: Kernels;
  #next: number; // in float elements
  #view: Float32Array;

  constructor() {
    try {
      compiled ??= new WebAssembly.Module(readFileSync(KERNELS));
    } catch (e) {
      throw new Error(`trainer kernels not built (${KERNELS}): run 'npm run build' (${(e as Error).message})`);
    }
    this.#k = new WebAssembly.Instance(compiled, {}).exports as unknown as Kernels;
    // Start past the module's own static data, 16-byte aligned.
    const base = this.#k.heapBase();
    this.#next = Math.ceil(base / 16) * 4;
    this.#view = new Float32Array(this.#k.memory.buffer);
  }

  /** A new zeroed buffer of n floats (16-byte aligned). */
  alloc(n: number): Buf {
    if (!Number.isInteger(n) || n < 0) throw new Error(`workspace: cannot allocate ${n} floats`);
    const offset = this.#next;
    this.#next += Math.ceil(n / 4) * 4;
    const needBytes = this.#next * 4;
    const memory = this.#k.memory;
    if (needBytes > memory.buffer.byteLength) {
      const pages = Math.ceil((needBytes - memory.buffer.byteLength) / 65536);
      try {
        memory.grow(pages);
      } catch {
        throw new Error(
          `workspace: training buffers need ${(needBytes / 2 ** 20).toFixed(1)} MiB, more than WebAssembly memory allows`,
        );
      }
    }
    return { offset, length: n };
  }

  /** Where the next allocation starts; release(mark) frees everything after it. */
  mark(): number {
    return this.#next;
  }

  release(mark: number): void {
    this.#next = mark;
  }

  /** The buffer's contents (a live view; do not keep it across alloc()). */
  f32(b: Buf): Float32Array {
    if (this.#view.buffer !== this.#k.memory.buffer) this.#view = new Float32Array(this.#k.memory.buffer);
    return this.#view.subarray(b.offset, b.offset + b.length);
  }

  /** The sum of the squares of a buffer's values (SIMD, accumulated in float64 at the end). */
  sumSquares(a: Buf): number {
    return this.#k.sumSquares(a.offset * 4, a.length);
  }

  /** dst [b, a, width] = src [a, b, width] with its two leading axes swapped (batch- and time-major). */
  swapLeadingAxes(src: Buf, dst: Buf, a: number, b: number, width: number): void {
    this.#k.swapLeadingAxes(src.offset * 4, dst.offset * 4, a, b, width);
  }

  /**
   * out [n, width] = the table's rows for n token ids (kernels/embedding.ts);
   * returns the position of the first id that is not a whole number in
   * [0, vocabulary) (nothing after it is written), or -1.
   */
  embeddingForward(ids: Buf, table: Buf, out: Buf, n: number, width: number): number {
    const vocabulary = table.length / width;
    return this.#k.embeddingForward(ids.offset * 4, table.offset * 4, out.offset * 4, n, width, vocabulary);
  }

  /** dtable[ids[r]] += dy[r] for n checked ids (dtable is not cleared first). */
  embeddingBackward(ids: Buf, dy: Buf, dtable: Buf, n: number, width: number): void {
    this.#k.embeddingBackward(ids.offset * 4, dy.offset * 4, dtable.offset * 4, n, width);
  }

  /**
   * One LSTM step over `rows` rows (kernels/lstm.ts): activates the gate
   * pre-activations z [rows, 4H] in place, writes c, tanh(c) and h [rows, H];
   * no cPrev: the first step (c_(t-1) = 0).
   */
  lstmStepForward(z: Buf, cPrev: Buf | null, c: Buf, tanhC: Buf, h: Buf, rows: number, units: number): void {
    const previous = cPrev ? cPrev.offset * 4 : 0;
    this.#k.lstmStepForward(z.offset * 4, previous, c.offset * 4, tanhC.offset * 4, h.offset * 4, rows, units);
  }

  /** dz [rows, 4H] of one LSTM step; dc carries the cell gradient from step t+1 in and to step t-1 out. */
  lstmStepBackward(
    gates: Buf,
    cPrev: Buf | null,
    tanhC: Buf,
    dh: Buf,
    dc: Buf,
    dz: Buf,
    rows: number,
    units: number,
  ): void {
    const previous = cPrev ? cPrev.offset * 4 : 0;
    const k = this.#k;
    k.lstmStepBackward(
      gates.offset * 4,
      previous,
      tanhC.offset * 4,
      dh.offset * 4,
      dc.offset * 4,
      dz.offset * 4,
      rows,
      units,
    );
  }

  /** Each channel's mean and (biased) variance over `rows` rows of mean.length channels (kernels/batch-norm.ts). */
  bnStatistics(x: Buf, mean: Buf, variance: Buf, rows: number): void {
    this.#k.bnStatistics(x.offset * 4, mean.offset * 4, variance.offset * 4, rows, mean.length);
  }

  /** xhat = (x - mean) invStd, y = gamma xhat + beta. */
  bnForward(x: Buf, mean: Buf, invStd: Buf, gamma: Buf, beta: Buf, xhat: Buf, y: Buf, rows: number): void {
    const k = this.#k;
    k.bnForward(
      x.offset * 4,
      mean.offset * 4,
      invStd.offset * 4,
      gamma.offset * 4,
      beta.offset * 4,
      xhat.offset * 4,
      y.offset * 4,
      rows,
      mean.length,
    );
  }

  /** dgamma, dbeta and (unless null) dx from dy, with the batch's own statistics. */
  bnBackward(dy: Buf, xhat: Buf, gamma: Buf, invStd: Buf, dgamma: Buf, dbeta: Buf, dx: Buf | null, rows: number): void {
    const k = this.#k;
    const dxAt = dx ? dx.offset * 4 : 0;
    k.bnBackward(
      dy.offset * 4,
      xhat.offset * 4,
      gamma.offset * 4,
      invStd.offset * 4,
      dgamma.offset * 4,
      dbeta.offset * 4,
      dxAt,
      rows,
      gamma.length,
    );
  }

  /** The sum of a buffer's values (SIMD). */
  sum(a: Buf): number {
    return this.#k.sum(a.offset * 4, a.length);
  }

  /** A buffer's memory as unsigned 32-bit integers (row orders). */
  u32(b: Buf): Uint32Array {
    return new Uint32Array(this.#k.memory.buffer, b.offset * 4, b.length);
  }

  /** dst = rows order[start .. start + count) of src (width floats each); order is a u32 buffer. */
  gatherRows(src: Buf, order: Buf, start: number, count: number, width: number, dst: Buf): void {
    this.#k.gatherRows(src.offset * 4, order.offset * 4, start, count, width, dst.offset * 4);
  }

  /** z[r] += b for the first `rows` rows of width b.length. */
  addBiasRows(z: Buf, b: Buf, rows: number): void {
    this.#k.addBiasRows(z.offset * 4, b.offset * 4, rows, b.length);
  }

  /** out = the sum of the first `rows` rows of g (width out.length). */
  sumRows(g: Buf, out: Buf, rows: number): void {
    this.#k.sumRows(g.offset * 4, out.offset * 4, rows, out.length);
  }

  /** y = f(x) over n values for ReLU, sigmoid and tanh (WASM SIMD); false for other activations. */
  activate(name: string, x: Buf, y: Buf, n: number): boolean {
    const k = this.#k;
    if (name === "relu") k.reluForward(x.offset * 4, y.offset * 4, n);
    else if (name === "sigmoid") k.sigmoidForward(x.offset * 4, y.offset * 4, n);
    else if (name === "tanh") k.tanhForward(x.offset * 4, y.offset * 4, n);
    else return false;
    return true;
  }

  /** dx = dy f'(x) for ReLU (from x), sigmoid and tanh (from y); false for other activations. */
  activateBackward(name: string, x: Buf, y: Buf, dy: Buf, dx: Buf, n: number): boolean {
    const k = this.#k;
    if (name === "relu") k.reluBackward(x.offset * 4, dy.offset * 4, dx.offset * 4, n);
    else if (name === "sigmoid") k.sigmoidBackward(y.offset * 4, dy.offset * 4, dx.offset * 4, n);
    else if (name === "tanh") k.tanhBackward(y.offset * 4, dy.offset * 4, dx.offset * 4, n);
    else return false;
    return true;
  }

  /** y += alpha x (same lengths). */
  axpy(alpha: number, x: Buf, y: Buf): void {
    this.#k.axpyUpdate(alpha, x.offset * 4, y.offset * 4, y.length);
  }

  /** The optimisers' updates of one parameter buffer (see optimizers.ts for the formulas). */
  momentumUpdate(theta: Buf, v: Buf, g: Buf, lr: number, gamma: number): void {
    this.#k.momentumUpdate(theta.offset * 4, v.offset * 4, g.offset * 4, theta.length, lr, gamma);
  }

  rmspropUpdate(theta: Buf, s: Buf, g: Buf, lr: number, rho: number, eps: number): void {
    this.#k.rmspropUpdate(theta.offset * 4, s.offset * 4, g.offset * 4, theta.length, lr, rho, eps);
  }

  adamUpdate(
    theta: Buf,
    m: Buf,
    v: Buf,
    g: Buf,
    lr: number,
    b1: number,
    b2: number,
    c1: number,
    c2: number,
    eps: number,
  ): void {
    this.#k.adamUpdate(
      theta.offset * 4,
      m.offset * 4,
      v.offset * 4,
      g.offset * 4,
      theta.length,
      lr,
      b1,
      b2,
      c1,
      c2,
      eps,
    );
  }

  /** cols[(b, oy, ox)][(ky, kx, c)] = the window's taps of `batch` NHWC images (kernels/conv.ts). */
  im2col(x: Buf, cols: Buf, batch: number, g: Window): void {
    this.#k.im2col(x.offset * 4, cols.offset * 4, batch, ...convArgs(g));
  }

  /** dx = the sum of every tap's column gradient at the pixel it read (dx overwritten). */
  col2im(dcols: Buf, dx: Buf, batch: number, g: Window): void {
    this.#k.col2im(dcols.offset * 4, dx.offset * 4, batch, ...convArgs(g));
  }

  /** Max pooling (kernels/pooling.ts): y, and each maximum's input index in argmax (an i32 buffer). */
  maxPoolForward(x: Buf, y: Buf, argmax: Buf, batch: number, g: Window): void {
    this.#k.maxPoolForward(x.offset * 4, y.offset * 4, argmax.offset * 4, batch, ...poolArgs(g));
  }

  maxPoolBackward(dy: Buf, argmax: Buf, dx: Buf, outputs: number, inputs: number): void {
    this.#k.maxPoolBackward(dy.offset * 4, argmax.offset * 4, dx.offset * 4, outputs, inputs);
  }

  averagePoolForward(x: Buf, y: Buf, batch: number, g: Window): void {
    this.#k.averagePoolForward(x.offset * 4, y.offset * 4, batch, ...poolArgs(g));
  }

  averagePoolBackward(dy: Buf, dx: Buf, batch: number, g: Window): void {
    this.#k.averagePoolBackward(dy.offset * 4, dx.offset * 4, batch, ...poolArgs(g));
  }

  /** z = the depthwise convolution of x with w [k_h, k_w, C m] plus the bias (kernels/depthwise.ts). */
  depthwiseForward(x: Buf, w: Buf, bias: Buf, z: Buf, batch: number, g: Window, multiplier: number): void {
    this.#k.depthwiseForward(
      x.offset * 4,
      w.offset * 4,
      bias.offset * 4,
      z.offset * 4,
      batch,
      ...depthwiseArgs(g, multiplier),
    );
  }

  /** dW from dz, and dx too unless it is null (both overwritten). */
  depthwiseBackward(
    dz: Buf,
    x: Buf,
    w: Buf,
    dw: Buf,
    dx: Buf | null,
    batch: number,
    g: Window,
    multiplier: number,
  ): void {
    const dxAt = dx ? dx.offset * 4 : 0;
    this.#k.depthwiseBackward(
      dz.offset * 4,
      x.offset * 4,
      w.offset * 4,
      dw.offset * 4,
      dxAt,
      batch,
      ...depthwiseArgs(g, multiplier),
    );
  }

  /** C[m,n] (+)= A[m,k] B[n,k]^T */
  gemmNT(a: Buf, b: Buf, c: Buf, m: number, n: number, k: number, accumulate = false): void {
    this.#k.gemmNT(a.offset * 4, b.offset * 4, c.offset * 4, m, n, k, accumulate ? 1 : 0);
  }

  /** C[m,n] (+)= A[m,k] B[k,n] */
  gemmNN(a: Buf, b: Buf, c: Buf, m: number, n: number, k: number, accumulate = false): void {
    this.#k.gemmNN(a.offset * 4, b.offset * 4, c.offset * 4, m, n, k, accumulate ? 1 : 0);
  }

  /** C[m,n] (+)= A[k,m]^T B[k,n] */
  gemmTN(a: Buf, b: Buf, c: Buf, m: number, n: number, k: number, accumulate = false): void {
    this.#k.gemmTN(a.offset * 4, b.offset * 4, c.offset * 4, m, n, k, accumulate ? 1 : 0);
  }
}
