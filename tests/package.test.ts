// The npm package, as `npm pack` would make it: it must hold what the
// installed `wasmlite` command reads (both runtime builds, the sources
// `build-runtime` compiles, the trainer's kernels, hello_world's models), and
// every package the shipped code imports must be a dependency, not a dev
// dependency (an installed package has no dev dependencies).
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { builtinModules } from "node:module";

const ROOT = new URL("..", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function packedFiles(): Set<string> {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  const [info] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set(info!.files.map((f) => f.path));
}

/** Every file under `dir` ending in one of `extensions`. */
function sources(dir: string, extensions: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === "node_modules" || name === "build" ? [] : sources(path, extensions);
    return extensions.some((e) => name.endsWith(e)) ? [path] : [];
  });
}

describe("the npm package", () => {
  it("holds what the installed command reads", () => {
    const files = packedFiles();
    for (const path of [
      "bin/wasmlite.mjs",
      "cli/main.ts",
      "runtime-wasm/build/wasmlite.wasm",
      "runtime-wasm/build/wasmlite-mvp.wasm",
      "runtime-wasm/js/index.ts",
      "runtime-wasm/js/operator-names.mjs",
      "runtime-wasm/compile.mjs",
      "runtime-wasm/operators.mjs",
      "runtime-wasm/asconfig.json",
      "runtime-wasm/message-table.mjs",
      "runtime-wasm/assembly/index.ts",
      "runtime-wasm/assembly/registry.ts",
      "trainer/kernels/build/trainer-kernels.wasm",
      "tests/fixtures/tflm/hello_world/hello_world_int8.tflite",
      "tests/fixtures/tflm/hello_world/hello_world_float.tflite",
    ]) {
      expect(files.has(path), path).toBe(true);
    }
    // Every runtime source build-runtime copies.
    for (const path of sources(join(ROOT, "runtime-wasm/assembly"), [".ts"])) {
      expect(files.has(relative(ROOT, path)), relative(ROOT, path)).toBe(true);
    }
  }, 60_000);

  it("lists every package the shipped code imports as a dependency", () => {
    const shipped = ["bin", "cli", "format", "trainer", "runtime-wasm/js"].flatMap((d) =>
      sources(join(ROOT, d), [".ts", ".mjs"]),
    );
    shipped.push(join(ROOT, "runtime-wasm/compile.mjs"), join(ROOT, "runtime-wasm/message-table.mjs"));
    const imported = new Map<string, string>();
    for (const file of shipped) {
      const text = readFileSync(file, "utf8");
      const statics = text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm);
      const dynamics = text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g);
      for (const m of [...statics, ...dynamics]) {
        const specifier = m[1]!;
        if (specifier.startsWith(".")) continue;
        if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
        const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
        imported.set(name, relative(ROOT, file));
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    for (const [name, file] of imported) {
      expect(manifest.dependencies[name], `${name} (imported by ${file})`).toBeDefined();
    }
  });
});
