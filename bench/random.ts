// A small seeded generator (xorshift32) for benchmark weights and inputs:
// uniform in [-1, 1), the same sequence on every run.
export function uniformGenerator(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
}
