// A model rewritten through the FlatBuffers object API: unpacked, changed by
// `edit`, packed again. For a change our writer refuses to make (a wrong
// count, a bad type) or one it has no option for.
import * as flatbuffers from "flatbuffers";
import { tflite } from "@wasmlite/format";

export function editModel(bytes: Uint8Array, edit: (model: tflite.ModelT) => void): Uint8Array {
  const model = tflite.Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes)).unpack();
  edit(model);
  const b = new flatbuffers.Builder(1024);
  b.finish(model.pack(b), "TFL3");
  return b.asUint8Array();
}
