// AVERAGE_POOL_2D in float32, int8 and int16: SAME (windows cut by the
// edge, so averaged over fewer values) and VALID, square and oblong windows.
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { pool } from "../../helpers/cnn.ts";

export function cases(): Case[] {
  const list: Case[] = [];
  for (const kind of ["float32", "int8"] as const) {
    list.push(
      randomCase(
        pool({ kind, max: false, input: [1, 7, 9, 5], window: [3, 2], stride: [2, 2], padding: "SAME", seed: 10 }),
        EXACT,
      ),
      randomCase(
        pool({ kind, max: false, input: [2, 10, 10, 7], window: [3, 3], stride: [3, 3], padding: "VALID", seed: 11 }),
        EXACT,
      ),
    );
  }
  list.push(
    randomCase(
      pool({
        kind: "int16",
        max: false,
        input: [2, 8, 6, 3],
        window: [2, 3],
        stride: [2, 2],
        padding: "VALID",
        seed: 58,
      }),
      EXACT,
    ),
  );
  return list;
}
