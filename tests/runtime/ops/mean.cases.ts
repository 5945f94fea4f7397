// MEAN in float32, int8 and int16: over the image axes (global average
// pooling, with and without keep_dims, requantising or not), over the last,
// the first and a non-adjacent pair of axes.
import { EXACT, XNNPACK_QS8, randomCase, type Case } from "../../helpers/cases.ts";
import { meanModel } from "../../helpers/cnn.ts";

export function cases(): Case[] {
  const list: Case[] = [];
  for (const kind of ["float32", "int8"] as const) {
    list.push(
      randomCase(
        meanModel({ kind, input: [1, 6, 7, 9], axes: [1, 2], keepDims: true, sameQuant: false, seed: 16 }),
        EXACT,
      ),
      randomCase(
        meanModel({ kind, input: [2, 5, 4, 3], axes: [1, 2], keepDims: false, sameQuant: true, seed: 17 }),
        kind === "int8" ? XNNPACK_QS8 : EXACT,
      ),
      randomCase(
        meanModel({ kind, input: [3, 4, 5, 6], axes: [-1], keepDims: false, sameQuant: false, seed: 18 }),
        EXACT,
      ),
      randomCase(meanModel({ kind, input: [4, 3, 5], axes: [0], keepDims: true, sameQuant: true, seed: 19 }), EXACT),
      randomCase(
        meanModel({ kind, input: [2, 3, 4, 5], axes: [1, 3], keepDims: false, sameQuant: false, seed: 20 }),
        EXACT,
      ),
    );
  }
  list.push(
    randomCase(
      meanModel({ kind: "int16", input: [1, 5, 6, 4], axes: [1, 2], keepDims: true, sameQuant: false, seed: 61 }),
      EXACT,
    ),
    randomCase(
      meanModel({ kind: "int16", input: [3, 4, 5], axes: [2], keepDims: false, sameQuant: true, seed: 62 }),
      EXACT,
    ),
  );
  return list;
}
