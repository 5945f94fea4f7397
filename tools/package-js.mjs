// The npm package's JavaScript: `node tools/package-js.mjs` compiles the
// shipped TypeScript (tsconfig.build.json: cli/, format/, runtime-wasm/js/,
// trainer/) to ESM JavaScript and .d.ts declarations beside each source
// file, so the installed package needs no TypeScript loader and every path a
// module reads relative to itself (the .wasm builds, the kernels, the .mjs
// tables, package.json) stays where it is. `npm pack` runs it (prepack) and
// `--clean` afterwards (postpack), which deletes exactly the files it wrote:
// the checkout keeps TypeScript only.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const record = join(root, ".package-js-emitted");

function clean() {
  if (!existsSync(record)) return;
  for (const file of readFileSync(record, "utf8").split("\n").filter(Boolean))
    rmSync(join(root, file), { force: true });
  rmSync(record);
}

clean();
if (!process.argv.includes("--clean")) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const out = execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--listEmittedFiles"], {
    cwd: root,
    encoding: "utf8",
  });
  const emitted = [...out.matchAll(/^TSFILE: (.+)$/gm)].map((m) => relative(root, m[1].trim()));
  writeFileSync(record, emitted.join("\n") + "\n");
  // tsc rewrites './x.ts' to './x.js' in the JavaScript but not in the declarations.
  for (const file of emitted.filter((f) => f.endsWith(".d.ts"))) {
    const path = join(root, file);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace(/((?:from |import\()["']\.{1,2}\/[^"']+)\.ts(["'])/g, "$1.js$2"));
  }
  console.error(`compiled ${emitted.length} files beside their TypeScript sources (npm pack; --clean removes them)`);
}
