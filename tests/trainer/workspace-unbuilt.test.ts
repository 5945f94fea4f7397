// The trainer's kernels missing (a source checkout before `npm run build`): the first Workspace says
// which file and how to make it. Its own file: the mock of node:fs applies to this module graph only.
import { it, expect, vi } from "vitest";

vi.mock("node:fs", async (original) => ({
  ...(await original<typeof import("node:fs")>()),
  readFileSync: () => {
    throw new Error("ENOENT: no such file or directory");
  },
}));

it("a workspace without built kernels names the file and the command that builds it", async () => {
  const { Workspace } = await import("../../trainer/workspace.ts");
  expect(() => new Workspace()).toThrow(
    /^trainer kernels not built \(.*trainer-kernels\.wasm\): run 'npm run build' \(ENOENT: no such file or directory\)$/,
  );
});
