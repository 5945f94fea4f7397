// A layer's config() as config files carry it: rebuilt by the registry into
// the same layer, and accepted by the config schema inside a whole file.
import { expect } from "vitest";
import { rebuildLayer, type Layer } from "@wasmlite/trainer";
import { trainConfigSchema } from "../../cli/train-and-export/config-schema.ts";

/** A config file around these layers (the sine data, SGD, MSE, one epoch). */
export function configFileWith(layers: unknown[]) {
  return { data: { dataset: "sine" }, layers, compile: { optimizer: "sgd", loss: "mse" }, fit: { epochs: 1 } };
}

/** config() survives JSON, rebuilds the same layer, and passes the schema in a file. */
export function expectConfigRoundTrip(layer: Layer): void {
  const config = layer.config();
  expect(rebuildLayer(JSON.parse(JSON.stringify(config))).config()).toEqual(config);
  const parsed = trainConfigSchema.safeParse(configFileWith([config]));
  expect(parsed.success, parsed.error?.message).toBe(true);
}
