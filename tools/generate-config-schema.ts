// Writes cli/train-config.schema.json (published in the wasmlite package) from config-schema.ts
// (`npm run gen:schema`); tests/cli/config.test.ts fails when the two differ.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { trainConfigJsonSchema } from "../cli/train-and-export/config-schema.ts";

export const SCHEMA_FILE = fileURLToPath(new URL("../cli/train-config.schema.json", import.meta.url));

export function configSchemaText(): string {
  return JSON.stringify(trainConfigJsonSchema(), null, 2) + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, configSchemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
