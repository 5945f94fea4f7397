// What the export writes, operator by operator: for small untrained models
// (seeded weights, a fixed calibration set) covering every exportable layer
// and option that changes the graph, the summary, each operator with its
// inputs, outputs, intermediates and options, and each tensor with its name,
// type, shape and quantisation, compared with the listing committed in
// tests/trainer/export-graphs/. The numeric checks (the exports run in the
// runtime and in TFLite) cannot see a tensor named wrongly, two tensors
// sharing a name, a quantisation taken from the wrong calibrated range that
// the int8 tolerance absorbs, or an option the runtime ignores: this does.
// A change to the export changes a listing; review its diff as code (update
// with `npx vitest run tests/trainer/export-graphs.test.ts -u`).
//
// Also, for every export: tensor names are unique, start with the layer that
// made them, and have no empty path segment.
import { describe, it, expect } from "vitest";
import {
  sequential,
  normalization,
  dense,
  dropout,
  activation,
  prelu,
  flatten,
  conv2d,
  depthwiseConv2d,
  batchNormalization,
  maxPool2d,
  averagePool2d,
  globalAveragePooling2d,
  conv1d,
  maxPool1d,
  averagePool1d,
  globalAveragePooling1d,
  simpleRnn,
  lstm,
  jordanRnn,
  embedding,
  elements,
  type Dataset,
  type Layer,
  type Sequential,
} from "@wasmlite/trainer";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { readModel } from "@wasmlite/format";

/** A deterministic data set: features in [-1.5, 1.5] (token ids below `vocabulary` when given). */
function data(n: number, inputShape: number[], vocabulary?: number): Dataset {
  const width = inputShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: n * width }, (_, i) =>
    vocabulary ? (i * 7 + 3) % vocabulary : 1.5 * Math.sin(i * 1.7 + 0.3),
  );
  return { x, y: new Float32Array(n), n, inputShape, targetSize: 1 };
}

interface Case {
  name: string;
  inputShape: number[];
  layers: () => Layer[];
  vocabulary?: number;
  /** Each weight array mapped (seeded weights are small: a case may need large ones, or zeros). */
  weights?: (w: Float32Array) => Float32Array;
}

const CASES: Case[] = [
  {
    name: "mlp",
    inputShape: [6],
    layers: () => [
      normalization(data(16, [6])),
      dropout(0.1), // the float32 fold passes through it
      dense({ units: 5, activation: "relu" }),
      dropout(0.2),
      dense({ units: 4, activation: "leakyRelu", alpha: 0.2 }),
      prelu(),
      dense({ units: 4 }),
      activation("tanh"),
      dense({ units: 3, activation: "softmax" }),
    ],
  },
  {
    name: "cnn",
    inputShape: [7, 6, 2],
    layers: () => [
      conv2d({ filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: "same" }),
      batchNormalization(),
      activation("relu"),
      depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, dilation: [1, 2], activation: "relu" }),
      maxPool2d({ poolSize: [2, 1] }),
      conv2d({ filters: 2, kernelSize: 1, activation: "sigmoid" }),
      averagePool2d({ poolSize: 1, strides: [1, 2], padding: "same" }),
      globalAveragePooling2d(),
      dense({ units: 2, activation: "softmax" }),
    ],
  },
  {
    name: "depthwise-tanh",
    inputShape: [5, 4, 2],
    layers: () => [
      depthwiseConv2d({ kernelSize: [3, 2], activation: "tanh" }),
      globalAveragePooling2d(),
      dense({ units: 1 }),
    ],
  },
  {
    name: "cnn-flatten",
    inputShape: [5, 5, 1],
    layers: () => [conv2d({ filters: 2, kernelSize: 3, activation: "tanh" }), flatten(), dense({ units: 2 })],
  },
  {
    name: "conv1d",
    inputShape: [12, 2],
    layers: () => [
      conv1d({ filters: 3, kernelSize: 3, dilation: 2, padding: "same", activation: "relu" }),
      maxPool1d({ poolSize: 2 }),
      conv1d({ filters: 2, kernelSize: 2, strides: 2 }),
      averagePool1d({ poolSize: 1, strides: 1 }),
      globalAveragePooling1d(),
      dense({ units: 1 }),
    ],
  },
  {
    name: "recurrent-sequences",
    inputShape: [3, 2],
    layers: () => [
      simpleRnn({ units: 3, returnSequences: true }),
      lstm({ units: 2, returnSequences: true }),
      jordanRnn({ units: 3, outputs: 2, activation: "relu", outputActivation: "sigmoid", returnSequences: true }),
      flatten(),
      dense({ units: 1 }),
    ],
  },
  {
    name: "recurrent-last-step",
    inputShape: [3, 2],
    layers: () => [
      jordanRnn({ units: 2, outputs: 2, returnSequences: true, truncate: 2 }),
      simpleRnn({ units: 2, activation: "relu", truncate: 2 }),
      dense({ units: 3 }),
      activation("relu"),
    ],
  },
  {
    name: "jordan-last-step",
    inputShape: [3, 2],
    layers: () => [
      jordanRnn({ units: 3, outputs: 2, outputActivation: "tanh", activation: "sigmoid" }),
      dense({ units: 1 }),
    ],
  },
  {
    name: "lstm-last-step",
    inputShape: [3, 2],
    layers: () => [lstm({ units: 3, truncate: 2 }), dense({ units: 1, activation: "sigmoid" })],
  },
  {
    // A cell state beyond [-1, 1], so its int16 scale is not the smallest power of two.
    name: "lstm-large-cell",
    inputShape: [4, 2],
    layers: () => [lstm({ units: 2 })],
    weights: (w) => w.map((v) => 6 * v + 1.5),
  },
  {
    // Outputs that are always 0: the int8 scales of a range [0, 0].
    name: "lstm-zero",
    inputShape: [2, 2],
    layers: () => [lstm({ units: 2 })],
    weights: (w) => new Float32Array(w.length),
  },
  {
    name: "embedding",
    inputShape: [4],
    vocabulary: 5,
    layers: () => [embedding({ vocabulary: 5, width: 3 }), lstm({ units: 2 }), dense({ units: 2 })],
  },
];

/** BigInts (int64 fields) as numbers; floats as the float32 they are, to 6 digits. */
function optionsText(options: object | null): string {
  if (!options) return "";
  return JSON.stringify(options, (_key, v: unknown) =>
    typeof v === "bigint" ? Number(v) : typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v,
  );
}

/** The trainer's side: each layer's parameters (name, shape, penalised or not) and other saved state. */
function parameters(model: Sequential): string[] {
  return model.layers.flatMap((layer) => [
    ...layer.params().map((p) => {
      expect(elements(p.shape), `${p.name}'s shape`).toBe(p.value.length);
      return `  ${p.name} [${p.shape.join(", ")}]${p.regularized ? " penalised" : ""}`;
    }),
    ...(layer.state?.() ?? []).map((s) => `  ${s.name} (state)`),
  ]);
}

/** The listing: summary, operators (tensors by name), tensors (type, shape, quantisation, constant or not). */
function listing(model: Sequential, bytes: Uint8Array): string {
  const m = readModel(bytes);
  const name = (i: number) => (i < 0 ? "-" : m.tensors[i]!.name);
  const names = (list: number[]) => list.map(name).join(", ");
  const lines = [model.summary(), "", "parameters:", ...parameters(model), ""];
  lines.push(`inputs: ${names(m.inputs)}`, `outputs: ${names(m.outputs)}`, "", "operators:");
  for (const o of m.operators) {
    const intermediates = o.intermediates.length > 0 ? ` intermediates (${names(o.intermediates)})` : "";
    lines.push(
      `  ${o.op}(${names(o.inputs)}) -> ${names(o.outputs)}${intermediates} ${optionsText(o.options)}`.trimEnd(),
    );
  }
  lines.push("", "tensors:");
  for (const t of m.tensors) {
    const scales = t.scale.map((s) => s.toPrecision(6)).join(" ");
    const q =
      t.scale.length === 0
        ? ""
        : ` scale ${scales} zero point ${t.zeroPoint.join(" ")}${t.scale.length > 1 ? ` axis ${t.quantizedDimension}` : ""}`;
    const kind = t.dataBytes > 0 ? " const" : t.isVariable ? " variable" : "";
    // Small int32 constants are shapes, slice bounds and axes: their values are part of the graph.
    const ints = t.type === "INT32" && t.data && t.dataBytes <= 64 ? new Int32Array(t.data.slice().buffer) : undefined;
    const values = ints && t.scale.length === 0 ? ` = [${ints.join(", ")}]` : "";
    lines.push(`  ${t.name}: ${t.type} [${t.shape.join(", ")}]${q}${kind}${values}`);
  }
  return lines.join("\n") + "\n";
}

describe("the export's graph", () => {
  for (const c of CASES) {
    it(`${c.name}: float32 and int8 listings as committed; tensor names unique, each under its layer`, async () => {
      const m = sequential(c.layers(), { inputShape: c.inputShape, seed: 5 });
      if (c.weights) m.setWeights(m.getWeights().map(c.weights));
      const calibration = data(12, c.inputShape, c.vocabulary);
      for (const kind of ["float32", "int8"] as const) {
        const bytes = exportTflite(m, { kind, calibration });
        const tensors = readModel(bytes).tensors.map((t) => t.name);
        expect(new Set(tensors).size, "tensor names are unique").toBe(tensors.length);
        const layerNames = m.layers.map((l) => l.name);
        for (const t of tensors) {
          expect(
            t.split("/").every((segment) => segment.length > 0),
            `no empty segment in '${t}'`,
          ).toBe(true);
          const owner = t.split("/")[0]!;
          expect(layerNames.includes(owner) || owner === "input", `'${t}' is under a layer`).toBe(true);
        }
        await expect(listing(m, bytes)).toMatchFileSnapshot(`export-graphs/${c.name}.${kind}.txt`);
      }
    });
  }
});
