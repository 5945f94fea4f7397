// PReLU: y = x for x > 0, alpha_j x otherwise, one learned slope per unit j
// (He et al. 2015; alphas start at 0.25).
//   backward: dx = dy (x > 0) or alpha_j dy;  dalpha_j = sum over the batch of dy x (x <= 0)
import type { Workspace, Buf } from "../workspace.ts";
import type { Layer, Param } from "./layer.ts";
import { elements } from "./layer.ts";
import { BuiltinOperator } from "@wasmlite/format";
import type { LayerExport } from "../export/layer-export.ts";
import { defineLayer } from "./options.ts";

export class PRelu implements Layer {
  readonly kind = "prelu";
  name = "prelu";
  outputShape: number[] = [];
  alpha!: Param;
  #ws!: Workspace;
  #width = 0;
  #x!: Buf;
  #y!: Buf;
  #dx!: Buf;

  build(inputShape: number[], ws: Workspace): void {
    this.#ws = ws;
    this.outputShape = [...inputShape];
    this.#width = elements(inputShape);
    this.alpha = {
      name: `${this.name}/alpha`,
      value: ws.alloc(this.#width),
      grad: ws.alloc(this.#width),
      shape: [...inputShape],
      regularized: false,
    };
    ws.f32(this.alpha.value).fill(0.25);
  }

  allocate(ws: Workspace, batch: number): void {
    this.#y = ws.alloc(batch * this.#width);
    this.#dx = ws.alloc(batch * this.#width);
  }

  forward(x: Buf, batch: number): Buf {
    const ws = this.#ws;
    this.#x = x;
    const w = this.#width;
    const xs = ws.f32(x),
      ys = ws.f32(this.#y),
      a = ws.f32(this.alpha.value);
    for (let i = 0; i < batch * w; i++) ys[i] = xs[i]! > 0 ? xs[i]! : a[i % w]! * xs[i]!;
    return this.#y;
  }

  backward(dy: Buf, batch: number): Buf {
    const ws = this.#ws;
    const w = this.#width;
    const xs = ws.f32(this.#x),
      g = ws.f32(dy),
      dx = ws.f32(this.#dx),
      a = ws.f32(this.alpha.value),
      da = ws.f32(this.alpha.grad);
    da.fill(0);
    for (let i = 0; i < batch * w; i++) {
      const j = i % w;
      if (xs[i]! > 0) {
        dx[i] = g[i]!;
      } else {
        dx[i] = a[j]! * g[i]!;
        da[j] = da[j]! + g[i]! * xs[i]!;
      }
    }
    return this.#dx;
  }

  params(): Param[] {
    return [this.alpha];
  }

  config() {
    return { type: this.kind };
  }

  describe(): string {
    return "";
  }

  /** PRELU with the slopes as a constant (int8: one symmetric scale). */
  exportTo(e: LayerExport): void {
    const alpha = e.addWeights(`${this.name}/alpha`, [elements(this.outputShape)], e.values(this.alpha), null);
    const quant = e.quantOf(e.range());
    const out = e.addActivationTensor(this.name, e.shape, quant);
    e.addOperator({ op: BuiltinOperator.PRELU, inputs: [e.tensor, alpha.index], outputs: [out] });
    e.setOutput(out, e.shape, quant);
  }
}

export const preluLayer = defineLayer({ type: "prelu", what: "a PReLU layer", options: {}, build: () => new PRelu() });

/** PReLU: y = x for x > 0, a x otherwise, with a learned slope a per feature. */
export const prelu = () => preluLayer.build({});
