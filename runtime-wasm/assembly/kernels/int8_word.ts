// Four int8 in one little-endian u32 (WebAssembly memory's byte order),
// taken apart with shifts that sign-extend: byte k of v is bits 8k..8k+7.
// The MVP build's int8 inner loops load a word and split it instead of
// loading four bytes: one load, and one bounds check where a host checks
// each access (wasm2c on a microcontroller), instead of four.

// @ts-ignore: decorator
@inline
export function byte0(v: u32): i32 {
  return (<i32>(v << 24)) >> 24;
}

// @ts-ignore: decorator
@inline
export function byte1(v: u32): i32 {
  return (<i32>(v << 16)) >> 24;
}

// @ts-ignore: decorator
@inline
export function byte2(v: u32): i32 {
  return (<i32>(v << 8)) >> 24;
}

// @ts-ignore: decorator
@inline
export function byte3(v: u32): i32 {
  return (<i32>v) >> 24;
}
