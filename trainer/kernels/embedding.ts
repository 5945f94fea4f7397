// Embedding lookup, forward and backward: token ids (whole numbers stored as
// floats, as every sample is) pick rows of a table [vocabulary, width].
//   forward:  out[r] = table[ids[r]]
//   backward: dtable[ids[r]] += dy[r]   (a row used twice gets both gradients)
// The forward pass checks each id: NaN, fractions and ids outside the table
// are reported, never read.

/**
 * Copies the table rows of n ids into out [n, width]; returns the position
 * of the first id that is not a whole number in [0, vocabulary), or -1.
 */
export function embeddingForward(ids: usize, table: usize, out: usize, n: i32, width: i32, vocabulary: i32): i32 {
  const row = (<usize>width) << 2;
  for (let r = 0; r < n; r++) {
    const v = load<f32>(ids + ((<usize>r) << 2));
    if (!(v >= 0 && v < <f32>vocabulary)) return r; // NaN fails both comparisons
    const id = <i32>v;
    if (<f32>id != v) return r;
    memory.copy(out + <usize>r * row, table + <usize>id * row, row);
  }
  return -1;
}

/** dtable[ids[r]] += dy[r] for n ids (checked by the forward pass), four columns at a time. */
export function embeddingBackward(ids: usize, dy: usize, dtable: usize, n: i32, width: i32): void {
  const row = (<usize>width) << 2;
  for (let r = 0; r < n; r++) {
    const to = dtable + <usize>(<i32>load<f32>(ids + ((<usize>r) << 2))) * row;
    const from = dy + <usize>r * row;
    let j = 0;
    for (; j + 4 <= width; j += 4) {
      const at = (<usize>j) << 2;
      v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)));
    }
    for (; j < width; j++) {
      const at = (<usize>j) << 2;
      store<f32>(to + at, load<f32>(to + at) + load<f32>(from + at));
    }
  }
}
