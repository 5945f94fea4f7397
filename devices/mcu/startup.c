/* Cortex-M3 startup for QEMU's mps2-an385 board: the vector table, a reset
 * handler that copies .data from flash and clears .bss before main(), and
 * fault handlers that report and exit instead of hanging. */
#include <stdint.h>
#include <string.h>
#include "semihosting.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
int main(void);

__attribute__((noreturn)) void Reset_Handler(void) {
  memcpy(&__data_start, &__data_load, (uintptr_t)&__data_end - (uintptr_t)&__data_start);
  memset(&__bss_start, 0, (uintptr_t)&__bss_end - (uintptr_t)&__bss_start);
  sh_exit(main());
}

__attribute__((noreturn)) static void Fault_Handler(void) {
  sh_write("fault: the processor took a fault exception (hard fault, memory, bus or usage)\n");
  sh_exit(4);
}

/* Initial stack pointer, then the handlers: reset, NMI, hard fault, memory
 * management, bus fault, usage fault. The rest are unused here. */
__attribute__((section(".vectors"), used)) static const void *const VECTORS[] = {
    &__stack_top, Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
};
