// Flatten: a per-sample [h, w, c] becomes [h * w * c]. Buffers are row-major
// already, so forward and backward pass their buffer through unchanged.
import type { Buf } from "../workspace.ts";
import type { Layer, Param } from "./layer.ts";
import { elements } from "./layer.ts";

export class Flatten implements Layer {
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

  config(): Record<string, unknown> {
    return {};
  }
}
