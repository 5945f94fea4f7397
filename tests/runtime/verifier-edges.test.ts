// The verifier's bounds at their edges. For each object of a writer-built
// model that can move (each vector of scalars, string, table without
// offsets to children, and vtable), the object is copied to the end of the
// file and what refers to it pointed at the copy, so the file ends exactly
// where the object ends. That file must load and give the original's outputs;
// cut 1 to 8 bytes short (inside the object), it must be refused as
// MALFORMED. A bound off by a few bytes lets a cut file load, reading past
// its end: the release builds then read the bytes after the model, and the
// checked builds (runtime-wasm/builder/checked.mjs) trap on that read.
//
// Objects the runtime never reads cannot be read past; a cut inside one of
// them must load with the original's outputs instead (NOT_READ says which).
import { describe, it, expect, beforeAll } from "vitest";
import { readModel } from "@wasmlite/format";
import { sequential, dense, conv2d, maxPool2d, flatten, exportTflite } from "@wasmlite/trainer";
import { AbiHost, outcomeOf } from "../helpers/abi-host.ts";
import { flatObjects, movedToEnd, type FlatObject } from "../helpers/flatbuffer-objects.ts";
import { mlp } from "../helpers/models.ts";
import { lstm, rnn } from "../helpers/rnn.ts";
import { depthwise, pool } from "../helpers/cnn.ts";
import { data } from "../helpers/gradients.ts";

/** A trainer export: a small CNN, int8, with the wasmlite metadata entry (labels) and its buffer. */
function trainerExport(): { name: string; bytes: Uint8Array } {
  const model = sequential(
    [
      conv2d({ filters: 3, kernelSize: 3, padding: "same", activation: "relu" }),
      maxPool2d(),
      flatten(),
      dense({ units: 4, activation: "softmax" }),
    ],
    { inputShape: [6, 6, 1], seed: 5 },
  );
  const calibration = { ...data(40, 36, 4, "categoricalCrossentropy", 6), inputShape: [6, 6, 1] };
  const bytes = exportTflite(model, { kind: "int8", calibration, metadata: { labels: ["a", "b", "c", "d"] } });
  return { name: "trainer CNN int8 with metadata", bytes };
}

const MODELS = [
  trainerExport(),
  mlp({ kind: "int8", sizes: [6, 4, 3], perChannel: true, seed: 9, head: "none" }),
  mlp({ kind: "float32", sizes: [5, 3], seed: 2, head: "softmax" }),
  lstm({ kind: "int8", batch: 1, steps: 2, features: 3, cells: 4, seed: 3 }),
  lstm({ batch: 2, steps: 2, features: 3, cells: 2, cifg: true, seed: 4 }),
  rnn({ kind: "int8", batch: 1, steps: 3, features: 4, units: 3, asymmetricQuantizeInputs: true, seed: 5 }),
  depthwise({ kind: "int8", input: [1, 5, 5, 2], multiplier: 2, kernel: [3, 3], padding: "SAME", seed: 6 }),
  pool({ kind: "float32", max: true, input: [1, 4, 4, 2], window: [2, 2], stride: [2, 2], padding: "VALID", seed: 7 }),
];

/**
 * What the runtime never reads, and so never bounds: free text, names, the
 * metadata entries, the buffers no tensor takes its data from (buffer 0 is
 * TFLite's "no data" and is never looked up; the metadata's), and RESHAPE's
 * new_shape option (the output tensor's shape is the shape, as in TFLite Micro).
 */
function notRead(o: FlatObject, dataBuffers: Set<number>): string | undefined {
  if (/^Model\.description$/.test(o.path)) return "the model's description";
  if (/^Model\.subgraphs\[\d+\]\.name$/.test(o.path)) return "the subgraph's name";
  if (/^Model\.metadata\b/.test(o.path)) return "metadata entries (a host reads them, not the runtime)";
  if (/\.builtin_options\.new_shape$/.test(o.path)) return "RESHAPE's new_shape option";
  const buffer = /^Model\.buffers\[(\d+)\]/.exec(o.path);
  if (buffer && !dataBuffers.has(Number(buffer[1]))) return "a buffer no tensor takes data from";
  return undefined;
}

describe("verifier bounds at their edges: objects moved to the file's end, then cut short", () => {
  const hosts: Record<string, AbiHost> = {};
  beforeAll(async () => {
    hosts.simd = await AbiHost.create(true);
    hosts.mvp = await AbiHost.create(false);
    hosts["checked SIMD"] = await AbiHost.createChecked(true);
    hosts["checked MVP"] = await AbiHost.createChecked(false);
  });

  for (const model of MODELS) {
    it(`${model.name}: each movable object at the end loads with the same outputs; cut 1 to 8 bytes short, MALFORMED (or, never read, the same outputs)`, () => {
      const dataBuffers = new Set(
        readModel(model.bytes)
          .tensors.map((t) => t.buffer)
          .filter((b) => b !== 0),
      );
      const objects = flatObjects(model.bytes).filter((o) => o.movable);
      const tally = { moved: 0, cuts: 0, notRead: 0 };
      for (const [build, host] of Object.entries(hosts)) {
        const original = outcomeOf(host, model.bytes);
        expect(original, `${build}: the original loads`).toHaveProperty("outputs");
        for (const o of objects) {
          const moved = movedToEnd(model.bytes, o);
          const where = `${build}: ${o.kind} ${o.path} [${o.start}, ${o.end}) moved to the end`;
          expect(outcomeOf(host, moved), where).toEqual(original);
          const unread = notRead(o, dataBuffers);
          for (let cut = 1; cut <= Math.min(8, o.end - o.start); cut++) {
            const got = outcomeOf(host, moved.subarray(0, moved.length - cut));
            if (unread) expect(got, `${where}, cut ${cut} short (${unread})`).toEqual(original);
            else expect(got, `${where}, cut ${cut} short`).toMatchObject({ code: "MALFORMED" });
            tally.cuts++;
          }
          tally.moved++;
          if (unread) tally.notRead++;
        }
      }
      console.log(
        `${model.name}: ${objects.length} movable objects of ${flatObjects(model.bytes).length}, ${tally.cuts} cut files on 4 builds; ${tally.notRead / 4} never read`,
      );
      expect(objects.length).toBeGreaterThan(10);
    });
  }
});
