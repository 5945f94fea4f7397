// Drives a runtime build through its raw ABI exports, as a C host does (no
// JS API in between), so a test can see what the JS API hides: where the
// model bytes sit in linear memory, and every tensor's bytes. On a checked
// build (runtime-wasm/builder/checked.mjs) a stray load or store traps, and
// the host turns the checker's report into a StrayAccess error.
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SIMD_WASM, MVP_WASM } from "@wasmlite/runtime/node";
import { ErrorCode } from "@wasmlite/runtime";

export interface Exports {
  memory: WebAssembly.Memory;
  wl_set_memory_limit(bytes: number): void;
  wl_model_reserve(n: number): number;
  wl_load(n: number): number;
  wl_invoke(): number;
  wl_reset_state(): number;
  wl_error_code(): number;
  wl_error_message(): number;
  wl_error_message_length(): number;
  wl_input_count(): number;
  wl_output_count(): number;
  wl_input_tensor(i: number): number;
  wl_output_tensor(i: number): number;
  wl_tensor_data(t: number): number;
  wl_tensor_byte_length(t: number): number;
  // The checked builds only.
  wl_checked_stray?(): number;
  wl_checked_stray_address(): number;
  wl_checked_stray_bytes(): number;
  wl_checked_stray_site(): number;
  wl_checked_stray_is_store(): number;
  wl_checked_stray_operator(): number;
  wl_checked_region(which: number): number;
  wl_checked_refusals_clear(): void;
  wl_checked_refusals(): number;
  wl_checked_refusal(i: number): number;
}

const CHECKED_DIR = fileURLToPath(new URL("../../runtime-wasm/build/checked/", import.meta.url));

/** The checked builds' files: `npm run build:checked` writes them. */
export function checkedBuild(simd: boolean): { wasm: string; sites: string; refusals: string } {
  const wasm = `${CHECKED_DIR}${simd ? "wasmlite-checked.wasm" : "wasmlite-mvp-checked.wasm"}`;
  if (!existsSync(wasm)) throw new Error(`${wasm} is missing: run \`npm run build:checked\``);
  return { wasm, sites: `${wasm}.sites.json`, refusals: `${wasm}.refusals.json` };
}

/** Clause ids are recorded as CLAUSE + id (runtime-wasm/assembly/checked/checker.ts). */
const CLAUSE = 0x10000;

/** A load or store outside the bytes it may touch, caught by a checked build. */
export class StrayAccess extends Error {}

// What the checker's stray kinds mean (runtime-wasm/assembly/checked/checker.ts, STRAY_*).
const STRAY_KINDS = [
  "",
  "the guard page below the runtime's static data",
  "the model's bytes (read-only)",
  "the red zone after the model's bytes",
  "the red zone after the persistent region (operator data)",
  "arena bytes no buffer live at this operator holds",
  "bytes past the arena's end",
];

const CODE_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** An ABI call's failure: the error code's name and the runtime's message. */
export class AbiError extends Error {
  constructor(
    readonly codeName: string,
    /** The runtime's message, without the code. */
    readonly text: string,
  ) {
    super(`${text} [${codeName}]`);
  }
}

/** Deterministic input bytes, the same every run (the fuzzer's known-good models rely on it). */
export function fillInputs(host: AbiHost): void {
  for (const t of host.tensors("input")) for (let k = 0; k < t.length; k++) t[k] = (k * 7919 + 13) % 251;
}

/** What a model does on a host: its output bytes (as JSON), or where and how the runtime refused it. */
export type Outcome = { outputs: string } | { at: "load" | "invoke"; code: string; message: string };

/** Loads `bytes`, fills the inputs (fillInputs) and invokes; other errors than refusals propagate. */
export function outcomeOf(host: AbiHost, bytes: Uint8Array): Outcome {
  let at: "load" | "invoke" = "load";
  try {
    host.load(bytes);
    fillInputs(host);
    at = "invoke";
    host.invoke();
    return { outputs: JSON.stringify(host.tensors("output").map((t) => Array.from(t))) };
  } catch (e) {
    if (e instanceof AbiError) return { at, code: e.codeName, message: e.text };
    throw e;
  }
}

export class AbiHost {
  readonly #x: Exports;
  /** The checked build's function of each instrumented site (undefined on the other builds). */
  readonly #sites?: string[];
  /** Where the loaded model's bytes are, and how many. */
  modelAt = 0;
  modelLength = 0;

  private constructor(exports: Exports, sites?: string[]) {
    this.#x = exports;
    this.#sites = sites;
  }

  /** A host on a checked build (SIMD or MVP kernels): stray accesses throw StrayAccess. */
  static async createChecked(simd: boolean, memoryLimitBytes = 0): Promise<AbiHost> {
    const files = checkedBuild(simd);
    const bytes = readFileSync(files.wasm) as Uint8Array<ArrayBuffer>;
    const { instance } = await WebAssembly.instantiate(bytes, {});
    const sites = (JSON.parse(readFileSync(files.sites, "utf8")) as { sites: string[] }).sites;
    const host = new AbiHost(instance.exports as unknown as Exports, sites);
    host.#x.wl_set_memory_limit(memoryLimitBytes);
    return host;
  }

  get checked(): boolean {
    return this.#sites !== undefined;
  }

  /**
   * Checked builds: the refusal sites (ids in the build's `.refusals.json`) and
   * clauses (CLAUSE + id) reached since the last call; the next starts afresh.
   */
  takeRefusals(): { sites: number[]; clauses: number[] } {
    const x = this.#x;
    if (!this.checked) throw new Error("refusal sites are recorded by the checked builds only");
    const ids = Array.from({ length: x.wl_checked_refusals() }, (_, i) => x.wl_checked_refusal(i));
    x.wl_checked_refusals_clear();
    return {
      sites: ids.filter((id) => id < CLAUSE),
      clauses: ids.filter((id) => id >= CLAUSE).map((id) => id - CLAUSE),
    };
  }

  /** Runs an ABI call; on a checked build, a trap the checker caused becomes a StrayAccess. */
  #call<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      const x = this.#x;
      const kind = this.#sites && x.wl_checked_stray ? x.wl_checked_stray() : 0;
      if (kind === 0) throw e;
      const address = x.wl_checked_stray_address();
      const bytes = x.wl_checked_stray_bytes();
      const site = this.#sites![x.wl_checked_stray_site()] ?? "?";
      const region = (w: number) => x.wl_checked_region(w);
      const modelEnd = region(0) + region(1);
      const past =
        address + bytes > modelEnd && address < region(2) ? `, ${address + bytes - modelEnd} past its end` : "";
      throw new StrayAccess(
        `stray ${x.wl_checked_stray_is_store() ? "store" : "load"} of ${bytes} bytes at ${address} ` +
          `into ${STRAY_KINDS[kind]} (operator ${x.wl_checked_stray_operator()}; in ${site.replace(/^\$runtime-wasm\/assembly\//, "")}); ` +
          `model [${region(0)}, ${modelEnd})${past}, persistent [${region(2)}, ${region(3)}), ` +
          `arena [${region(4)}, ${region(5)})`,
      );
    }
  }

  /** A host on the full SIMD or MVP build, or on `wasm` (a tailored build's file) when given. */
  static async create(simd: boolean, memoryLimitBytes = 0, wasm?: Uint8Array): Promise<AbiHost> {
    const bytes = (wasm ?? readFileSync(simd ? SIMD_WASM : MVP_WASM)) as Uint8Array<ArrayBuffer>;
    const { instance } = await WebAssembly.instantiate(bytes, {});
    const host = new AbiHost(instance.exports as unknown as Exports);
    host.#x.wl_set_memory_limit(memoryLimitBytes);
    return host;
  }

  get memory(): Uint8Array {
    return new Uint8Array(this.#x.memory.buffer);
  }

  #fail(): AbiError {
    const x = this.#x;
    const message = new TextDecoder().decode(
      new Uint8Array(x.memory.buffer, x.wl_error_message(), x.wl_error_message_length()),
    );
    return new AbiError(CODE_NAMES.get(x.wl_error_code()) ?? "UNKNOWN", message);
  }

  /** Reserves, copies and loads the model; throws an AbiError if the runtime refuses it. */
  load(bytes: Uint8Array): void {
    const x = this.#x;
    this.modelLength = 0;
    const at = this.#call(() => x.wl_model_reserve(bytes.length));
    if (at === 0) throw this.#fail();
    this.memory.set(bytes, at);
    this.modelAt = at;
    this.modelLength = bytes.length;
    if (this.#call(() => x.wl_load(bytes.length)) !== 0) throw this.#fail();
  }

  /** The bytes of each graph input (i) or output (o) tensor, as views on linear memory. */
  tensors(kind: "input" | "output"): Uint8Array[] {
    const x = this.#x;
    const count = kind === "input" ? x.wl_input_count() : x.wl_output_count();
    return Array.from({ length: count }, (_, i) => {
      const t = kind === "input" ? x.wl_input_tensor(i) : x.wl_output_tensor(i);
      return new Uint8Array(x.memory.buffer, x.wl_tensor_data(t), x.wl_tensor_byte_length(t));
    });
  }

  /**
   * One raw ABI call, for tests of the calls' own refusals (a call out of
   * order, a length past the reservation): its result, and the error the
   * runtime recorded, if any.
   */
  raw(call: (x: Exports) => number): { result: number; error?: AbiError } {
    const result = this.#call(() => call(this.#x));
    return this.#x.wl_error_code() === 0 ? { result } : { result, error: this.#fail() };
  }

  invoke(): void {
    if (this.#call(() => this.#x.wl_invoke()) !== 0) throw this.#fail();
  }

  /** Whether the model's bytes in linear memory are still exactly `bytes`. */
  modelIntact(bytes: Uint8Array): boolean {
    const inMemory = this.memory.subarray(this.modelAt, this.modelAt + this.modelLength);
    return this.modelLength === bytes.length && inMemory.every((b, i) => b === bytes[i]);
  }
}
