// `npm run build:runtime`: the full builds (every operator) into
// runtime-wasm/build/, from the sources operators.mjs generates for every
// operator. See compile.mjs.
// `npm run build:checked` (this with --checked): the checked builds the
// fuzzer runs, into runtime-wasm/build/checked/. See checked.mjs.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRuntime, writeFullBuildSources } from "./compile.mjs";
import { buildChecked } from "./checked.mjs";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "build");
writeFullBuildSources();
if (process.argv.includes("--checked")) await buildChecked({ outDir: join(out, "checked"), log: console.log });
else await buildRuntime({ outDir: out, log: console.log });
// Built files stay out of git; the runtime package ships the release builds (tools/pack.mjs).
writeFileSync(join(out, ".gitignore"), "*\n");
