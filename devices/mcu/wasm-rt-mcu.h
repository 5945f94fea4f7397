/* What the host needs from wasm-rt-mcu.c beyond wasm-rt.h. */
#ifndef WASMLITE_WASM_RT_MCU_H
#define WASMLITE_WASM_RT_MCU_H
#include <setjmp.h>
#include <stdint.h>

/* setjmp() on this before calling into the module: a trap longjmps here with the wasm_rt_trap_t. */
extern jmp_buf wasm_rt_mcu_trap_target;
/* The static linear memory's length (WASMLITE_MEMORY_BYTES). */
extern const uint32_t wasm_rt_mcu_memory_bytes;

#endif
