// Weight initialisation (biases start at zero):
//   glorotUniform  U[-c, c], c = sqrt(6 / (fan_in + fan_out))  (Glorot & Bengio 2010)
//   normal         N(0, 0.01) (standard deviation 0.01)
//   heNormal       N(0, 2 / fan_in), for ReLU layers (He et al. 2015)
// A dense layer's default follows its activation: He for the ReLU family,
// Glorot otherwise.
import { z } from "zod";
import type { Rng } from "./rng.ts";
import type { ActivationName } from "./activations.ts";

export type InitializerName = "glorotUniform" | "normal" | "heNormal";
export const INITIALIZERS: readonly InitializerName[] = ["glorotUniform", "normal", "heNormal"];

/** A layer option naming an initialiser (layers/options.ts); `otherwise` says what the layer uses without one. */
export const initializerField = (otherwise: string) =>
  z
    .enum(INITIALIZERS)
    .optional()
    .meta({ description: `default: ${otherwise}` });

export function initialize(name: InitializerName, w: Float32Array, fanIn: number, fanOut: number, rng: Rng): void {
  switch (name) {
    case "glorotUniform": {
      const c = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-c, c);
      return;
    }
    case "normal":
      for (let i = 0; i < w.length; i++) w[i] = 0.01 * rng.normal();
      return;
    case "heNormal": {
      const s = Math.sqrt(2 / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = s * rng.normal();
      return;
    }
  }
}

export function defaultInitializer(activation: ActivationName | undefined): InitializerName {
  return activation === "relu" || activation === "leakyRelu" ? "heNormal" : "glorotUniform";
}
