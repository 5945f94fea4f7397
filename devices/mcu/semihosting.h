/* ARM semihosting (the debugger, here QEMU, does the I/O): print a string and
 * end the program with an exit code. Only what the conformance app needs. */
#ifndef WASMLITE_SEMIHOSTING_H
#define WASMLITE_SEMIHOSTING_H
#include <stdint.h>

void sh_write(const char *text);
void sh_write_u32(uint32_t value);
void sh_write_hex(const uint8_t *bytes, uint32_t length);
__attribute__((noreturn)) void sh_exit(int code);

#endif
