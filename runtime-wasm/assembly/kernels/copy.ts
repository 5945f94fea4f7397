// Copies and fills for the small, frequent moves of im2col (one tap is often
// 1 to 64 bytes). memory.copy/memory.fill cost a call each (a runtime call in
// V8, a polyfill loop in the MVP build), which dominates for tiny sizes, so
// small sizes use plain loads and stores.

const SMALL: usize = 64;

// @ts-ignore: decorator
@inline
export function copyBytes(dst: usize, src: usize, bytes: usize): void {
  if (bytes >= SMALL) {
    memory.copy(dst, src, bytes);
    return;
  }
  let i: usize = 0;
  for (; i + 8 <= bytes; i += 8) store<u64>(dst + i, load<u64>(src + i));
  if (i + 4 <= bytes) {
    store<u32>(dst + i, load<u32>(src + i));
    i += 4;
  }
  for (; i < bytes; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** Fills `count` elements of `size` bytes (1, 2 or 4) with the low bits of `value`. */
export function fillElements(dst: usize, value: u32, size: usize, count: usize): void {
  if (size == 1) {
    if (count >= SMALL) {
      memory.fill(dst, <u8>value, count);
      return;
    }
    for (let i: usize = 0; i < count; i++) store<u8>(dst + i, <u8>value);
  } else if (size == 2) {
    for (let i: usize = 0; i < count; i++) store<u16>(dst + (i << 1), <u16>value);
  } else {
    for (let i: usize = 0; i < count; i++) store<u32>(dst + (i << 2), value);
  }
}

/**
 * dst[i] = src[i] sign-extended to int16, i < count (SIMD build: eight at a
 * time, the last eight ending exactly at count, rewriting some with the same
 * values, so nothing past count is read or written).
 */
export function widenInt8(dst: usize, src: usize, count: usize): void {
  if (ASC_FEATURE_SIMD && count >= 8) {
    for (let i: usize = 0; ; i += 8) {
      const at = min(i, count - 8);
      v128.store(dst + (at << 1), v128.load8x8_s(src + at));
      if (at == count - 8) return;
    }
  }
  for (let i: usize = 0; i < count; i++) store<i16>(dst + (i << 1), <i16>load<i8>(src + i));
}
