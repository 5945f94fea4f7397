// `npm run build:runtime`: the full builds (every operator) into build/,
// from the sources operators.mjs generates for every operator. See compile.mjs.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRuntime, writeFullBuildSources } from "./compile.mjs";

const out = join(dirname(fileURLToPath(import.meta.url)), "build");
writeFullBuildSources();
await buildRuntime({ outDir: out, log: console.log });
// Built files stay out of git; the npm package ships them (an .npmignore,
// even empty, stops npm from applying the .gitignore here).
writeFileSync(join(out, ".gitignore"), "*\n");
writeFileSync(join(out, ".npmignore"), "# ship the built .wasm files\n");
