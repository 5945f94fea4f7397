// @wasmlite/runtime-builder: compiles wasmlite runtimes from their
// AssemblyScript sources (it needs AssemblyScript and binaryen, about 200 MB,
// which is why it is a package of its own). The full builds hold every
// operator; a tailored build holds only the operators, and the tensor types
// of their kernels, that some models use (TFLite Micro's op resolver, decided
// at build time). `wasmlite build-runtime` and the microcontroller host call it.
export { buildRuntime, writeFullBuildSources, type BuildSizes } from "./compile.mjs";
export { OPERATORS, OPERATOR_NAMES, KERNEL_TYPES, generatedSources, type OperatorEntry } from "./operators.mjs";
export {
  modelSelection,
  combineSelection,
  readModelFile,
  buildTailoredRuntime,
  BuildRuntimeError,
  type Selection,
  type BuildRuntimeOptions,
} from "./select-operators.ts";
