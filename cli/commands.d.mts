/** One option of a command (see commands.mjs). */
export interface CommandOption {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's name in the help (e.g. DIR). */
  readonly arg?: string;
  readonly help: string;
}
export interface Command {
  readonly args: string;
  readonly summary: string;
  readonly description: string;
  readonly options: Readonly<Record<string, CommandOption>>;
}
export type CommandName = "train-and-export" | "hello-world" | "inspect" | "run" | "build-runtime";
export const COMMANDS: Readonly<Record<CommandName, Command>>;
export const PRESET_NAMES: readonly string[];
export const VERSION: string;
export function parseOptions(
  command: CommandName,
): Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;
export function usage(): string;
export function commandHelp(command: CommandName): string;
export function helpRequest(argv: readonly string[]): { text: string; code: number } | undefined;
