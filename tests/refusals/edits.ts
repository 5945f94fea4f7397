// Structured edits of a model, the refusal corpus's second kind of mutant.
// The fuzzer's byte mutations (tests/helpers/mutate.ts) mostly break the
// file; an operator's prepare-time checks want a well-formed file with one
// thing wrong: a tensor of another type, per-channel scales where one is
// expected, a scale of 0 or infinity, a constant that is not, an option out of
// range. Each edit is one such change, named by what it does, and the list of
// a model's edits follows from the model alone, so a recipe can name its edit.
import * as flatbuffers from "flatbuffers";
import { tflite } from "@wasmlite/format";
import { editModel } from "../helpers/edit-model.ts";

export interface Edit {
  /** What it changes, e.g. "tensor 2 ('w'): type INT16"; unique within one model's list. */
  name: string;
  apply(model: tflite.ModelT): void;
}

const TYPES: [string, tflite.TensorType][] = Object.entries(tflite.TensorType).filter(
  (e): e is [string, tflite.TensorType] => typeof e[1] === "number",
);

const BYTES_PER_ELEMENT: Partial<Record<tflite.TensorType, number>> = {
  [tflite.TensorType.FLOAT32]: 4,
  [tflite.TensorType.INT32]: 4,
  [tflite.TensorType.UINT32]: 4,
  [tflite.TensorType.INT64]: 8,
  [tflite.TensorType.FLOAT64]: 8,
  [tflite.TensorType.INT16]: 2,
  [tflite.TensorType.UINT16]: 2,
  [tflite.TensorType.FLOAT16]: 2,
};

/** Values an operator's numeric option is set to: the defaults, small and negative counts, out of any enum, and (for float options) not finite. */
const OPTION_VALUES = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 100, Number.NaN, Number.POSITIVE_INFINITY];

/** The runtime's limit on tensors (and on a graph's input and output lists). */
const MAX_TENSORS = 65536;

/** How often an operator is repeated to exceed the per-model limits (256 scratch buffers). */
const REPEATS = 300;

const elementsOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Shape replacements that keep the element count (so constant data still fits), and one that does not. */
function shapeEdits(shape: number[]): [string, number[]][] {
  const out: [string, number[]][] = [
    ["a leading 1 in its shape", [1, ...shape]],
    ["a trailing 1 in its shape", [...shape, 1]],
    ["shape flattened", [elementsOf(shape)]],
    ["rank 7 (leading 1s)", [...new Array<number>(Math.max(0, 7 - shape.length)).fill(1), ...shape]],
  ];
  if (shape.length > 0) out.push(["last dimension one larger", [...shape.slice(0, -1), shape.at(-1)! + 1]]);
  return out;
}

/** Quantisation replacements: each is a way a tensor's quantisation can be wrong. */
function quantizationEdits(
  q: tflite.QuantizationParametersT | null,
  shape: number[],
): [string, tflite.QuantizationParametersT | null][] {
  const scale = q?.scale[0] ?? 0.5;
  const zeroPoint = q?.zeroPoint[0] ?? 0n;
  const perTensor = (s: number, z: bigint) => new tflite.QuantizationParametersT([], [], [s], [z]);
  const out: [string, tflite.QuantizationParametersT | null][] = [
    ["no quantization", null],
    ["scale 0", perTensor(0, zeroPoint)],
    ["scale -1", perTensor(-1, zeroPoint)],
    ["scale NaN", perTensor(Number.NaN, zeroPoint)],
    ["scale infinity", perTensor(Number.POSITIVE_INFINITY, zeroPoint)],
    ["scale 1e30", perTensor(1e30, zeroPoint)],
    ["scale 1e-30", perTensor(1e-30, zeroPoint)],
    ["scale 1e-10", perTensor(1e-10, zeroPoint)],
    ["scale 1000", perTensor(1000, zeroPoint)],
    ["zero point 1", perTensor(scale, 1n)],
    ["zero point -32768", perTensor(scale, -32768n)],
    ["zero point 300", perTensor(scale, 300n)],
  ];
  // Per-channel along each axis, the channel count right for that axis (a wrong count is the fuzzer's).
  shape.forEach((size, axis) => {
    if (size < 2 || size > 4096) return;
    out.push([
      `per-channel along axis ${axis}`,
      new tflite.QuantizationParametersT(
        [],
        [],
        Array.from({ length: size }, (_, i) => scale * (1 + i / size)),
        Array.from({ length: size }, () => zeroPoint),
        tflite.QuantizationDetails.NONE,
        null,
        axis,
      ),
    ]);
  });
  return out;
}

/** Every edit of `bytes`'s model, in a fixed order. */
export function editsOf(bytes: Uint8Array): Edit[] {
  const model = tflite.Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes)).unpack();
  const graph = model.subgraphs[0];
  if (!graph) return [];
  const edits: Edit[] = [];
  graph.tensors.forEach((tensor, t) => {
    const label = `tensor ${t} ('${String(tensor.name ?? "")}')`;
    const tensorOf = (m: tflite.ModelT) => m.subgraphs[0]!.tensors[t]!;
    for (const [name, type] of TYPES)
      if (type !== tensor.type)
        edits.push({ name: `${label}: type ${name}`, apply: (m) => void (tensorOf(m).type = type) });
    for (const [name, q] of quantizationEdits(tensor.quantization, tensor.shape))
      edits.push({ name: `${label}: ${name}`, apply: (m) => void (tensorOf(m).quantization = q) });
    const data = model.buffers[tensor.buffer]?.data ?? [];
    for (const [name, shape] of shapeEdits(tensor.shape))
      edits.push({
        name: `${label}: ${name}`,
        apply: (m) => {
          tensorOf(m).shape = shape;
          // A constant keeps fitting its shape: its data grows with zeros (in a buffer of its own).
          const bytes = (data.length / Math.max(1, elementsOf(tensor.shape))) * elementsOf(shape);
          if (data.length === 0 || bytes <= data.length) return;
          m.buffers.push(new tflite.BufferT([...data, ...new Array<number>(bytes - data.length).fill(0)]));
          tensorOf(m).buffer = m.buffers.length - 1;
        },
      });
    if (data.length > 0) {
      edits.push({
        name: `${label}: not constant`,
        apply: (m) => {
          m.buffers.push(new tflite.BufferT());
          tensorOf(m).buffer = m.buffers.length - 1;
        },
      });
    } else if (!graph.inputs.includes(t) || graph.inputs.length > 1) {
      const elements = elementsOf(tensor.shape.map((d) => Math.max(d, 1)));
      const bytesPer = BYTES_PER_ELEMENT[tensor.type] ?? 1;
      if (elements * bytesPer <= 1 << 20)
        edits.push({
          name: `${label}: constant zeros`,
          apply: (m) => {
            m.buffers.push(new tflite.BufferT(new Array<number>(elements * bytesPer).fill(0)));
            tensorOf(m).buffer = m.buffers.length - 1;
          },
        });
    }
    edits.push({
      name: `${label}: ${tensor.isVariable ? "not variable" : "variable"}`,
      apply: (m) => void (tensorOf(m).isVariable = !tensor.isVariable),
    });
  });
  // Every tensor of one type at once: the operators that check their input's
  // and output's types against each other first see a pair that agrees.
  for (const from of new Set(graph.tensors.map((t) => t.type)))
    for (const [name, to] of TYPES)
      if (to !== from)
        edits.push({
          name: `every ${tflite.TensorType[from]} tensor: type ${name}`,
          apply: (m) => m.subgraphs[0]!.tensors.forEach((t) => t.type === from && (t.type = to)),
        });
  edits.push({
    name: `graph input 0 listed ${MAX_TENSORS + 1} times`,
    apply: (m) => void (m.subgraphs[0]!.inputs = new Array<number>(MAX_TENSORS + 1).fill(graph.inputs[0] ?? 0)),
  });
  graph.operators.forEach((op, o) => {
    const label = `operator ${o}`;
    const opOf = (m: tflite.ModelT) => m.subgraphs[0]!.operators[o]!;
    const options = op.builtinOptions as Record<string, unknown> | null;
    for (const field of Object.keys(options ?? {}))
      if (typeof options![field] === "number")
        for (const value of OPTION_VALUES)
          if (value !== options![field])
            edits.push({
              name: `${label}: option ${field} ${value}`,
              apply: (m) => void ((opOf(m).builtinOptions as unknown as Record<string, number>)[field] = value),
            });
    op.inputs.forEach((_, i) => {
      edits.push({ name: `${label}: input ${i} absent`, apply: (m) => void (opOf(m).inputs[i] = -1) });
      edits.push({ name: `${label}: input ${i} is output 0`, apply: (m) => void (opOf(m).inputs[i] = op.outputs[0]!) });
    });
    if (op.inputs.length > 0)
      edits.push({ name: `${label}: last input dropped`, apply: (m) => void opOf(m).inputs.pop() });
    edits.push({ name: `${label}: output 0 listed twice`, apply: (m) => void opOf(m).outputs.push(op.outputs[0]!) });
    edits.push({
      name: `${label}: an extra output (a copy of output 0)`,
      apply: (m) => {
        const g = m.subgraphs[0]!;
        g.tensors.push(Object.assign(new tflite.TensorT(), g.tensors[op.outputs[0]!]!, { name: "extra output" }));
        opOf(m).outputs.push(g.tensors.length - 1);
      },
    });
    edits.push({
      name: `${label}: repeated ${REPEATS} times, each into its own copies of its outputs`,
      apply: (m) => {
        const g = m.subgraphs[0]!;
        for (let r = 0; r < REPEATS; r++) {
          const outputs = op.outputs.map((t) => {
            const copy = Object.assign(new tflite.TensorT(), g.tensors[t]!, { name: `copy ${r} of ${t}` });
            g.tensors.push(copy);
            return g.tensors.length - 1;
          });
          g.operators.push(Object.assign(new tflite.OperatorT(), g.operators[o]!, { outputs }));
        }
      },
    });
  });
  return edits;
}

/** The model with one edit applied (found by name, as a recipe names it). */
export function applyEdit(bytes: Uint8Array, name: string): Uint8Array {
  const edit = editsOf(bytes).find((e) => e.name === name);
  if (!edit) throw new Error(`no edit '${name}' of this model`);
  return editModel(bytes, edit.apply);
}

/** Each edit of `bytes`'s model, applied, in order. */
export function* edited(bytes: Uint8Array): Generator<{ name: string; bytes: Uint8Array }> {
  for (const edit of editsOf(bytes)) yield { name: edit.name, bytes: editModel(bytes, edit.apply) };
}
