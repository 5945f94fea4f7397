// The benchmark LSTM (bench/lstm.ts) in PyTorch, when Debian's python3-torch
// is installed: torch.nn.LSTM (gates i, f, g, o: TFLite's order) with the
// same weights, recurrent bias zero, + the FC over the flattened sequence,
// one intra-op thread as the other peers, timed like bench/timing.mjs
// (calls in batches of at least 25 ms, median of 15, after a warm-up).
import { execFileSync } from "node:child_process";
import { type LstmWeights, STEPS, FEATURES, CELLS } from "./lstm.ts";

const SCRIPT = `
import json, sys, time, torch
torch.set_num_threads(1)
data = json.load(sys.stdin)
steps, features, cells = data["steps"], data["features"], data["cells"]
lstm = torch.nn.LSTM(features, cells, batch_first=True)
fc = torch.nn.Linear(steps * cells, len(data["fcBias"]))
gates = ["input", "forget", "cell", "output"]
with torch.no_grad():
    lstm.weight_ih_l0.copy_(torch.tensor([v for g in gates for v in data["w"][g]]).reshape(4 * cells, features))
    lstm.weight_hh_l0.copy_(torch.tensor([v for g in gates for v in data["u"][g]]).reshape(4 * cells, cells))
    lstm.bias_ih_l0.copy_(torch.tensor([v for g in gates for v in data["b"][g]]))
    lstm.bias_hh_l0.zero_()
    fc.weight.copy_(torch.tensor(data["fc"]).reshape(len(data["fcBias"]), steps * cells))
    fc.bias.copy_(torch.tensor(data["fcBias"]))
x = torch.tensor(data["x"]).reshape(1, steps, features)
def run():
    return fc(lstm(x)[0].reshape(1, -1))
with torch.inference_mode():
    logits = run()[0].tolist()
    for _ in range(20): run()
    k = 1
    while True:
        t = time.perf_counter()
        for _ in range(k): run()
        if time.perf_counter() - t >= 0.025: break
        k *= 2
    per_call = []
    for _ in range(15):
        t = time.perf_counter()
        for _ in range(k): run()
        per_call.append((time.perf_counter() - t) * 1e6 / k)
per_call.sort()
print(json.dumps({"logits": logits, "medianUs": per_call[len(per_call) // 2], "fastestUs": per_call[0], "calls": 15 * k, "version": torch.__version__}))
`;

export interface PytorchRun {
  logits: Float32Array;
  medianUs: number;
  fastestUs: number;
  calls: number;
  version: string;
}

/** The LSTM's logits and batch-1 latency in PyTorch, or why it was not measured. */
export function pytorchLstm(w: LstmWeights, x: Float32Array): PytorchRun | string {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" });
  } catch {
    return "not installed (Debian python3-torch)";
  }
  const plain = (r: Record<string, Float32Array>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v)]));
  const input = JSON.stringify({
    steps: STEPS,
    features: FEATURES,
    cells: CELLS,
    w: plain(w.w),
    u: plain(w.u),
    b: plain(w.b),
    fc: Array.from(w.fc),
    fcBias: Array.from(w.fcBias),
    x: Array.from(x),
  });
  const out = JSON.parse(
    execFileSync("/usr/bin/python3", ["-c", SCRIPT], {
      input,
      env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" },
      maxBuffer: 1 << 24,
    }).toString(),
  );
  return { ...out, logits: Float32Array.from(out.logits) };
}
