// Writing the trainer's output files without ever leaving half of one, and
// finding out before training that the output folder can take them.
import { writeFileSync, renameSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

/** Writes a file atomically: to a temporary name, then renamed over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Creates `dir` if needed and proves it writable (a probe file written and
 * removed), so a bad output folder is found before hours of training, with
 * a message naming the flag (`what`) and the reason.
 */
export function ensureWritableDirectory(dir: string, what: string): void {
  const fail = (why: string) => new Error(`${what} ${dir}: ${why}`);
  let isDirectory: boolean | undefined;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    // does not exist yet
  }
  if (isDirectory === false) throw fail("is a file, not a folder");
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fail(`cannot create it (${reason(e)})`);
  }
  const probe = join(dir, `.wasmlite-write-test-${process.pid}`);
  try {
    writeFileSync(probe, "");
  } catch (e) {
    throw fail(`cannot write to it (${reason(e)})`);
  }
  rmSync(probe, { force: true });
}

function reason(e: unknown): string {
  const { code, message } = e as { code?: string; message: string };
  return code === "EACCES" || code === "EPERM"
    ? "permission denied"
    : code === "ENOTDIR"
      ? "a parent is a file"
      : code === "EROFS"
        ? "read-only file system"
        : message;
}
