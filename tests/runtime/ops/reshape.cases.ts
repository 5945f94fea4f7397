// RESHAPE: int8 and int16, the new shape in its options.
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { unary } from "../../helpers/models.ts";

export function cases(): Case[] {
  const reshape = (kind: "int8" | "int16", shape: number[], outShape: number[], seed: number) =>
    randomCase(
      unary({
        op: BuiltinOperator.RESHAPE,
        inKind: kind,
        outKind: kind,
        shape,
        outShape,
        sameQuant: true,
        options: { type: "ReshapeOptions", newShape: outShape },
        seed,
      }),
      EXACT,
    );
  return [reshape("int8", [2, 3, 4], [6, 4], 36), reshape("int16", [3, 8], [2, 12], 73)];
}
