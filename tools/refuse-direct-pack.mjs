// Each workspace package's `prepack`: `npm pack` or `npm publish` run in a
// package's own folder would ship its TypeScript sources and none of its
// built files (the .wasm builds). The tarballs are made by `npm run pack` at
// the repository's root (tools/pack.mjs), whose staged package.json has no
// scripts, so this never runs there.
console.error(
  "wasmlite: do not pack or publish a package from its folder (it would ship TypeScript sources and no .wasm). " +
    "Run `npm run pack` at the repository's root: it builds the tarballs in dist/.",
);
process.exit(1);
