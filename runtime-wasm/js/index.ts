// wasmlite's JavaScript/TypeScript host API. Imports only the operator-name
// table beside it (plain JavaScript, no dependencies): hand it the .wasm
// (bytes or a precompiled WebAssembly.Module, which Cloudflare Workers
// require) and model bytes; get typed-array views straight onto the
// runtime's memory (zero copy) and invoke().

import { builtinOperatorName } from "./operator-names.mjs";

/** Error codes of the ABI (runtime-wasm/README.md). */
export const ErrorCode = {
  BAD_CALL: 1,
  OUT_OF_MEMORY: 2,
  MALFORMED: 3,
  INVALID_MODEL: 4,
  UNSUPPORTED_OPERATOR: 5,
  UNSUPPORTED_TYPE: 6,
  UNSUPPORTED_FEATURE: 7,
  NOT_LOADED: 8,
  BAD_INPUT: 9,
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;

const CODE_NAMES = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]),
);

/** Every failure the runtime reports, with the ABI's error code. */
export class WasmliteError extends Error {
  readonly code: number;
  readonly codeName: ErrorCodeName | "UNKNOWN";
  constructor(code: number, message: string) {
    const codeName = CODE_NAMES.get(code) ?? "UNKNOWN";
    super(`${message} [${codeName}]`);
    this.name = "WasmliteError";
    this.code = code;
    this.codeName = codeName;
  }
}

export type DType = "float32" | "int32" | "uint8" | "int64" | "bool" | "int16" | "int8";
type View = Float32Array | Int32Array | Uint8Array | BigInt64Array | Int16Array | Int8Array;

const DTYPES: Record<number, DType> = {
  0: "float32",
  2: "int32",
  3: "uint8",
  4: "int64",
  6: "bool",
  7: "int16",
  9: "int8",
};

export interface TensorInfo {
  /** Index of the tensor in the model's subgraph. */
  readonly index: number;
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Quantization scale (0 when the tensor is not quantized). */
  readonly scale: number;
  readonly zeroPoint: number;
  readonly byteLength: number;
  /**
   * A view straight onto the runtime's memory: write inputs here, read
   * outputs here. Inputs keep their values through invoke() (unless the
   * model was loaded with `overwriteInputs`), so invoking again reruns the
   * same input.
   */
  readonly data: View;
}

export interface LoadOptions {
  /**
   * Let the arena reuse the inputs' bytes once the operators reading them are
   * done, as TFLite Micro does: a smaller arena (Model.arenaBytes), but every
   * invoke() leaves the inputs overwritten, so write all of them again before
   * each invoke() (predict() does). Default false: inputs survive invoke().
   */
  overwriteInputs?: boolean;
}

interface Exports {
  memory: WebAssembly.Memory;
  wl_abi_version(): number;
  wl_simd(): number;
  wl_set_memory_limit(bytes: number): void;
  wl_set_overwrite_inputs(enabled: number): void;
  wl_model_reserve(n: number): number;
  wl_load(n: number): number;
  wl_invoke(): number;
  wl_reset_state(): number;
  wl_error_code(): number;
  wl_error_message(): number;
  wl_error_message_length(): number;
  wl_arena_bytes(): number;
  wl_arena_lower_bound(): number;
  wl_memory_bytes(): number;
  wl_input_count(): number;
  wl_output_count(): number;
  wl_input_tensor(i: number): number;
  wl_output_tensor(i: number): number;
  wl_tensor_data(t: number): number;
  wl_tensor_byte_length(t: number): number;
  wl_tensor_type(t: number): number;
  wl_tensor_rank(t: number): number;
  wl_tensor_dim(t: number, d: number): number;
  wl_tensor_scale(t: number): number;
  wl_tensor_zero_point(t: number): number;
  wl_tensor_name(t: number): number;
  wl_tensor_name_length(t: number): number;
}

const SUPPORTED_ABI = 1;

// The smallest module using a SIMD instruction: one function `() -> ()` whose
// body is v128.const 0; drop; end. It validates only where SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // "\0asm", version 1
  0x01,
  0x04,
  0x01,
  0x60,
  0x00,
  0x00, // type section: one type, () -> ()
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x17,
  0x01,
  0x15,
  0x00, // code section (23 bytes): one body of 21 bytes, no locals
  0xfd,
  0x0c,
  ...new Array<number>(16).fill(0), // v128.const i32x4 0 0 0 0
  0x1a,
  0x0b, // drop, end
]);

/** True if this JavaScript engine can run the SIMD build. */
export function simdSupported(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

export interface RuntimeSources {
  /** The SIMD build (wasmlite.wasm): bytes or a compiled module. */
  simd?: BufferSource | WebAssembly.Module;
  /** The MVP build (wasmlite-mvp.wasm): bytes or a compiled module. */
  mvp?: BufferSource | WebAssembly.Module;
}

export interface CreateOptions {
  /** "auto" (default) uses SIMD when the engine supports it and the SIMD build was given. */
  simd?: boolean | "auto";
  /**
   * Most linear memory (bytes) a model may make the runtime use; a model that
   * needs more fails to load with OUT_OF_MEMORY. Default: no cap below 4 GiB.
   */
  memoryLimitBytes?: number;
}

/** Instantiates a runtime. Each runtime holds one loaded model at a time. */
export async function createRuntime(sources: RuntimeSources, options: CreateOptions = {}): Promise<Runtime> {
  const wantSimd = options.simd ?? "auto";
  let source: BufferSource | WebAssembly.Module | undefined;
  if (wantSimd === true) {
    if (!sources.simd) throw new WasmliteError(ErrorCode.BAD_CALL, "simd: true but no SIMD build was given");
    source = sources.simd;
  } else if (wantSimd === false) {
    if (!sources.mvp) throw new WasmliteError(ErrorCode.BAD_CALL, "simd: false but no MVP build was given");
    source = sources.mvp;
  } else {
    source = sources.simd && simdSupported() ? sources.simd : sources.mvp;
    if (!source) throw new WasmliteError(ErrorCode.BAD_CALL, "no runtime build usable on this engine was given");
  }
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  const instance = await WebAssembly.instantiate(module, {});
  const runtime = new Runtime(instance.exports as unknown as Exports);
  if (options.memoryLimitBytes !== undefined) runtime.setMemoryLimit(options.memoryLimitBytes);
  return runtime;
}

export class Runtime {
  readonly #x: Exports;
  #current: Model | undefined;

  constructor(exports: Exports) {
    this.#x = exports;
    const abi = exports.wl_abi_version();
    if (abi !== SUPPORTED_ABI) {
      throw new WasmliteError(ErrorCode.BAD_CALL, `runtime ABI version ${abi}, this API speaks ${SUPPORTED_ABI}`);
    }
  }

  /** True if this instance runs the SIMD build. */
  get simd(): boolean {
    return this.#x.wl_simd() === 1;
  }

  /** Caps the memory later loads may grow to (bytes; 0 = no cap below 4 GiB). */
  setMemoryLimit(bytes: number): void {
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > 0xffffffff) {
      throw new WasmliteError(
        ErrorCode.BAD_CALL,
        `memory limit must be an integer number of bytes in [0, 2^32), got ${bytes}`,
      );
    }
    this.#x.wl_set_memory_limit(bytes);
  }

  /** The runtime's linear memory (its size is fixed after load). */
  get memory(): WebAssembly.Memory {
    return this.#x.memory;
  }

  /**
   * Verifies and loads a .tflite model. The previous model of this runtime is
   * unloaded, and its tensor views become invalid.
   */
  load(modelBytes: Uint8Array, options: LoadOptions = {}): Model {
    if (!(modelBytes instanceof Uint8Array)) throw new TypeError("load() expects the model as a Uint8Array");
    const overwriteInputs = options.overwriteInputs ?? false;
    if (typeof overwriteInputs !== "boolean") throw new TypeError("load(): overwriteInputs must be true or false");
    this.#current?.invalidate();
    this.#current = undefined;
    const x = this.#x;
    x.wl_set_overwrite_inputs(overwriteInputs ? 1 : 0);
    const ptr = x.wl_model_reserve(modelBytes.byteLength);
    if (ptr === 0) throw this.#error();
    new Uint8Array(x.memory.buffer, ptr, modelBytes.byteLength).set(modelBytes);
    if (x.wl_load(modelBytes.byteLength) !== 0) throw this.#error();
    this.#current = new Model(x, () => this.#error(), overwriteInputs);
    return this.#current;
  }

  #error(): WasmliteError {
    const x = this.#x;
    const bytes = new Uint8Array(x.memory.buffer, x.wl_error_message(), x.wl_error_message_length());
    return new WasmliteError(x.wl_error_code(), nameOperators(new TextDecoder().decode(bytes)));
  }
}

/**
 * A tailored build names only its own operators (names cost bytes there);
 * it reports the others by code, `builtin operator #39`, and this puts the
 * schema's name in: `TRANSPOSE`.
 */
function nameOperators(message: string): string {
  return message.replace(/builtin operator #(\d+)/g, (_, code: string) => builtinOperatorName(Number(code)));
}

export class Model {
  readonly #x: Exports;
  readonly #error: () => WasmliteError;
  #valid = true;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Bytes of tensor arena planned for this model. */
  readonly arenaBytes: number;
  /** The largest total of simultaneously live tensor bytes: the best any plan could do. */
  readonly arenaLowerBound: number;
  /** Total linear memory needed (static data, model bytes, tables, arena). */
  readonly memoryBytes: number;
  /** Loaded with `overwriteInputs`: invoke() overwrites the inputs; refill them before every invoke(). */
  readonly overwritesInputs: boolean;

  /** @internal Created by Runtime.load(). */
  constructor(x: Exports, error: () => WasmliteError, overwritesInputs: boolean) {
    this.#x = x;
    this.#error = error;
    this.overwritesInputs = overwritesInputs;
    this.arenaBytes = x.wl_arena_bytes();
    this.arenaLowerBound = x.wl_arena_lower_bound();
    this.memoryBytes = x.wl_memory_bytes();
    this.inputs = Array.from({ length: x.wl_input_count() }, (_, i) => describe(x, x.wl_input_tensor(i)));
    this.outputs = Array.from({ length: x.wl_output_count() }, (_, i) => describe(x, x.wl_output_tensor(i)));
  }

  /** @internal */
  invalidate(): void {
    this.#valid = false;
  }

  #check(): void {
    if (!this.#valid)
      throw new WasmliteError(ErrorCode.NOT_LOADED, "this model was unloaded by a later load() on the same runtime");
  }

  /**
   * Runs the model on whatever the input views hold. Allocates nothing. The
   * inputs are left as they were, unless the model was loaded with
   * `overwriteInputs`.
   */
  invoke(): void {
    this.#check();
    if (this.#x.wl_invoke() !== 0) throw this.#error();
  }

  /** Resets recurrent state (variable tensors) as TFLite does: int8 to its zero point, others to zero. */
  resetState(): void {
    this.#check();
    if (this.#x.wl_reset_state() !== 0) throw this.#error();
  }

  /**
   * Convenience: takes float inputs (one array per model input, or one array
   * for a single-input model), quantises them with each input's scale and
   * zero point, invokes, and returns the outputs dequantised to floats. An
   * int32 input without quantisation (token ids) takes whole numbers, as an
   * Int32Array or floats.
   */
  predict(inputs: InputValues | readonly InputValues[]): Float32Array[] {
    this.#check();
    const list = inputs instanceof Float32Array || inputs instanceof Int32Array ? [inputs] : inputs;
    if (list.length !== this.inputs.length) {
      throw new WasmliteError(ErrorCode.BAD_CALL, `model has ${this.inputs.length} inputs, ${list.length} given`);
    }
    list.forEach((values, i) => writeFloats(this.inputs[i]!, values, i));
    this.invoke();
    return this.outputs.map(readFloats);
  }
}

function describe(x: Exports, index: number): TensorInfo {
  const type = x.wl_tensor_type(index);
  const dtype = DTYPES[type];
  if (!dtype)
    throw new WasmliteError(
      ErrorCode.UNSUPPORTED_TYPE,
      `tensor ${index} has type ${type}, which the JS API cannot view`,
    );
  const shape = Array.from({ length: x.wl_tensor_rank(index) }, (_, d) => x.wl_tensor_dim(index, d));
  const byteLength = x.wl_tensor_byte_length(index);
  const ptr = x.wl_tensor_data(index);
  const buffer = x.memory.buffer;
  const nameBytes = new Uint8Array(buffer, x.wl_tensor_name(index), x.wl_tensor_name_length(index));
  return {
    index,
    name: new TextDecoder().decode(nameBytes),
    dtype,
    shape,
    scale: x.wl_tensor_scale(index),
    zeroPoint: x.wl_tensor_zero_point(index),
    byteLength,
    data: view(dtype, buffer, ptr, byteLength),
  };
}

function view(dtype: DType, buffer: ArrayBuffer, ptr: number, byteLength: number): View {
  switch (dtype) {
    case "float32":
      return new Float32Array(buffer, ptr, byteLength / 4);
    case "int32":
      return new Int32Array(buffer, ptr, byteLength / 4);
    case "int64":
      return new BigInt64Array(buffer, ptr, byteLength / 8);
    case "int16":
      return new Int16Array(buffer, ptr, byteLength / 2);
    case "int8":
      return new Int8Array(buffer, ptr, byteLength);
    case "uint8":
    case "bool":
      return new Uint8Array(buffer, ptr, byteLength);
  }
}

const RANGES: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint8: [0, 255],
  int32: [-2147483648, 2147483647],
};

/** TFLite's quantisation: zero_point + round(x / scale), half away from zero, clamped. */
export function quantizeValue(x: number, scale: number, zeroPoint: number, dtype: DType): number {
  const range = RANGES[dtype];
  if (!range) throw new WasmliteError(ErrorCode.UNSUPPORTED_TYPE, `cannot quantise to ${dtype}`);
  const q = Math.fround(Math.fround(x) / Math.fround(scale));
  const r = Math.sign(q) * Math.round(Math.abs(q)) + zeroPoint;
  return Math.min(range[1], Math.max(range[0], Number.isNaN(r) ? zeroPoint : r));
}

/** What predict() takes for one input. */
export type InputValues = Float32Array | Int32Array;

function writeFloats(t: TensorInfo, values: InputValues, i: number): void {
  const n = t.data.length;
  if (values.length !== n) {
    throw new WasmliteError(
      ErrorCode.BAD_CALL,
      `input ${i} '${t.name}' has ${n} elements [${t.shape.join(",")}], ${values.length} given`,
    );
  }
  if (t.dtype === "float32") {
    (t.data as Float32Array).set(values);
  } else if (t.scale > 0 && (t.dtype === "int8" || t.dtype === "int16" || t.dtype === "uint8")) {
    const out = t.data as Int8Array | Int16Array | Uint8Array;
    for (let k = 0; k < n; k++) out[k] = quantizeValue(values[k]!, t.scale, t.zeroPoint, t.dtype);
  } else if (t.dtype === "int32" && !(t.scale > 0)) {
    const out = t.data as Int32Array;
    for (let k = 0; k < n; k++) {
      const v = values[k]!;
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)
        throw new WasmliteError(
          ErrorCode.BAD_CALL,
          `input ${i} '${t.name}' takes whole numbers (int32); element ${k} is ${v}`,
        );
      out[k] = v;
    }
  } else {
    throw new WasmliteError(
      ErrorCode.UNSUPPORTED_TYPE,
      `predict() cannot fill input ${i} of type ${t.dtype}${t.scale > 0 ? "" : " without quantization"}; write its data view directly`,
    );
  }
}

function readFloats(t: TensorInfo): Float32Array {
  if (t.dtype === "float32") return Float32Array.from(t.data as Float32Array);
  if (t.dtype === "int64" || t.dtype === "bool") {
    throw new WasmliteError(
      ErrorCode.UNSUPPORTED_TYPE,
      `predict() cannot convert output '${t.name}' of type ${t.dtype}; read its data view directly`,
    );
  }
  const src = t.data as Int8Array | Int16Array | Uint8Array | Int32Array;
  const out = new Float32Array(src.length);
  // TFLite's dequantisation: float(double(scale) * (q - zero_point)).
  const scale = t.scale > 0 ? t.scale : 1;
  const zp = t.scale > 0 ? t.zeroPoint : 0;
  for (let k = 0; k < src.length; k++) out[k] = scale * (src[k]! - zp);
  return out;
}
