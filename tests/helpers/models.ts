// Small random models built with our writer, for comparing wasmlite with
// real TFLite. Deterministic from a seed.
import {
  ModelBuilder,
  TensorType,
  BuiltinOperator,
  ActivationFunctionType,
  quantizeWeightsPerChannel,
  quantizeBias,
  type OperatorOptions,
} from "@wasmlite/format";
import { Rng } from "./mutate.ts";

export type Kind = "float32" | "int8" | "int16";

const TYPE: Record<Kind, TensorType> = { float32: TensorType.FLOAT32, int8: TensorType.INT8, int16: TensorType.INT16 };

export interface BuiltModel {
  name: string;
  bytes: Uint8Array;
  /**
   * Element count and kind of each input, to draw random inputs; `below`: an
   * int32 input's values lie in [0, below) (indices into a table).
   */
  inputs: { elements: number; kind: Kind | "int32" | "uint8"; below?: number }[];
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + ((rng.next() >>> 8) / 2 ** 24) * (hi - lo);
}

/** Activation quantisation for a tensor: asymmetric int8, symmetric int16, none for float. */
function actQuant(rng: Rng, kind: Kind | "int32" | "uint8") {
  if (kind === "uint8")
    return { scale: [Math.fround(uniform(rng, 0.01, 0.1))], zeroPoint: [Math.round(uniform(rng, 100, 150))] };
  if (kind === "int8")
    return { scale: [Math.fround(uniform(rng, 0.01, 0.1))], zeroPoint: [Math.round(uniform(rng, -30, 30))] };
  if (kind === "int16") return { scale: [Math.fround(uniform(rng, 1e-4, 1e-3))], zeroPoint: [0] };
  if (kind === "int32") return { scale: [Math.fround(uniform(rng, 1e-6, 1e-5))], zeroPoint: [0] };
  return undefined;
}

function floats(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => uniform(rng, lo, hi));
}

/** A multi-layer perceptron: FC layers with fused ReLU, optional softmax/logistic head (float only). */
export function mlp(opts: {
  kind: Kind;
  sizes: number[];
  perChannel?: boolean;
  batch?: number;
  seed: number;
  head?: "softmax" | "none";
}): BuiltModel {
  const rng = new Rng(opts.seed);
  const b = new ModelBuilder();
  const batch = opts.batch ?? 1;
  const t = TYPE[opts.kind];
  let prev = b.addTensor({
    name: "input",
    shape: [batch, opts.sizes[0]!],
    type: t,
    quantization: actQuant(rng, opts.kind),
  });
  let prevScale = opts.kind === "float32" ? 1 : actQuant(new Rng(opts.seed), opts.kind)!.scale[0]!;
  const input = prev;
  for (let l = 1; l < opts.sizes.length; l++) {
    const inDim = opts.sizes[l - 1]!;
    const units = opts.sizes[l]!;
    const w = floats(rng, units * inDim, -1 / Math.sqrt(inDim), 1 / Math.sqrt(inDim));
    const bias = floats(rng, units, -0.1, 0.1);
    const outQuant = actQuant(rng, opts.kind);
    const out = b.addTensor({ name: `dense${l}`, shape: [batch, units], type: t, quantization: outQuant });
    let wIdx: number, bIdx: number;
    if (opts.kind === "float32") {
      wIdx = b.addTensor({ name: `w${l}`, shape: [units, inDim], type: t, data: w });
      bIdx = b.addTensor({ name: `b${l}`, shape: [units], type: t, data: bias });
    } else {
      const q = quantizeWeightsPerChannel(w, opts.perChannel ? units : 1);
      const scales = opts.perChannel ? q.scales : [q.scales[0]!];
      wIdx = b.addTensor({
        name: `w${l}`,
        shape: [units, inDim],
        type: TensorType.INT8,
        data: q.values,
        quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 },
      });
      const qb = quantizeBias(bias, prevScale, scales);
      const biasScales = scales.map((s) => Math.fround(prevScale * s));
      if (opts.kind === "int16") {
        bIdx = b.addTensor({
          name: `b${l}`,
          shape: [units],
          type: TensorType.INT64,
          data: BigInt64Array.from(qb, (v) => BigInt(v)),
          quantization: { scale: biasScales, zeroPoint: biasScales.map(() => 0) },
        });
      } else {
        bIdx = b.addTensor({
          name: `b${l}`,
          shape: [units],
          type: TensorType.INT32,
          data: qb,
          quantization: { scale: biasScales, zeroPoint: biasScales.map(() => 0) },
        });
      }
    }
    const last = l === opts.sizes.length - 1;
    b.addOperator({
      op: BuiltinOperator.FULLY_CONNECTED,
      inputs: [prev, wIdx, bIdx],
      outputs: [out],
      options: {
        type: "FullyConnectedOptions",
        activation: last ? ActivationFunctionType.NONE : ActivationFunctionType.RELU,
      },
    });
    prev = out;
    prevScale = outQuant?.scale[0] ?? 1;
  }
  if (opts.head === "softmax") {
    const out = b.addTensor({ name: "probabilities", shape: [batch, opts.sizes.at(-1)!], type: t });
    b.addOperator({
      op: BuiltinOperator.SOFTMAX,
      inputs: [prev],
      outputs: [out],
      options: { type: "SoftmaxOptions", beta: 1 },
    });
    prev = out;
  }
  b.setInputs([input]);
  b.setOutputs([prev]);
  const name = `mlp ${opts.kind} ${opts.sizes.join("-")}${opts.perChannel ? " per-channel" : ""}${batch > 1 ? ` batch ${batch}` : ""}${opts.head === "softmax" ? " +softmax" : ""}`;
  return { name, bytes: b.finish(), inputs: [{ elements: batch * opts.sizes[0]!, kind: opts.kind }] };
}

const OPTIONS: Partial<Record<BuiltinOperator, OperatorOptions["type"]>> = {
  [BuiltinOperator.ADD]: "AddOptions",
  [BuiltinOperator.SUB]: "SubOptions",
  [BuiltinOperator.MUL]: "MulOptions",
};

/** One binary elementwise operator with broadcasting shapes. */
export function binary(opts: {
  op: BuiltinOperator;
  kind: Kind;
  shapeA: number[];
  shapeB: number[];
  activation?: ActivationFunctionType;
  seed: number;
}): BuiltModel {
  const rng = new Rng(opts.seed);
  const b = new ModelBuilder();
  const t = TYPE[opts.kind];
  const rank = Math.max(opts.shapeA.length, opts.shapeB.length);
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const outShape = pad(opts.shapeA).map((d, i) => Math.max(d, pad(opts.shapeB)[i]!));
  const a = b.addTensor({ name: "a", shape: opts.shapeA, type: t, quantization: actQuant(rng, opts.kind) });
  const c = b.addTensor({ name: "b", shape: opts.shapeB, type: t, quantization: actQuant(rng, opts.kind) });
  const y = b.addTensor({ name: "y", shape: outShape, type: t, quantization: actQuant(rng, opts.kind) });
  const optionsType = OPTIONS[opts.op]!;
  b.addOperator({
    op: opts.op,
    inputs: [a, c],
    outputs: [y],
    options: { type: optionsType, activation: opts.activation } as OperatorOptions,
  });
  b.setInputs([a, c]);
  b.setOutputs([y]);
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  return {
    name: `${BuiltinOperator[opts.op]} ${opts.kind} [${opts.shapeA}] x [${opts.shapeB}]${opts.activation ? ` act ${ActivationFunctionType[opts.activation]}` : ""}`,
    bytes: b.finish(),
    inputs: [
      { elements: size(opts.shapeA), kind: opts.kind },
      { elements: size(opts.shapeB), kind: opts.kind },
    ],
  };
}

/** One unary operator (activation, quantize, dequantize, reshape). */
export function unary(opts: {
  op: BuiltinOperator;
  inKind: Kind | "int32" | "uint8";
  outKind: Kind | "int32";
  shape: number[];
  outShape?: number[];
  options?: OperatorOptions;
  sameQuant?: boolean;
  seed: number;
  label?: string;
  /** Fixed output quantisation (LOGISTIC, TANH and SOFTMAX have one). */
  outQuant?: { scale: number[]; zeroPoint: number[] };
  /** Fixed input quantisation instead of a random one. */
  inQuant?: { scale: number[]; zeroPoint: number[] };
}): BuiltModel {
  const rng = new Rng(opts.seed);
  const b = new ModelBuilder();
  const typeOf = (k: Kind | "int32" | "uint8") =>
    k === "int32" ? TensorType.INT32 : k === "uint8" ? TensorType.UINT8 : TYPE[k];
  const inQuant = opts.inQuant ?? actQuant(rng, opts.inKind);
  const x = b.addTensor({ name: "x", shape: opts.shape, type: typeOf(opts.inKind), quantization: inQuant });
  const y = b.addTensor({
    name: "y",
    shape: opts.outShape ?? opts.shape,
    type: typeOf(opts.outKind),
    quantization: opts.outQuant ?? (opts.sameQuant ? inQuant : actQuant(rng, opts.outKind)),
  });
  b.addOperator({ op: opts.op, inputs: [x], outputs: [y], options: opts.options });
  b.setInputs([x]);
  b.setOutputs([y]);
  return {
    name: opts.label ?? `${BuiltinOperator[opts.op]} ${opts.inKind} -> ${opts.outKind} [${opts.shape}]`,
    bytes: b.finish(),
    inputs: [{ elements: opts.shape.reduce((p, d) => p * d, 1), kind: opts.inKind }],
  };
}

/** PRELU with a per-channel alpha tensor broadcast over the last dimension (int8 alpha: zero point `alphaZeroPoint`, default 0). */
export function prelu(opts: { kind: Kind; shape: number[]; seed: number; alphaZeroPoint?: number }): BuiltModel {
  const rng = new Rng(opts.seed);
  const b = new ModelBuilder();
  const t = TYPE[opts.kind];
  const channels = opts.shape.at(-1)!;
  const x = b.addTensor({ name: "x", shape: opts.shape, type: t, quantization: actQuant(rng, opts.kind) });
  const alphaValues = floats(rng, channels, 0, 0.5);
  let alpha: number;
  if (opts.kind === "float32") {
    alpha = b.addTensor({ name: "alpha", shape: [channels], type: t, data: alphaValues });
  } else {
    const scale = Math.fround(0.5 / 127);
    const zp = opts.alphaZeroPoint ?? 0;
    const q =
      opts.kind === "int8"
        ? Int8Array.from(alphaValues, (v) => Math.max(-128, Math.min(127, Math.round(v / scale) + zp)))
        : Int16Array.from(alphaValues, (v) => Math.round(v / scale));
    alpha = b.addTensor({
      name: "alpha",
      shape: [channels],
      type: t,
      data: q,
      quantization: { scale: [scale], zeroPoint: [zp] },
    });
  }
  const y = b.addTensor({ name: "y", shape: opts.shape, type: t, quantization: actQuant(rng, opts.kind) });
  b.addOperator({ op: BuiltinOperator.PRELU, inputs: [x, alpha], outputs: [y] });
  b.setInputs([x]);
  b.setOutputs([y]);
  return {
    name: `PRELU ${opts.kind} [${opts.shape}]${opts.alphaZeroPoint ? ` alpha zero point ${opts.alphaZeroPoint}` : ""}`,
    bytes: b.finish(),
    inputs: [{ elements: opts.shape.reduce((p, d) => p * d, 1), kind: opts.kind }],
  };
}

/** Random inputs for a model: full-range integers (or indices below a bound), floats in [-4, 4]. */
export function randomInputs(model: BuiltModel, rng: Rng): number[][] {
  return model.inputs.map(({ elements, kind, below }) =>
    Array.from({ length: elements }, () => {
      if (below !== undefined) return rng.next() % below;
      switch (kind) {
        case "int8":
          return (rng.next() % 256) - 128;
        case "int16":
          return (rng.next() % 65536) - 32768;
        case "uint8":
          return rng.next() % 256;
        case "int32":
          return (rng.next() % 2000001) - 1000000;
        default:
          return Math.fround(uniform(rng, -4, 4));
      }
    }),
  );
}

/** STRIDED_SLICE with constant begin, end and strides; the output shape worked out from TFLite's rules. */
export function stridedSlice(opts: {
  kind: Kind;
  shape: number[];
  begin: number[];
  end: number[];
  strides: number[];
  beginMask?: number;
  endMask?: number;
  shrinkAxisMask?: number;
  offset?: boolean;
  seed: number;
}): BuiltModel {
  const rng = new Rng(opts.seed);
  const b = new ModelBuilder();
  const t = TYPE[opts.kind];
  const quant = actQuant(rng, opts.kind);
  const x = b.addTensor({ name: "x", shape: opts.shape, type: t, quantization: quant });
  const constant = (name: string, v: number[]) =>
    b.addTensor({ name, shape: [v.length], type: TensorType.INT32, data: Int32Array.from(v) });
  const bit = (mask: number | undefined, k: number) => ((mask ?? 0) & (1 << k)) !== 0;
  const outShape: number[] = [];
  opts.shape.forEach((size, k) => {
    const s = opts.strides[k]!;
    const clampTo = (v: number) => (s > 0 ? Math.min(Math.max(v, 0), size) : Math.min(Math.max(v, -1), size - 1));
    const wrap = (v: number) => (v < 0 ? v + size : v);
    const start = bit(opts.beginMask, k) ? (s > 0 ? 0 : size - 1) : clampTo(wrap(opts.begin[k]!));
    if (bit(opts.shrinkAxisMask, k)) return;
    const rawEnd = opts.offset ? opts.begin[k]! + opts.end[k]! : opts.end[k]!;
    const stop = bit(opts.endMask, k) ? (s > 0 ? size : -1) : clampTo(wrap(rawEnd));
    outShape.push(Math.max(0, Math.ceil((s > 0 ? stop - start : start - stop) / Math.abs(s))));
  });
  const y = b.addTensor({ name: "y", shape: outShape, type: t, quantization: quant });
  b.addOperator({
    op: BuiltinOperator.STRIDED_SLICE,
    inputs: [x, constant("begin", opts.begin), constant("end", opts.end), constant("strides", opts.strides)],
    outputs: [y],
    options: {
      type: "StridedSliceOptions",
      beginMask: opts.beginMask,
      endMask: opts.endMask,
      shrinkAxisMask: opts.shrinkAxisMask,
      offset: opts.offset,
    },
  });
  b.setInputs([x]);
  b.setOutputs([y]);
  const masks = `masks ${opts.beginMask ?? 0}/${opts.endMask ?? 0}/${opts.shrinkAxisMask ?? 0}${opts.offset ? " offset" : ""}`;
  return {
    name: `STRIDED_SLICE ${opts.kind} [${opts.shape}] begin [${opts.begin}] end [${opts.end}] strides [${opts.strides}] ${masks}`,
    bytes: b.finish(),
    inputs: [{ elements: opts.shape.reduce((p, d) => p * d, 1), kind: opts.kind }],
  };
}

/**
 * GATHER of a params tensor (the model's first input) along `axis` by int32
 * indices: the second input (drawn in range), or constant (int32 or int64).
 * The output shape from TFLite's rule: params[:axis] + indices[batchDims:] + params[axis + 1:].
 */
export function gather(opts: {
  kind: Kind | "int32";
  shape: number[];
  indicesShape: number[];
  axis?: number;
  batchDims?: number;
  /** Constant indices of this type instead of an int32 input. */
  constantIndices?: "int32" | "int64";
  seed: number;
}): BuiltModel {
  const rng = new Rng(opts.seed);
  const b = new ModelBuilder();
  const t = opts.kind === "int32" ? TensorType.INT32 : TYPE[opts.kind];
  const quant = opts.kind === "int32" ? undefined : actQuant(rng, opts.kind);
  const rank = opts.shape.length;
  const axis = (opts.axis ?? 0) < 0 ? (opts.axis ?? 0) + rank : (opts.axis ?? 0);
  const batchDims = opts.batchDims ?? 0;
  const below = opts.shape[axis]!;
  const x = b.addTensor({ name: "params", shape: opts.shape, type: t, quantization: quant });
  const count = opts.indicesShape.reduce((p, d) => p * d, 1);
  let indices: number;
  if (opts.constantIndices) {
    const values = Array.from({ length: count }, () => rng.next() % below);
    const wide = opts.constantIndices === "int64";
    indices = b.addTensor({
      name: "indices",
      shape: opts.indicesShape,
      type: wide ? TensorType.INT64 : TensorType.INT32,
      data: wide ? BigInt64Array.from(values, BigInt) : Int32Array.from(values),
    });
  } else indices = b.addTensor({ name: "indices", shape: opts.indicesShape, type: TensorType.INT32 });
  const outShape = [...opts.shape.slice(0, axis), ...opts.indicesShape.slice(batchDims), ...opts.shape.slice(axis + 1)];
  const y = b.addTensor({ name: "y", shape: outShape, type: t, quantization: quant });
  b.addOperator({
    op: BuiltinOperator.GATHER,
    inputs: [x, indices],
    outputs: [y],
    options: { type: "GatherOptions", axis: opts.axis ?? 0, batchDims: opts.batchDims },
  });
  b.setInputs(opts.constantIndices ? [x] : [x, indices]);
  b.setOutputs([y]);
  const where = opts.constantIndices ? `constant ${opts.constantIndices}` : "int32 input";
  return {
    name: `GATHER ${opts.kind} [${opts.shape}] axis ${opts.axis ?? 0}${batchDims ? ` batch_dims ${batchDims}` : ""} indices [${opts.indicesShape}] (${where})`,
    bytes: b.finish(),
    inputs: [
      { elements: opts.shape.reduce((p, d) => p * d, 1), kind: opts.kind },
      ...(opts.constantIndices ? [] : [{ elements: count, kind: "int32" as const, below }]),
    ],
  };
}
