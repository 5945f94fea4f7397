// Config name -> layer: how a config file's `layers` entry (and a layer's
// own config()) becomes a layer. The mapped type makes the compiler refuse a
// layer type the config schema allows but this table does not build.
import type { z } from "zod";
import type { layerConfigSchema } from "./config-schema.ts";
import type { Layer } from "./layer.ts";
import { Dense } from "./dense.ts";
import { Dropout } from "./dropout.ts";
import { Flatten } from "./flatten.ts";
import { Activation } from "./activation.ts";
import { PRelu } from "./prelu.ts";
import { Normalization } from "./normalization.ts";
import { Conv2D } from "./conv2d.ts";
import { DepthwiseConv2D } from "./depthwise-conv2d.ts";
import { SimpleRNN } from "./simple-rnn.ts";
import { LSTM } from "./lstm.ts";
import { Embedding } from "./embedding.ts";
import { JordanRNN } from "./jordan.ts";
import { BatchNormalization } from "./batch-normalization.ts";
import { MaxPool2D, AveragePool2D, GlobalAveragePooling2D } from "./pooling.ts";

export type LayerConfig = z.infer<typeof layerConfigSchema>;
type Builders = { [K in LayerConfig["type"]]: (c: Extract<LayerConfig, { type: K }>) => Layer };

const LAYERS: Builders = {
  dense: (c) => new Dense(c),
  dropout: (c) => new Dropout(c.rate),
  flatten: () => new Flatten(),
  activation: (c) => new Activation(c.activation, { alpha: c.alpha, beta: c.beta }),
  prelu: () => new PRelu(),
  conv2d: (c) => new Conv2D(c),
  maxPool2d: (c) => new MaxPool2D(c),
  averagePool2d: (c) => new AveragePool2D(c),
  globalAveragePooling2d: () => new GlobalAveragePooling2D(),
  depthwiseConv2d: (c) => new DepthwiseConv2D(c),
  simpleRnn: (c) => new SimpleRNN(c),
  lstm: (c) => new LSTM(c),
  embedding: (c) => new Embedding(c),
  jordanRnn: (c) => new JordanRNN(c),
  batchNormalization: (c) => new BatchNormalization(c),
};

/** The layer a config file's entry describes (validated by the schema first). */
export function layerFromConfig(c: LayerConfig): Layer {
  return (LAYERS[c.type] as (c: LayerConfig) => Layer)(c);
}

/**
 * A layer from its own config() (every layer, including the normalisation a
 * config file adds with `normalize`, which carries its fitted mean and std).
 */
export function rebuildLayer(c: { type: string } & Record<string, unknown>): Layer {
  if (c.type === "normalization")
    return new Normalization(Float32Array.from(c.mean as number[]), Float32Array.from(c.std as number[]));
  if (!(c.type in LAYERS)) throw new Error(`unknown layer type '${c.type}' (known: ${Object.keys(LAYERS).join(", ")})`);
  return layerFromConfig(c as LayerConfig);
}
