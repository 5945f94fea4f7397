// Mutants of the hosts: the browser, the Cloudflare Worker, the microcontroller: see mutants.ts.
import type { Mutant } from "./definition.ts";
import { BROWSER, WORKER, MCU, PARALLEL } from "./definition.ts";

export const HOST_MUTANTS: Mutant[] = [
  // --- the browser host ---
  {
    id: "browser-entry-never-falls-back",
    file: "runtime-wasm/js/browser.ts",
    find: 'const simd = wantSimd === "auto" ? simdSupported() : wantSimd;',
    replace: 'const simd = wantSimd === "auto" ? true : wantSimd;',
    bug: "the browser entry fetches the SIMD build without asking the engine, so engines without SIMD fail to load",
    build: "none",
    tests: [BROWSER],
  },
  {
    id: "digit-image-not-centred-by-mass",
    file: "devices/browser/digit-image.ts",
    find: "const dx = Math.round((SIDE - 1) / 2 - mx / mass);",
    replace: "const dx = 0;",
    bug: "the demo centres a drawing by its bounding box only, not by its centre of mass as MNIST was made",
    build: "none",
    tests: [BROWSER],
  },
  // --- the Cloudflare Worker host ---
  {
    id: "worker-skips-length-check",
    file: "devices/cloudflare-worker/request.ts",
    find: "if (values.length !== expected) throw new RequestError(400,",
    replace: "if (false) throw new RequestError(400,",
    bug: "the Worker hands a wrongly sized input to the runtime, which answers a 500 instead of a 400 naming the sizes",
    build: "none",
    tests: [WORKER],
  },
  {
    id: "worker-raw-body-big-endian",
    file: "devices/cloudflare-worker/request.ts",
    find: "view.getFloat32(4 * i, true)",
    replace: "view.getFloat32(4 * i)",
    bug: "the Worker reads a raw float32 body big-endian",
    build: "none",
    tests: [WORKER],
  },
  // --- the microcontroller host ---
  {
    id: "mcu-no-memory-limit",
    file: "devices/mcu/main.c",
    find: "RT(wl_set_memory_limit)(&instance, wasm_rt_mcu_memory_bytes);",
    replace: "",
    bug: "the MCU host never tells the runtime how much memory its static buffer holds",
    build: "none",
    tests: [MCU],
  },
  {
    id: "mcu-hex-nibbles-swapped",
    file: "devices/mcu/semihosting.c",
    find: "chunk[used++] = HEX[bytes[i] >> 4];\n    chunk[used++] = HEX[bytes[i] & 15];",
    replace: "chunk[used++] = HEX[bytes[i] & 15];\n    chunk[used++] = HEX[bytes[i] >> 4];",
    bug: "the MCU host prints each output byte's nibbles in the wrong order",
    build: "none",
    tests: [MCU],
  },
  {
    id: "mcu-bounds-check-off-by-one",
    file: "devices/mcu/bounds-checks.ts",
    find: "if (UNLIKELY((base) >= wasm_rt_mcu_memory_size)) TRAP(OOB);",
    replace: "if (UNLIKELY((base) > wasm_rt_mcu_memory_size)) TRAP(OOB);",
    bug: "the MCU's 32-bit bounds check lets an access start exactly at the memory's end",
    build: "none",
    tests: [MCU],
  },
  {
    id: "parallel-shares-weighted-equally",
    file: "trainer/data-parallel.ts",
    find: "ws.kernels.axpyUpdate(r.rows / batch, scratch, p.grad, p.grad.length);",
    replace: "ws.kernels.axpyUpdate(1 / this.threads, scratch, p.grad, p.grad.length);",
    bug: "data-parallel training averages the threads' gradients as if every share had the same rows",
    build: "none",
    tests: [PARALLEL],
  },
  {
    id: "parallel-worker-gets-callers-rows",
    file: "trainer/data-parallel.ts",
    find: "let start = rows[0]!;",
    replace: "let start = 0;",
    bug: "a training thread is handed the caller's rows of the batch instead of its own share",
    build: "none",
    tests: [PARALLEL],
  },
  {
    id: "parallel-worker-misses-look-ahead",
    file: "trainer/model.ts",
    find: "const own = parallel.begin(input, target, batch, this.rng);",
    replace:
      "c.optimizer.restore();\n        const own = parallel.begin(input, target, batch, this.rng);\n        c.optimizer.lookAhead();",
    bug: "the training threads take Nesterov's gradient at the parameters, not at the look-ahead point",
    build: "none",
    tests: [PARALLEL],
  },
  {
    id: "parallel-worker-loss-dropped",
    file: "trainer/data-parallel.ts",
    find: "loss += r.loss[0]! * r.rows;",
    replace: "loss += 0 * r.rows;",
    bug: "the epoch's loss counts only the caller's share of each batch",
    build: "none",
    tests: [PARALLEL],
  },
];
