// `npm run build:runtime`: the full builds (every operator) into
// runtime-wasm/build/, from the sources operators.mjs generates for every
// operator. See compile.mjs.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRuntime, writeFullBuildSources } from "./compile.mjs";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "build");
writeFullBuildSources();
await buildRuntime({ outDir: out, log: console.log });
// Built files stay out of git; the runtime package ships them (tools/pack.mjs).
writeFileSync(join(out, ".gitignore"), "*\n");
