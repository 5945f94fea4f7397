// How the C that wasm2c 1.0.32 writes checks each linear-memory access.
// wasm2c checks `addr + size > mem->size` with a 64-bit address (the u32
// base plus the instruction's static offset): sound, but on a 32-bit core
// every access pays for 64-bit arithmetic (five Thumb-2 instructions).
//
// "checked32" (the default) rewrites the loads and stores to take the base
// and the static offset apart and compare only the base with the memory's
// size, in 32 bits. The offset and the access width then land at most
// maxOffset + 8 bytes past the end, and the host reserves exactly that
// much guard after its linear memory (WASMLITE_GUARD_BYTES), so no access
// can leave the buffer: the sandbox holds. What changes is only which
// out-of-bounds accesses trap: one whose base is inside the memory but whose
// offset carries it past the end reads or writes the guard instead, where
// WebAssembly would trap. The runtime's own verifier never issues such an
// access (every host compares the same output bytes).
//
// "unchecked" drops the check altogether: an explicit option for measuring
// what the checks cost, never the default.
export type BoundsChecks = "wasm2c" | "checked32" | "unchecked";

const LOAD = `#define DEFINE_LOAD(name, t1, t2, t3)                      \\
  static inline t3 name(wasm_rt_memory_t* mem, u64 addr) { \\
    MEMCHECK(mem, addr, t1);                               \\
    t1 result;                                             \\
    wasm_rt_memcpy(&result, &mem->data[addr], sizeof(t1)); \\
    wasm_asm("" ::"r"(result));                            \\
    return (t3)(t2)result;                                 \\
  }`;

const STORE = `#define DEFINE_STORE(name, t1, t2)                                     \\
  static inline void name(wasm_rt_memory_t* mem, u64 addr, t2 value) { \\
    MEMCHECK(mem, addr, t1);                                           \\
    t1 wrapped = (t1)value;                                            \\
    wasm_rt_memcpy(&mem->data[addr], &wrapped, sizeof(t1));            \\
  }`;

const LOAD_32 = `#define DEFINE_LOAD(name, t1, t2, t3)                                    \\
  static inline t3 name(wasm_rt_memory_t* mem, u32 base, u32 offset) {   \\
    WASMLITE_CHECK_BASE(mem, base);                                      \\
    t1 result;                                                           \\
    wasm_rt_memcpy(&result, &WASMLITE_MEMORY[base + offset], sizeof(t1)); \\
    wasm_asm("" ::"r"(result));                                          \\
    return (t3)(t2)result;                                               \\
  }`;

const STORE_32 = `#define DEFINE_STORE(name, t1, t2)                                            \\
  static inline void name(wasm_rt_memory_t* mem, u32 base, u32 offset, t2 value) { \\
    WASMLITE_CHECK_BASE(mem, base);                                            \\
    t1 wrapped = (t1)value;                                                    \\
    wasm_rt_memcpy(&WASMLITE_MEMORY[base + offset], &wrapped, sizeof(t1));     \\
  }`;

/** A load or store's memory operand: `(u64)(base)` or `(u64)(base) + offset`. */
const ACCESS = /&instance->w2c_memory, \(u64\)\((w2c_\w+)\)(?: \+ (\d+)u?)?/g;

/** The widest access (i64/f64) in bytes: the guard covers it past the largest offset. */
const WIDEST = 8;

export interface CheckedSource {
  source: string;
  /** Bytes the host must reserve after the linear memory (0 unless checked32). */
  guardBytes: number;
}

export function rewriteBoundsChecks(source: string, checks: BoundsChecks): CheckedSource {
  if (checks === "wasm2c") return { source, guardBytes: 0 };
  if (!source.includes(LOAD) || !source.includes(STORE)) {
    throw new Error("wasm2c's load/store definitions are not the ones bounds-checks.ts knows (wabt 1.0.32's)");
  }
  let maxOffset = 0;
  let rewritten = source.replace(ACCESS, (_, base: string, offset: string | undefined) => {
    maxOffset = Math.max(maxOffset, Number(offset ?? 0));
    return `&instance->w2c_memory, ${base}, ${offset ?? 0}u`;
  });
  // The base is below the size, at most 2^31: base + offset must not wrap a u32.
  if (maxOffset >= 2 ** 20) throw new Error(`a static offset of ${maxOffset} is too large for a guard region`);
  const guardBytes = checks === "checked32" ? (maxOffset + WIDEST + 15) & ~15 : 0;
  // The accesses name the host's static buffer and its size directly (wasm-rt-mcu.c keeps both): two
  // distinct objects, so the compiler knows a store into the memory cannot change the size, keeps the
  // size in a register across a loop and checks an access in two instructions (compare, branch).
  const check = [
    "extern uint8_t wasm_rt_mcu_linear_memory[];",
    "extern uint32_t wasm_rt_mcu_memory_size;",
    "#define WASMLITE_MEMORY wasm_rt_mcu_linear_memory",
    checks === "checked32"
      ? "#define WASMLITE_CHECK_BASE(mem, base) if (UNLIKELY((base) >= wasm_rt_mcu_memory_size)) TRAP(OOB);"
      : "#define WASMLITE_CHECK_BASE(mem, base)",
  ].join("\n");
  rewritten = rewritten
    .replace(LOAD, `/* wasmlite: bounds checks "${checks}" (devices/mcu/bounds-checks.ts). */\n${check}\n${LOAD_32}`)
    .replace(STORE, STORE_32);
  if (/&instance->w2c_memory, \(u64\)/.test(rewritten)) throw new Error("a memory access was left unrewritten");
  return { source: rewritten, guardBytes };
}
