export interface PackageRecipe {
  dir: string;
  root?: string;
  compiled: string[];
  files: string[];
}
/** What each package ships (see pack.mjs). */
export const PACKAGES: PackageRecipe[];
/** Packs every package into `out`; each package's name, tarball path and packed files. */
export function packAll(out: string): { name: string; tarball: string; files: string[] }[];
