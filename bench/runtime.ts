// npm run bench:runtime — batch-1 latency of the same models in wasmlite and
// its peers, in one run on one machine, printed as a table with ratios.
//   MLP 784-128-10: wasmlite (float32, int8; SIMD and MVP builds),
//     onnxruntime-web (wasm, 1 thread), tfjs-backend-wasm, real TFLite
//     (tfjs-tflite in headless Chromium; wasmlite measured in the same page).
//   hello_world (TFLM's model, float32 and int8): wasmlite vs real TFLite.
//   (Recurrent models: npm run bench:rnn.)
//   The .wasm size of each runtime, raw and gzipped: wasmlite's full builds,
//   the builds tailored to hello_world int8 and the int8 MLP, and the peers'.
import { readFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { cpus, tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import * as ort from "onnxruntime-web";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import { createNodeRuntime, SIMD_WASM, MVP_WASM } from "@wasmlite/runtime/node";
import { makeWeights, sampleInputs, tfliteFloat, tfliteInt8, onnxFloat } from "./mlp.ts";
import { timeCalls, type Timing } from "./timing.mjs";
import { runBrowserBench } from "./browser.ts";
import { packageDir } from "../tests/helpers/tflite-oracle.ts";
import { buildRuntime } from "@wasmlite/runtime-builder";

const HELLO = join(import.meta.dirname, "..", "tests", "fixtures", "tflm", "hello_world");

interface Row {
  model: string;
  runtime: string;
  host: string;
  timing: Timing;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const weights = makeWeights();
  const x = sampleInputs(1)[0]!;
  const models = { float32: tfliteFloat(weights), int8: tfliteInt8(weights) };

  // wasmlite in Node, both builds.
  for (const simd of [true, false]) {
    const runtime = await createNodeRuntime({ simd });
    for (const [kind, bytes] of Object.entries(models)) {
      const model = runtime.load(bytes);
      model.predict(x); // fills the input view once; invoke() reuses it
      rows.push({
        model: `MLP ${kind}`,
        runtime: `wasmlite ${simd ? "SIMD" : "MVP"}`,
        host: "Node",
        timing: await timeCalls(() => model.invoke()),
      });
    }
  }

  // onnxruntime-web, wasm backend, one thread.
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(onnxFloat(weights), { executionProviders: ["wasm"] });
  const feeds = { input: new ort.Tensor("float32", x, [1, 784]) };
  rows.push({
    model: "MLP float32",
    runtime: "onnxruntime-web (wasm, 1 thread)",
    host: "Node",
    timing: await timeCalls(() => session.run(feeds)),
  });

  // tfjs with the WebAssembly backend.
  await tf.setBackend("wasm");
  await tf.ready();
  const w1 = tf.tensor2d(weights.w1, [128, 784]);
  const b1 = tf.tensor1d(weights.b1);
  const w2 = tf.tensor2d(weights.w2, [10, 128]);
  const b2 = tf.tensor1d(weights.b2);
  const input = tf.tensor2d(x, [1, 784]);
  const tfjsPredict = () =>
    tf
      .tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(input, w1, false, true), b1)), w2, false, true), b2))
      .dataSync();
  rows.push({ model: "MLP float32", runtime: "tfjs-backend-wasm", host: "Node", timing: await timeCalls(tfjsPredict) });

  // Real TFLite and wasmlite side by side in one Chromium page.
  const int8Input = Array.from(x, (v) => Math.round(v * 255) - 128);
  const browser = await runBrowserBench({
    "MLP float32": { bytes: models.float32, input: Array.from(x) },
    "MLP int8": { bytes: models.int8, input: int8Input },
    "hello_world float32": {
      bytes: new Uint8Array(readFileSync(join(HELLO, "hello_world_float.tflite"))),
      input: [1.5],
    },
    "hello_world int8": { bytes: new Uint8Array(readFileSync(join(HELLO, "hello_world_int8.tflite"))), input: [20] },
  });
  for (const r of browser) rows.push({ ...r, host: "Chromium" });

  printTable(rows);
  await printSizes();
}

function printTable(rows: Row[]): void {
  console.log(`\nmachine: ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), Node ${process.version}\n`);
  console.log("| model | host | runtime | µs per call (median) | × wasmlite |");
  console.log("|---|---|---|---:|---:|");
  for (const r of rows) {
    // The reference is wasmlite SIMD on the same model, type and host.
    const ref =
      rows.find((o) => o.model === r.model && o.host === r.host && o.runtime === "wasmlite SIMD") ??
      rows.find(
        (o) => o.model.replace("int8", "float32") === r.model && o.host === r.host && o.runtime === "wasmlite SIMD",
      );
    const ratio = ref ? (r.timing.medianUs / ref.timing.medianUs).toFixed(2) : "";
    console.log(`| ${r.model} | ${r.host} | ${r.runtime} | ${r.timing.medianUs.toFixed(2)} | ${ratio} |`);
  }
  const int8 = rows.find((r) => r.model === "MLP int8" && r.host === "Node" && r.runtime === "wasmlite SIMD")!;
  const ortRow = rows.find((r) => r.runtime.startsWith("onnxruntime"))!;
  console.log(
    `\ntarget: wasmlite int8 >= 3x faster than onnxruntime-web on the MLP: ${(ortRow.timing.medianUs / int8.timing.medianUs).toFixed(2)}x`,
  );
  for (const kind of ["float32", "int8"]) {
    for (const level of ["public API", "engine call"]) {
      const name = `hello_world ${kind}, ${level}`;
      const ours = rows.find((r) => r.model === name && r.runtime === "wasmlite SIMD");
      const theirs = rows.find((r) => r.model === name && r.runtime.startsWith("TFLite"));
      if (ours && theirs)
        console.log(
          `target: wasmlite >= 10x faster than TFLite-web on ${name}: ${(theirs.timing.medianUs / ours.timing.medianUs).toFixed(2)}x`,
        );
    }
  }
}

async function printSizes(): Promise<void> {
  // Tailored builds: what `wasmlite build-runtime --model` makes for these models.
  const tailored = async (operators: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), "wasmlite-bench-"));
    await buildRuntime({ operators, types: ["INT8"], outDir: dir });
    return dir;
  };
  const fcInt8 = await tailored(["FULLY_CONNECTED"]); // hello_world int8 and the int8 MLP
  const sizes: [string, string][] = [
    ["wasmlite.wasm (SIMD, every operator)", SIMD_WASM],
    ["wasmlite-mvp.wasm (every operator)", MVP_WASM],
    ["wasmlite.wasm (SIMD) for hello_world / MLP int8", join(fcInt8, "wasmlite.wasm")],
    ["wasmlite-mvp.wasm for hello_world / MLP int8", join(fcInt8, "wasmlite-mvp.wasm")],
    [
      "onnxruntime-web ort-wasm-simd-threaded.wasm",
      join(packageDir("onnxruntime-web"), "dist", "ort-wasm-simd-threaded.wasm"),
    ],
    [
      "tfjs-backend-wasm tfjs-backend-wasm-simd.wasm",
      join(packageDir("@tensorflow/tfjs-backend-wasm"), "dist", "tfjs-backend-wasm-simd.wasm"),
    ],
    [
      "tfjs-tflite tflite_web_api_cc_simd.wasm",
      join(packageDir("@tensorflow/tfjs-tflite"), "wasm", "tflite_web_api_cc_simd.wasm"),
    ],
  ];
  const measured = sizes.map(([name, file]) => {
    const bytes = readFileSync(file);
    return { name, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const ours = measured[0]!;
  console.log("\n| runtime binary | bytes | gzipped | × wasmlite (full SIMD, gzipped) |");
  console.log("|---|---:|---:|---:|");
  for (const m of measured) console.log(`| ${m.name} | ${m.bytes} | ${m.gzip} | ${(m.gzip / ours.gzip).toFixed(2)} |`);
}

await main();
process.exit(0);
