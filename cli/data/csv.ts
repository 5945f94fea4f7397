// CSV files: one sample per line, numeric feature columns and one target
// column (by name or index; default the last). A header line is detected
// when its cells are not numbers. The target is a class when it is not
// numeric, or when `classify` is set (classes sorted, one-hot); otherwise a
// regression value. Every bad cell is reported with its line and column.
import { readFileSync } from "node:fs";
import { oneHot, type Dataset } from "@wasmlite/trainer";

export interface CsvOptions {
  /** The target column: a header name or a 0-based index (default: the last column). */
  target?: string | number;
  /** Treat a numeric target as class labels. */
  classify?: boolean;
  delimiter?: string;
}

export function readCsv(path: string, options: CsvOptions = {}): Dataset {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseCsv(text, path, options);
}

export function parseCsv(text: string, name: string, options: CsvOptions = {}): Dataset {
  const delimiter = options.delimiter ?? ",";
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ cells: l.split(delimiter).map((c) => c.trim()), line: i + 1 }))
    .filter((l) => l.cells.some((c) => c !== ""));
  if (lines.length === 0) throw new Error(`${name}: no data`);
  const isNumber = (c: string) => c !== "" && Number.isFinite(Number(c));
  const header =
    lines[0]!.cells.some((c) => !isNumber(c)) &&
    lines.length > 1 &&
    lines[1]!.cells.filter(isNumber).length > lines[0]!.cells.filter(isNumber).length
      ? lines.shift()!.cells
      : undefined;
  const columns = lines[0]!.cells.length;
  if (columns < 2) throw new Error(`${name}: needs at least one feature column and a target column`);
  let target = columns - 1;
  if (typeof options.target === "number") target = options.target;
  else if (typeof options.target === "string") {
    if (!header) throw new Error(`${name}: target column '${options.target}' named, but the file has no header line`);
    target = header.indexOf(options.target);
    if (target < 0) throw new Error(`${name}: no column named '${options.target}' (columns: ${header.join(", ")})`);
  }
  if (!Number.isInteger(target) || target < 0 || target >= columns)
    throw new Error(`${name}: target column ${target} out of range (${columns} columns)`);
  const n = lines.length;
  const features = columns - 1;
  const x = new Float32Array(n * features);
  const raw: string[] = [];
  lines.forEach(({ cells, line }, s) => {
    if (cells.length !== columns)
      throw new Error(`${name}: line ${line} has ${cells.length} columns, expected ${columns}`);
    let f = 0;
    cells.forEach((c, k) => {
      if (k === target) {
        if (c === "")
          throw new Error(`${name}: line ${line}, column ${k + 1} ('${header?.[k] ?? k}'): the target is empty`);
        raw.push(c);
        return;
      }
      if (!isNumber(c))
        throw new Error(`${name}: line ${line}, column ${k + 1} ('${header?.[k] ?? k}') is '${c}', not a number`);
      x[s * features + f++] = Number(c);
    });
  });
  const classify = options.classify || raw.some((c) => !isNumber(c));
  if (classify) {
    const classes = [...new Set(raw)].sort((a, b) =>
      isNumber(a) && isNumber(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0,
    );
    if (classes.length < 2) throw new Error(`${name}: the target column has a single class ('${classes[0]}')`);
    const index = new Map(classes.map((c, i) => [c, i]));
    return {
      x,
      y: oneHot(
        raw.map((c) => index.get(c)!),
        classes.length,
        name,
      ),
      n,
      inputShape: [features],
      targetSize: classes.length,
      labels: classes,
      source: name,
    };
  }
  return { x, y: Float32Array.from(raw, Number), n, inputShape: [features], targetSize: 1, source: name };
}
