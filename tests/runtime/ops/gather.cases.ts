// GATHER: an embedding lookup (runtime int32 ids), other axes, batch_dims,
// constant int32 and int64 indices.
import { EXACT, randomCase, type Case } from "../../helpers/cases.ts";
import { gather } from "../../helpers/models.ts";

export function cases(): Case[] {
  return [
    gather({ kind: "float32", shape: [10, 4], indicesShape: [3, 5], seed: 300 }),
    gather({ kind: "int8", shape: [2, 7, 3], indicesShape: [4], axis: 1, seed: 301 }),
    gather({ kind: "int16", shape: [3, 5, 6], indicesShape: [2, 2], axis: -1, constantIndices: "int32", seed: 302 }),
    gather({ kind: "int32", shape: [4, 6], indicesShape: [4, 3], axis: 1, batchDims: 1, seed: 303 }),
    gather({ kind: "float32", shape: [5, 3], indicesShape: [7], constantIndices: "int64", seed: 304 }),
  ].map((model) => randomCase(model, EXACT));
}
