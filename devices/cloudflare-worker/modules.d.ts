// The Worker's non-JavaScript modules, as Workers (and workerd) give them.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
declare module "*.tflite" {
  const bytes: ArrayBuffer;
  export default bytes;
}
declare module "*/labels.js" {
  const labels: string[];
  export default labels;
}
declare module "*/conformance-models.js" {
  /** Path under tests/fixtures/ -> the model's bytes (a data module). */
  const models: Record<string, ArrayBuffer>;
  export default models;
}
