// The geometry a sliding window (a convolution's filter, a pooling window)
// makes over an [h, w, c] image, as TensorFlow computes it:
//   valid: out = ceil((in - (k - 1) d) / s), no padding
//   same:  out = ceil(in / s); padding total = max((out - 1) s + (k - 1) d + 1 - in, 0),
//          the smaller half before (top, left), the odd extra after
// The textbook count W_0 = (W_i - k + 2p) / s + 1 is the same when 2p is that total.
// A 1-D window (Conv1D, the 1-D poolings) is the 2-D one over a [1, steps, c] image.
import { z } from "zod";
import { positiveInt } from "./options.ts";
import { activationField, activationOptionFields } from "../activations.ts";
import { initializerField } from "../initializers.ts";

export type PaddingName = "valid" | "same";
export const PADDINGS: readonly PaddingName[] = ["valid", "same"];

/** A layer option sizing a 2-D window: k, or [height, width]. */
export const windowPair = (what: string) =>
  z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).meta({ description: `${what}: k, or [height, width]` });
export const paddingField = z
  .enum(PADDINGS)
  .optional()
  .meta({ description: "valid (no padding, the default) or same" });

/** The options a convolution's filter takes (Conv2D, DepthwiseConv2D): its window, its activation and initialiser. */
export const filterFields = {
  kernelSize: windowPair("the filter size"),
  strides: windowPair("the stride (default 1)").optional(),
  dilation: windowPair("the dilation (default 1)").optional(),
  padding: paddingField,
  activation: activationField.optional().meta({ description: "default identity (linear)" }),
  ...activationOptionFields,
  initializer: initializerField("heNormal for ReLU-like activations, glorotUniform otherwise"),
};

export interface Window {
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

export interface WindowOptions {
  /** Window height and width (one number: square). */
  size: number | [number, number];
  strides?: number | [number, number];
  dilation?: number | [number, number];
  padding?: PaddingName;
}

/** k or [height, width] as [height, width] (the values were checked with the options: windowPair). */
const pair = (v: number | [number, number]): [number, number] => (typeof v === "number" ? [v, v] : v);

/** The window's geometry over an [h, w, c] input (options checked by the layer's schema): refused if it does not fit. */
export function windowOver(inputShape: readonly number[], o: WindowOptions, layer: string): Window {
  if (inputShape.length !== 3)
    throw new Error(`${layer}: expects [height, width, channels] images, got shape [${inputShape}]`);
  return geometry(inputShape as [number, number, number], o, layer);
}

/**
 * A 1-D window over [steps, channels] sequences, as the 2-D window over a
 * [1, steps, channels] image with a 1 x k window (strides and dilation along
 * the steps).
 */
export function windowAlong(inputShape: readonly number[], o: Window1dOptions, layer: string): Window {
  if (inputShape.length !== 2)
    throw new Error(`${layer}: expects sequences [steps, channels], got shape [${inputShape}]`);
  const [steps, c] = inputShape as [number, number];
  const o2d: WindowOptions = {
    size: [1, o.size],
    strides: [1, o.strides ?? 1],
    dilation: [1, o.dilation ?? 1],
    padding: o.padding,
  };
  return geometry([1, steps, c], o2d, layer);
}

export interface Window1dOptions {
  size: number;
  strides?: number;
  dilation?: number;
  padding?: PaddingName;
}

function geometry([h, w, c]: [number, number, number], o: WindowOptions, layer: string): Window {
  const [kh, kw] = pair(o.size);
  const [strideH, strideW] = pair(o.strides ?? 1);
  const [dilationH, dilationW] = pair(o.dilation ?? 1);
  const same = o.padding === "same"; // valid by default
  const along = (size: number, k: number, s: number, d: number) => {
    const span = (k - 1) * d + 1;
    if (same) {
      const out = Math.ceil(size / s);
      return { out, before: Math.floor(Math.max((out - 1) * s + span - size, 0) / 2) };
    }
    return { out: Math.ceil((size - span + 1) / s), before: 0 };
  };
  const y = along(h, kh, strideH, dilationH);
  const x = along(w, kw, strideW, dilationW);
  if (y.out < 1 || x.out < 1)
    throw new Error(
      `${layer}: a ${kh}x${kw} window (dilation ${dilationH}x${dilationW}) does not fit a ${h}x${w} image without padding`,
    );
  return {
    h,
    w,
    c,
    kh,
    kw,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop: y.before,
    padLeft: x.before,
    outH: y.out,
    outW: x.out,
  };
}

/** "5, stride 2, same" for a 1-D window (stride and dilation only when not 1). */
export function describeWindow1d(g: Window, padding: PaddingName | undefined): string {
  const stride = g.strideW === 1 ? "" : `, stride ${g.strideW}`;
  const dilation = g.dilationW === 1 ? "" : `, dilation ${g.dilationW}`;
  return `${g.kw}${stride}${dilation}, ${padding ?? "valid"}`;
}

/** "5x5, stride 2x2, dilation 2x1, same" (stride and dilation only when not 1). */
export function describeWindow(g: Window, padding: PaddingName | undefined): string {
  const stride = g.strideH === 1 && g.strideW === 1 ? "" : `, stride ${g.strideH}x${g.strideW}`;
  const dilation = g.dilationH === 1 && g.dilationW === 1 ? "" : `, dilation ${g.dilationH}x${g.dilationW}`;
  return `${g.kh}x${g.kw}${stride}${dilation}, ${padding ?? "valid"}`;
}

/** A window's geometry in the order the convolution kernels take it (kernels/conv.ts). */
export function convArgs(
  g: Window,
): [number, number, number, number, number, number, number, number, number, number, number, number, number] {
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

/** A window's geometry and depth multiplier in the order the depthwise kernels take them (kernels/depthwise.ts). */
export function depthwiseArgs(
  g: Window,
  multiplier: number,
): [number, number, number, number, number, number, number, number, number, number, number, number, number, number] {
  const [h, w, c, ...rest] = convArgs(g);
  return [h, w, c, multiplier, ...rest];
}

/** A window's geometry in the order the pooling kernels take it (kernels/pooling.ts; no dilation). */
export function poolArgs(
  g: Window,
): [number, number, number, number, number, number, number, number, number, number, number] {
  return [g.h, g.w, g.c, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft, g.outH, g.outW];
}
