// Every layer's config() builds the same layer again through the registry,
// and the config-file ones pass the config schema.
import { describe, it, expect } from "vitest";
import {
  sequential,
  conv2d,
  depthwiseConv2d,
  maxPool2d,
  averagePool2d,
  globalAveragePooling2d,
  globalAveragePooling1d,
  jordanRnn,
  lstm,
  batchNormalization,
  dense,
  dropout,
  activation,
  prelu,
  normalization,
  rebuildLayer,
  type Layer,
} from "@wasmlite/trainer";
import { trainConfigSchema } from "../../../cli/train-and-export/config-schema.ts";
import { images } from "../../helpers/images.ts";

describe("layer configs", () => {
  it("every layer's config() builds the same layer again (registry.ts), and the config-file ones pass the schema", () => {
    const d = images(4, [6, 6, 1], 2, 3);
    const layers: Layer[] = [
      normalization(d),
      conv2d({ filters: 2, kernelSize: [3, 2], strides: 1, padding: "same", activation: "leakyRelu", alpha: 0.2 }),
      depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, dilation: [1, 1], padding: "same", activation: "relu" }),
      maxPool2d({ poolSize: 2, padding: "valid" }),
      averagePool2d({ poolSize: [1, 2], strides: 1 }),
      prelu(),
      globalAveragePooling2d(),
      dropout(0.25),
      dense({ units: 3, activation: "tanh", initializer: "normal" }),
      batchNormalization({ momentum: 0.9, epsilon: 0.01 }),
      activation("softmax"),
    ];
    sequential(layers, { inputShape: [6, 6, 1] });
    for (const layer of layers) {
      const config = layer.config();
      expect(rebuildLayer(JSON.parse(JSON.stringify(config))).config(), layer.name).toEqual(config);
      if (layer.kind === "normalization") continue; // a config file asks for it with "normalize"
      const file = {
        data: { dataset: "mnist" },
        layers: [config],
        compile: { optimizer: "sgd", loss: "mse" },
        fit: { epochs: 1 },
      };
      const parsed = trainConfigSchema.safeParse(file);
      expect(parsed.success, `${layer.name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    expect(() => rebuildLayer({ type: "gru" })).toThrow(
      /^unknown layer type 'gru' \(known: dense, dropout, flatten, activation, prelu, conv2d, .*, globalAveragePooling1d\)$/,
    );
  });

  it("each layer refuses an input of another rank, naming the shape it expects", () => {
    const refusal = (layer: Layer, inputShape: number[]) => {
      try {
        sequential([layer], { inputShape });
      } catch (e) {
        return (e as Error).message;
      }
      return "accepted";
    };
    expect(refusal(dense({ units: 1 }), [2, 2])).toBe(
      "dense_1: expects flat inputs, got shape [2,2] (add a flatten() layer first)",
    );
    expect(refusal(globalAveragePooling1d(), [4])).toBe(
      "globalAveragePooling1d_1: expects sequences [steps, channels], got shape [4]",
    );
    expect(refusal(globalAveragePooling2d(), [4, 4])).toBe(
      "globalAveragePooling2d_1: expects [height, width, channels] images, got shape [4,4]",
    );
    expect(refusal(jordanRnn({ units: 2, outputs: 1 }), [3])).toBe(
      "jordanRnn_1: expects sequences [steps, features], got shape [3]",
    );
    expect(refusal(lstm({ units: 2 }), [3])).toBe("lstm_1: expects sequences [steps, features], got shape [3]");
  });
});
