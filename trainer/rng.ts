// A seeded random number generator (xoshiro128**), so one seed fixes weight
// initialisation, shuffling and dropout masks: the same seed and data give
// bit-identical weights.

export class Rng {
  #s: Uint32Array;

  constructor(seed: number) {
    // splitmix32 spreads the seed over the four words of state.
    this.#s = new Uint32Array(4);
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** The next 32 random bits. */
  nextU32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextU32() % (i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /**
   * A seed for another generator, drawn from this one's state without
   * advancing it: one per `stream`. Data-parallel training seeds its workers'
   * dropout with these, so the model's own sequence (shuffles, its dropout,
   * augmentation) is the same on any number of threads.
   */
  seedFor(stream: number): number {
    const s = this.#s;
    return (s[0]! ^ rotl(s[1]!, 7) ^ rotl(s[2]!, 13) ^ rotl(s[3]!, 19) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  }

  /** The generator's state, for checkpoints. */
  state(): number[] {
    return Array.from(this.#s);
  }

  restore(state: readonly number[]): void {
    if (state.length !== 4) throw new Error("random state must have 4 words");
    this.#s.set(state);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
