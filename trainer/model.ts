// sequential([...layers]): compile, fit, evaluate, predict, summary.
// One training step on a mini-batch (drawn without replacement):
//   forward through every layer, loss and its gradient (fused with the output
//   activation for the cross-entropies), backward through every layer in
//   reverse, the L1/L2 penalty gradients on weights, a finite-gradient check,
//   then the optimiser's update.
import { Workspace, type Buf } from "./workspace.ts";
import { Rng } from "./rng.ts";
import type { Layer, Param } from "./layers/layer.ts";
import { elements } from "./layers/layer.ts";
import { lossAndGradient, fusedActivation, LOSSES, type LossName } from "./losses.ts";
import { Optimizer, type OptimizerOptions, type OptimizerName } from "./optimizers.ts";
import { learningRateAt, checkSchedule, type Schedule } from "./schedules.ts";
import { validateDataset, slice, take, type Dataset } from "./data/dataset.ts";
import type { Callback, EpochLogs, History } from "./callback.ts";
import { Interrupted } from "./interrupt.ts";
import { DataParallel, shareRows } from "./data-parallel.ts";

export type MetricName = "accuracy" | "mae";

export interface CompileOptions {
  optimizer: OptimizerName | OptimizerOptions;
  loss: LossName;
  metrics?: MetricName[];
  /** Penalties on weights (not biases): l2 * sum(w^2) + l1 * sum(|w|). */
  l2?: number;
  l1?: number;
  /**
   * Gradient clipping by global norm: when the gradient of all parameters
   * together is longer than this, it is scaled down to this length
   * (g <- g clipNorm / |g|), which keeps recurrent layers' exploding
   * gradients from wrecking a step.
   */
  clipNorm?: number;
}

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  /** The last fraction of the training set held out for validation (before shuffling). */
  validationSplit?: number;
  validationData?: Dataset;
  shuffle?: boolean;
  schedule?: Schedule;
  callbacks?: Callback<Sequential>[];
  /** The epoch to start from (resuming a checkpoint); default 0. */
  initialEpoch?: number;
  /**
   * Data augmentation: changes a training batch's feature rows in place
   * (`rows` rows of the model's input size) before each step; draw any
   * randomness from `rng` (the model's, so runs stay reproducible).
   */
  augment?: (x: Float32Array, rows: number, rng: Rng) => void;
  /**
   * Threads computing each batch's gradients (data-parallel.ts): the batch
   * is split into this many shares, one per thread, and their gradients
   * averaged before the step. Default 1. Results are reproducible for a given
   * number of threads, and differ slightly between numbers (the order of
   * float sums, dropout's draws; batch normalisation sees each share's
   * statistics). Starting the threads takes a fraction of a second per fit().
   */
  threads?: number;
}

export type { History };

/** Training produced a non-finite loss or gradient. */
export class DivergedError extends Error {}

export class Sequential {
  readonly layers: Layer[];
  readonly inputShape: number[];
  readonly rng: Rng;
  readonly ws: Workspace;
  #compiled?: {
    loss: LossName;
    metrics: MetricName[];
    optimizer: Optimizer;
    l1: number;
    l2: number;
    clipNorm?: number;
    fused: boolean;
  };
  #capacity = 0; // batch size the activation buffers hold
  #mark = 0;
  #input!: Buf;
  #target!: Buf;
  #grad!: Buf;
  #pinned = false; // fit() holds the training set after the activation buffers
  // Layers before the first one with parameters (flatten, normalisation,
  // dropout on the input) need no gradient, nor does that layer's input.
  readonly #firstTrainable: number;
  stopTraining = false;

  constructor(layers: Layer[], options: { inputShape: number[]; seed?: number }) {
    if (layers.length === 0) throw new Error("sequential() needs at least one layer");
    if (!options.inputShape.length || options.inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`inputShape must be positive whole numbers, got [${options.inputShape}]`);
    }
    this.layers = layers;
    this.inputShape = [...options.inputShape];
    this.rng = new Rng(options.seed ?? 0);
    this.ws = new Workspace();
    const counts = new Map<string, number>();
    let shape = this.inputShape;
    layers.forEach((layer, i) => {
      if (layer.takesTokenIds && i > 0)
        throw new Error(`${layer.kind} reads token ids, so it must be the first layer (it is layer ${i + 1})`);
    });
    for (const layer of layers) {
      const k = (counts.get(layer.kind) ?? 0) + 1;
      counts.set(layer.kind, k);
      layer.name = `${layer.kind}_${k}`;
      layer.build(shape, this.ws, this.rng);
      shape = layer.outputShape;
    }
    this.#mark = this.ws.mark();
    this.#firstTrainable = layers.findIndex((l) => l.params().length > 0);
  }

  get outputShape(): number[] {
    return this.layers[this.layers.length - 1]!.outputShape;
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  compile(options: CompileOptions): void {
    if (!LOSSES.includes(options.loss)) throw new Error(`unknown loss '${options.loss}' (known: ${LOSSES.join(", ")})`);
    const last = this.layers[this.layers.length - 1]!;
    const lastActivation = last.outputActivation;
    const needed = fusedActivation(options.loss);
    if (needed && (lastActivation !== needed || !last.logits || !last.backwardFromLogits)) {
      throw new Error(
        `loss '${options.loss}' needs a ${needed} output layer (its gradient is fused with it); the last layer is ${last.name}${lastActivation ? ` with ${lastActivation}` : ""}`,
      );
    }
    if (needed === "softmax" && last.outputShape.length !== 1)
      throw new Error(
        `${last.name}'s output is [${last.outputShape.join(", ")}]: the loss takes one distribution per sample; add flatten() and a dense ${needed} layer`,
      );
    if (!needed && lastActivation === "softmax")
      throw new Error(`a softmax output needs loss 'categoricalCrossentropy', not '${options.loss}'`);
    for (const [k, v] of [
      ["l1", options.l1],
      ["l2", options.l2],
    ] as const) {
      if (v !== undefined && !(v >= 0)) throw new Error(`${k} must be >= 0, got ${v}`);
    }
    if (options.clipNorm !== undefined && !(options.clipNorm > 0))
      throw new Error(`clipNorm must be > 0, got ${options.clipNorm}`);
    const optimizer = new Optimizer(
      typeof options.optimizer === "string" ? { name: options.optimizer } : options.optimizer,
    );
    // Optimiser state sits with the parameters, before any activation buffers.
    this.ws.release(this.#mark);
    optimizer.attach(this.params(), this.ws);
    this.#mark = this.ws.mark();
    this.#capacity = 0;
    this.#compiled = {
      loss: options.loss,
      metrics: options.metrics ?? [],
      optimizer,
      l1: options.l1 ?? 0,
      clipNorm: options.clipNorm,
      l2: options.l2 ?? 0,
      fused: needed !== undefined,
    };
  }

  get optimizer(): Optimizer {
    return this.#needCompiled().optimizer;
  }

  #needCompiled() {
    if (!this.#compiled) throw new Error("call compile() before fit() or evaluate()");
    return this.#compiled;
  }

  /** Activation buffers for batches of up to `batch` rows (reallocated only to grow). */
  #ensureCapacity(batch: number): void {
    if (batch <= this.#capacity) return;
    if (this.#pinned)
      throw new Error(
        `internal: activation buffers for ${batch} rows requested while the training set is resident (capacity ${this.#capacity})`,
      );
    this.ws.release(this.#mark);
    this.#input = this.ws.alloc(batch * elements(this.inputShape));
    this.#target = this.ws.alloc(batch * elements(this.outputShape));
    this.#grad = this.ws.alloc(batch * elements(this.outputShape));
    for (const layer of this.layers) layer.allocate(this.ws, batch);
    this.#capacity = batch;
  }

  /**
   * The batch size inference may use: during fit() (a callback evaluating or
   * predicting) the activation buffers cannot grow, so no more than they hold.
   */
  #inferenceBatch(requested: number): number {
    if (!Number.isInteger(requested) || requested < 1)
      throw new Error(`batchSize must be a positive whole number, got ${requested}`);
    return this.#pinned ? Math.min(requested, this.#capacity) : requested;
  }

  #checkData(d: Dataset, what: string): void {
    validateDataset(d, what);
    if (d.inputShape.join("x") !== this.inputShape.join("x"))
      throw new Error(`${what}: samples have shape [${d.inputShape}], the model takes [${this.inputShape}]`);
    if (d.targetSize !== elements(this.outputShape))
      throw new Error(`${what}: ${d.targetSize} targets per sample, the model outputs ${elements(this.outputShape)}`);
  }

  /** Copies rows `order[start..start+batch)` of d into the input and target buffers. */
  #load(d: Dataset, order: ArrayLike<number> | null, start: number, batch: number): void {
    const width = elements(this.inputShape);
    const outs = d.targetSize;
    const x = this.ws.f32(this.#input),
      y = this.ws.f32(this.#target);
    for (let i = 0; i < batch; i++) {
      const s = order ? order[start + i]! : start + i;
      x.set(d.x.subarray(s * width, (s + 1) * width), i * width);
      y.set(d.y.subarray(s * outs, (s + 1) * outs), i * outs);
    }
  }

  #forward(batch: number, training: boolean): Buf {
    let h = this.#input;
    for (const layer of this.layers) h = layer.forward(h, batch, training);
    return h;
  }

  /** Loss of the loaded batch and, in `grad`, its gradient with respect to the output (or logits, fused). */
  #loss(out: Buf, batch: number): number {
    const c = this.#needCompiled();
    const width = elements(this.outputShape);
    const n = batch * width;
    const last = this.layers[this.layers.length - 1]!;
    // Fused losses read the logits: a dense layer's pre-activation, or an activation layer's input.
    const logits = c.fused ? last.logits!() : out;
    return lossAndGradient(
      c.loss,
      this.ws.f32(logits).subarray(0, n),
      this.ws.f32(this.#target).subarray(0, n),
      batch,
      width,
      this.ws.f32(this.#grad).subarray(0, n),
    );
  }

  #backward(batch: number): void {
    const c = this.#needCompiled();
    const first = this.#firstTrainable;
    let g = this.#grad;
    let i = this.layers.length - 1;
    const last = this.layers[i]!;
    g = c.fused ? last.backwardFromLogits!(g, batch, i > first) : last.backward(g, batch, i > first);
    for (i--; i >= Math.max(first, 0); i--) g = this.layers[i]!.backward(g, batch, i > first);
  }

  /**
   * The L1/L2 penalty l2 sum(w^2) + l1 sum(|w|) over the weights (not the
   * biases); with addGradient, its gradient 2 l2 w + l1 sign(w) is added to
   * the weights' gradients.
   */
  #penalty(addGradient = false): number {
    const c = this.#needCompiled();
    if (c.l1 === 0 && c.l2 === 0) return 0;
    let penalty = 0;
    for (const p of this.params()) {
      if (!p.regularized) continue;
      const w = this.ws.f32(p.value),
        g = this.ws.f32(p.grad);
      for (let i = 0; i < w.length; i++) {
        const v = w[i]!;
        penalty += c.l2 * v * v + c.l1 * Math.abs(v);
        if (addGradient) g[i] = g[i]! + 2 * c.l2 * v + c.l1 * Math.sign(v);
      }
    }
    return penalty;
  }

  #gradientsFinite(): boolean {
    // A NaN or infinity anywhere makes the sum non-finite (as does overflow: divergence too).
    return this.params().every((p) => Number.isFinite(this.ws.kernels.sum(p.grad, p.grad.length)));
  }

  /** One step on rows order[start..start+batch) of d; returns the batch's loss (with penalty). */
  trainBatch(
    d: Dataset,
    order: ArrayLike<number> | null,
    start: number,
    batch: number,
    learningRate: number,
    where: string,
  ): number {
    this.#ensureCapacity(batch);
    this.#load(d, order, start, batch);
    return this.#step(batch, learningRate, where);
  }

  /**
   * Gradients for rows handed over by a data-parallel fit() (the model's
   * replica in a training thread): forward and backward on these n rows,
   * leaving each parameter's gradient in its buffer; returns their mean loss.
   */
  shareGradients(x: Float32Array, y: Float32Array, n: number): number {
    this.#ensureCapacity(n);
    this.ws.f32(this.#input).set(x);
    this.ws.f32(this.#target).set(y);
    return this.#gradients(n);
  }

  /** Forward, loss and backward on the first n loaded rows; returns their mean loss. */
  #gradients(n: number): number {
    const out = this.#forward(n, true);
    const loss = this.#loss(out, n);
    this.#backward(n);
    return loss;
  }

  /** One step on the batch already in the input and target buffers. */
  #step(
    batch: number,
    learningRate: number,
    where: string,
    augment?: FitOptions["augment"],
    parallel?: DataParallel,
  ): number {
    const c = this.#needCompiled();
    if (augment) augment(this.ws.f32(this.#input).subarray(0, batch * elements(this.inputShape)), batch, this.rng);
    c.optimizer.lookAhead();
    let loss: number;
    try {
      if (parallel && batch > 1) {
        const [input, target] = [this.ws.f32(this.#input), this.ws.f32(this.#target)];
        const own = parallel.begin(input, target, batch, this.rng);
        loss = parallel.finish(own, batch, this.#gradients(own));
      } else loss = this.#gradients(batch);
    } finally {
      c.optimizer.restore();
    }
    loss += this.#penalty(true);
    if (!Number.isFinite(loss) || !this.#gradientsFinite()) {
      throw new DivergedError(
        `training diverged at ${where}: the ${Number.isFinite(loss) ? "gradient" : "loss"} is not finite (${loss}); try a lower learning rate (now ${learningRate})`,
      );
    }
    if (c.clipNorm !== undefined) this.#clipGradients(c.clipNorm);
    c.optimizer.step(learningRate);
    return loss;
  }

  /** Scales every gradient by clipNorm / |g| when the global norm |g| exceeds clipNorm. */
  #clipGradients(clipNorm: number): void {
    const params = this.params();
    const norm = Math.sqrt(params.reduce((s, p) => s + this.ws.kernels.sumSquares(p.grad, p.grad.length), 0));
    if (!(norm > clipNorm)) return;
    const scale = clipNorm / norm;
    for (const p of params) this.ws.kernels.axpyUpdate(scale - 1, p.grad, p.grad, p.grad.length); // g += (scale - 1) g
  }

  /** Trains (synchronously: nothing else runs until it returns). */
  fit(train: Dataset, options: FitOptions): History {
    const run = this.#training(train, options);
    for (;;) {
      const step = run.next();
      if (step.done) return step.value;
    }
  }

  /**
   * Trains like fit(), but lets the event loop run every ~50 ms between
   * batches, so signal handlers and timers run during training. When
   * `signal` is aborted, stops after the current batch: the epoch in progress
   * is dropped (its onEpochEnd never runs), the weights are those after that
   * batch, and it rejects with Interrupted.
   */
  async fitAsync(train: Dataset, options: FitOptions & { signal?: AbortSignal }): Promise<History> {
    const run = this.#training(train, options);
    let yielded = performance.now();
    for (;;) {
      const step = run.next();
      if (step.done) return step.value;
      if (performance.now() - yielded > 50) {
        await new Promise((resolve) => setImmediate(resolve));
        yielded = performance.now();
      }
      if (options.signal?.aborted) {
        run.return(undefined as never); // runs the loop's finally: the workspace is released
        throw new Interrupted(step.value.epoch, step.value.batch, step.value.batches);
      }
    }
  }

  /** The training loop; yields after every batch (1-based epoch and batch). */
  *#training(
    train: Dataset,
    options: FitOptions,
  ): Generator<{ epoch: number; batch: number; batches: number }, History> {
    const c = this.#needCompiled();
    if (!Number.isInteger(options.epochs) || options.epochs < 1)
      throw new Error(`epochs must be a positive whole number, got ${options.epochs}`);
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`batchSize must be a positive whole number, got ${batchSize}`);
    this.#checkData(train, "training data");
    let validation = options.validationData;
    if (options.validationSplit !== undefined) {
      if (validation) throw new Error("give validationSplit or validationData, not both");
      if (!(options.validationSplit > 0 && options.validationSplit < 1))
        throw new Error(`validationSplit must be in (0, 1), got ${options.validationSplit}`);
      // floor(n x split) < n for a split below 1: some training data always remains.
      const held = Math.floor(train.n * options.validationSplit);
      if (held < 1)
        throw new Error(`validationSplit ${options.validationSplit} of ${train.n} samples holds out no sample`);
      validation = slice(train, train.n - held, train.n);
      train = slice(train, 0, train.n - held);
    }
    if (validation) this.#checkData(validation, "validation data");
    const schedule = options.schedule ?? { kind: "constant" };
    checkSchedule(schedule);
    const callbacks = options.callbacks ?? [];
    const history: History = { epochs: [] };
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1)
      throw new Error(`threads must be a positive whole number, got ${threads}`);
    const batches = Math.ceil(train.n / batchSize);
    this.stopTraining = false;
    // The training set moves into the workspace once; each step gathers its
    // batch there (no copies from JS per step). Released when fit() returns.
    // Capacity first (validation and metrics use the same batch size): the
    // training set sits after the activation buffers, which must not move.
    this.#ensureCapacity(batchSize);
    const resident = this.ws.mark();
    this.#pinned = true;
    const width = elements(this.inputShape);
    const xs = this.ws.alloc(train.n * width),
      ys = this.ws.alloc(train.n * train.targetSize),
      order = this.ws.alloc(train.n);
    this.ws.f32(xs).set(train.x);
    this.ws.f32(ys).set(train.y);
    let parallel: DataParallel | undefined;
    try {
      if (threads > 1)
        parallel = new DataParallel(threads, this, c.loss, shareRows(batchSize, threads)[1]!, train.targetSize);
      for (const cb of callbacks) cb.onTrainBegin?.(this, { epochs: options.epochs, batches });
      for (let epoch = options.initialEpoch ?? 0; epoch < options.epochs && !this.stopTraining; epoch++) {
        const lr = learningRateAt(schedule, c.optimizer.options.learningRate, epoch);
        const rows = this.ws.u32(order);
        if (options.shuffle === false) for (let i = 0; i < train.n; i++) rows[i] = i;
        else rows.set(this.rng.permutation(train.n));
        for (const cb of callbacks) cb.onEpochBegin?.(epoch);
        let lossSum = 0;
        for (let b = 0; b < batches; b++) {
          const start = b * batchSize;
          const n = Math.min(batchSize, train.n - start);
          this.ws.kernels.gatherRows(xs, order, start, n, width, this.#input);
          this.ws.kernels.gatherRows(ys, order, start, n, train.targetSize, this.#target);
          lossSum += this.#step(n, lr, `epoch ${epoch + 1}, batch ${b + 1}`, options.augment, parallel) * n;
          for (const cb of callbacks) cb.onBatchEnd?.(b, lossSum / Math.min(train.n, start + n));
          yield { epoch: epoch + 1, batch: b + 1, batches };
        }
        const logs: EpochLogs = { epoch: epoch + 1, learningRate: lr, loss: lossSum / train.n };
        if (c.metrics.length) Object.assign(logs, this.#metrics(train, batchSize, ""));
        if (validation) Object.assign(logs, this.evaluate(validation, { batchSize, prefix: "val_" }));
        history.epochs.push(logs);
        for (const cb of callbacks) cb.onEpochEnd?.(this, logs);
      }
    } finally {
      parallel?.close();
      this.ws.release(resident);
      this.#pinned = false;
    }
    for (const cb of callbacks) cb.onTrainEnd?.(this, history);
    return history;
  }

  /** Loss (with penalty) and metrics over a data set, in inference mode. */
  evaluate(d: Dataset, options: { batchSize?: number; prefix?: string } = {}): Record<string, number> {
    this.#needCompiled();
    this.#checkData(d, "evaluation data");
    const batchSize = this.#inferenceBatch(options.batchSize ?? 256);
    const prefix = options.prefix ?? "";
    let lossSum = 0;
    for (let start = 0; start < d.n; start += batchSize) {
      const n = Math.min(batchSize, d.n - start);
      this.#ensureCapacity(n);
      this.#load(d, null, start, n);
      lossSum += this.#loss(this.#forward(n, false), n) * n;
    }
    const out: Record<string, number> = { [`${prefix}loss`]: lossSum / d.n + this.#penalty() };
    return Object.assign(out, this.#metrics(d, batchSize, prefix));
  }

  #metrics(d: Dataset, batchSize: number, prefix: string): Record<string, number> {
    const metrics = this.#needCompiled().metrics;
    if (!metrics.length) return {};
    const p = this.predict(d.x, { batchSize });
    const width = d.targetSize;
    const out: Record<string, number> = {};
    for (const m of metrics) {
      if (m === "accuracy") out[`${prefix}accuracy`] = accuracy(p, d.y, width);
      if (m === "mae") {
        let s = 0;
        for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - d.y[i]!);
        out[`${prefix}mae`] = s / p.length;
      }
    }
    return out;
  }

  /** Outputs for rows of features (inference: dropout off). */
  predict(x: Float32Array, options: { batchSize?: number } = {}): Float32Array {
    const width = elements(this.inputShape);
    if (x.length % width !== 0 || x.length === 0)
      throw new Error(`predict: ${x.length} values is not a whole number of samples of ${width} features`);
    const n = x.length / width;
    const outWidth = elements(this.outputShape);
    const batchSize = this.#inferenceBatch(options.batchSize ?? 256);
    const result = new Float32Array(n * outWidth);
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      this.#ensureCapacity(b);
      this.ws.f32(this.#input).set(x.subarray(start * width, (start + b) * width));
      const out = this.#forward(b, false);
      result.set(this.ws.f32(out).subarray(0, b * outWidth), start * outWidth);
    }
    return result;
  }

  /**
   * Inference over rows of features, reporting every layer's output and the
   * values it names in calibrationValues(), batch by batch: what calibration needs.
   */
  trace(
    x: Float32Array,
    visit: (layer: number, output: Float32Array, values: Record<string, Float32Array>) => void,
    requestedBatch = 256,
  ): void {
    const batchSize = this.#inferenceBatch(requestedBatch);
    const width = elements(this.inputShape);
    const n = x.length / width;
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      this.#ensureCapacity(b);
      this.ws.f32(this.#input).set(x.subarray(start * width, (start + b) * width));
      let h = this.#input;
      this.layers.forEach((layer, i) => {
        h = layer.forward(h, b, false);
        const outWidth = elements(layer.outputShape);
        const values: Record<string, Float32Array> = {};
        for (const [name, buf] of Object.entries(layer.calibrationValues?.(b) ?? {})) values[name] = this.ws.f32(buf);
        visit(i, this.ws.f32(h).subarray(0, b * outWidth), values);
      });
    }
  }

  /**
   * Everything the model's outputs depend on: each parameter's values, then
   * each layer's state (batch normalisation's running statistics), by name.
   */
  weightBuffers(): { name: string; value: Buf }[] {
    return [...this.params(), ...this.layers.flatMap((l) => l.state?.() ?? [])];
  }

  /** The weightBuffers' values, copied (for checkpoints and early stopping). */
  getWeights(): Float32Array[] {
    return this.weightBuffers().map((p) => Float32Array.from(this.ws.f32(p.value)));
  }

  setWeights(weights: readonly Float32Array[]): void {
    const buffers = this.weightBuffers();
    if (weights.length !== buffers.length)
      throw new Error(`setWeights: ${weights.length} arrays for ${buffers.length} parameters and state buffers`);
    buffers.forEach((p, i) => {
      if (weights[i]!.length !== p.value.length)
        throw new Error(`setWeights: ${p.name} has ${p.value.length} values, got ${weights[i]!.length}`);
      this.ws.f32(p.value).set(weights[i]!);
    });
  }

  summary(): string {
    const rows = this.layers.map((l) => {
      const params = l.params().reduce((s, p) => s + p.value.length, 0);
      const detail = l.describe();
      return [detail ? `${l.name} ${detail}` : l.name, `[${l.outputShape.join(", ")}]`, String(params)];
    });
    const total = rows.reduce((s, r) => s + Number(r[2]), 0);
    const w = [Math.max(20, ...rows.map((r) => r[0]!.length)), Math.max(12, ...rows.map((r) => r[1]!.length)), 10];
    const line = (r: string[]) => `${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padStart(w[2]!)}`;
    return [
      line(["layer", "output shape", "params"]),
      ...rows.map(line),
      `input shape [${this.inputShape.join(", ")}], ${total} parameters`,
    ].join("\n");
  }
}

/** Fraction of rows whose largest output is the target's class (one output: p >= 0.5 vs y). */
export function accuracy(p: Float32Array, y: Float32Array, width: number): number {
  return correctCount(p, y, width) / (p.length / width);
}

/** How many rows' largest output is the target's class (one output: p >= 0.5 vs y). */
export function correctCount(p: Float32Array, y: Float32Array, width: number): number {
  let correct = 0;
  const n = p.length / width;
  for (let r = 0; r < n; r++) {
    if (width === 1) {
      if ((p[r]! >= 0.5 ? 1 : 0) === (y[r]! >= 0.5 ? 1 : 0)) correct++;
      continue;
    }
    let best = 0,
      target = 0;
    for (let j = 1; j < width; j++) {
      if (p[r * width + j]! > p[r * width + best]!) best = j;
      if (y[r * width + j]! > y[r * width + target]!) target = j;
    }
    if (best === target) correct++;
  }
  return correct;
}

export function sequential(layers: Layer[], options: { inputShape: number[]; seed?: number }): Sequential {
  return new Sequential(layers, options);
}

export { take };
