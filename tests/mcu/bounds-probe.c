/* Probes the checked32 bounds checks of devices/mcu/bounds-checks.ts from
 * inside the runtime's own C (it includes wasmlite.c, so it calls the
 * rewritten load and store functions directly): which accesses trap, which
 * pass. Prints one line per probe; tests/hosts/mcu.test.ts reads them. */
#include "wasmlite.c"
#include "wasm-rt-mcu.h"
#include "semihosting.h"

static Z_wasmlite_instance_t instance;

static void probe(const char *name, int kind, u32 base, u32 offset) {
  wasm_rt_memory_t *memory = &instance.w2c_memory;
  sh_write(name);
  if (setjmp(wasm_rt_mcu_trap_target) == 0) {
    if (kind == 0) (void)i32_load(memory, base, offset);
    if (kind == 1) i32_store(memory, base, offset, 0x5a5a5a5au);
    if (kind == 2) (void)i64_load(memory, base, offset);
    sh_write(": passed\n");
  } else {
    sh_write(": trapped\n");
  }
}

int main(void) {
  wasm_rt_init();
  Z_wasmlite_init_module();
  Z_wasmlite_instantiate(&instance);
  u32 size = instance.w2c_memory.size;
  probe("load at 0", 0, 0, 0);
  probe("load of the last 4 bytes", 0, size - 4, 0);
  probe("i64 load of the last 8 bytes", 2, size - 8, 0);
  probe("load at the size", 0, size, 0);
  probe("store at the size", 1, size, 0);
  probe("load far past the size", 0, 0x7ffffff0u, 0);
  probe("store at 2^32 - 4", 1, 0xfffffffcu, 0);
  probe("load with a base past the end and offset 0", 0, size + 1, 0);
  /* The one deviation from WebAssembly: a base inside the memory whose static
   * offset carries the access past the end lands in the guard, not a trap. */
  probe("load from the last byte with offset 16", 0, size - 1, 16);
  return 0;
}
