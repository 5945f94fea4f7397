// Deterministic model mutations for fuzzing the verifier: byte flips,
// truncations, swapped offsets, huge lengths, out-of-range indices.

/** xorshift32: small, fast, reproducible from a seed. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.#s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#s = x >>> 0;
    return this.#s;
  }
  below(n: number): number {
    return this.next() % n;
  }
}

export const MUTATIONS = ["flip", "truncate", "swap-offsets", "huge-length", "bad-index", "vtable", "append"] as const;
export type Mutation = (typeof MUTATIONS)[number];

export function mutate(original: Uint8Array, kind: Mutation, rng: Rng): Uint8Array {
  const m = original.slice();
  const view = new DataView(m.buffer);
  const word = () => rng.below(Math.max(1, (m.length >> 2) - 1)) * 4;
  switch (kind) {
    case "flip": {
      const n = 1 + rng.below(8);
      for (let i = 0; i < n; i++) m[rng.below(m.length)] = rng.below(256);
      return m;
    }
    case "truncate":
      return m.slice(0, rng.below(m.length));
    case "swap-offsets": {
      const a = word();
      const b = word();
      const va = view.getUint32(a, true);
      view.setUint32(a, view.getUint32(b, true), true);
      view.setUint32(b, va, true);
      return m;
    }
    case "huge-length": {
      const values = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, m.length, m.length + 1];
      view.setUint32(word(), values[rng.below(values.length)]!, true);
      return m;
    }
    case "bad-index": {
      const values = [-2, -1, 0, 1, 2, 3, 255, 256, 1000, 65535, 65536, 0x7fffffff];
      view.setInt32(word(), values[rng.below(values.length)]!, true);
      return m;
    }
    case "vtable": {
      const at = rng.below(Math.max(1, (m.length >> 1) - 1)) * 2;
      view.setUint16(at, rng.below(4) === 0 ? 0xffff : rng.below(64), true);
      return m;
    }
    case "append": {
      const extra = new Uint8Array(1 + rng.below(64)).map(() => rng.below(256));
      const out = new Uint8Array(m.length + extra.length);
      out.set(m);
      out.set(extra, m.length);
      return out;
    }
  }
}
