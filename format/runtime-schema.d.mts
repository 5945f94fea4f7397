/**
 * Declarations of an .fbs file: tables (fields in order: name, type, whether a
 * vector of it), enums (base type and members) and unions (members).
 */
export function parseFbs(text: string): {
  tables: { name: string; fields: { name: string; type: string; vector: boolean }[] }[];
  enums: { name: string; base: string; members: { name: string; value: number }[] }[];
  unions: { name: string; members: { name: string; value: number }[] }[];
};
/** runtime-wasm/assembly/schema.ts for the schema in `fbsText`. */
export function runtimeSchemaSource(fbsText: string): string;
