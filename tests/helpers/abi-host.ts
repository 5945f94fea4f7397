// Drives a runtime build through its raw ABI exports, as a C host does (no
// JS API in between), so a test can see what the JS API hides: where the
// model bytes sit in linear memory, and every tensor's bytes.
import { readFileSync } from "node:fs";
import { SIMD_WASM, MVP_WASM } from "@wasmlite/runtime/node";
import { ErrorCode } from "@wasmlite/runtime";

interface Exports {
  memory: WebAssembly.Memory;
  wl_set_memory_limit(bytes: number): void;
  wl_model_reserve(n: number): number;
  wl_load(n: number): number;
  wl_invoke(): number;
  wl_error_code(): number;
  wl_error_message(): number;
  wl_error_message_length(): number;
  wl_input_count(): number;
  wl_output_count(): number;
  wl_input_tensor(i: number): number;
  wl_output_tensor(i: number): number;
  wl_tensor_data(t: number): number;
  wl_tensor_byte_length(t: number): number;
}

const CODE_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** An ABI call's failure: the error code's name and the runtime's message. */
export class AbiError extends Error {
  constructor(
    readonly codeName: string,
    message: string,
  ) {
    super(`${message} [${codeName}]`);
  }
}

export class AbiHost {
  readonly #x: Exports;
  /** Where the loaded model's bytes are, and how many. */
  modelAt = 0;
  modelLength = 0;

  private constructor(exports: Exports) {
    this.#x = exports;
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
    const at = x.wl_model_reserve(bytes.length);
    if (at === 0) throw this.#fail();
    this.memory.set(bytes, at);
    this.modelAt = at;
    this.modelLength = bytes.length;
    if (x.wl_load(bytes.length) !== 0) throw this.#fail();
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

  invoke(): void {
    if (this.#x.wl_invoke() !== 0) throw this.#fail();
  }

  /** Whether the model's bytes in linear memory are still exactly `bytes`. */
  modelIntact(bytes: Uint8Array): boolean {
    const inMemory = this.memory.subarray(this.modelAt, this.modelAt + this.modelLength);
    return this.modelLength === bytes.length && inMemory.every((b, i) => b === bytes[i]);
  }
}
