// Runs the `wasmlite` command in-process (cli/main.ts) and captures what it
// prints: its exit code, standard output and standard error.
import { main } from "../../cli/main.ts";

export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (s: string) => out.push(String(s));
  console.error = (s: string) => err.push(String(s));
  try {
    return { code: await main(argv), out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}
