// Flatten: a per-sample [h, w, c] becomes [h * w * c]. Buffers are row-major
// already, so forward and backward pass their buffer through unchanged.
import type { Buf } from "../workspace.ts";
import type { Layer, Param } from "./layer.ts";
import { elements } from "./layer.ts";
import type { LayerExport } from "../export/layer-export.ts";
import { defineLayer } from "./options.ts";

export class Flatten implements Layer {
  readonly passesValuesThrough = true;
  readonly kind = "flatten";
  name = "flatten";
  outputShape: number[] = [];

  build(inputShape: number[]): void {
    this.outputShape = [elements(inputShape)];
  }

  allocate(): void {}

  forward(x: Buf): Buf {
    return x;
  }

  backward(dy: Buf): Buf {
    return dy;
  }

  params(): Param[] {
    return [];
  }

  config() {
    return { type: this.kind };
  }

  describe(): string {
    return "";
  }

  /** RESHAPE to [1, n]. */
  exportTo(e: LayerExport): void {
    e.reshape(this.name, [1, elements(this.outputShape)]);
  }
}

export const flattenLayer = defineLayer({
  type: "flatten",
  what: "a flatten layer",
  options: {},
  build: () => new Flatten(),
});

/** Flattens each sample to one axis. */
export const flatten = () => flattenLayer.build({});
