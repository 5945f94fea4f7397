// CONCATENATION in float32, int8 and int16: three inputs along the channels,
// and along the first and a middle axis.
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { concat } from "../../helpers/cnn.ts";

export function cases(): Case[] {
  const list: Case[] = [];
  for (const kind of ["float32", "int8"] as const) {
    list.push(
      randomCase(
        concat({
          kind,
          shapes: [
            [1, 4, 4, 3],
            [1, 4, 4, 5],
            [1, 4, 4, 1],
          ],
          axis: 3,
          seed: 14,
        }),
        EXACT,
      ),
      randomCase(
        concat({
          kind,
          shapes: [
            [2, 3],
            [4, 3],
          ],
          axis: 0,
          seed: 15,
        }),
        EXACT,
      ),
    );
  }
  list.push(
    randomCase(
      concat({
        kind: "int16",
        shapes: [
          [2, 3, 4],
          [2, 5, 4],
        ],
        axis: 1,
        seed: 60,
      }),
      EXACT,
    ),
  );
  return list;
}
