// Embedding: token ids in, one learned vector per token out. A sample is a
// sequence of T ids (whole numbers in [0, vocabulary), stored as floats like
// every sample); the output is [T, width], row t the table's row ids[t]:
//   y_t = E[ids_t]                 E [vocabulary, width]
//   dE[k] = sum over t with ids_t = k of dy_t   (the ids themselves have no gradient)
// So it must be the model's first layer. Exported as GATHER from a constant
// table, the file's input then being int32 ids (int8 files: the table
// quantised per tensor over its own range, which the output shares, as
// GATHER only moves values). Fixed-length text: pad every sequence to T with
// a reserved id (0 in the text datasets here) at the front, so the last
// steps a recurrent layer sees are the text's own.
import { part, type Workspace, type Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import { definedFields, type Layer, type Param } from "./layer.ts";
import { defineLayer, positiveInt, type CheckedOptions, type LayerOptions } from "./options.ts";
import { BuiltinOperator, quantize } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";

const OPTIONS = {
  vocabulary: positiveInt.meta({ description: "token ids run from 0 to vocabulary - 1" }),
  width: positiveInt.meta({ description: "length of each token's vector" }),
};
export type EmbeddingOptions = LayerOptions<typeof OPTIONS>;

/** Keras's default: small uniform values, so no token starts out dominating. */
const INIT_RANGE = 0.05;

export class Embedding implements Layer {
  readonly kind = "embedding";
  name = "embedding";
  outputShape: number[] = [];
  readonly takesTokenIds = true;
  readonly options: CheckedOptions<typeof OPTIONS>;
  steps = 0;
  table!: Param; // [vocabulary, width]
  #ws!: Workspace;
  #ids!: Buf; // the last forward pass's ids, for backward
  #y!: Buf;

  /** Options checked by embeddingLayer (below): build layers with embedding() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.options = options;
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    if (inputShape.length !== 1)
      throw new Error(`${this.name}: expects sequences of token ids [steps], got shape [${inputShape}]`);
    this.steps = inputShape[0]!;
    this.#ws = ws;
    const { vocabulary, width } = this.options;
    this.outputShape = [this.steps, width];
    const n = vocabulary * width;
    this.table = {
      name: `${this.name}/embeddings`,
      value: ws.alloc(n),
      grad: ws.alloc(n),
      shape: [vocabulary, width],
      regularized: true,
    };
    const e = ws.f32(this.table.value);
    for (let i = 0; i < n; i++) e[i] = rng.uniform(-INIT_RANGE, INIT_RANGE);
  }

  allocate(ws: Workspace, batch: number): void {
    this.#y = ws.alloc(batch * this.steps * this.options.width);
  }

  forward(x: Buf, batch: number): Buf {
    const n = batch * this.steps;
    const width = this.options.width;
    const bad = this.#ws.kernels.embeddingForward(
      x,
      this.table.value,
      this.#y,
      n,
      width,
      this.table.value.length / width,
    );
    if (bad >= 0) {
      const id = this.#ws.f32(x)[bad];
      throw new Error(
        `${this.name}: sample ${Math.floor(bad / this.steps)}, step ${bad % this.steps} holds token id ${id}, not a whole number in 0..${this.options.vocabulary - 1}`,
      );
    }
    this.#ids = part(x, 0, n);
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    const ws = this.#ws;
    ws.f32(this.table.grad).fill(0);
    ws.kernels.embeddingBackward(this.#ids, dy, this.table.grad, batch * this.steps, this.options.width);
    return this.#ids; // token ids have no gradient; nothing before this layer reads it
  }

  params(): Param[] {
    return [this.table];
  }

  config() {
    const { vocabulary, width } = this.options;
    return definedFields({ type: this.kind, vocabulary, width });
  }

  describe(): string {
    return `${this.options.vocabulary} tokens x ${this.options.width}`;
  }

  /** GATHER of the table's rows by the int32 ids: [1, T] -> [1, T, width]. */
  exportTo(e: LayerExport): void {
    const { vocabulary, width } = this.options;
    const values = e.values(this.table);
    // int8: the table's own range (it is constant, so no calibration); float32: none (quantOf).
    let min = 0,
      max = 0;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const quant = e.quantOf({ min, max });
    const table = e.builder.addTensor({
      name: `${this.name}/embeddings`,
      shape: [vocabulary, width],
      type: e.activationType,
      data: quant ? Int8Array.from(values, (v) => quantize(v, quant.scale[0]!, quant.zeroPoint[0]!)) : values,
      quantization: quant,
    });
    const shape = [1, this.steps, width];
    const out = e.addActivationTensor(this.name, shape, quant);
    e.addOperator({
      op: BuiltinOperator.GATHER,
      inputs: [table, e.tensor],
      outputs: [out],
      options: { type: "GatherOptions", axis: 0 },
    });
    e.setOutput(out, shape, quant);
  }
}

export const embeddingLayer = defineLayer({
  type: "embedding",
  what: "an embedding layer (first, on token ids)",
  options: OPTIONS,
  build: (o) => new Embedding(o),
});

/** Token ids to learned vectors. */
export const embedding = (options: EmbeddingOptions) => embeddingLayer.build(options);
