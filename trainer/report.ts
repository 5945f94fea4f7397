// report.html: one self-contained page per train-and-export run. Charts are
// Vega-Lite specifications rendered to SVG in Node by Vega (no browser, no
// hand-made SVG): training and validation loss and accuracy per epoch, and
// for classifiers the int8 export's confusion matrix and per-class accuracy
// on the test split. Then the model summary, file sizes, arena bytes and the
// measured latency in the runtime.
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { EpochLogs } from "./callbacks.ts";
import type { Verification } from "./export/verify.ts";

export interface ReportInput {
  title: string;
  description: string;
  summary: string;
  history: EpochLogs[];
  float32: Verification & { bytes: number };
  int8: Verification & { bytes: number };
  /** Classification: the test targets (one-hot) and the int8 file's outputs in the runtime. */
  labels?: string[];
  targets?: Float32Array;
  int8Outputs?: Float32Array;
}

async function svg(spec: vegaLite.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function curves(history: EpochLogs[], metric: string, title: string): vegaLite.TopLevelSpec {
  const values = history.flatMap((h) => [
    ...(h[metric] !== undefined ? [{ epoch: h.epoch, value: h[metric], split: "training" }] : []),
    ...(h[`val_${metric}`] !== undefined ? [{ epoch: h.epoch, value: h[`val_${metric}`], split: "validation" }] : []),
  ]);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title, width: 420, height: 240,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "epoch", type: "quantitative", axis: { tickMinStep: 1 } },
      y: { field: "value", type: "quantitative", title: metric, scale: { zero: false } },
      color: { field: "split", type: "nominal" },
    },
  };
}

function argmax(v: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (v[row * width + j]! > v[row * width + best]!) best = j;
  return best;
}

export async function renderReport(r: ReportInput): Promise<string> {
  const charts: string[] = [await svg(curves(r.history, "loss", "Loss per epoch"))];
  if (r.history.some((h) => h.accuracy !== undefined)) charts.push(await svg(curves(r.history, "accuracy", "Accuracy per epoch")));
  if (r.history.some((h) => h.mae !== undefined)) charts.push(await svg(curves(r.history, "mae", "Mean absolute error per epoch")));
  if (r.labels && r.targets && r.int8Outputs) {
    const k = r.labels.length;
    const n = r.targets.length / k;
    const matrix = new Array(k * k).fill(0);
    for (let i = 0; i < n; i++) matrix[argmax(r.targets, i, k) * k + argmax(r.int8Outputs, i, k)]++;
    const cells = matrix.map((count, c) => ({ actual: r.labels![Math.floor(c / k)], predicted: r.labels![c % k], count }));
    charts.push(await svg({
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: `Confusion matrix, int8 export on ${n} test samples`, width: 320, height: 320,
      data: { values: cells },
      encoding: {
        x: { field: "predicted", type: "ordinal", sort: r.labels },
        y: { field: "actual", type: "ordinal", sort: r.labels },
      },
      layer: [
        { mark: "rect", encoding: { color: { field: "count", type: "quantitative", scale: { type: "symlog" } } } },
        { mark: { type: "text", fontSize: 9 }, encoding: { text: { field: "count", type: "quantitative" } } },
      ],
    }));
    const perClass = r.labels.map((label, a) => {
      let total = 0;
      for (let p = 0; p < k; p++) total += matrix[a * k + p];
      return { label, accuracy: total ? matrix[a * k + a] / total : 0 };
    });
    charts.push(await svg({
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "Per-class accuracy, int8 export", width: 420, height: 200,
      data: { values: perClass },
      mark: "bar",
      encoding: { x: { field: "label", type: "ordinal", sort: r.labels }, y: { field: "accuracy", type: "quantitative", scale: { domain: [0, 1] } } },
    }));
  }
  const row = (name: string, v: ReportInput["float32"]) =>
    `<tr><td>${name}</td><td>${v.bytes}</td><td>${v.accuracy !== undefined ? `${(v.accuracy * 100).toFixed(2)}%` : `MSE ${v.mse!.toExponential(3)}`}</td><td>${v.arenaBytes}</td><td>${v.latencyUs.toFixed(1)}</td><td>${v.maxAbsDifference.toExponential(2)}</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(r.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:980px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:1em}.charts{display:flex;flex-wrap:wrap;gap:1em}</style>
</head><body>
<h1>${escape(r.title)}</h1>
<p>${escape(r.description)}</p>
<h2>Exports, checked in the wasmlite runtime (${r.float32.samples} test samples)</h2>
<table><tr><th>file</th><th>bytes</th><th>test result</th><th>arena bytes</th><th>µs per inference</th><th>max |runtime − trainer|</th></tr>
${row("model-f32.tflite (float32)", r.float32)}
${row("model.tflite (int8)", r.int8)}
</table>
<h2>Training</h2>
<div class="charts">${charts.join("\n")}</div>
<h2>Model</h2>
<pre>${escape(r.summary)}</pre>
</body></html>
`;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
