/* The wasm-rt functions wasm2c's output calls, for a bare-metal host with no
 * heap: linear memory is one static buffer of WASMLITE_MEMORY_BYTES, fixed at
 * build time; a trap longjmps back to the host (wasm_rt_trap must not return)
 * instead of calling abort().
 *
 * WebAssembly memory grows in 64 KiB pages and the module declares no maximum.
 * A grow is granted while any byte of the new page is backed by the buffer;
 * the memory's `size`, which every bounds check reads, stays the buffer's
 * length, so an access past the buffer traps (OOB) even inside a granted page.
 * The host also sets the runtime's own limit to the buffer's length
 * (wl_set_memory_limit), so a model too large fails to load with
 * OUT_OF_MEMORY rather than reaching that trap. With checked32 bounds checks
 * (devices/mcu/bounds-checks.ts) WASMLITE_GUARD_BYTES follow the memory. */
#include <stdarg.h>
#include <string.h>
#include "wasm-rt.h"
#include "wasm-rt-mcu.h"
#include "wasmlite-bounds.h" /* WASMLITE_GUARD_BYTES, written with the runtime's C (devices/mcu/bounds-checks.ts) */

#ifndef WASMLITE_MEMORY_BYTES
#error "define WASMLITE_MEMORY_BYTES: the linear memory this build reserves"
#endif

#define PAGE 65536u

/* The guard after the memory is where a checked32 access's static offset may land: never part of `size`. */
uint8_t wasm_rt_mcu_linear_memory[WASMLITE_MEMORY_BYTES + WASMLITE_GUARD_BYTES] __attribute__((aligned(16)));
/* The memory's size in bytes, as `size` of its wasm_rt_memory_t: the rewritten accesses read this one. */
uint32_t wasm_rt_mcu_memory_size;
static bool initialized;
jmp_buf wasm_rt_mcu_trap_target;

#if WASM_RT_USE_STACK_DEPTH_COUNT
uint32_t wasm_rt_call_stack_depth;
#endif

const uint32_t wasm_rt_mcu_memory_bytes = WASMLITE_MEMORY_BYTES;

void wasm_rt_init(void) { initialized = true; }
bool wasm_rt_is_initialized(void) { return initialized; }
void wasm_rt_free(void) { initialized = false; }

void wasm_rt_trap(wasm_rt_trap_t trap) {
#if WASM_RT_USE_STACK_DEPTH_COUNT
  wasm_rt_call_stack_depth = 0;
#endif
  longjmp(wasm_rt_mcu_trap_target, trap == WASM_RT_TRAP_NONE ? -1 : (int)trap);
}

/* Function types, compared by signature: call_indirect checks them. */
#define MAX_TYPES 64
#define MAX_VALUES 16
static struct {
  uint32_t params, results;
  wasm_rt_type_t types[MAX_VALUES];
} func_types[MAX_TYPES];
static uint32_t func_type_count;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  wasm_rt_type_t types[MAX_VALUES];
  if (params + results > MAX_VALUES) wasm_rt_trap(WASM_RT_TRAP_CALL_INDIRECT);
  va_list args;
  va_start(args, results);
  for (uint32_t i = 0; i < params + results; i++) types[i] = (wasm_rt_type_t)va_arg(args, int);
  va_end(args);
  for (uint32_t t = 0; t < func_type_count; t++) {
    if (func_types[t].params == params && func_types[t].results == results &&
        memcmp(func_types[t].types, types, (params + results) * sizeof types[0]) == 0)
      return t + 1;
  }
  if (func_type_count == MAX_TYPES) wasm_rt_trap(WASM_RT_TRAP_CALL_INDIRECT);
  func_types[func_type_count].params = params;
  func_types[func_type_count].results = results;
  memcpy(func_types[func_type_count].types, types, (params + results) * sizeof types[0]);
  return ++func_type_count;
}

static uint32_t backed_bytes(uint32_t pages) {
  uint64_t bytes = (uint64_t)pages * PAGE;
  return bytes < WASMLITE_MEMORY_BYTES ? (uint32_t)bytes : WASMLITE_MEMORY_BYTES;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
  memory->data = wasm_rt_mcu_linear_memory;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
  memory->size = wasm_rt_mcu_memory_size = backed_bytes(initial_pages);
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
  uint32_t old_pages = memory->pages;
  uint64_t new_pages = (uint64_t)old_pages + delta;
  if (new_pages > memory->max_pages || (new_pages > 0 && (new_pages - 1) * PAGE >= WASMLITE_MEMORY_BYTES))
    return (uint32_t)-1;
  memory->pages = (uint32_t)new_pages;
  memory->size = wasm_rt_mcu_memory_size = backed_bytes(memory->pages);
  return old_pages;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) { (void)memory; }

const char *wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE: return "no trap";
    case WASM_RT_TRAP_OOB: return "out-of-bounds memory access";
#if !WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
    case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
#endif
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid float-to-integer conversion";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT: return "invalid call_indirect";
    default: return "trap";
  }
}
