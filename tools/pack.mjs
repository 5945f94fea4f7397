// `npm run pack` (node tools/pack.mjs [--out DIR]): the five npm packages as
// tarballs in DIR (default dist/), each packed from a staging folder that
// holds exactly what the package ships:
//   - its TypeScript compiled to ESM JavaScript and .d.ts (tsconfig.build.json),
//     never the TypeScript itself (a consumer's tsc would check our sources);
//   - the files it reads at run time (.wasm builds, .mjs tables, models);
//   - its package.json with every "exports" target that names a .ts source
//     in the repository turned into { types: .d.ts, default: .js }.
// In the repository the packages' "exports" name their TypeScript, so the
// workspaces import one another's sources through tsx, vitest and tsc with
// no build step; only what is packed is compiled. Nothing is written into
// the repository except the tarballs. Run `npm run build` first (the .wasm).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * What each package ships, as paths relative to `root` (the folder the
 * tarball's top level corresponds to; the package's own folder unless the
 * package carries files from outside it, as the runtime builder carries the
 * runtime's AssemblyScript sources). `compiled`: folders whose TypeScript is
 * shipped compiled; `files`: the rest, as they are (a trailing / copies a
 * folder).
 */
export const PACKAGES = [
  {
    dir: "runtime-wasm",
    compiled: ["js"],
    files: ["js/operator-names.mjs", "js/operator-names.d.mts", "build/wasmlite.wasm", "build/wasmlite-mvp.wasm"],
  },
  { dir: "format", compiled: ["."], files: ["tflite.fbs"] },
  {
    dir: "trainer",
    compiled: ["."],
    // The kernels' AssemblyScript is compiled to trainer-kernels.wasm by `npm run build`; the worker's
    // tsx entry (gradient-worker-tsx.mjs) is for a checkout only.
    files: ["kernels/build/trainer-kernels.wasm", "kernels/build/trainer-kernels.d.ts"],
  },
  {
    dir: "cli",
    compiled: ["."],
    files: ["bin/wasmlite.mjs", "commands.mjs", "commands.d.mts", "models/", "train-config.schema.json"],
  },
  {
    dir: "runtime-wasm/builder",
    root: ".",
    compiled: ["runtime-wasm/builder"],
    files: [
      "asconfig.json",
      "runtime-wasm/asconfig.json",
      "runtime-wasm/assembly/",
      "runtime-wasm/builder/compile.mjs",
      "runtime-wasm/builder/compile.d.mts",
      "runtime-wasm/builder/operators.mjs",
      "runtime-wasm/builder/operators.d.mts",
      "runtime-wasm/builder/message-table.mjs",
    ],
  },
];

/** Every file under `dir` (relative to it) whose name passes `keep`. */
function walk(dir, keep, prefix = "") {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules" || e.name === "build") return [];
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return walk(join(dir, e.name), keep, rel);
    return keep(e.name) ? [rel] : [];
  });
}

/** Compiles the shipped TypeScript into `out`, mirroring the repository's layout. */
function compile(out) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(
    process.execPath,
    [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", out, "--rootDir", ROOT, "--noEmit", "false"],
    { cwd: ROOT, stdio: "inherit" },
  );
  // tsc rewrites './x.ts' to './x.js' in the JavaScript but not in the declarations.
  for (const file of walk(out, (n) => n.endsWith(".d.ts"))) {
    const path = join(out, file);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace(/((?:from |import\()["']\.{1,2}\/[^"']+)\.ts(["'])/g, "$1.js$2"));
  }
}

/** An "exports" target as the packed package names it: .ts sources become their compiled .js and .d.ts. */
function packedTarget(target, prefix) {
  const path = `./${join(prefix, target)}`;
  if (!target.endsWith(".ts")) return path;
  const base = path.slice(0, -".ts".length);
  return { types: `${base}.d.ts`, default: `${base}.js` };
}

function stage(pkg, compiledRoot, staging) {
  const root = join(ROOT, pkg.root ?? pkg.dir);
  const manifest = JSON.parse(readFileSync(join(ROOT, pkg.dir, "package.json"), "utf8"));
  const prefix = relative(root, join(ROOT, pkg.dir)); // where the package's own files sit in the tarball
  const dest = join(staging, manifest.name.replace("/", "__"));
  mkdirSync(dest, { recursive: true });
  for (const folder of pkg.compiled) {
    const from = join(compiledRoot, relative(ROOT, root), folder);
    for (const file of walk(from, (n) => n.endsWith(".js") || n.endsWith(".d.ts")))
      cpSync(join(from, file), join(dest, folder, file));
  }
  for (const file of pkg.files) {
    if (!existsSync(join(root, file)))
      throw new Error(`${manifest.name}: ${join(root, file)} is missing (npm run build?)`);
    cpSync(join(root, file), join(dest, file), { recursive: file.endsWith("/") });
  }
  for (const doc of ["README.md", "LICENSE"])
    if (existsSync(join(ROOT, pkg.dir, doc))) cpSync(join(ROOT, pkg.dir, doc), join(dest, doc));
  const exports = Object.fromEntries(
    Object.entries(manifest.exports).map(([key, target]) => [key, packedTarget(target, prefix)]),
  );
  const bin = manifest.bin && Object.fromEntries(Object.entries(manifest.bin).map(([k, v]) => [k, join(prefix, v)]));
  // No scripts: each package's prepack refuses a pack from its own folder (tools/refuse-direct-pack.mjs).
  const { devDependencies: _dev, scripts: _scripts, ...rest } = manifest;
  writeFileSync(join(dest, "package.json"), JSON.stringify({ ...rest, exports, ...(bin ? { bin } : {}) }, null, 2));
  return dest;
}

/** Packs every package into `out`; returns each package's name and tarball path. */
export function packAll(out) {
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "wasmlite-pack-"));
  try {
    compile(join(work, "compiled"));
    return PACKAGES.map((pkg) => {
      const dest = stage(pkg, join(work, "compiled"), join(work, "staged"));
      const [info] = JSON.parse(
        execFileSync("npm", ["pack", dest, "--json", "--pack-destination", out], { cwd: work, encoding: "utf8" }),
      );
      return { name: info.name, tarball: join(out, info.filename), files: info.files.map((f) => f.path) };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: "string", default: join(ROOT, "dist") } } });
  for (const { name, tarball, files } of packAll(values.out))
    console.log(`${name}: ${relative(process.cwd(), tarball)} (${files.length} files)`);
}
