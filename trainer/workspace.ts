// One WebAssembly memory holds every training buffer (parameters, gradients,
// activations, optimiser state) for a whole run, so the SIMD kernels work in
// place: no copies between JS and WASM per step. Buffers are float32 ranges
// handed out by a bump allocator; JS reads and writes them through views.
// The kernels (kernels/, AssemblyScript) are called through `kernels`, typed
// by the interface their build writes from their own exports: a Buf where a
// kernel takes an address (null for "none"), numbers for the rest.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Pointer, TrainerKernels } from "./kernels/build/trainer-kernels.js";

/** A float32 range in the workspace: `offset` and `length` in elements. */
export interface Buf {
  readonly offset: number;
  readonly length: number;
}

type KernelArgument<P> = P extends Pointer ? Buf | null : P;
type Callable<F> = F extends (...args: infer A) => infer R
  ? (...args: { [I in keyof A]: KernelArgument<A[I]> }) => R
  : never;
/** Every kernel, taking buffers where it takes addresses. */
export type Kernels = { [K in Exclude<keyof TrainerKernels, "memory" | "heapBase">]: Callable<TrainerKernels[K]> };

/** The kernels of one instance, each converting its Buf arguments to byte addresses (null: 0). */
function bindKernels(k: TrainerKernels): Kernels {
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(k)) {
    if (typeof fn !== "function" || name === "heapBase") continue;
    bound[name] = (...args: (number | Buf | null)[]) => {
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (typeof a !== "number") args[i] = a === null ? 0 : a.offset * 4;
      }
      return (fn as (...n: number[]) => unknown)(...(args as number[]));
    };
  }
  return bound as Kernels;
}

/** Floats [from, from + length) of a buffer, as a buffer of its own (no copy). */
export function part(b: Buf, from: number, length: number): Buf {
  if (from < 0 || length < 0 || from + length > b.length)
    throw new Error(`workspace: part [${from}, ${from + length}) of a buffer of ${b.length} floats`);
  return { offset: b.offset + from, length };
}

const KERNELS = fileURLToPath(new URL("./kernels/build/trainer-kernels.wasm", import.meta.url));
let compiled: WebAssembly.Module | undefined;

export class Workspace {
  readonly #k: TrainerKernels;
  /** The kernels, run in place on this workspace's buffers. */
  readonly kernels: Kernels;
  #next: number; // in float elements
  #view: Float32Array;

  constructor() {
    try {
      compiled ??= new WebAssembly.Module(readFileSync(KERNELS));
    } catch (e) {
      throw new Error(`trainer kernels not built (${KERNELS}): run 'npm run build' (${(e as Error).message})`);
    }
    this.#k = new WebAssembly.Instance(compiled, {}).exports as unknown as TrainerKernels;
    this.kernels = bindKernels(this.#k);
    // Start past the module's own static data, 16-byte aligned.
    const base = this.#k.heapBase();
    this.#next = Math.ceil(base / 16) * 4;
    this.#view = new Float32Array(this.#k.memory.buffer);
  }

  /** A new zeroed buffer of n floats (16-byte aligned). */
  alloc(n: number): Buf {
    if (!Number.isInteger(n) || n < 0) throw new Error(`workspace: cannot allocate ${n} floats`);
    const offset = this.#next;
    const next = offset + Math.ceil(n / 4) * 4;
    const needBytes = next * 4;
    const memory = this.#k.memory;
    if (needBytes > memory.buffer.byteLength) {
      const pages = Math.ceil((needBytes - memory.buffer.byteLength) / 65536);
      try {
        memory.grow(pages);
      } catch {
        throw new Error(
          `workspace: training buffers need ${(needBytes / 2 ** 20).toFixed(1)} MiB, more than WebAssembly memory allows`,
        );
      }
    }
    this.#next = next; // only now: a refused allocation leaves the workspace as it was
    const b = { offset, length: n };
    // Zeroed: memory released by release() is handed out again holding what it held.
    this.f32(b).fill(0);
    return b;
  }

  /** Where the next allocation starts; release(mark) frees everything after it. */
  mark(): number {
    return this.#next;
  }

  release(mark: number): void {
    this.#next = mark;
  }

  /** The buffer's contents (a live view; do not keep it across alloc()). */
  f32(b: Buf): Float32Array {
    if (this.#view.buffer !== this.#k.memory.buffer) this.#view = new Float32Array(this.#k.memory.buffer);
    return this.#view.subarray(b.offset, b.offset + b.length);
  }

  /** A buffer's memory as unsigned 32-bit integers (row orders). */
  u32(b: Buf): Uint32Array {
    return new Uint32Array(this.#k.memory.buffer, b.offset * 4, b.length);
  }
}
