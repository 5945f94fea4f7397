// DEQUANTIZE: int8, int16 and uint8 to float32.
import { BuiltinOperator } from "@wasmlite/format";
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { unary } from "../../helpers/models.ts";

export function cases(): Case[] {
  return (
    [
      ["int8", 34],
      ["int16", 35],
      ["uint8", 82],
    ] as const
  ).map(([inKind, seed]) =>
    randomCase(unary({ op: BuiltinOperator.DEQUANTIZE, inKind, outKind: "float32", shape: [64], seed }), EXACT),
  );
}
