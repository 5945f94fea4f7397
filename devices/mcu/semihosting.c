/* ARM semihosting on Cortex-M: `bkpt 0xab` with the operation in r0 and its
 * argument in r1. QEMU answers it with -semihosting-config enable=on. */
#include "semihosting.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static uint32_t semihost(uint32_t operation, const void *argument) {
  register uint32_t r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void sh_write(const char *text) { semihost(SYS_WRITE0, text); }

void sh_write_u32(uint32_t value) {
  char digits[11];
  int at = 10;
  digits[at] = 0;
  do {
    digits[--at] = (char)('0' + value % 10);
    value /= 10;
  } while (value);
  sh_write(&digits[at]);
}

/* Hex in chunks, so a long output needs no big buffer. */
void sh_write_hex(const uint8_t *bytes, uint32_t length) {
  static const char HEX[] = "0123456789abcdef";
  char chunk[65];
  uint32_t used = 0;
  for (uint32_t i = 0; i < length; i++) {
    chunk[used++] = HEX[bytes[i] >> 4];
    chunk[used++] = HEX[bytes[i] & 15];
    if (used == 64 || i + 1 == length) {
      chunk[used] = 0;
      sh_write(chunk);
      used = 0;
    }
  }
}

void sh_exit(int code) {
  /* SYS_EXIT_EXTENDED: the reason and the exit code QEMU then exits with. */
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
  semihost(SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}
