// The idx file format of MNIST and Fashion-MNIST (LeCun): a magic number
// giving the element type and rank, the dimensions as big-endian u32, then
// the data. Plain or gzip-compressed. Only unsigned bytes (type 0x08), the
// type both data sets use, are accepted.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = new Uint8Array(gunzipSync(bytes));
    } catch (e) {
      throw new Error(`${path}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  const bad = (why: string) => new Error(`${path}: not an idx file of unsigned bytes (${why})`);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw bad("bad magic number");
  if (bytes[2] !== 0x08) throw bad(`element type 0x${bytes[2]!.toString(16)}`);
  const rank = bytes[3]!;
  if (rank < 1 || rank > 4 || bytes.length < 4 + 4 * rank) throw bad(`rank ${rank}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length - start !== count) throw bad(`${bytes.length - start} data bytes for shape [${shape}]`);
  return { shape, data: bytes.subarray(start) };
}
