export interface BuildSizes {
  [file: string]: { bytes: number; gzip: number };
}
/** Compiles wasmlite.wasm and wasmlite-mvp.wasm into outDir (see compile.mjs). */
export function buildRuntime(options: {
  operators?: readonly string[];
  types?: readonly string[];
  outDir: string;
  log?: (line: string) => void;
}): Promise<BuildSizes>;
export function writeFullBuildSources(): void;
/** The folder of an installed npm package (also when its "exports" hide package.json). */
export function packageDir(name: string): string;
