// The checked builds, for the fuzzer (what AddressSanitizer is to C): the
// runtime's sources compiled with WASMLITE_CHECKED defined, entry
// assembly/checked/index.ts, then instrumented so that every load and store
// first calls the checker (assembly/checked/checker.ts) with its width, its
// static offset and its address; an access outside the bytes it may touch
// traps there, and the checker's exports say what it hit.
//
//   wasmlite-checked.wasm      the SIMD kernels
//   wasmlite-mvp-checked.wasm  the MVP kernels
//
// binaryen's --instrument-memory pass leaves SIMD's splat, zero-extending,
// widening and lane loads and stores unchecked, so the instrumentation is
// done here, on binaryen's folded text: for each memory instruction, its
// first operand (the address) is wrapped in a call to the checker. Bulk
// memory is switched off in these builds so that memory.fill and
// memory.copy become plain loops of checked stores. The result is optimised
// again (the checks are inlined) and written with a map from each checked
// site to the function it is in, so a report names the code.
//
// Not shipped: the packages carry the two release builds only.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { packageDir } from "./compile.mjs";

const runtimeDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bytes each memory instruction touches, by its opcode name. */
function accessWidth(opcode) {
  const [type, op] = opcode.split(".");
  const sized = /^(?:load|store)(8|16|32|64)(?:_|$)/.exec(op);
  if (type === "v128") {
    if (op === "load" || op === "store") return 16;
    if (/^load(8x8|16x4|32x2)_[su]$/.test(op)) return 8;
    if (sized) return Number(sized[1]) / 8; // splat, zero, lane
  } else if (sized) {
    return Number(sized[1]) / 8;
  } else if (op === "load" || op === "store") {
    return type === "i32" || type === "f32" ? 4 : 8;
  }
  throw new Error(`checked build: unknown memory instruction ${opcode}`);
}

const MEMORY_OP = /^\s*\(((?:i32|i64|f32|f64|v128)\.(?:load|store)[0-9a-z_x]*)((?:\s+[a-z]+=\d+)*)(?:\s+\d+)?\s*$/;
const BULK_OP = /^\s*\(memory\.(?:fill|copy|init)\b/;
const FUNC = /^ \(func (\$\S+)/;

/** Parenthesis depth change of one line of binaryen's text (no strings inside function bodies). */
function depthChange(line) {
  let d = 0;
  for (const c of line) {
    if (c === "(") d++;
    else if (c === ")") d--;
  }
  return d;
}

/**
 * Wraps the address operand A of every memory instruction outside `skip`:
 *   (block (result i32) (local.set $__checked A)
 *     (if (i32.eqz (call $fits (local.get $__checked) offset width $gen_N $low_N $high_N))
 *       (then (drop (call $check site width offset (local.get $__checked)))
 *             $low_N, $high_N, $gen_N := the checker's window and generation))
 *     (local.get $__checked))
 * with three globals per site N (its window; see assembly/checked/checker.ts).
 * A is evaluated once; a memory instruction inside A is wrapped first and is
 * done with the local before A's value is set. Returns the new text and, per
 * site, the function it is in.
 */
export function instrument(wat, { fits, load, store, generation, windowLow, windowHigh, skip }) {
  const lines = wat.split("\n");
  const out = [];
  const sites = [];
  let current = null;
  let firstFunction = -1;
  // What to append after the line that ends a wrapped operand.
  const closeAfter = new Map();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fn = FUNC.exec(line);
    if (fn) {
      current = fn[1];
      if (firstFunction < 0) firstFunction = out.length;
    }
    out.push(line);
    if (closeAfter.has(i)) {
      out[out.length - 1] += closeAfter.get(i).join("");
      closeAfter.delete(i);
    }
    if (current === null || skip.has(current)) continue;
    if (fn) {
      out.push("  (local $__checked i32)");
      continue;
    }
    if (BULK_OP.test(line)) throw new Error(`checked build: ${current} uses bulk memory (build without it)`);
    const m = MEMORY_OP.exec(line);
    if (!m) {
      if (/\((?:i32|i64|f32|f64|v128)\.(?:load|store)/.test(line))
        throw new Error(`checked build: unrecognised memory instruction in ${current}: ${line.trim()}`);
      continue;
    }
    const opcode = m[1];
    const offset = Number(/offset=(\d+)/.exec(m[2])?.[1] ?? 0);
    const width = accessWidth(opcode);
    // The address operand starts on the next line; find the line where it closes.
    let depth = 0;
    let end = i + 1;
    for (; end < lines.length; end++) {
      depth += depthChange(lines[end]);
      if (depth <= 0) break;
    }
    if (depth !== 0 || !lines[i + 1].trimStart().startsWith("("))
      throw new Error(`checked build: cannot find the address operand of ${opcode} in ${current}`);
    const site = sites.length;
    sites.push(current);
    const a = "(local.get $__checked)";
    const [gen, low, high] = [`$__checked_gen_${site}`, `$__checked_low_${site}`, `$__checked_high_${site}`];
    out.push("(block (result i32) (local.set $__checked");
    const close =
      `) (if (i32.eqz (call ${fits} ${a} (i32.const ${offset}) (i32.const ${width})` +
      ` (global.get ${gen}) (global.get ${low}) (global.get ${high})))` +
      ` (then (drop (call ${opcode.includes(".store") ? store : load} (i32.const ${site}) (i32.const ${width})` +
      ` (i32.const ${offset}) ${a}))` +
      ` (global.set ${low} (call ${windowLow})) (global.set ${high} (call ${windowHigh}))` +
      ` (global.set ${gen} (call ${generation}))))` +
      ` ${a})`;
    // An operand nested in this one is wrapped later but must close first on a shared line.
    closeAfter.set(end, [close, ...(closeAfter.get(end) ?? [])]);
  }
  // Each site's window starts empty, in no generation.
  const globals = sites.map(
    (_, n) =>
      ` (global $__checked_gen_${n} (mut i32) (i32.const -1))` +
      ` (global $__checked_low_${n} (mut i64) (i64.const 1)) (global $__checked_high_${n} (mut i64) (i64.const 0))`,
  );
  out.splice(firstFunction, 0, ...globals);
  return { text: out.join("\n"), sites };
}

/** The function names called, directly or not, from `roots` (the checker must not check itself). */
function reachable(wat, roots) {
  const bodies = new Map();
  let current = null;
  for (const line of wat.split("\n")) {
    const fn = FUNC.exec(line);
    if (fn) {
      current = fn[1];
      bodies.set(current, new Set());
    } else if (current) {
      for (const call of line.matchAll(/\(call (\$\S+)/g)) bodies.get(current).add(call[1].replace(/\)+$/, ""));
    }
  }
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const f = stack.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    for (const g of bodies.get(f) ?? []) stack.push(g);
  }
  return seen;
}

const TARGETS = [
  {
    file: "wasmlite-checked.wasm",
    target: "simd",
    asc: ["--disable", "bulk-memory"],
    features: ["--enable-simd", "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-mutable-globals"],
  },
  { file: "wasmlite-mvp-checked.wasm", target: "mvp", asc: [], features: ["--mvp-features"] },
];

/** Builds both checked files into outDir, each with `<file>.sites.json` beside it. */
export async function buildChecked({ outDir, log = () => {} }) {
  mkdirSync(outDir, { recursive: true });
  const binaryen = join(packageDir("binaryen"), "bin");
  const tool = (name, args) => execFileSync(process.execPath, [join(binaryen, name), ...args], { stdio: "inherit" });
  const work = mkdtempSync(join(tmpdir(), "wasmlite-checked-"));
  try {
    const config = JSON.parse(readFileSync(join(runtimeDir, "asconfig.json"), "utf8"));
    config.entries = [join(runtimeDir, "assembly", "checked", "index.ts")];
    config.options.transform = config.options.transform.map((t) => join(runtimeDir, t));
    config.extends = join(runtimeDir, config.extends);
    const configFile = join(work, "asconfig.json");
    writeFileSync(configFile, JSON.stringify(config));
    for (const t of TARGETS) {
      const raw = join(work, `${t.file}.raw`);
      // The refusal-sites transform writes its table here (see refusal-sites.mjs).
      process.env.WASMLITE_REFUSAL_SITES = join(outDir, `${t.file}.refusals.json`);
      const { error, stderr } = await asc.main([
        "--config",
        configFile,
        "--target",
        t.target,
        "--use",
        "WASMLITE_CHECKED=1",
        "--memoryBase",
        "1024",
        "--debug", // function names, so a report names the code
        "--transform",
        join(runtimeDir, "builder", "refusal-sites.mjs"),
        ...t.asc,
        "--outFile",
        raw,
      ]);
      if (error) throw new Error(`asc failed for ${t.file}: ${error.message}\n${stderr.toString()}`);
      const watFile = join(work, `${t.file}.wat`);
      tool("wasm-dis", [raw, "-o", watFile]);
      const wat = readFileSync(watFile, "utf8");
      const exported = (name) => {
        const m = new RegExp(`\\(export "${name}" \\(func (\\$\\S+?)\\)\\)`).exec(wat);
        if (!m) throw new Error(`checked build: ${name} is not exported`);
        return m[1];
      };
      const hooks = {
        fits: exported("wl_checked_fits"),
        load: exported("wl_checked_load"),
        store: exported("wl_checked_store"),
        generation: exported("wl_checked_generation"),
        windowLow: exported("wl_checked_window_low"),
        windowHigh: exported("wl_checked_window_high"),
      };
      const skip = reachable(wat, Object.values(hooks));
      const { text, sites } = instrument(wat, { ...hooks, skip });
      const instrumented = join(work, `${t.file}.instrumented.wat`);
      writeFileSync(instrumented, text);
      const assembled = join(work, `${t.file}.instrumented.wasm`);
      tool("wasm-as", [instrumented, ...t.features, "-o", assembled]);
      const final = join(outDir, t.file);
      // The checks' fast path is inlined into every access (binaryen would not, at its default size limit).
      tool("wasm-opt", [
        assembled,
        "-O3",
        "--partial-inlining-ifs",
        "4",
        "--flexible-inline-max-function-size",
        "400",
        ...t.features,
        "-o",
        final,
      ]);
      writeFileSync(`${final}.sites.json`, JSON.stringify({ unchecked: [...skip].sort(), sites }));
      log(`${t.file}: ${sites.length} loads and stores checked, ${readFileSync(final).length} bytes`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
