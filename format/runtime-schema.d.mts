/** Declarations of an .fbs file: tables (fields in order, with their types), enums and unions. */
export function parseFbs(text: string): {
  tables: { name: string; fields: { name: string; type: string }[] }[];
  enums: { name: string; members: { name: string; value: number }[] }[];
  unions: { name: string; members: { name: string; value: number }[] }[];
};
/** runtime-wasm/assembly/schema.ts for the schema in `fbsText`. */
export function runtimeSchemaSource(fbsText: string): string;
