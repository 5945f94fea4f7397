// Realistic bugs, each a one-place edit of the real source, that the test
// suite must catch (`npm run mutants`, tests/mutants/run.ts). Each names the
// kind of mistake it models, and the test files that catch it; the runner
// applies one at a time to a scratch copy, rebuilds, runs those files and
// requires a failure. A mutant the suite misses is a missing test.

export type { Mutant } from "./definition.ts";
import type { Mutant } from "./definition.ts";

import { RUNTIME_MUTANTS } from "./runtime.ts";
import { TRAINER_MUTANTS } from "./trainer.ts";
import { CLI_MUTANTS } from "./cli.ts";
import { HOST_MUTANTS } from "./hosts.ts";

/** Every mutant, one file per area (a mutant pins source text: keep it beside the area's others when code moves). */
export const MUTANTS: Mutant[] = [...RUNTIME_MUTANTS, ...TRAINER_MUTANTS, ...CLI_MUTANTS, ...HOST_MUTANTS];
