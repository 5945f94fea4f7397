// `npm run build:runtime`: the full builds (every operator) into build/,
// from the sources operators.mjs generates for every operator. See compile.mjs.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRuntime, writeFullBuildSources } from "./compile.mjs";

const out = join(dirname(fileURLToPath(import.meta.url)), "build");
writeFullBuildSources();
await buildRuntime({ outDir: out, log: console.log });
writeFileSync(join(out, ".gitignore"), "*\n");
