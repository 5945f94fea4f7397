// The activation functions, each with its derivative, applied
// elementwise over float32 buffers. ReLU, sigmoid and tanh run as WASM SIMD
// kernels (trainer/kernels/, see activateBuffers); the loops here are the
// rest. The derivative is written in terms of the forward pass's input x and
// output y (whichever is cheaper).
// softmax acts on rows and is paired with the cross-entropy loss (its fused
// gradient lives in losses.ts); hardThreshold phi_beta(x) = 1[x >= beta] has
// zero derivative almost everywhere, so it trains through a straight-through
// estimator (the gradient passes unchanged) and cannot be exported.

import { z } from "zod";
import type { Workspace, Buf } from "./workspace.ts";

export type ActivationName = "identity" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "hardThreshold" | "softmax";

export const ACTIVATIONS: readonly ActivationName[] = [
  "identity",
  "sigmoid",
  "tanh",
  "relu",
  "leakyRelu",
  "hardThreshold",
  "softmax",
];

export interface ActivationOptions {
  /** leakyRelu: the fixed slope for x < 0 (default 0.01). */
  alpha?: number;
  /** hardThreshold: the threshold beta (default 0). */
  beta?: number;
}

/** The activations the loops below compute (the others have kernels). */
export type LoopActivation = Exclude<ActivationName, "relu" | "sigmoid" | "tanh">;

/** 1 / (1 + e^-x), for the loss fused with a sigmoid (losses.ts). */
export function sigmoid(x: number): number {
  // Stable for large |x|: exp of a non-positive number only.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** y = f(x) over a batch of rows of width `width` (softmax is per row). */
export function activationForward(
  name: LoopActivation,
  x: Float32Array,
  y: Float32Array,
  width: number,
  o: ActivationOptions,
): void {
  const n = x.length;
  switch (name) {
    case "identity":
      y.set(x);
      return;
    case "leakyRelu": {
      const a = o.alpha ?? 0.01;
      for (let i = 0; i < n; i++) y[i] = x[i]! > 0 ? x[i]! : a * x[i]!;
      return;
    }
    case "hardThreshold": {
      const b = o.beta ?? 0;
      for (let i = 0; i < n; i++) y[i] = x[i]! >= b ? 1 : 0;
      return;
    }
    case "softmax":
      for (let r = 0; r < n; r += width) softmaxRow(x, y, r, width);
      return;
  }
}

/** Numerically stable softmax of x[start .. start + width) into y. */
export function softmaxRow(x: Float32Array, y: Float32Array, start: number, width: number): void {
  let max = -Infinity;
  for (let j = 0; j < width; j++) max = Math.max(max, x[start + j]!);
  let sum = 0;
  for (let j = 0; j < width; j++) {
    const e = Math.exp(x[start + j]! - max);
    y[start + j] = e;
    sum += e;
  }
  for (let j = 0; j < width; j++) y[start + j] = y[start + j]! / sum;
}

/** dx = dy * f'(x), given the forward input x and output y. */
export function activationBackward(
  name: LoopActivation,
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  width: number,
  o: ActivationOptions,
): void {
  const n = x.length;
  switch (name) {
    case "identity":
    case "hardThreshold": // straight-through estimator
      dx.set(dy);
      return;
    case "leakyRelu": {
      const a = o.alpha ?? 0.01;
      for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : a * dy[i]!;
      return;
    }
    case "softmax":
      // Jacobian-vector product per row: dx_j = y_j (dy_j - sum_k dy_k y_k).
      for (let r = 0; r < n; r += width) {
        let dot = 0;
        for (let j = 0; j < width; j++) dot += dy[r + j]! * y[r + j]!;
        for (let j = 0; j < width; j++) dx[r + j] = y[r + j]! * (dy[r + j]! - dot);
      }
      return;
  }
}

/**
 * y = f(z) over the first n values of workspace buffers: the SIMD kernel when
 * there is one (ReLU, sigmoid, tanh), else the loops above (softmax per row
 * of `width`).
 */
export function activateBuffers(
  ws: Workspace,
  name: ActivationName,
  z: Buf,
  y: Buf,
  n: number,
  width: number,
  o: ActivationOptions,
): void {
  const k = ws.kernels;
  if (name === "relu") return k.reluForward(z, y, n);
  if (name === "sigmoid") return k.sigmoidForward(z, y, n);
  if (name === "tanh") return k.tanhForward(z, y, n);
  activationForward(name, ws.f32(z).subarray(0, n), ws.f32(y).subarray(0, n), width, o);
}

/** dz = dy f'(z), from the forward pass's z and y, over the first n values. */
export function activationGradientBuffers(
  ws: Workspace,
  name: ActivationName,
  z: Buf,
  y: Buf,
  dy: Buf,
  dz: Buf,
  n: number,
  width: number,
  o: ActivationOptions,
): void {
  const k = ws.kernels;
  if (name === "relu") return k.reluBackward(z, dy, dz, n);
  if (name === "sigmoid") return k.sigmoidBackward(y, dy, dz, n);
  if (name === "tanh") return k.tanhBackward(y, dy, dz, n);
  activationBackward(
    name,
    ws.f32(z).subarray(0, n),
    ws.f32(y).subarray(0, n),
    ws.f32(dy).subarray(0, n),
    ws.f32(dz).subarray(0, n),
    width,
    o,
  );
}

/** A layer option naming an activation (layers/options.ts). */
export const activationField = z.enum(ACTIVATIONS);

/** The options of one activation each, as layer options: alpha (leakyRelu) and beta (hardThreshold). */
export const activationOptionFields = {
  alpha: z.number().min(0).optional().meta({ description: "leakyRelu only: the slope for x < 0 (default 0.01)" }),
  beta: z.number().optional().meta({ description: "hardThreshold only: the threshold (default 0)" }),
};

/** A layer's refinement: alpha and beta apply to one activation each, and are refused with any other. */
export function activationOptionsApply(
  layer: { activation?: string; alpha?: number; beta?: number },
  ctx: z.core.$RefinementCtx,
): void {
  for (const [field, owner] of [
    ["alpha", "leakyRelu"],
    ["beta", "hardThreshold"],
  ] as const) {
    if (layer[field] !== undefined && layer.activation !== owner)
      ctx.addIssue({
        code: "custom",
        path: [field],
        input: layer[field],
        message: `applies to activation "${owner}" only, this layer's is ${JSON.stringify(layer.activation ?? "identity")}`,
      });
  }
}

/** activationOptionsApply's rule, for the config file's JSON Schema. */
export const activationJsonSchemaRules = [
  {
    if: { required: ["alpha"] },
    then: { required: ["activation"], properties: { activation: { const: "leakyRelu" } } },
  },
  {
    if: { required: ["beta"] },
    then: { required: ["activation"], properties: { activation: { const: "hardThreshold" } } },
  },
];
