// How a layer declares its options, once: a zod shape in the layer's own file,
// given to defineLayer(). From it come the options' TypeScript type (what
// `dense({ ... })` accepts), the check its constructor runs (the same rules
// and messages as a config file's), and the layer's entry in a config file
// (`{ "type": "dense", ... }`), which registry.ts gathers into the config
// file's layer schema and its published JSON Schema. Every object is strict:
// a field that does not exist or does not apply is refused, not ignored.
import { z } from "zod";
import type { Layer } from "./layer.ts";

/** A strict object whose unknown-field error lists the fields it allows. */
export function fields<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `not a field of ${what} (its fields: ${allowed})` : undefined,
  });
}

export const positiveInt = z.int().min(1);

/** A JSON Schema fragment (draft 2020-12) that states what a refinement checks, for editors. */
export type JsonSchemaRule = Record<string, unknown>;

/** What a layer file declares about its options; defineLayer() makes the rest. */
export interface LayerDeclaration<T extends string, S extends z.core.$ZodLooseShape, L extends Layer> {
  /** Its name in config files (and its config()'s `type`). */
  type: T;
  /** "a dense layer": how messages name it. */
  what: string;
  options: S;
  /** Rules across fields (alpha only with leakyRelu), and the same rules for the JSON Schema. */
  refine?: (options: z.output<z.ZodObject<S>>, ctx: z.core.$RefinementCtx) => void;
  jsonSchemaRules?: JsonSchemaRule[];
  /** The layer, from checked options. */
  build: (options: z.output<z.ZodObject<S>>) => L;
}

/** The options a layer's factory takes, from the shape its file declares. */
export type LayerOptions<S extends z.core.$ZodLooseShape> = z.input<z.ZodObject<S>>;
/** The same options once checked (defaults are the layer's own, applied where it reads them). */
export type CheckedOptions<S extends z.core.$ZodLooseShape> = z.output<z.ZodObject<S>>;

const jsonSchemaRules = new WeakMap<object, JsonSchemaRule[]>();

/**
 * A layer's definition from its declaration: `type`; `schema`, its config
 * file entry (`{ type, ...options }`, strict and refined); `parse`, which
 * checks options and throws "dense: units: must be >= 1, got 0"; and
 * `build`, the layer from options checked first.
 */
export function defineLayer<T extends string, S extends z.core.$ZodLooseShape, L extends Layer>(
  d: LayerDeclaration<T, S, L>,
) {
  const refine = d.refine;
  const plain = fields(d.options, d.what);
  const options = refine ? plain.superRefine(refine) : plain;
  const entry = fields({ type: z.literal(d.type), ...d.options }, d.what);
  const schema = refine ? entry.superRefine((o, ctx) => refine(o as z.output<z.ZodObject<S>>, ctx)) : entry;
  if (d.jsonSchemaRules) jsonSchemaRules.set(schema, d.jsonSchemaRules);
  const parse = (raw: unknown): z.output<z.ZodObject<S>> => {
    const parsed = options.safeParse(raw ?? {});
    if (!parsed.success) throw new Error(`${d.type}: ${describeIssues(parsed.error.issues, raw).join("; ")}`);
    return parsed.data as z.output<z.ZodObject<S>>;
  };
  return {
    type: d.type,
    schema,
    parse,
    build: (raw: z.input<z.ZodObject<S>>): L => d.build(parse(raw)),
  };
}

/** For z.toJSONSchema: the rules a layer's refinement checks, as JSON Schema `allOf`, so editors check them too. */
export function layerJsonSchemaOverride(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  const rules = jsonSchemaRules.get(ctx.zodSchema as object);
  if (rules) ctx.jsonSchema.allOf = rules;
}

type Issue = z.core.$ZodIssue;

/**
 * "units: must be >= 1, got 0": one line per problem, with its path and the
 * value found in `raw`; `whole` names the value itself (a config file's
 * loader says "(the file)").
 */
export function describeIssues(
  issues: readonly Issue[],
  raw: unknown,
  prefix: PropertyKey[] = [],
  whole = "(the options)",
): string[] {
  const pathText = (path: PropertyKey[]) =>
    path.length === 0
      ? whole
      : path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const value = valueAt(raw, path);
    const got = value === undefined ? "" : `, got ${JSON.stringify(value)}`;
    const where = pathText(path);
    switch (issue.code) {
      case "unrecognized_keys":
        return issue.keys.map((k) => `${pathText([...path, k])}: ${issue.message}`);
      case "invalid_type":
        if (value === undefined) return [`${where}: required (${describeType(issue.expected)})`];
        return [`${where}: must be ${describeType(issue.expected)}${got}`];
      case "invalid_value":
        return [
          `${where}: must be ${issue.values.length === 1 ? "" : "one of "}${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got}`,
        ];
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const op = issue.code === "too_small" ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
        if (issue.origin === "array")
          return [`${where}: needs ${op === ">=" ? "at least" : "at most"} ${bound} item(s)`];
        if (issue.origin === "string") return [`${where}: must not be empty`];
        return [`${where}: must be ${op} ${bound}${got}`];
      }
      case "invalid_union": {
        if (issue.errors.length === 0) {
          // A discriminated union whose tag matched no option.
          const options = (issue as unknown as { options: unknown[] }).options.map((o) => JSON.stringify(o));
          return [`${where}: must be one of ${options.join(", ")}${got}`];
        }
        if (value === undefined) return [`${where}: required`];
        // The branch the value was meant for: a wrong type at its root rules a branch out, a
        // wrong value at its root nearly; then the fewest problems.
        const score = (branch: readonly Issue[]) =>
          branch.reduce(
            (s, i) =>
              s + (i.path.length > 0 || i.code === "unrecognized_keys" ? 1 : i.code === "invalid_type" ? 100 : 10),
            0,
          );
        const ranked = [...issue.errors].sort((a, b) => score(a) - score(b));
        const best = ranked.filter((b) => score(b) === score(ranked[0]!));
        if (best.length === 1) return describeIssues(best[0]!, raw, path, whole);
        return [
          `${where}: matches none of its forms${got}:`,
          ...best.map((b) => `  - ${describeIssues(b, raw, path, whole).join("; ")}`),
        ];
      }
      default:
        return [`${where}: ${issue.message}${got}`];
    }
  });
}

function describeType(expected: string): string {
  return expected === "int"
    ? "a whole number"
    : expected === "object" || expected === "array"
      ? `an ${expected}`
      : `a ${expected}`;
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}
