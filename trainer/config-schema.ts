// The train-and-export config file's format, as a zod schema: the one
// definition the loader validates with (config.ts) and the published JSON
// Schema is generated from (train-config.schema.json, `npm run gen:schema`),
// so editors complete and check a config that names it in "$schema". The
// format is documented, with an example per data source, in trainer/README.md.
// Every object is strict: a field that does not apply (momentum with plain
// SGD, alpha with an activation other than leakyRelu) is refused, not ignored.
import { z } from "zod";
import { ACTIVATIONS } from "./activations.ts";
import { LOSSES } from "./losses.ts";
import { INITIALIZERS } from "./initializers.ts";
import { PADDINGS } from "./layers/window.ts";

/** A strict object whose unknown-field error lists the fields it allows. */
function fields<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `not a field of ${what} (its fields: ${allowed})` : undefined,
  });
}

const positiveInt = z.int().min(1);
const fraction = z.number().gt(0).lt(1);
const learningRate = z
  .number()
  .gt(0)
  .meta({ description: "the step size (default: 0.01 for SGD and momentum, 0.001 for RMSProp and Adam)" });
const decayRate = z.number().min(0).lt(1);

const csvData = fields(
  {
    csv: z.string().min(1).meta({ description: "the CSV file, relative to the config file" }),
    target: z
      .union([z.string().min(1), z.int().min(0)])
      .optional()
      .meta({ description: "the target column: a header name or a 0-based index (default: the last column)" }),
    classify: z
      .boolean()
      .optional()
      .meta({ description: "treat a numeric target as class labels (text targets always are)" }),
    testFraction: fraction.optional().meta({ description: "the share of rows held out for the test (default 0.2)" }),
    seed: z.int().min(0).optional().meta({ description: "shuffles the rows before the split (default 1)" }),
  },
  "a CSV data source",
);

const datasetData = fields(
  { dataset: z.enum(["mnist", "fashion-mnist", "sine"]).meta({ description: "a bundled data set" }) },
  "a bundled data set",
);

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

const layer = z.discriminatedUnion("type", [
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

const optimizer = z.discriminatedUnion("name", [
  fields({ name: z.literal("sgd"), learningRate: learningRate.optional() }, "the sgd optimizer"),
  ...(["momentum", "nesterov"] as const).map((name) =>
    fields(
      {
        name: z.literal(name),
        learningRate: learningRate.optional(),
        momentum: decayRate.optional().meta({ description: "gamma (default 0.9)" }),
      },
      `the ${name} optimizer`,
    ),
  ),
  fields(
    {
      name: z.literal("rmsprop"),
      learningRate: learningRate.optional(),
      rho: decayRate.optional().meta({ description: "default 0.9" }),
      epsilon: z.number().gt(0).optional().meta({ description: "default 1e-7" }),
    },
    "the rmsprop optimizer",
  ),
  fields(
    {
      name: z.literal("adam"),
      learningRate: learningRate.optional(),
      beta1: decayRate.optional().meta({ description: "default 0.9" }),
      beta2: decayRate.optional().meta({ description: "default 0.999" }),
      epsilon: z.number().gt(0).optional().meta({ description: "default 1e-7" }),
    },
    "the adam optimizer",
  ),
]);

const schedule = z.discriminatedUnion("kind", [
  fields({ kind: z.literal("constant") }, "the constant schedule"),
  fields(
    { kind: z.literal("step"), every: positiveInt, factor: z.number().gt(0) },
    "the step schedule (lr0 * factor^floor(epoch / every))",
  ),
  fields({ kind: z.literal("exponential"), rate: z.number().gt(0) }, "the exponential schedule (lr0 * rate^epoch)"),
  fields(
    { kind: z.literal("inverseTime"), decay: z.number().min(0) },
    "the inverseTime schedule (lr0 / (1 + decay * epoch))",
  ),
]);

export const trainConfigSchema = fields(
  {
    $schema: z.string().optional().meta({ description: "this schema, for editors" }),
    name: z.string().min(1).optional().meta({ description: "the run's name (default: the file's path)" }),
    description: z.string().optional(),
    data: z.xor([csvData, datasetData]).meta({ description: "a CSV file or a bundled data set" }),
    normalize: z
      .boolean()
      .optional()
      .meta({ description: "standardise each feature with the training set's mean and deviation (a layer, exported)" }),
    layers: z.array(layer).min(1),
    compile: fields(
      {
        optimizer: z.union([z.enum(["sgd", "momentum", "nesterov", "rmsprop", "adam"]), optimizer]),
        loss: z.enum(LOSSES),
        metrics: z
          .array(z.enum(["accuracy", "mae"]))
          .optional()
          .meta({ description: "default: accuracy for classes, mae for regression" }),
        l1: z.number().min(0).optional().meta({ description: "L1 penalty on weights (not biases)" }),
        l2: z.number().min(0).optional().meta({ description: "L2 penalty on weights (not biases)" }),
        clipNorm: z
          .number()
          .gt(0)
          .optional()
          .meta({ description: "clip the gradient to this global norm (recurrent layers)" }),
      },
      "compile",
    ),
    fit: fields(
      {
        epochs: positiveInt,
        batchSize: positiveInt.optional().meta({ description: "default 32" }),
        validationSplit: fraction
          .optional()
          .meta({ description: "the share of training rows held out for validation and early stopping (default 0.1)" }),
        schedule: schedule.optional().meta({ description: "the learning rate by epoch (default constant)" }),
        shuffle: z.boolean().optional().meta({ description: "reshuffle the training rows every epoch (default true)" }),
      },
      "fit",
    ),
    patience: positiveInt
      .optional()
      .meta({ description: "early stopping: epochs without a better validation loss (the best epoch is restored)" }),
    augment: fields(
      {
        shift: positiveInt.optional().meta({
          description:
            "shift images by up to this many pixels at random (whole pixels, or fractions with rotate/scale)",
        }),
        rotate: z.number().gt(0).max(180).optional().meta({ description: "rotate images by up to this many degrees" }),
        scale: z
          .number()
          .gt(0)
          .lt(1)
          .optional()
          .meta({ description: "scale images by up to this fraction (0.1: 90% to 110%)" }),
      },
      "augment",
    ).optional(),
  },
  "the config",
);

export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** The published JSON Schema (draft 2020-12) of the config format. */
export function trainConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(trainConfigSchema, {
      io: "input",
      // The refinement "alpha and beta apply to one activation each", for editors too.
      override: (ctx) => {
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
      },
    }),
    title: "wasmlite train-and-export config",
  };
}
