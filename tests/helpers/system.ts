// System tools some suites need (Debian packages). A missing tool skips its
// suite with a message naming the package; with WASMLITE_REQUIRE_ALL=1 (set
// by .ci/run) a missing tool is an error instead, so CI never skips.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const REQUIRE_ALL = process.env.WASMLITE_REQUIRE_ALL === "1";

function found(command: string): boolean {
  if (command.startsWith("/")) return existsSync(command);
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * True if `command` is on this machine. If not: throws under
 * WASMLITE_REQUIRE_ALL=1, else warns (the caller skips its suite).
 */
export function haveTool(command: string, debianPackage: string): boolean {
  if (found(command)) return true;
  const message = `'${command}' not found: install the Debian package '${debianPackage}' (apt-get install ${debianPackage})`;
  if (REQUIRE_ALL) throw new Error(`${message}; WASMLITE_REQUIRE_ALL=1 forbids skipping`);
  console.warn(`SKIPPED: ${message}`);
  return false;
}
