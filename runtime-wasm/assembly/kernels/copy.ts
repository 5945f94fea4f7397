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
// @ts-ignore: decorator
@inline
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
