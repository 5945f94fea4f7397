// Error codes and the last error message, kept in a fixed static buffer so
// that reporting an error never allocates. The codes are part of the ABI
// (documented in runtime-wasm/README.md); never renumber them.

export const OK: i32 = 0;
/** The host called the ABI out of order or with an out-of-range argument. */
export const ERR_BAD_CALL: i32 = 1;
/** The model needs more memory than the WebAssembly instance can grow to. */
export const ERR_OUT_OF_MEMORY: i32 = 2;
/** The bytes are not a well-formed FlatBuffer (offset, length or vtable out of range). */
export const ERR_MALFORMED: i32 = 3;
/** Well-formed, but inconsistent: bad index, shape, buffer size, option value, arity. */
export const ERR_INVALID_MODEL: i32 = 4;
/** An operator wasmlite does not implement (the message names it). */
export const ERR_UNSUPPORTED_OPERATOR: i32 = 5;
/** A tensor type, or a type combination for an operator, wasmlite does not implement. */
export const ERR_UNSUPPORTED_TYPE: i32 = 6;
/** A model feature wasmlite does not implement (sparse tensors, external buffers, ...). */
export const ERR_UNSUPPORTED_FEATURE: i32 = 7;
/** invoke() or a tensor query before a model was loaded successfully. */
export const ERR_NOT_LOADED: i32 = 8;
/**
 * invoke(): an input holds a value the model cannot take (a GATHER index
 * outside its table); the outputs are not valid.
 */
export const ERR_BAD_INPUT: i32 = 9;

/**
 * An error message: the offset of a length-prefixed ASCII entry in
 * MESSAGE_TABLE. Write messages as string literals where a Message is
 * expected (`fail(code, "text")`); the build's message-table transform
 * (runtime-wasm/builder/message-table.mjs) turns each literal into its offset and
 * fills the table, so messages cost one byte per character, not a UTF-16
 * object each (less: frequent substrings are dictionary codes >= 0x80).
 */
export type Message = u32;

// Filled by the message-table transform at build time.
const MESSAGE_TABLE: usize = memory.data<u8>([0]);

const MESSAGE_CAPACITY: i32 = 512;
const messageBuffer: usize = memory.data(MESSAGE_CAPACITY);
let messageLength: i32 = 0;
let errorCode: i32 = OK;

export function lastErrorCode(): i32 {
  return errorCode;
}
export function messagePointer(): usize {
  return messageBuffer;
}
export function messageBytes(): i32 {
  return messageLength;
}

export function clearError(): void {
  errorCode = OK;
  messageLength = 0;
}

function putByte(b: i32): void {
  if (messageLength < MESSAGE_CAPACITY) {
    store<u8>(messageBuffer + <usize>messageLength, <u8>b);
    messageLength++;
  }
}

/** Starts a new error message. Always returns false so callers can `return fail(...)`. */
export function fail(code: i32, text: Message): bool {
  errorCode = code;
  messageLength = 0;
  say(text);
  return false;
}

/** Appends a message (no allocation). */
export function say(text: Message): void {
  const entry = MESSAGE_TABLE + <usize>text;
  const length = <i32>load<u8>(entry);
  for (let i = 1; i <= length; i++) {
    const b = <i32>load<u8>(entry + <usize>i);
    if (b < 0x80) {
      putByte(b);
      continue;
    }
    // Dictionary entry b - 0x80: the table opens with them, length-prefixed.
    let word = MESSAGE_TABLE;
    for (let k = 0x80; k < b; k++) word += 1 + <usize>load<u8>(word);
    const wordLength = <i32>load<u8>(word);
    for (let k = 1; k <= wordLength; k++) putByte(<i32>load<u8>(word + <usize>k));
  }
}

export function sayInt(value: i64): void {
  if (value < 0) {
    putByte(45); // '-'
    // i64.MIN_VALUE cannot be negated; print it digit by digit from the negative side.
    sayDigits(value, true);
  } else {
    sayDigits(value, false);
  }
}

function sayDigits(value: i64, negative: bool): void {
  let digits: i32 = 0;
  let v = value;
  // Count digits, then write from the most significant one.
  do {
    digits++;
    v /= 10;
  } while (v != 0);
  for (let d = digits - 1; d >= 0; d--) {
    let p = value;
    for (let k = 0; k < d; k++) p /= 10;
    let digit = <i32>(p % 10);
    if (negative) digit = -digit;
    putByte(48 + digit);
  }
}

/** Appends raw bytes from the model (a tensor name); non-printable bytes become '?'. */
export function sayBytes(ptr: usize, length: i32): void {
  const limit = length < 64 ? length : 64;
  for (let i = 0; i < limit; i++) {
    const b = <i32>load<u8>(ptr + <usize>i);
    putByte(b >= 32 && b < 127 ? b : 63);
  }
  if (length > limit) say("...");
}
