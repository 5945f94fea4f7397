// Every layer a config file can name: one line per layer, each the definition
// its own file declares (defineLayer, layers/options.ts). From this list come
// the config file's layer schema (its published JSON Schema too, `npm run
// gen:schema`), layerFromConfig() and rebuildLayer().
import { z } from "zod";
import type { Layer } from "./layer.ts";
import { Normalization } from "./normalization.ts";
import { denseLayer } from "./dense.ts";
import { dropoutLayer } from "./dropout.ts";
import { flattenLayer } from "./flatten.ts";
import { activationLayer } from "./activation.ts";
import { preluLayer } from "./prelu.ts";
import { conv2dLayer } from "./conv2d.ts";
import { conv1dLayer } from "./conv1d.ts";
import { maxPool1dLayer, averagePool1dLayer } from "./pooling1d.ts";
import { globalAveragePooling1dLayer } from "./global-average-pooling1d.ts";
import { maxPool2dLayer, averagePool2dLayer } from "./pooling.ts";
import { globalAveragePooling2dLayer } from "./global-average-pooling2d.ts";
import { depthwiseConv2dLayer } from "./depthwise-conv2d.ts";
import { simpleRnnLayer } from "./simple-rnn.ts";
import { lstmLayer } from "./lstm.ts";
import { jordanRnnLayer } from "./jordan.ts";
import { embeddingLayer } from "./embedding.ts";
import { batchNormalizationLayer } from "./batch-normalization.ts";

const LAYERS = [
  denseLayer,
  dropoutLayer,
  flattenLayer,
  activationLayer,
  preluLayer,
  conv2dLayer,
  maxPool2dLayer,
  averagePool2dLayer,
  globalAveragePooling2dLayer,
  depthwiseConv2dLayer,
  simpleRnnLayer,
  lstmLayer,
  jordanRnnLayer,
  embeddingLayer,
  batchNormalizationLayer,
  conv1dLayer,
  maxPool1dLayer,
  averagePool1dLayer,
  globalAveragePooling1dLayer,
] as const;

type Entry = (typeof LAYERS)[number]["schema"];

/** A config file's `layers` entry: `{ "type": "dense", ... }`, each layer's own options. */
export const layerConfigSchema = z.discriminatedUnion(
  "type",
  LAYERS.map((l) => l.schema) as unknown as [Entry, ...Entry[]],
);

export type LayerConfig = z.output<typeof layerConfigSchema>;

const BY_TYPE = new Map<string, { build(options: unknown): Layer }>(
  LAYERS.map((l) => [l.type, l as { build(options: unknown): Layer }]),
);

/** The layer a config file's entry describes (its options checked by the layer's definition). */
export function layerFromConfig(c: LayerConfig): Layer {
  const { type, ...options } = c;
  return BY_TYPE.get(type)!.build(options);
}

/**
 * A layer from its own config() (every layer, including the normalisation a
 * config file adds with `normalize`, which carries its fitted mean and std).
 */
export function rebuildLayer(c: { type: string } & Record<string, unknown>): Layer {
  if (c.type === "normalization")
    return new Normalization(Float32Array.from(c.mean as number[]), Float32Array.from(c.std as number[]));
  const definition = BY_TYPE.get(c.type);
  if (!definition) throw new Error(`unknown layer type '${c.type}' (known: ${[...BY_TYPE.keys()].join(", ")})`);
  const { type: _type, ...options } = c;
  return definition.build(options);
}
