// The train-and-export config file's format, as a zod schema: the one
// definition the loader validates with (config.ts) and the published JSON
// Schema is generated from (train-config.schema.json, `npm run gen:schema`),
// so editors complete and check a config that names it in "$schema". The
// format is documented, with an example per data source, in cli/README.md.
// Every object is strict: a field that does not apply (momentum with plain
// SGD) is refused, not ignored. Its layers are the trainer's own schema.
import { z } from "zod";
import { LOSSES, layerConfigSchema, layerJsonSchemaOverride, strictFields as fields } from "@wasmlite/trainer";

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
    layers: z.array(layerConfigSchema).min(1),
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
    ...z.toJSONSchema(trainConfigSchema, { io: "input", override: layerJsonSchemaOverride }),
    title: "wasmlite train-and-export config",
  };
}
