// npm run bench:train — training speed, seconds per epoch, every trainer in one run:
//   MLP 784-128-10 (ReLU, softmax + categorical cross-entropy), SGD lr 0.1
//   LeNet-5 (conv 6@5x5 same, max pool, conv 16@5x5, max pool, FC 120, 84, 10; ReLU), SGD lr 0.01
//   LSTM 64 over the 28 rows of a digit as steps (28 features each), its last step -> dense 10, SGD lr 0.1
// all on all 10,000 MNIST digits, batch 32, in:
//   wasmlite's trainer (WASM SIMD kernels, one workspace memory per thread), on 2 threads
//   (fit's `threads`: each batch split between them) and on 1
//   tfjs (tf.sequential + model.fit, Keras-style) with the cpu and wasm backends
//   PyTorch (Debian python3-torch with libopenblas0-pthread: with Debian's default reference
//   BLAS it is ~5x slower; OPENBLAS_NUM_THREADS=1, torch.set_num_threads(2), the target's
//   setting; and one thread, as wasmlite trains), if installed
// Each trainer runs 1 warm-up epoch, then the median of 3 timed epochs counts;
// where an epoch would take minutes (tfjs-cpu's LeNet) a stated number of
// batches is timed and scaled to the epoch, and the row says so.
// `--only mlp|lenet|lstm` runs one model.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { sequential, dense, flatten, conv2d, maxPool2d, lstm, type Sequential } from "@wasmlite/trainer";
import { mnistAll } from "../cli/data/mnist.ts";

const EPOCHS = 3;
const BATCH = 32;
const SAMPLES = 10_000;

type Row = [trainer: string, seconds: number | string];

interface Model {
  name: string;
  title: string;
  /** A digit as the model reads it: an image [28, 28, 1], or 28 rows of 28 features [28, 28]. */
  inputShape: number[];
  learningRate: number;
  wasmlite(): Sequential;
  tfjs(): tf.Sequential;
  /** The PyTorch model as a Python expression (torch.nn as nn), after `torchDefinitions` if any. */
  torch: string;
  torchDefinitions?: string;
  /** tfjs: time this many batches and scale to the epoch (0: whole epochs), per backend. */
  tfjsCpuBatches: number;
  tfjsWasmBatches?: number;
}

const MODELS: Model[] = [
  {
    name: "mlp",
    title: "MLP 784-128-10",
    inputShape: [28, 28, 1],
    learningRate: 0.1,
    wasmlite: () =>
      sequential([flatten(), dense({ units: 128, activation: "relu" }), dense({ units: 10, activation: "softmax" })], {
        inputShape: [28, 28, 1],
        seed: 1,
      }),
    tfjs: () =>
      tf.sequential({
        layers: [
          tf.layers.flatten({ inputShape: [28, 28, 1] }),
          tf.layers.dense({ units: 128, activation: "relu" }),
          tf.layers.dense({ units: 10, activation: "softmax" }),
        ],
      }),
    torch: "nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))",
    tfjsCpuBatches: 0,
  },
  {
    name: "lenet",
    title: "LeNet-5",
    inputShape: [28, 28, 1],
    learningRate: 0.01,
    wasmlite: () =>
      sequential(
        [
          conv2d({ filters: 6, kernelSize: 5, padding: "same", activation: "relu" }),
          maxPool2d(),
          conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
          maxPool2d(),
          flatten(),
          dense({ units: 120, activation: "relu" }),
          dense({ units: 84, activation: "relu" }),
          dense({ units: 10, activation: "softmax" }),
        ],
        { inputShape: [28, 28, 1], seed: 1 },
      ),
    tfjs: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: "same", activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 120, activation: "relu" }),
          tf.layers.dense({ units: 84, activation: "relu" }),
          tf.layers.dense({ units: 10, activation: "softmax" }),
        ],
      }),
    torch: `nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))`,
    tfjsCpuBatches: 20,
  },
  {
    name: "lstm",
    title: "LSTM 64 (28 rows as steps) -> dense 10",
    inputShape: [28, 28],
    learningRate: 0.1,
    wasmlite: () =>
      sequential([lstm({ units: 64 }), dense({ units: 10, activation: "softmax" })], { inputShape: [28, 28], seed: 1 }),
    tfjs: () =>
      tf.sequential({
        layers: [
          tf.layers.lstm({ units: 64, inputShape: [28, 28] }),
          tf.layers.dense({ units: 10, activation: "softmax" }),
        ],
      }),
    torchDefinitions: `
class RowLstm(nn.Module):
    def __init__(self):
        super().__init__(); self.lstm = nn.LSTM(28, 64, batch_first=True); self.fc = nn.Linear(64, 10)
    def forward(self, x):
        return self.fc(self.lstm(x.view(-1, 28, 28))[0][:, -1])
`,
    torch: "RowLstm()",
    tfjsCpuBatches: 20,
    tfjsWasmBatches: 50,
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function wasmlite(model: Model, threads: number): number {
  const data = { ...mnistAll(), inputShape: model.inputShape };
  const m = model.wasmlite();
  m.compile({ optimizer: { name: "sgd", learningRate: model.learningRate }, loss: "categoricalCrossentropy" });
  // Each epoch timed inside one fit() (the data set is checked once, up front).
  const times: number[] = [];
  let started = 0;
  m.fit(data, {
    epochs: EPOCHS + 1,
    batchSize: BATCH,
    threads,
    callbacks: [
      {
        onEpochBegin: () => (started = performance.now()),
        onEpochEnd: () => times.push((performance.now() - started) / 1000),
      },
    ],
  });
  return median(times.slice(1));
}

async function tfjs(model: Model, backend: "cpu" | "wasm"): Promise<number | string> {
  await tf.setBackend(backend);
  await tf.ready();
  const data = mnistAll();
  const batches = backend === "cpu" ? model.tfjsCpuBatches : (model.tfjsWasmBatches ?? 0);
  const n = batches ? batches * BATCH : data.n;
  const x = tf.tensor(data.x.subarray(0, n * 784), [n, ...model.inputShape]);
  const y = tf.tensor2d(data.y.subarray(0, n * 10), [n, 10]);
  const m = model.tfjs();
  m.compile({ optimizer: tf.train.sgd(model.learningRate), loss: "categoricalCrossentropy" });
  const epoch = () => m.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 });
  try {
    await epoch();
    const times: number[] = [];
    for (let e = 0; e < (batches ? 1 : EPOCHS); e++) {
      const t = performance.now();
      await epoch();
      times.push((performance.now() - t) / 1000);
    }
    const seconds = median(times) * (data.n / n);
    return batches ? `${seconds.toFixed(1)} (${batches} batches timed, scaled to the epoch)` : seconds;
  } catch (e) {
    return `cannot train it: ${(e as Error).message.split("\n")[0]}`;
  } finally {
    tf.dispose([x, y]);
    m.dispose();
  }
}

function pytorch(model: Model, threads: number): number | string {
  const script = `
import time, torch, json
from torch import nn
torch.set_num_threads(${threads})
torch.manual_seed(0)
x = torch.rand(${SAMPLES}, 1, 28, 28); y = torch.randint(0, 10, (${SAMPLES},))
${model.torchDefinitions ?? ""}
model = ${model.torch}
opt = torch.optim.SGD(model.parameters(), lr=${model.learningRate}); loss_fn = nn.CrossEntropyLoss()
def epoch():
    perm = torch.randperm(${SAMPLES})
    for s in range(0, ${SAMPLES}, ${BATCH}):
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
  const out = execFileSync("/usr/bin/python3", ["-c", script], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1" },
  }).toString();
  return Number(out.trim());
}

const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
console.log(`machine: ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), Node ${process.version}`);
for (const model of MODELS.filter((m) => !only || m.name === only)) {
  const rows: Row[] = [
    ["wasmlite trainer (WASM SIMD), 2 threads", wasmlite(model, 2)],
    ["wasmlite trainer, 1 thread", wasmlite(model, 1)],
    ["tfjs, wasm backend", await tfjs(model, "wasm")],
    ["tfjs, cpu backend", await tfjs(model, "cpu")],
    ["PyTorch (python3-torch), 2 threads", pytorch(model, 2)],
    ["PyTorch (python3-torch), 1 thread", pytorch(model, 1)],
  ];
  const ours = rows[0]![1] as number;
  console.log(
    `\n${model.title}, ${SAMPLES.toLocaleString("en")} MNIST digits, batch ${BATCH}, SGD lr ${model.learningRate}; median of ${EPOCHS} epochs after one warm-up\n`,
  );
  console.log("| trainer | s per epoch | × wasmlite |");
  console.log("|---|---:|---:|");
  for (const [name, t] of rows) {
    const seconds = typeof t === "number" ? t : Number.parseFloat(t);
    const ratio = Number.isFinite(seconds) ? (seconds / ours).toFixed(2) : "";
    console.log(`| ${name} | ${typeof t === "number" ? t.toFixed(3) : t} | ${ratio} |`);
  }
  const torch = rows[4]![1];
  // wasmlite's faster setting: two threads pay off when a batch's work dwarfs copying the
  // parameters (LeNet, the LSTM), not for the MLP.
  const [best, setting] = (rows[1]![1] as number) < ours ? [rows[1]![1] as number, "1 thread"] : [ours, "2 threads"];
  console.log(
    `\ntarget: wasmlite (its faster setting, ${setting}) at or below PyTorch's epoch time (2 threads): ${typeof torch === "number" ? `PyTorch / wasmlite = ${(torch / best).toFixed(2)} (${best <= torch ? "met" : "not met"})` : "PyTorch not measured"}`,
  );
}
// tfjs keeps the process alive: exit, once stdout (a pipe writes asynchronously) has taken everything.
await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
process.exit(0);
