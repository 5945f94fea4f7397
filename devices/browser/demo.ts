// The demo page: draw a digit, and an MNIST model (served as /model.tflite,
// or ?model=URL) classifies it live in the wasmlite runtime: top 3 with
// probabilities, and the latency of one invoke(). Sets window.demoReady and
// window.demoResult for the tests.
import { createBrowserRuntime } from "@wasmlite/runtime/browser";
import type { Model } from "@wasmlite/runtime";
import { toMnistImage, SIDE } from "./digit-image.ts";

export interface DemoResult {
  /** The three most probable digits, most probable first. */
  top: { label: number; probability: number }[];
  /** Mean time of one invoke(), in milliseconds. */
  invokeMilliseconds: number;
  simd: boolean;
  /** The 28x28 image the model was given, and the scores it returned. */
  image: number[];
  scores: number[];
}

declare global {
  interface Window {
    demoReady?: boolean;
    demoResult?: DemoResult | null;
    demoError?: string;
  }
}

const pad = document.getElementById("pad") as HTMLCanvasElement;
const seen = document.getElementById("seen") as HTMLCanvasElement;
const status = document.getElementById("status")!;
const pen = pad.getContext("2d", { willReadFrequently: true })!;

function clearPad(): void {
  pen.fillStyle = "black";
  pen.fillRect(0, 0, pad.width, pad.height);
  seen.getContext("2d")!.clearRect(0, 0, seen.width, seen.height);
  document.getElementById("top")!.replaceChildren();
  document.getElementById("latency")!.textContent = "";
  window.demoResult = null;
}

async function loadModel(): Promise<{ model: Model; simd: boolean; bytes: number }> {
  const runtime = await createBrowserRuntime();
  const url = new URL(new URLSearchParams(location.search).get("model") ?? "/model.tflite", location.href);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status} ${await response.text()}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const model = runtime.load(bytes);
  const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  if (model.inputs.length !== 1 || elements(model.inputs[0]!.shape) !== SIDE * SIDE) {
    throw new Error(
      `this demo needs a model with one 28x28 input; this one takes [${model.inputs.map((t) => t.shape)}]`,
    );
  }
  if (model.outputs.length !== 1 || elements(model.outputs[0]!.shape) < 3) {
    throw new Error("this demo needs a model with one output of at least 3 scores");
  }
  return { model, simd: runtime.simd, bytes: bytes.length };
}

/** The scores as probabilities: as they are if they already sum to 1 (a softmax output), else softmaxed. */
function probabilities(scores: Float32Array): number[] {
  const sum = scores.reduce((a, b) => a + b, 0);
  if (scores.every((s) => s >= 0) && Math.abs(sum - 1) < 0.02) return Array.from(scores, (s) => s / sum);
  const top = Math.max(...scores);
  const e = Array.from(scores, (s) => Math.exp(s - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

function showSeen(image: Float32Array): void {
  const context = seen.getContext("2d")!;
  const cell = seen.width / SIDE;
  for (let i = 0; i < image.length; i++) {
    const level = Math.round(255 * image[i]!);
    context.fillStyle = `rgb(${level},${level},${level})`;
    context.fillRect((i % SIDE) * cell, Math.floor(i / SIDE) * cell, cell, cell);
  }
}

function classify(model: Model, simd: boolean): void {
  const image = toMnistImage(pen.getImageData(0, 0, pad.width, pad.height));
  if (!image) return clearPad();
  showSeen(image);
  const [scores] = model.predict(image);
  // Browsers coarsen performance.now() (to 0.1 ms without cross-origin
  // isolation), so time enough invokes to span at least 20 ms.
  let repeats = 0;
  const started = performance.now();
  while (repeats < 10 || performance.now() - started < 20) {
    model.invoke();
    repeats++;
  }
  const invokeMilliseconds = (performance.now() - started) / repeats;
  const top = probabilities(scores!)
    .map((probability, label) => ({ label, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, 3);
  document.getElementById("top")!.replaceChildren(
    ...top.map(({ label, probability }) => {
      const item = document.createElement("li");
      const bar = item.appendChild(document.createElement("span"));
      bar.className = "bar";
      bar.style.width = `${Math.round(probability * 150)}px`;
      item.append(` ${label}: ${(probability * 100).toFixed(1)}%`);
      return item;
    }),
  );
  document.getElementById("latency")!.textContent =
    `invoke(): ${(invokeMilliseconds * 1000).toFixed(invokeMilliseconds < 0.01 ? 1 : 0)} µs`;
  window.demoResult = { top, invokeMilliseconds, simd, image: Array.from(image), scores: Array.from(scores!) };
}

async function main(): Promise<void> {
  clearPad();
  const { model, simd, bytes } = await loadModel();
  status.textContent = `${simd ? "SIMD" : "MVP"} build; model ${(bytes / 1024).toFixed(1)} KB, arena ${(
    model.arenaBytes / 1024
  ).toFixed(1)} KB. Draw a digit (light on dark, as MNIST is).`;
  let drawing = false;
  let pending = false;
  const later = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      classify(model, simd);
    });
  };
  pen.lineCap = "round";
  pen.lineJoin = "round";
  pen.lineWidth = 22;
  pen.strokeStyle = "white";
  pad.addEventListener("pointerdown", (e) => {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    pen.beginPath();
    pen.moveTo(e.offsetX, e.offsetY);
    pen.lineTo(e.offsetX, e.offsetY);
    pen.stroke();
  });
  pad.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    pen.lineTo(e.offsetX, e.offsetY);
    pen.stroke();
    later();
  });
  const stop = () => {
    if (!drawing) return;
    drawing = false;
    classify(model, simd);
  };
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);
  document.getElementById("clear")!.addEventListener("click", clearPad);
  window.demoReady = true;
}

main().catch((e: Error) => {
  status.textContent = `failed: ${e.message}`;
  window.demoError = e.message;
});
