// Tailored runtimes: the operators, and the tensor types of their kernels,
// that some models use (TFLite Micro's op resolver, decided at build time),
// and the build that holds only those. Same ABI, same JS API and the same
// results as the full builds (README, "How small can it be?").
import { readFile, writeFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { readModel, type ModelSummary } from "@wasmlite/format";
import { OPERATORS, OPERATOR_NAMES, KERNEL_TYPES } from "./operators.mjs";
import { buildRuntime, type BuildSizes } from "./compile.mjs";

export interface Selection {
  /** Builtin operator names, in the order OPERATORS lists them. */
  operators: string[];
  /** Tensor types (KERNEL_TYPES) the kernels are built for. */
  types: string[];
}

/** A request the user can fix (bad flag, model the runtime cannot run): printed without a stack. */
export class BuildRuntimeError extends Error {}

/**
 * What `model` needs: every operator it uses, and the input types of its
 * typed operators (the kernels the registry would dispatch to). Refuses a
 * model using an operator wasmlite does not implement: no build runs it.
 */
export function modelSelection(model: ModelSummary, file: string): Selection {
  const unknown = new Set<string>();
  const operators = new Set<string>();
  const types = new Set<string>();
  for (const o of model.operators) {
    const entry = OPERATORS.find((e) => e.name === o.op);
    if (!entry) {
      unknown.add(o.op === "CUSTOM" ? "CUSTOM (a custom operator)" : o.op);
      continue;
    }
    operators.add(entry.name);
    const first = o.inputs[0];
    const type = first === undefined || first < 0 ? undefined : model.tensors[first]?.type;
    if (entry.typed && type !== undefined && KERNEL_TYPES.includes(type)) types.add(type);
  }
  if (unknown.size > 0) {
    throw new BuildRuntimeError(
      `${file} uses ${[...unknown].join(", ")}, which wasmlite does not implement (operators it has: ${OPERATOR_NAMES.join(", ")})`,
    );
  }
  return { operators: ordered(OPERATOR_NAMES, operators), types: ordered(KERNEL_TYPES, types) };
}

/**
 * The build for some models plus extra operators (`ops`); `types` overrides
 * the tensor types (default: the models' types, or every type when only
 * operators are named).
 */
export function combineSelection(models: Selection[], ops: string[], types: string[] | undefined): Selection {
  const badOps = ops.filter((n) => !OPERATOR_NAMES.includes(n));
  if (badOps.length > 0) {
    throw new BuildRuntimeError(
      `--ops: not operators wasmlite implements: ${badOps.join(", ")} (it has: ${OPERATOR_NAMES.join(", ")})`,
    );
  }
  const badTypes = (types ?? []).filter((t) => !KERNEL_TYPES.includes(t));
  if (badTypes.length > 0)
    throw new BuildRuntimeError(
      `--types: not selectable tensor types: ${badTypes.join(", ")} (choose from ${KERNEL_TYPES.join(", ")})`,
    );
  const operators = new Set([...models.flatMap((m) => m.operators), ...ops]);
  if (operators.size === 0) throw new BuildRuntimeError("build-runtime needs at least one --model or --ops");
  const chosenTypes = types ?? (models.length > 0 ? models.flatMap((m) => m.types) : KERNEL_TYPES);
  return { operators: ordered(OPERATOR_NAMES, operators), types: ordered(KERNEL_TYPES, new Set(chosenTypes)) };
}

function ordered(order: readonly string[], chosen: Set<string>): string[] {
  return order.filter((n) => chosen.has(n));
}

export async function readModelFile(file: string): Promise<ModelSummary> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new BuildRuntimeError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return readModel(bytes);
  } catch (e) {
    throw new BuildRuntimeError(`${file} is not a readable TFLite model: ${(e as Error).message}`);
  }
}

export interface BuildRuntimeOptions {
  models: string[];
  ops: string[];
  types?: string[];
  out: string;
  log?: (line: string) => void;
}

/**
 * Compiles the tailored runtime into `out`: wasmlite.wasm, wasmlite-mvp.wasm
 * and wasmlite-build.json (what the build holds, and its sizes).
 */
export async function buildTailoredRuntime(
  options: BuildRuntimeOptions,
): Promise<{ selection: Selection; sizes: BuildSizes }> {
  const log = options.log ?? (() => {});
  const perModel: Selection[] = [];
  for (const file of options.models) perModel.push(modelSelection(await readModelFile(file), file));
  const selection = combineSelection(perModel, options.ops, options.types);
  log(`operators: ${selection.operators.join(", ")}`);
  log(
    `kernel types: ${selection.types.length > 0 ? selection.types.join(", ") : "none (only type-independent operators)"}`,
  );
  const sizes = await buildRuntime({ operators: selection.operators, types: selection.types, outDir: options.out });
  const manifest = join(options.out, "wasmlite-build.json");
  await writeFile(`${manifest}.tmp`, JSON.stringify({ ...selection, sizes }, null, 2) + "\n");
  await rename(`${manifest}.tmp`, manifest);
  for (const [file, size] of Object.entries(sizes)) {
    log(
      `${join(options.out, file)}: ${size.bytes.toLocaleString("en")} bytes (${size.gzip.toLocaleString("en")} gzipped)`,
    );
  }
  return { selection, sizes };
}
