// Latency by batches: time K calls together and divide, repeat, take the
// median. (Browsers coarsen performance.now() far beyond a microsecond, and
// one call of a small model is about that long, so single calls cannot be
// timed.) Plain JavaScript, because the same function is also sent to the
// browser page as source text (bench/browser.ts).
export async function timeCalls(fn, minBatchMs = 25, batches = 15) {
  const now = () => performance.now();
  for (let i = 0; i < 20; i++) await fn(); // warm up (JIT, caches)
  let k = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < k; i++) await fn();
    if (now() - t0 >= minBatchMs || k >= 1 << 24) break;
    k *= 2;
  }
  const perCall = [];
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < k; i++) await fn();
    perCall.push(((now() - t0) * 1000) / k);
  }
  perCall.sort((a, b) => a - b);
  return { medianUs: perCall[perCall.length >> 1], calls: k * batches };
}
