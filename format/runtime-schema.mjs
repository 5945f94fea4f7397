// The runtime's schema constants, generated from tflite.fbs (`npm run
// gen:format` writes runtime-wasm/assembly/schema.ts; a test fails when the
// committed file differs from a fresh generation). The runtime's reader and
// operators read tables by vtable field id; typed by hand in each operator,
// those ids drift from the schema unnoticed. Here they come from the schema:
//   - each table becomes a namespace of its fields' ids, named as in the
//     schema (`Conv2DOptions.fused_activation_function`); a field's id is its
//     position in the table, deprecated placeholders included, and a union
//     field takes two ids, its type (`Operator.builtin_options_type`) and
//     then its value (`Operator.builtin_options`), as flatc lays it out;
//   - each enum becomes prefixed constants (`TYPE_INT8`, `OP_CONV_2D`,
//     `ACT_RELU`), and each union its member numbers (`OPTIONS_CONV2D` for
//     Conv2DOptions), as the runtime has always named them.
// Only what tflite.fbs declares: a table or operator the schema subset does
// not have yet is added to tflite.fbs first.

/** Enum -> constant prefix; unions use OPTIONS_ with the member's name less its "Options" suffix. */
const ENUM_PREFIX = {
  TensorType: "TYPE_",
  BuiltinOperator: "OP_",
  ActivationFunctionType: "ACT_",
  Padding: "PADDING_",
};

/** UpperCamel -> UPPER_SNAKE, keeping acronyms and digit runs whole: SequenceRNN -> SEQUENCE_RNN, Conv2D -> CONV2D. */
function upperSnake(name) {
  return name
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toUpperCase();
}

/**
 * Declarations of an .fbs file: tables (fields in order: name, type, whether a
 * vector of it), enums (base type, name = value pairs) and unions (name = value pairs).
 */
export function parseFbs(text) {
  const source = text.replace(/\/\/.*$/gm, "");
  const tables = [];
  const enums = [];
  const unions = [];
  for (const m of source.matchAll(/\b(table|enum|union)\s+(\w+)\s*(?::\s*(\w+)\s*)?\{([^}]*)\}/g)) {
    const [, kind, name, base, body] = m;
    if (kind === "table") {
      const fields = body
        .split(";")
        .map((f) => f.trim())
        .filter(Boolean)
        .map((f) => {
          const field = f.match(/^(\w+)\s*:\s*(\[?)(\w+)/);
          if (!field) throw new Error(`tflite.fbs: table ${name}: cannot read the field '${f}'`);
          return { name: field[1], type: field[3], vector: field[2] === "[" };
        });
      tables.push({ name, fields });
    } else {
      const members = body
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean)
        .map((v) => {
          const member = v.match(/^(\w+)\s*=\s*(-?\d+)$/);
          if (!member) throw new Error(`tflite.fbs: ${kind} ${name}: '${v}' has no explicit value`);
          return { name: member[1], value: Number(member[2]) };
        });
      if (kind === "enum") enums.push({ name, base, members });
      else unions.push({ name, members });
    }
  }
  return { tables, enums, unions };
}

/** runtime-wasm/assembly/schema.ts for the schema in `fbsText`. */
export function runtimeSchemaSource(fbsText) {
  const { tables, enums, unions } = parseFbs(fbsText);
  const lines = [
    "// GENERATED from format/tflite.fbs by format/runtime-schema.mjs (npm run gen:format): do not edit.",
    "// Each table's vtable field ids (a field's position in its table, deprecated",
    "// placeholders included) and each enum's values, as TFLite's schema has them.",
    "",
  ];
  const unionNames = new Set(unions.map((u) => u.name));
  for (const t of tables) {
    if (t.fields.length === 0) continue;
    lines.push(`/** table ${t.name} */`, `export namespace ${t.name} {`);
    let id = 0;
    for (const f of t.fields) {
      if (unionNames.has(f.type)) lines.push(`  export const ${f.name}_type: i32 = ${id++};`);
      lines.push(`  export const ${f.name}: i32 = ${id++};`);
    }
    lines.push("}", "");
  }
  for (const e of enums) {
    const prefix = ENUM_PREFIX[e.name] ?? `${upperSnake(e.name)}_`;
    lines.push(`// enum ${e.name}`);
    for (const m of e.members) lines.push(`export const ${prefix}${m.name}: i32 = ${m.value};`);
    lines.push("");
  }
  for (const u of unions) {
    const prefix = u.name === "BuiltinOptions" ? "OPTIONS_" : `${upperSnake(u.name)}_`;
    lines.push(`// union ${u.name}: member numbers (0: none)`, `export const ${prefix}NONE: i32 = 0;`);
    for (const m of u.members)
      lines.push(`export const ${prefix}${upperSnake(m.name.replace(/Options$/, ""))}: i32 = ${m.value};`);
    lines.push("");
  }
  return lines.join("\n");
}
