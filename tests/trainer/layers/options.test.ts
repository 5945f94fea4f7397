// Layer options refused with one line per problem, naming the field, the rule
// and the value given (trainer/layers/options.ts): each kind of problem zod
// reports, through the layers' factories where one exists and through
// describeIssues on a small schema where no layer has that kind of field.
import { describe, it, expect } from "vitest";
import { z } from "zod";
import { dense, dropout, conv2d, layerConfigSchema, describeIssues } from "@wasmlite/trainer";

/** The lines describeIssues gives for `raw` against `schema`. */
function problems(schema: z.ZodType, raw: unknown, whole?: string): string[] {
  const r = schema.safeParse(raw);
  if (r.success) throw new Error(`${JSON.stringify(raw)} was accepted`);
  return describeIssues(r.error.issues, raw, [], whole);
}

const refusal = (build: () => unknown) => {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("accepted");
};

describe("layer options: the messages", () => {
  it("an unknown field lists the fields there are", () => {
    expect(refusal(() => dense({ units: 2, unit: 3 } as never))).toBe(
      "dense: unit: not a field of a dense layer (its fields: units, activation, alpha, beta, initializer)",
    );
  });

  it("a missing field says it is required and of what type; a wrong type shows the value", () => {
    // zod reports a whole number's type as "number", and a fraction as not an "int".
    expect(refusal(() => dense({} as never))).toBe("dense: units: required (a number)");
    expect(refusal(() => dense({ units: "3" } as never))).toBe('dense: units: must be a number, got "3"');
    expect(refusal(() => dense({ units: 2.5 }))).toBe("dense: units: must be a whole number, got 2.5");
    expect(refusal(() => dense(5 as never))).toBe("dense: (the options): must be an object, got 5");
    expect(problems(z.object({ a: z.array(z.int()) }), { a: 1 })).toEqual(["a: must be an array, got 1"]);
    expect(problems(z.object({ a: z.string() }), { a: 1 })).toEqual(["a: must be a string, got 1"]);
    expect(problems(z.object({ a: z.int() }), 7, "(the file)")).toEqual(["(the file): must be an object, got 7"]);
  });

  it("a rule across fields gives its own message, with the value", () => {
    expect(refusal(() => dense({ units: 1, activation: "tanh", alpha: 0.1 }))).toBe(
      'dense: alpha: applies to activation "leakyRelu" only, this layer\'s is "tanh", got 0.1',
    );
  });

  it("a value not among those allowed lists them (one: without 'one of')", () => {
    expect(refusal(() => conv2d({ filters: 1, kernelSize: 3, padding: "full" as never }))).toBe(
      'conv2d: padding: must be one of "valid", "same", got "full"',
    );
    expect(problems(z.object({ a: z.literal("x") }), { a: "y" })).toEqual(['a: must be "x", got "y"']);
  });

  it("bounds: the comparison, the bound and the value; arrays count items; strings must not be empty", () => {
    expect(refusal(() => dense({ units: 0 }))).toBe("dense: units: must be >= 1, got 0");
    expect(refusal(() => dropout(1))).toBe("dropout: rate: must be < 1, got 1");
    expect(problems(z.object({ a: z.number().gt(0) }), { a: 0 })).toEqual(["a: must be > 0, got 0"]);
    expect(problems(z.object({ a: z.number().lte(2) }), { a: 3 })).toEqual(["a: must be <= 2, got 3"]);
    expect(problems(z.object({ a: z.array(z.int()).min(2) }), { a: [1] })).toEqual(["a: needs at least 2 item(s)"]);
    expect(problems(z.object({ a: z.array(z.int()).max(1) }), { a: [1, 2] })).toEqual(["a: needs at most 1 item(s)"]);
    expect(problems(z.object({ a: z.string().min(1) }), { a: "" })).toEqual(["a: must not be empty"]);
    expect(problems(z.object({ a: z.number().min(0) }), { a: -1 })).toEqual(["a: must be >= 0, got -1"]);
  });

  it("nested paths: fields joined by dots, items by [i]", () => {
    const schema = z.object({ a: z.object({ b: z.array(z.int().min(1)) }) });
    expect(problems(schema, { a: { b: [1, 0] } })).toEqual(["a.b[1]: must be >= 1, got 0"]);
  });

  it("a union: the form the value was meant for, or every form when two fit as well", () => {
    // kernelSize is k or [height, width]: a pair with a bad item was meant to be the pair.
    expect(refusal(() => conv2d({ filters: 1, kernelSize: [3, 0] }))).toBe(
      "conv2d: kernelSize[1]: must be >= 1, got 0",
    );
    expect(refusal(() => conv2d({ filters: 1, kernelSize: 0 }))).toBe("conv2d: kernelSize: must be >= 1, got 0");
    expect(refusal(() => conv2d({ filters: 1 } as never))).toBe("conv2d: kernelSize: required");
    // Wrong type at each form's root: both equally far; a wrong value at the root is nearer than a wrong type.
    expect(problems(z.object({ a: z.union([z.int(), z.string()]) }), { a: true })).toEqual([
      "a: matches none of its forms, got true:",
      "  - a: must be a number, got true",
      "  - a: must be a string, got true",
    ]);
    expect(problems(z.object({ a: z.union([z.int().min(5), z.string()]) }), { a: 1 })).toEqual([
      "a: must be >= 5, got 1",
    ]);
    expect(
      problems(z.object({ a: z.union([z.string(), z.strictObject({ b: z.int() })]) }), { a: { b: 1, c: 2 } }),
    ).toEqual(['a.c: Unrecognized key: "c"']);
  });

  it("a union's forms ranked: a wrong type at the root is farthest, a wrong value at the root next, then the count", () => {
    // Through describeIssues directly: zod reports a union's forms only when none is plainly the one
    // meant, and which those are is zod's choice; the ranking must hold for any it reports.
    const at = (path: PropertyKey[], code: string, extra: object = {}) => ({ code, path, message: "bad", ...extra });
    const wrongType = (path: PropertyKey[]) => at(path, "invalid_type", { expected: "number" });
    const tooSmall = (path: PropertyKey[]) => at(path, "too_small", { minimum: 1, inclusive: true, origin: "number" });
    const union = (...errors: object[][]) =>
      [{ code: "invalid_union", path: ["a"], message: "", errors, input: undefined }] as never;
    const raw = { a: { b: 0, c: 0 } };
    // A wrong value at the root (10) is nearer than a wrong type there (100), either order.
    expect(describeIssues(union([wrongType([])], [tooSmall([])]), raw)).toEqual(['a: must be >= 1, got {"b":0,"c":0}']);
    expect(describeIssues(union([tooSmall([])], [wrongType([])]), raw)).toEqual(['a: must be >= 1, got {"b":0,"c":0}']);
    // Two problems inside a form (1 each) are nearer than one wrong value at its root (10).
    expect(describeIssues(union([tooSmall([])], [tooSmall(["b"]), tooSmall(["c"])]), raw)).toEqual([
      "a.b: must be >= 1, got 0",
      "a.c: must be >= 1, got 0",
    ]);
    // A wrong type at the root (100) is farther than a wrong value there plus one inside (11).
    expect(describeIssues(union([wrongType([])], [tooSmall([]), tooSmall(["b"])]), raw)).toEqual([
      'a: must be >= 1, got {"b":0,"c":0}',
      "a.b: must be >= 1, got 0",
    ]);
    // Unknown keys at the root count as a problem inside (1), not a wrong value there (10).
    expect(describeIssues(union([tooSmall([])], [at([], "unrecognized_keys", { keys: ["c"] })]), raw)).toEqual([
      "a.c: bad",
    ]);
    // Tied forms are all listed, each form's problems on one line.
    expect(
      describeIssues(union([tooSmall(["b"]), tooSmall(["c"])], [wrongType(["b"]), wrongType(["c"])]), raw),
    ).toEqual([
      'a: matches none of its forms, got {"b":0,"c":0}:',
      "  - a.b: must be >= 1, got 0; a.c: must be >= 1, got 0",
      "  - a.b: must be a number, got 0; a.c: must be a number, got 0",
    ]);
  });

  it("several problems are joined by '; ' in the layer's error; a value not given is not shown", () => {
    expect(refusal(() => dense({ units: 0, activation: "nope" as never }))).toBe(
      'dense: units: must be >= 1, got 0; activation: must be one of "identity", "sigmoid", "tanh", "relu", ' +
        '"leakyRelu", "hardThreshold", "softmax", got "nope"',
    );
    const custom = [{ code: "custom", path: ["gone"], message: "is needed with b", input: undefined }] as never;
    expect(describeIssues(custom, { b: 1 })).toEqual(["gone: is needed with b"]);
    expect(describeIssues(custom, { gone: 2 })).toEqual(["gone: is needed with b, got 2"]);
  });

  it("a tagged union (a config's layer) whose tag matches nothing lists the tags", () => {
    const lines = problems(layerConfigSchema, { type: "dens", units: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^type: must be one of "dense", .*"conv2d".*, got "dens"$/);
  });

  it("the value shown is the one at the problem's path, found through objects and arrays only", () => {
    const issue = (path: PropertyKey[]) =>
      [{ code: "invalid_type", expected: "int", path, message: "", input: undefined }] as never;
    expect(describeIssues(issue(["a", "length"]), { a: "xy" })).toEqual(["a.length: required (a whole number)"]);
    expect(describeIssues(issue(["a", "b"]), { a: null })).toEqual(["a.b: required (a whole number)"]);
    expect(describeIssues(issue(["a", 1]), { a: [5, "x"] })).toEqual(['a[1]: must be a whole number, got "x"']);
  });
});
