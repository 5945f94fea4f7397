/** One operator the runtime implements (see operators.mjs). */
export interface OperatorEntry {
  readonly name: string;
  readonly file: string;
  /** Its kernels are chosen by input 0's tensor type (a tailored build may leave types out). */
  readonly typed: boolean;
}
export const OPERATORS: readonly OperatorEntry[];
export const OPERATOR_NAMES: readonly string[];
/** Tensor types whose kernels a tailored build may leave out. */
export const KERNEL_TYPES: readonly string[];
export function generatedSources(selection?: {
  operators?: readonly string[];
  types?: readonly string[];
}): Record<string, string>;
