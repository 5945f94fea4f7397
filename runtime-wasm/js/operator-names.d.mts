export const BUILTIN_OPERATOR_NAMES: readonly string[];
/** The builtin operator's name, or "builtin operator #code" for a code the schema does not have. */
export function builtinOperatorName(code: number): string;
