// PAD and PADV2 (PAD with a constant other than the zero point) in float32,
// int8 and int16, on 4-D and 2-D tensors, padding before and after.
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { padModel } from "../../helpers/cnn.ts";

export function cases(): Case[] {
  const list: Case[] = [];
  for (const kind of ["float32", "int8"] as const) {
    list.push(
      randomCase(
        padModel({
          kind,
          input: [1, 5, 6, 3],
          paddings: [
            [0, 0],
            [1, 2],
            [3, 0],
            [0, 1],
          ],
          seed: 12,
        }),
        EXACT,
      ),
      randomCase(
        padModel({
          kind,
          input: [2, 7],
          paddings: [
            [1, 1],
            [2, 3],
          ],
          constant: kind === "float32" ? 1.5 : 9,
          seed: 13,
        }),
        EXACT,
      ),
    );
  }
  list.push(
    randomCase(
      padModel({
        kind: "int16",
        input: [1, 4, 5, 2],
        paddings: [
          [0, 0],
          [2, 1],
          [0, 3],
          [1, 0],
        ],
        seed: 59,
      }),
      EXACT,
    ),
  );
  return list;
}
