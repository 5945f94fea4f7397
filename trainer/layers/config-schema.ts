// The layers of a config file (`train-and-export CONFIG.json`'s "layers"),
// as a zod schema: what layerFromConfig() builds (registry.ts), and the part
// of the config file's published JSON Schema that describes layers. Every
// object is strict: a field that does not apply (alpha with an activation
// other than leakyRelu) is refused, not ignored.
import { z } from "zod";
import { ACTIVATIONS } from "../activations.ts";
import { INITIALIZERS } from "../initializers.ts";
import { PADDINGS } from "./window.ts";

/** A strict object whose unknown-field error lists the fields it allows. */
export function fields<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `not a field of ${what} (its fields: ${allowed})` : undefined,
  });
}

const positiveInt = z.int().min(1);

const activation = z.enum(ACTIVATIONS);
const initializer = z
  .enum(INITIALIZERS)
  .optional()
  .meta({ description: "default: heNormal for ReLU-like activations, glorotUniform otherwise" });
const activationFields = {
  alpha: z.number().min(0).optional().meta({ description: "leakyRelu only: the slope for x < 0 (default 0.01)" }),
  beta: z.number().optional().meta({ description: "hardThreshold only: the threshold (default 0)" }),
};

const dense = fields(
  {
    type: z.literal("dense"),
    units: positiveInt,
    activation: activation.optional().meta({ description: "default identity (linear)" }),
    ...activationFields,
    initializer,
  },
  "a dense layer",
);
const activationLayer = fields(
  { type: z.literal("activation"), activation, ...activationFields },
  "an activation layer",
);

/** alpha and beta apply to one activation each. */
function activationOptionsApply(
  layer: { activation?: string; alpha?: number; beta?: number },
  ctx: z.core.$RefinementCtx,
) {
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

/** A window dimension: k (square) or [k_h, k_w]. */
const windowPair = (what: string) =>
  z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).meta({ description: `${what}: k, or [height, width]` });
const padding = z.enum(PADDINGS).optional().meta({ description: "valid (no padding, the default) or same" });

/** What conv2d and depthwiseConv2d share: the filter's window, its activation and initialiser. */
const filterFields = {
  kernelSize: windowPair("the filter size"),
  strides: windowPair("the stride (default 1)").optional(),
  dilation: windowPair("the dilation (default 1)").optional(),
  padding,
  activation: activation.optional().meta({ description: "default identity (linear)" }),
  ...activationFields,
  initializer,
};

const conv2d = fields(
  {
    type: z.literal("conv2d"),
    filters: positiveInt,
    ...filterFields,
  },
  "a conv2d layer",
);
const depthwiseConv2d = fields(
  {
    type: z.literal("depthwiseConv2d"),
    depthMultiplier: positiveInt.optional().meta({ description: "filters per input channel (default 1)" }),
    ...filterFields,
  },
  "a depthwiseConv2d layer",
);
// What SimpleRNN and LSTM share.
const recurrentFields = {
  units: positiveInt,
  returnSequences: z.boolean().optional().meta({ description: "output every step (default: the last)" }),
  truncate: positiveInt
    .optional()
    .meta({ description: "truncated BPTT: no gradient flows back across windows of this many steps" }),
  initializer: z.enum(INITIALIZERS).optional().meta({ description: "default glorotUniform" }),
};
const simpleRnn = fields(
  {
    type: z.literal("simpleRnn"),
    activation: z.enum(["tanh", "relu", "identity"]).optional().meta({ description: "default tanh" }),
    ...recurrentFields,
  },
  "a simpleRnn layer",
);
const lstm = fields(
  {
    type: z.literal("lstm"),
    unitForgetBias: z.boolean().optional().meta({ description: "start the forget gate's bias at 1 (default true)" }),
    ...recurrentFields,
  },
  "an lstm layer",
);
const pool = (type: "maxPool2d" | "averagePool2d") =>
  fields(
    {
      type: z.literal(type),
      poolSize: windowPair("the window (default 2)").optional(),
      strides: windowPair("the stride (default: the window)").optional(),
      padding,
    },
    `a ${type} layer`,
  );

const denseLayer = dense.superRefine(activationOptionsApply);
const conv2dLayer = conv2d.superRefine(activationOptionsApply);
const activationOnlyLayer = activationLayer.superRefine(activationOptionsApply);

const jordanRnn = fields(
  {
    type: z.literal("jordanRnn"),
    outputs: positiveInt.meta({ description: "output units, fed back at the next step" }),
    activation: z.enum(["tanh", "relu", "sigmoid"]).optional().meta({ description: "hidden layer (default tanh)" }),
    outputActivation: z
      .enum(["identity", "tanh", "sigmoid"])
      .optional()
      .meta({ description: "output layer (default identity)" }),
    ...recurrentFields,
  },
  "a jordanRnn layer",
);
const embedding = fields(
  {
    type: z.literal("embedding"),
    vocabulary: positiveInt.meta({ description: "token ids run from 0 to vocabulary - 1" }),
    width: positiveInt.meta({ description: "length of each token's vector" }),
  },
  "an embedding layer (first, on token ids)",
);

export const layerConfigSchema = z.discriminatedUnion("type", [
  denseLayer,
  fields({ type: z.literal("dropout"), rate: z.number().min(0).lt(1) }, "a dropout layer"),
  fields({ type: z.literal("flatten") }, "a flatten layer"),
  activationOnlyLayer,
  fields({ type: z.literal("prelu") }, "a PReLU layer"),
  conv2dLayer,
  pool("maxPool2d"),
  pool("averagePool2d"),
  fields({ type: z.literal("globalAveragePooling2d") }, "a global average pooling layer"),
  depthwiseConv2d.superRefine(activationOptionsApply),
  simpleRnn,
  lstm,
  jordanRnn,
  embedding,
  fields(
    {
      type: z.literal("batchNormalization"),
      momentum: z.number().min(0).lt(1).optional().meta({ description: "running statistics' momentum (default 0.99)" }),
      epsilon: z.number().gt(0).optional().meta({ description: "added to the variance (default 0.001)" }),
    },
    "a batchNormalization layer",
  ),
]);

/** For z.toJSONSchema: the refinement "alpha and beta apply to one activation each", for editors too. */
export function layerJsonSchemaOverride(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  if (ctx.zodSchema !== denseLayer && ctx.zodSchema !== activationOnlyLayer) return;
  ctx.jsonSchema.allOf = [
    {
      if: { required: ["alpha"] },
      then: { required: ["activation"], properties: { activation: { const: "leakyRelu" } } },
    },
    {
      if: { required: ["beta"] },
      then: { required: ["activation"], properties: { activation: { const: "hardThreshold" } } },
    },
  ];
}
