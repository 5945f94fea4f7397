// Optimisers (SGD, momentum, Nesterov, RMSProp, Adam), per parameter theta with the
// batch-mean gradient g (plus the L1/L2 penalty gradient):
//   sgd       theta -= lr g
//   momentum  v = gamma v + lr g;  theta -= v                       (Polyak 1964)
//   nesterov  v = gamma v + lr grad(theta - gamma v);  theta -= v   (Sutskever et al. 2013):
//             the gradient is taken at the look-ahead point; see lookAhead()/restore()
//   rmsprop   s = rho s + (1 - rho) g^2;  theta -= lr g / (sqrt(s) + eps)   (Hinton 2012)
//   adam      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
//             theta -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)  (Kingma & Ba 2014)
// State buffers live in the workspace next to the parameters; the updates
// run as float32 WASM SIMD kernels (kernels/updates.ts).
import type { Workspace, Buf } from "./workspace.ts";
import type { Param } from "./layers/layer.ts";

export type OptimizerName = "sgd" | "momentum" | "nesterov" | "rmsprop" | "adam";
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "momentum", "nesterov", "rmsprop", "adam"];

export interface OptimizerOptions {
  name: OptimizerName;
  learningRate?: number;
  /** momentum, nesterov (default 0.9) */
  momentum?: number;
  /** rmsprop (default 0.9) */
  rho?: number;
  /** adam (defaults 0.9, 0.999) */
  beta1?: number;
  beta2?: number;
  /** rmsprop, adam (default 1e-7) */
  epsilon?: number;
}

export const DEFAULT_LEARNING_RATE: Record<OptimizerName, number> = {
  sgd: 0.01,
  momentum: 0.01,
  nesterov: 0.01,
  rmsprop: 0.001,
  adam: 0.001,
};

export class Optimizer {
  readonly options: Required<OptimizerOptions>;
  #ws!: Workspace;
  #params: Param[] = [];
  #state1: Buf[] = [];
  #state2: Buf[] = [];
  #saved: Buf[] = [];
  /** Steps taken (Adam's t). */
  steps = 0;

  constructor(options: OptimizerOptions) {
    if (!OPTIMIZERS.includes(options.name))
      throw new Error(`unknown optimizer '${options.name}' (known: ${OPTIMIZERS.join(", ")})`);
    this.options = {
      name: options.name,
      learningRate: options.learningRate ?? DEFAULT_LEARNING_RATE[options.name],
      momentum: options.momentum ?? 0.9,
      rho: options.rho ?? 0.9,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      epsilon: options.epsilon ?? 1e-7,
    };
    const o = this.options;
    if (!(o.learningRate > 0)) throw new Error(`learning rate must be positive, got ${o.learningRate}`);
    for (const [k, v] of [
      ["momentum", o.momentum],
      ["rho", o.rho],
      ["beta1", o.beta1],
      ["beta2", o.beta2],
    ] as const) {
      if (!(v >= 0 && v < 1)) throw new Error(`${k} must be in [0, 1), got ${v}`);
    }
  }

  attach(params: Param[], ws: Workspace): void {
    this.#ws = ws;
    this.#params = params;
    const n = this.options.name;
    const needs1 = n !== "sgd";
    const needs2 = n === "adam";
    this.#state1 = needs1 ? params.map((p) => ws.alloc(p.value.length)) : [];
    this.#state2 = needs2 ? params.map((p) => ws.alloc(p.value.length)) : [];
    this.#saved = n === "nesterov" ? params.map((p) => ws.alloc(p.value.length)) : [];
  }

  /** Nesterov: move to theta - gamma v before the gradient is computed (saving theta). */
  lookAhead(): void {
    if (this.options.name !== "nesterov") return;
    const ws = this.#ws,
      gamma = this.options.momentum;
    this.#params.forEach((p, k) => {
      ws.f32(this.#saved[k]!).set(ws.f32(p.value));
      ws.kernels.axpyUpdate(-gamma, this.#state1[k]!, p.value, p.value.length);
    });
  }

  /** Nesterov: back to the saved theta, before step(). */
  restore(): void {
    if (this.options.name !== "nesterov") return;
    this.#params.forEach((p, k) => this.#ws.f32(p.value).set(this.#ws.f32(this.#saved[k]!)));
  }

  step(learningRate: number): void {
    const ws = this.#ws,
      o = this.options;
    this.steps++;
    const c1 = 1 - o.beta1 ** this.steps,
      c2 = 1 - o.beta2 ** this.steps;
    this.#params.forEach((p, k) => {
      switch (o.name) {
        case "sgd":
          ws.kernels.axpyUpdate(-learningRate, p.grad, p.value, p.value.length);
          break;
        case "momentum":
        case "nesterov":
          ws.kernels.momentumUpdate(p.value, this.#state1[k]!, p.grad, p.value.length, learningRate, o.momentum);
          break;
        case "rmsprop":
          ws.kernels.rmspropUpdate(p.value, this.#state1[k]!, p.grad, p.value.length, learningRate, o.rho, o.epsilon);
          break;
        case "adam":
          ws.kernels.adamUpdate(
            p.value,
            this.#state1[k]!,
            this.#state2[k]!,
            p.grad,
            p.value.length,
            learningRate,
            o.beta1,
            o.beta2,
            c1,
            c2,
            o.epsilon,
          );
          break;
      }
    });
  }

  /** Optimiser state for checkpoints: the step count and every state buffer. */
  stateBuffers(): Buf[] {
    return [...this.#state1, ...this.#state2];
  }
}
