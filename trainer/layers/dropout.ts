// Inverted dropout (Hinton et al. 2012): in training each unit is kept with
// probability 1 - rate and scaled by 1 / (1 - rate), so inference (and the
// exported model) is the identity.
//   forward: y = x m,  m_i = 1/(1 - rate) with probability 1 - rate, else 0
//   backward: dx = dy m
import type { Workspace, Buf } from "../workspace.ts";
import type { Rng } from "../rng.ts";
import type { Layer, Param } from "./layer.ts";
import { elements } from "./layer.ts";
import type { LayerExport } from "../export/layer-export.ts";
import { z } from "zod";
import { defineLayer, type CheckedOptions } from "./options.ts";

const OPTIONS = { rate: z.number().min(0).lt(1).meta({ description: "the share of units dropped in training" }) };

export class Dropout implements Layer {
  readonly passesValuesThrough = true;
  readonly kind = "dropout";
  name = "dropout";
  outputShape: number[] = [];
  readonly rate: number;
  #ws!: Workspace;
  #rng!: Rng;
  #mask!: Buf;
  #y!: Buf;
  #dx!: Buf;
  #training = false;

  /** Options checked by dropoutLayer (below): build layers with dropout() or from a config. */
  constructor(options: CheckedOptions<typeof OPTIONS>) {
    this.rate = options.rate;
  }

  build(inputShape: number[], ws: Workspace, rng: Rng): void {
    this.#ws = ws;
    this.#rng = rng;
    this.outputShape = [...inputShape];
  }

  allocate(ws: Workspace, batch: number): void {
    const n = batch * elements(this.outputShape);
    this.#mask = ws.alloc(n);
    this.#y = ws.alloc(n);
    this.#dx = ws.alloc(n);
  }

  forward(x: Buf, batch: number, training: boolean): Buf {
    this.#training = training && this.rate > 0;
    if (!this.#training) return x;
    const ws = this.#ws;
    const n = batch * elements(this.outputShape);
    const xs = ws.f32(x),
      ys = ws.f32(this.#y),
      m = ws.f32(this.#mask);
    const keep = 1 / (1 - this.rate);
    for (let i = 0; i < n; i++) {
      m[i] = this.#rng.next() < this.rate ? 0 : keep;
      ys[i] = xs[i]! * m[i]!;
    }
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    if (!this.#training) return dy;
    const ws = this.#ws;
    const n = batch * elements(this.outputShape);
    const g = ws.f32(dy),
      dx = ws.f32(this.#dx),
      m = ws.f32(this.#mask);
    for (let i = 0; i < n; i++) dx[i] = g[i]! * m[i]!;
    return this.#dx;
  }

  params(): Param[] {
    return [];
  }

  config() {
    return { type: this.kind, rate: this.rate };
  }

  describe(): string {
    return `rate ${this.rate}`;
  }

  /** Nothing: inference is the identity. */
  exportTo(_e: LayerExport): void {}
}

export const dropoutLayer = defineLayer({
  type: "dropout",
  what: "a dropout layer",
  options: OPTIONS,
  build: (o) => new Dropout(o),
});

/** Inverted dropout: in training, zeroes each value with probability `rate` and scales the rest by 1 / (1 - rate). */
export const dropout = (rate: number) => dropoutLayer.build({ rate });
