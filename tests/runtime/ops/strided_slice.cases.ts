// STRIDED_SLICE: the last step of a sequence as TensorFlow's converter
// writes it (masks and a shrunk axis), negative strides and indices, every
// element type, and `offset` (end counted from begin).
import { EXACT, randomCase, type Case, type RefusalCase } from "../../helpers/cases.ts";
import { stridedSlice } from "../../helpers/models.ts";

export function cases(): Case[] {
  return [
    randomCase(
      stridedSlice({
        kind: "float32",
        shape: [1, 7, 5],
        begin: [0, -1, 0],
        end: [0, 0, 0],
        strides: [1, 1, 1],
        beginMask: 5,
        endMask: 5,
        shrinkAxisMask: 2,
        seed: 84,
      }),
      EXACT,
    ),
    randomCase(
      stridedSlice({
        kind: "int8",
        shape: [2, 6, 5, 3],
        begin: [1, -2, 4, 0],
        end: [2, 0, 0, 3],
        strides: [1, -2, -2, 1],
        endMask: 2,
        seed: 85,
      }),
      EXACT,
    ),
    randomCase(
      stridedSlice({
        kind: "float32",
        shape: [3, 8, 4],
        begin: [-1, -7, 1],
        end: [-4, 100, 3],
        strides: [-1, 2, 1],
        shrinkAxisMask: 4,
        seed: 87,
      }),
      EXACT,
    ),
    randomCase(
      stridedSlice({
        kind: "int16",
        shape: [4, 9],
        begin: [1, 2],
        end: [2, 5],
        strides: [2, 3],
        offset: true,
        seed: 86,
      }),
      EXACT,
      {
        tfliteDisagrees:
          "tfjs-tflite's TFLite predates StridedSliceOptions.offset and ignores it (end is then not begin + end)",
      },
    ),
  ];
}

export function refusals(): RefusalCase[] {
  const lastStep = (begin: number) =>
    stridedSlice({
      kind: "float32",
      shape: [1, 7, 5],
      begin: [0, begin, 0],
      end: [0, 0, 0],
      strides: [1, 1, 1],
      beginMask: 5,
      endMask: 5,
      shrinkAxisMask: 2,
      seed: 84,
    }).bytes;
  return [
    {
      // Found by the checked build: index 7 of 7 was clamped to 7 and read one row past the input.
      name: "a shrunk axis's index equal to its size",
      bytes: lastStep(7),
      code: "INVALID_MODEL",
      message: "operator 0 (STRIDED_SLICE): input 1 (tensor 2 'begin') puts a shrunk axis's index past the input's end",
    },
    {
      name: "a shrunk axis's index far past its size",
      bytes: lastStep(268435456),
      code: "INVALID_MODEL",
      message: "operator 0 (STRIDED_SLICE): input 1 (tensor 2 'begin') puts a shrunk axis's index past the input's end",
    },
  ];
}
