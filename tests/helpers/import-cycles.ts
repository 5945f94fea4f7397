// Import cycles among a folder's TypeScript files, type-only imports
// included: the relative `import ... from "./x.ts"` and `export ... from`
// edges, searched depth first. Each cycle is returned once, as
// "a.ts -> b.ts -> a.ts" (paths relative to the folder).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

function typescriptFiles(dir: string, into: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "node_modules" && name !== "build") typescriptFiles(path, into);
    } else if (name.endsWith(".ts")) into.push(resolve(path));
  }
  return into;
}

export function importCycles(dir: string): string[] {
  const files = typescriptFiles(dir);
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    const targets = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"/g)]
      .map((m) => resolve(dirname(file), m[1]!))
      .filter((target) => known.has(target));
    edges.set(file, targets);
  }
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const next of edges.get(file)!) {
      if (state.get(next) === "open")
        cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(dir, f)).join(" -> "));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}
