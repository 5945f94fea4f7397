#!/usr/bin/env node
// The `wasmlite` command. Help and --version are answered from plain
// JavaScript (cli/commands.mjs); every other command runs cli/main.ts
// through tsx's loader, which costs a few hundred milliseconds to start.
import { helpRequest } from "../cli/commands.mjs";

// Output piped into a command that stops reading (`wasmlite inspect m.tflite | head`): end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const argv = process.argv.slice(2);
const help = helpRequest(argv);
if (help) {
  (help.code === 0 ? process.stdout : process.stderr).write(help.text + "\n");
  process.exitCode = help.code;
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../cli/main.ts");
  process.exitCode = await main(argv);
}
