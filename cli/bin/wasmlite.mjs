#!/usr/bin/env node
// The `wasmlite` command. Help and --version are answered from plain
// JavaScript (commands.mjs). Every other command runs main: the compiled
// main.js in an installed package (tools/pack.mjs), or in a checkout main.ts
// through tsx's loader (a dev dependency), which costs a few hundred
// milliseconds to start.
import { existsSync } from "node:fs";
import { helpRequest } from "../commands.mjs";

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
  const compiled = new URL("../main.js", import.meta.url);
  if (!existsSync(compiled)) {
    const { register } = await import("tsx/esm/api");
    register();
  }
  const { main } = await import(existsSync(compiled) ? compiled.href : "../main.ts");
  process.exitCode = await main(argv);
}
