// npm run bench:rnn — batch-1 latency of recurrent models in wasmlite and its
// peers, in one run on one machine, with ratios.
//   LSTM 28 steps x 28 inputs, 64 cells, + FC 10 (bench/lstm.ts), float32:
//     wasmlite (SIMD and MVP builds), onnxruntime-web (wasm, 1 thread; an
//     ONNX LSTM node), tfjs-backend-wasm (the step loop), and real TFLite
//     (tfjs-tflite in headless Chromium, wasmlite in the same page).
//   The same LSTM in int8 (TFLite's integer 8x8_16 scheme): wasmlite vs
//     onnxruntime-web's own int8 LSTM (com.microsoft DynamicQuantizeLSTM) and
//     real TFLite. tfjs has no int8 LSTM.
//   PyTorch (Debian python3-torch, if installed): the float32 LSTM, 1 thread.
//   TFLM's mnist_lstm (20 cells), float32 and int8: wasmlite vs real TFLite.
// The Node runtimes are timed together in alternating rounds (timeInRounds),
// so the VM's drift does not pick the ratios.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpus } from "node:os";
import * as ort from "onnxruntime-web";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import { createNodeRuntime } from "@wasmlite/runtime/node";
import { lstmWeights, lstmTflite, lstmOnnx, lstmOnnxInt8, lstmTfjs, sampleSequence, STEPS, FEATURES } from "./lstm.ts";
import { timeInRounds, type Timing } from "./timing.mjs";
import { maxDiff } from "./agreement.ts";
import { runBrowserBench } from "./browser.ts";
import { pytorchLstm } from "./pytorch-lstm.ts";

const MNIST_LSTM = join(import.meta.dirname, "..", "tests", "fixtures", "tflm", "mnist_lstm", "trained_lstm.tflite");
const MNIST_LSTM_INT8 = join(
  import.meta.dirname,
  "..",
  "tests",
  "fixtures",
  "tflm",
  "mnist_lstm",
  "trained_lstm_int8.tflite",
);
const H64 = "LSTM 28x28, 64 cells, + FC 10";
const H64_INT8 = `${H64} (int8)`;

interface Row {
  model: string;
  host: string;
  runtime: string;
  timing: Timing;
}
/** A Node runtime to time; all of them are timed together, in alternating rounds. */
interface Candidate {
  model: string;
  runtime: string;
  call: () => unknown;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const candidates: Candidate[] = [];
  const w = lstmWeights();
  const x = sampleSequence();
  const tflite = lstmTflite(w);

  let reference: Float32Array | undefined;
  for (const simd of [true, false]) {
    const model = (await createNodeRuntime({ simd })).load(tflite);
    const out = model.predict(x)[0]!;
    reference ??= out;
    candidates.push({ model: H64, runtime: `wasmlite ${simd ? "SIMD" : "MVP"}`, call: () => model.invoke() });
  }

  // The int8 model, its logits quantised over 1.5x the float model's largest.
  const tfliteInt8 = lstmTflite(w, "int8", 1.5 * Math.max(...reference!.map(Math.abs)));
  let referenceInt8: Float32Array | undefined;
  for (const simd of [true, false]) {
    const model = (await createNodeRuntime({ simd })).load(tfliteInt8);
    referenceInt8 ??= model.predict(x)[0]!;
    candidates.push({ model: H64_INT8, runtime: `wasmlite ${simd ? "SIMD" : "MVP"}`, call: () => model.invoke() });
  }
  console.log(
    `${H64_INT8}: max |wasmlite int8 - wasmlite float32| = ${maxDiff(reference!, referenceInt8!).toExponential(2)} (quantisation)`,
  );

  // Every peer must compute the same function before its time counts.
  ort.env.wasm.numThreads = 1;
  const feeds = { image_rows: new ort.Tensor("float32", x, [STEPS, 1, FEATURES]) };
  for (const [model, bytes, ours] of [
    [H64, lstmOnnx(w), reference!],
    [H64_INT8, lstmOnnxInt8(w), referenceInt8!],
  ] as const) {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
    const ortOut = (await session.run(feeds)).logits!.data as Float32Array;
    console.log(`${model}: max |wasmlite - onnxruntime-web| = ${maxDiff(ours, ortOut).toExponential(2)}`);
    const runtime =
      model === H64 ? "onnxruntime-web (wasm, 1 thread)" : "onnxruntime-web DynamicQuantizeLSTM (wasm, 1 thread)";
    candidates.push({ model, runtime, call: () => session.run(feeds) });
  }

  await tf.setBackend("wasm");
  await tf.ready();
  const predict = lstmTfjs(w);
  const rows2d = tf.tensor2d(x, [STEPS, FEATURES]);
  console.log(`${H64}: max |wasmlite - tfjs-backend-wasm| = ${maxDiff(reference!, predict(rows2d)).toExponential(2)}`);
  candidates.push({ model: H64, runtime: "tfjs-backend-wasm", call: () => predict(rows2d) });

  const timings = await timeInRounds(candidates.map((c) => c.call));
  candidates.forEach((c, i) => rows.push({ model: c.model, host: "Node", runtime: c.runtime, timing: timings[i]! }));

  const torch = pytorchLstm(w, x);
  let torchNote = "";
  if (typeof torch === "string") torchNote = `PyTorch: ${torch}, no row.`;
  else {
    console.log(
      `${H64}: max |wasmlite - PyTorch ${torch.version}| = ${maxDiff(reference!, torch.logits).toExponential(2)}`,
    );
    rows.push({
      model: H64,
      host: "native",
      runtime: `PyTorch ${torch.version} (python3-torch, 1 thread)`,
      timing: { medianUs: torch.medianUs, fastestUs: torch.fastestUs, calls: torch.calls },
    });
  }

  const browser = await runBrowserBench({
    [H64]: { bytes: tflite, input: Array.from(x) },
    [H64_INT8]: { bytes: tfliteInt8, input: Array.from(x, (v) => Math.round(v * 255) - 128) },
    "mnist_lstm (TFLM)": {
      bytes: new Uint8Array(readFileSync(MNIST_LSTM)),
      input: Array.from({ length: 784 }, (_, i) => (i % 29) / 28),
    },
    "mnist_lstm int8 (TFLM)": {
      bytes: new Uint8Array(readFileSync(MNIST_LSTM_INT8)),
      input: Array.from({ length: 784 }, (_, i) => Math.round(((i % 29) / 28) * 255) - 128),
    },
  });
  for (const r of browser) rows.push({ ...r, host: "Chromium" });

  console.log(`\nmachine: ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), Node ${process.version}\n`);
  console.log("| model | host | runtime | µs per call (median) | × wasmlite |");
  console.log("|---|---|---|---:|---:|");
  for (const r of rows) {
    const ref = rows.find(
      (o) => o.model === r.model && o.host === (r.host === "native" ? "Node" : r.host) && o.runtime === "wasmlite SIMD",
    );
    const ratio = ref ? (r.timing.medianUs / ref.timing.medianUs).toFixed(2) : "";
    console.log(`| ${r.model} | ${r.host} | ${r.runtime} | ${r.timing.medianUs.toFixed(2)} | ${ratio} |`);
  }

  // Target: >= 2x faster than the fastest peer, per model, comparing like with
  // like (Node rows with wasmlite in Node, engine calls with engine calls).
  console.log("");
  const targets = [
    [H64, "Node"],
    [H64_INT8, "Node"],
    [`${H64}, engine call`, "Chromium"],
    [`${H64_INT8}, engine call`, "Chromium"],
  ] as [string, string][];
  for (const m of ["mnist_lstm (TFLM)", "mnist_lstm int8 (TFLM)"])
    targets.push([`${m}, engine call`, "Chromium"], [`${m}, public API`, "Chromium"]);
  for (const [model, host] of targets) {
    const ours = rows.find((r) => r.model === model && r.host === host && r.runtime === "wasmlite SIMD")!;
    // A native peer (PyTorch) competes with wasmlite in Node.
    const peers = rows.filter(
      (r) =>
        r.model === model &&
        (r.host === host || (host === "Node" && r.host === "native")) &&
        !r.runtime.startsWith("wasmlite"),
    );
    const fastest = peers.reduce((a, b) => (a.timing.medianUs < b.timing.medianUs ? a : b));
    console.log(
      `target: wasmlite >= 2x faster than the fastest peer on ${model} (${fastest.runtime}): ${(fastest.timing.medianUs / ours.timing.medianUs).toFixed(2)}x`,
    );
  }
  if (torchNote) console.log(torchNote);
}

await main();
process.exit(0);
