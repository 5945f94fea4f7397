// report.html: one self-contained page per train-and-export run. Charts are
// Vega-Lite specifications rendered to SVG in Node by Vega (no browser, no
// hand-made SVG):
//   - loss (log scale when it spans more than two decades), accuracy or MAE
//     per epoch, with the best epoch marked when early stopping restored it;
//   - the learning rate per epoch (the schedule as it ran);
//   - classifiers: the int8 export's confusion matrix on the test split
//     (counts in white on dark cells), per-class precision and recall, and
//     the misclassified test images (for single-channel image inputs), or
//     the worst-scored test texts (text classifiers);
//   - regressions: the int8 export's predictions against the targets.
// Then the exports (sizes, arena, latency, check), the hyperparameters, the
// model summary, and when and with what versions the run was made.
import { readFileSync } from "node:fs";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import { PNG } from "pngjs";
import type { EpochLogs, Verification } from "@wasmlite/trainer";

export interface ReportInput {
  title: string;
  description: string;
  summary: string;
  history: EpochLogs[];
  /** The epoch whose weights were restored by early stopping (0: none). */
  bestEpoch?: number;
  /** Settings of the run, shown as a table (optimizer, batch size, schedule...). */
  hyperparameters?: Record<string, string>;
  float32: Verification & { bytes: number };
  int8: Verification & { bytes: number };
  /** The int8 file's name (model.tflite, or model-int8-failed.tflite). */
  int8File?: string;
  /** The test split's targets (one-hot for classes) and the int8 file's outputs on it in the runtime. */
  targets?: Float32Array;
  int8Outputs?: Float32Array;
  /** Classification: class names. */
  labels?: string[];
  /** The test split's inputs, for showing misclassified images ([h, w, 1] samples). */
  testInputs?: { x: Float32Array; shape: number[] };
  /** Text classifiers: the test split's texts, for showing the worst-scored ones. */
  testTexts?: string[];
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const VERSION: string = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;

async function svg(spec: vegaLite.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A metric per epoch, training and validation, with the restored best epoch marked. */
function curves(history: EpochLogs[], metric: string, title: string, bestEpoch: number): vegaLite.TopLevelSpec {
  const values = history.flatMap((h) => [
    ...(h[metric] !== undefined ? [{ epoch: h.epoch, value: h[metric], split: "training" }] : []),
    ...(h[`val_${metric}`] !== undefined ? [{ epoch: h.epoch, value: h[`val_${metric}`], split: "validation" }] : []),
  ]);
  const positive = values.map((v) => v.value!).filter((v) => v > 0);
  const logScale = positive.length === values.length && Math.max(...positive) / Math.min(...positive) > 100;
  return {
    $schema: SCHEMA,
    title: logScale ? `${title} (log scale)` : title,
    width: 420,
    height: 240,
    layer: [
      {
        data: { values },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "epoch", type: "quantitative", axis: { tickMinStep: 1 } },
          y: {
            field: "value",
            type: "quantitative",
            title: metric,
            scale: logScale ? { type: "log" } : { zero: false },
          },
          color: { field: "split", type: "nominal" },
        },
      },
      ...(bestEpoch > 0
        ? [
            {
              data: { values: [{ epoch: bestEpoch, label: `best epoch ${bestEpoch} (restored)` }] },
              layer: [
                {
                  mark: { type: "rule" as const, strokeDash: [4, 3], color: "#555" },
                  encoding: { x: { field: "epoch", type: "quantitative" as const } },
                },
                {
                  mark: { type: "text" as const, align: "left" as const, dx: 4, dy: -110, color: "#555" },
                  encoding: { x: { field: "epoch", type: "quantitative" as const }, text: { field: "label" } },
                },
              ],
            },
          ]
        : []),
    ],
  } as vegaLite.TopLevelSpec;
}

function learningRates(history: EpochLogs[]): vegaLite.TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: "Learning rate per epoch",
    width: 420,
    height: 160,
    data: { values: history.map((h) => ({ epoch: h.epoch, rate: h.learningRate })) },
    mark: { type: "line", point: true, interpolate: "step-after" },
    encoding: {
      x: { field: "epoch", type: "quantitative", axis: { tickMinStep: 1 } },
      y: { field: "rate", type: "quantitative", title: "learning rate", scale: { zero: false } },
    },
  };
}

function argmax(v: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (v[row * width + j]! > v[row * width + best]!) best = j;
  return best;
}

interface ClassStats {
  label: string;
  precision: number;
  recall: number;
  support: number;
}

/** The confusion matrix (actual x predicted counts) and per-class precision and recall. */
function confusion(labels: string[], targets: Float32Array, outputs: Float32Array) {
  const k = labels.length;
  const n = targets.length / k;
  const matrix = new Array<number>(k * k).fill(0);
  const predicted = new Int32Array(n);
  const actual = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    actual[i] = argmax(targets, i, k);
    predicted[i] = argmax(outputs, i, k);
    matrix[actual[i]! * k + predicted[i]!]!++;
  }
  const stats: ClassStats[] = labels.map((label, c) => {
    let support = 0,
      predictedAs = 0;
    for (let j = 0; j < k; j++) {
      support += matrix[c * k + j]!;
      predictedAs += matrix[j * k + c]!;
    }
    const hits = matrix[c * k + c]!;
    return { label, precision: predictedAs ? hits / predictedAs : 0, recall: support ? hits / support : 0, support };
  });
  return { k, n, matrix, stats, predicted, actual };
}

function confusionChart(labels: string[], matrix: number[], n: number): vegaLite.TopLevelSpec {
  const k = labels.length;
  const max = Math.max(...matrix);
  const cells = matrix.map((count, c) => ({
    actual: labels[Math.floor(c / k)],
    predicted: labels[c % k],
    count,
    dark: count > max / 4, // the symlog colour scale is dark from about a quarter of the maximum
  }));
  return {
    $schema: SCHEMA,
    title: `Confusion matrix, int8 export on ${n} test samples`,
    width: 320,
    height: 320,
    data: { values: cells },
    encoding: {
      x: { field: "predicted", type: "ordinal", sort: labels },
      y: { field: "actual", type: "ordinal", sort: labels },
    },
    layer: [
      { mark: "rect", encoding: { color: { field: "count", type: "quantitative", scale: { type: "symlog" } } } },
      {
        mark: { type: "text", fontSize: 9 },
        encoding: {
          text: { field: "count", type: "quantitative" },
          color: { condition: { test: "datum.dark", value: "white" }, value: "black" },
        },
      },
    ],
  } as vegaLite.TopLevelSpec;
}

function precisionRecallChart(stats: ClassStats[]): vegaLite.TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: "Per-class precision and recall, int8 export",
    width: 420,
    height: 200,
    data: {
      values: stats.flatMap((s) => [
        { label: s.label, measure: "precision", value: s.precision },
        { label: s.label, measure: "recall", value: s.recall },
      ]),
    },
    mark: "bar",
    encoding: {
      x: { field: "label", type: "ordinal", sort: stats.map((s) => s.label) },
      xOffset: { field: "measure" },
      y: { field: "value", type: "quantitative", scale: { domain: [0, 1] } },
      color: { field: "measure", type: "nominal" },
    },
  } as vegaLite.TopLevelSpec;
}

/**
 * Next-value regression on one-feature sequences: a few test sequences as
 * curves, each followed by its true next value and the int8 export's prediction.
 */
function sequenceCurves(
  x: Float32Array,
  steps: number,
  targets: Float32Array,
  outputs: Float32Array,
): vegaLite.TopLevelSpec {
  const shown = Math.min(4, targets.length);
  const values: { sequence: string; step: number; value: number; kind: string }[] = [];
  for (let s = 0; s < shown; s++) {
    const sequence = `test sequence ${s + 1}`;
    for (let k = 0; k < steps; k++) values.push({ sequence, step: k, value: x[s * steps + k]!, kind: "input" });
    values.push({ sequence, step: steps, value: targets[s]!, kind: "true next value" });
    values.push({ sequence, step: steps, value: outputs[s]!, kind: "predicted (int8 export)" });
  }
  return {
    $schema: SCHEMA,
    title: `Predicted against true next values, ${shown} test sequences`,
    data: { values },
    facet: { row: { field: "sequence", type: "nominal", title: null } },
    spec: {
      width: 420,
      height: 90,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'input'" }],
          mark: { type: "line", point: true },
          encoding: { x: { field: "step", type: "quantitative" }, y: { field: "value", type: "quantitative" } },
        },
        {
          transform: [{ filter: "datum.kind !== 'input'" }],
          mark: { type: "point", size: 70, filled: true },
          encoding: {
            x: { field: "step", type: "quantitative" },
            y: { field: "value", type: "quantitative" },
            color: { field: "kind", type: "nominal", title: null, legend: { labelLimit: 240 } },
            shape: { field: "kind", type: "nominal", title: null },
          },
        },
      ],
    },
  } as vegaLite.TopLevelSpec;
}

function predictedVsActual(targets: Float32Array, outputs: Float32Array): vegaLite.TopLevelSpec {
  const values = Array.from(targets, (t, i) => ({ actual: t, predicted: outputs[i]! }));
  const lo = Math.min(...targets, ...outputs);
  const hi = Math.max(...targets, ...outputs);
  return {
    $schema: SCHEMA,
    title: `Predicted (int8 export) against actual, ${targets.length} test samples`,
    width: 320,
    height: 320,
    layer: [
      {
        data: { values },
        mark: { type: "point", size: 12, opacity: 0.6 },
        encoding: {
          x: { field: "actual", type: "quantitative", scale: { domain: [lo, hi] } },
          y: { field: "predicted", type: "quantitative", scale: { domain: [lo, hi] } },
        },
      },
      {
        data: {
          values: [
            { actual: lo, predicted: lo },
            { actual: hi, predicted: hi },
          ],
        },
        mark: { type: "line", color: "#999", strokeDash: [4, 3] },
        encoding: { x: { field: "actual", type: "quantitative" }, y: { field: "predicted", type: "quantitative" } },
      },
    ],
  } as vegaLite.TopLevelSpec;
}

/** Up to `limit` misclassified single-channel images as inline PNGs, each with actual and predicted labels. */
function misclassifiedImages(
  input: NonNullable<ReportInput["testInputs"]>,
  labels: string[],
  actual: Int32Array,
  predicted: Int32Array,
  limit = 24,
): string {
  const [h, w, c] = input.shape;
  if (input.shape.length !== 3 || c !== 1 || !h || !w) return "";
  const size = h * w;
  const figures: string[] = [];
  for (let i = 0; i < actual.length && figures.length < limit; i++) {
    if (actual[i] === predicted[i]) continue;
    const pixels = input.x.subarray(i * size, (i + 1) * size);
    let lo = Infinity,
      hi = -Infinity;
    for (const v of pixels) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const png = new PNG({ width: w, height: h });
    for (let p = 0; p < size; p++) {
      const v = hi > lo ? Math.round(((pixels[p]! - lo) / (hi - lo)) * 255) : 0;
      png.data.set([v, v, v, 255], p * 4);
    }
    const uri = `data:image/png;base64,${PNG.sync.write(png).toString("base64")}`;
    figures.push(
      `<figure><img src="${uri}" width="${w * 2}" height="${h * 2}" alt="test sample ${i}"><figcaption>${escape(labels[actual[i]!]!)} → ${escape(labels[predicted[i]!]!)}</figcaption></figure>`,
    );
  }
  if (figures.length === 0) return "";
  const total = actual.reduce((s, a, i) => s + (a === predicted[i] ? 0 : 1), 0);
  return `<h3>Misclassified test samples (int8 export; actual → predicted; ${figures.length} of ${total})</h3>
<div class="gallery">${figures.join("")}</div>`;
}

/**
 * The `limit` test texts the int8 export scored worst: the lowest probability
 * given to their true class, with what it predicted and how the text opens.
 */
function worstScoredTexts(
  texts: string[],
  labels: string[],
  targets: Float32Array,
  outputs: Float32Array,
  limit = 15,
): string {
  const k = labels.length;
  const scored = texts.map((text, i) => {
    const actual = targets.subarray(i * k, (i + 1) * k).indexOf(1);
    const row = outputs.subarray(i * k, (i + 1) * k);
    return { text, actual, predicted: row.indexOf(Math.max(...row)), p: row[actual]! };
  });
  scored.sort((a, b) => a.p - b.p);
  const rows = scored.slice(0, limit).map((s) => {
    const opening = s.text.replace(/\s+/g, " ").trim().slice(0, 200);
    return `<tr><td>${escape(labels[s.actual]!)}</td><td>${escape(labels[s.predicted]!)}</td><td>${s.p.toFixed(3)}</td><td class="text">${escape(opening)}</td></tr>`;
  });
  return `<h3>Worst-scored test texts (int8 export; lowest probability of the true class)</h3>
<table><tr><th>actual</th><th>predicted</th><th>p(actual)</th><th>opening words</th></tr>
${rows.join("\n")}
</table>`;
}

export async function renderReport(r: ReportInput): Promise<string> {
  const best = r.bestEpoch ?? 0;
  const charts: string[] = [await svg(curves(r.history, "loss", "Loss per epoch", best))];
  if (r.history.some((h) => h.accuracy !== undefined))
    charts.push(await svg(curves(r.history, "accuracy", "Accuracy per epoch", best)));
  if (r.history.some((h) => h.mae !== undefined))
    charts.push(await svg(curves(r.history, "mae", "Mean absolute error per epoch", best)));
  if (r.history.length) charts.push(await svg(learningRates(r.history)));
  const results: string[] = [];
  let perClassTable = "";
  let gallery = "";
  if (r.labels && r.targets && r.int8Outputs) {
    const c = confusion(r.labels, r.targets, r.int8Outputs);
    results.push(await svg(confusionChart(r.labels, c.matrix, c.n)));
    results.push(await svg(precisionRecallChart(c.stats)));
    perClassTable = `<table><tr><th>class</th><th>precision</th><th>recall</th><th>test samples</th></tr>
${c.stats.map((s) => `<tr><td>${escape(s.label)}</td><td>${(s.precision * 100).toFixed(1)}%</td><td>${(s.recall * 100).toFixed(1)}%</td><td>${s.support}</td></tr>`).join("\n")}
</table>`;
    if (r.testTexts) gallery = worstScoredTexts(r.testTexts, r.labels, r.targets, r.int8Outputs);
    else if (r.testInputs) gallery = misclassifiedImages(r.testInputs, r.labels, c.actual, c.predicted);
  } else if (r.targets && r.int8Outputs && r.targets.length === r.int8Outputs.length) {
    results.push(await svg(predictedVsActual(r.targets, r.int8Outputs)));
    const shape = r.testInputs?.shape;
    if (r.testInputs && shape?.length === 2 && shape[1] === 1 && r.targets.length === r.testInputs.x.length / shape[0]!)
      results.push(await svg(sequenceCurves(r.testInputs.x, shape[0]!, r.targets, r.int8Outputs)));
  }
  const int8File = r.int8File ?? "model.tflite";
  const row = (name: string, v: ReportInput["float32"]) =>
    `<tr><td>${escape(name)}</td><td>${v.bytes}</td><td>${v.accuracy !== undefined ? `${(v.accuracy * 100).toFixed(2)}%` : `MSE ${v.mse!.toExponential(3)}`}</td><td>${v.arenaBytes}</td><td>${v.latencyUs.toFixed(1)}</td><td>${v.maxAbsDifference.toExponential(2)}</td><td>${v.failure ? `<b>failed</b>: ${escape(v.failure)}` : "passed"}</td></tr>`;
  const settings = Object.entries(r.hyperparameters ?? {})
    .map(([k, v]) => `<tr><td>${escape(k)}</td><td class="text">${escape(v)}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(r.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:980px}table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child,td.text{text-align:left}pre{background:#f6f6f6;padding:1em}.charts,.gallery{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;text-align:center;font-size:12px}img{image-rendering:pixelated;border:1px solid #ccc}footer{color:#666;margin-top:2em}</style>
</head><body>
<h1>${escape(r.title)}</h1>
<p>${escape(r.description)}</p>
<h2>Exports, checked in the wasmlite runtime (${r.float32.samples} test samples)</h2>
<table><tr><th>file</th><th>bytes</th><th>test result</th><th>arena bytes</th><th>µs per inference</th><th>max |runtime − trainer|</th><th>check</th></tr>
${row("model-f32.tflite (float32)", r.float32)}
${row(`${int8File} (int8)`, r.int8)}
</table>
<h2>Training</h2>
<div class="charts">${charts.join("\n")}</div>
${results.length ? `<h2>Test results, int8 export</h2>\n<div class="charts">${results.join("\n")}</div>` : ""}
${perClassTable}
${gallery}
${settings ? `<h2>Hyperparameters</h2>\n<table>${settings}</table>` : ""}
<h2>Model</h2>
<pre>${escape(r.summary)}</pre>
<footer>Made ${new Date().toISOString()} by wasmlite ${escape(VERSION)} on Node ${escape(process.version)}.</footer>
</body></html>
`;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
