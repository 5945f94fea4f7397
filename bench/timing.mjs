// Latency by batches: time K calls together and divide, repeat, take the
// median. (Browsers coarsen performance.now() far beyond a microsecond, and
// one call of a small model is about that long, so single calls cannot be
// timed.) Plain JavaScript, because the same function is also sent to the
// browser page as source text (bench/browser.ts).
export async function timeCalls(fn, minBatchMs = 25, batches = 15, warmUpMs = 300) {
  const now = () => performance.now();
  // Warm up (caches, JIT) for a while, not a fixed count: V8 and Chromium
  // first run WebAssembly from a baseline compiler (Liftoff) and move hot
  // functions to the optimising one (TurboFan) only after they have run
  // enough, which for a call of ~50 us takes hundreds of calls. Twenty
  // calls measured wasmlite's LeNet-5 at ~100 us where it settles at ~57.
  const warmStart = now();
  for (let i = 0; i < 20 || now() - warmStart < warmUpMs; i++) await fn();
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
  return { medianUs: perCall[perCall.length >> 1], fastestUs: perCall[0], calls: k * batches };
}

// Several functions timed in alternating rounds: each round times every
// function once (timeCalls with fewer batches), and each function's result
// is the median over rounds. On a shared VM whose speed drifts over seconds,
// this puts every runtime under the same mix of fast and slow moments,
// where timing them one after the other lets the drift decide the ratio.
// fastestUs is a function's fastest round (its least disturbed figure).
export async function timeInRounds(fns, rounds = 7, minBatchMs = 25, batches = 5) {
  const perRound = fns.map(() => []);
  const calls = fns.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < fns.length; i++) {
      // Only the first round warms up (see timeCalls).
      const t = await timeCalls(fns[i], minBatchMs, batches, r === 0 ? undefined : 0);
      perRound[i].push(t.medianUs);
      calls[i] += t.calls;
    }
  }
  return perRound.map((times, i) => {
    times.sort((a, b) => a - b);
    return { medianUs: times[times.length >> 1], fastestUs: times[0], calls: calls[i] };
  });
}
