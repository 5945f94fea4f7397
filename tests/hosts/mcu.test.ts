// The microcontroller host (devices/mcu/): wasm2c's C translation of the MVP
// build, with our bare-metal wasm-rt, on an emulated Cortex-M3 (QEMU's
// mps2-an385, -icount shift=0). The whole conformance set gives Node's MVP
// output bytes; the trainer's int8 MLP export gives Node's bytes on real
// digits; a memory too small, a corrupt model and a runtime without room
// for its static data all end in the runtime's error, not a fault.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { haveTool } from "../helpers/system.ts";
import { mnistMlp } from "../helpers/trained.ts";
import { lenet } from "../helpers/cnn.ts";
import { FIXTURES_DIR, fixtureBytes } from "../helpers/fixtures.ts";
import { exportTflite } from "../../trainer/export/tflite.ts";
import { slice } from "@wasmlite/trainer";
import { mnistSplit } from "../../cli/data/mnist.ts";
import { readModel } from "@wasmlite/format";
import { macsPerInference } from "../../cli/macs.ts";
import { createNodeRuntime } from "@wasmlite/runtime/node";
import { quantizeValue } from "@wasmlite/runtime";
import { buildApp, compileRuntime, runApp, seededApp, type McuApp, type McuRun } from "../../devices/mcu/build.ts";
import { buildTailoredRuntime } from "@wasmlite/runtime-builder";
import {
  CONFORMANCE_CASES,
  runCase,
  sha256Hex,
  tensorBytes,
  type ConformanceCase,
} from "../../devices/conformance/cases.ts";

const available = [
  haveTool("wasm2c", "wabt"),
  haveTool("arm-none-eabi-gcc", "gcc-arm-none-eabi"),
  haveTool("/usr/lib/arm-none-eabi/newlib", "libnewlib-arm-none-eabi"),
  haveTool("qemu-system-arm", "qemu-system-arm"),
].every(Boolean);

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MCU_DIR = join(ROOT, "devices/mcu");
/** The conformance case as an app: the same seeded inputs every host gets, the memory Node says it needs. */
async function conformanceApp(c: ConformanceCase): Promise<{ app: McuApp; digest: string; macs: number }> {
  const { app, loaded } = await seededApp(fixtureBytes(c.path), c.name);
  const { digest } = await runCase(c, loaded);
  return { app, digest, macs: macsPerInference(readModel(app.model)) };
}

/** The digest runCase gives, of what the app printed: every output of every invocation, in order. */
const digestOf = (ran: McuRun) => sha256Hex(new Uint8Array(Buffer.concat(ran.outputs.flat())));

describe.skipIf(!available)("the microcontroller host: wasm2c + Cortex-M3 under QEMU", () => {
  let work: string;
  const report: string[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "wasmlite-mcu-"));
  });

  afterAll(() => {
    if (report.length) {
      console.log(
        ["| model | flash | RAM | instructions per invoke | per MAC |", "|---|---:|---:|---:|---:|", ...report].join(
          "\n",
        ),
      );
    }
    rmSync(work, { recursive: true, force: true });
  });

  it("runs the whole conformance set with Node's output bytes (MVP build)", async () => {
    for (const c of CONFORMANCE_CASES) {
      const { app, digest, macs } = await conformanceApp(c);
      const build = buildApp(app, work, `case-${CONFORMANCE_CASES.indexOf(c)}`);
      const ran = runApp(build.elf);
      expect([c.name, ran.exitCode, ran.log]).toEqual([c.name, 0, expect.stringMatching(/\ndone\n/)]);
      expect(await digestOf(ran), c.name).toBe(digest);
      expect(ran.memoryBytes, "the runtime uses exactly the memory Node reported").toBe(app.memoryBytes);
      const perInvoke = ran.instructions[0]!;
      report.push(
        `| ${c.name} | ${build.flash} | ${build.ram} | ${perInvoke} | ${macs ? (perInvoke / macs).toFixed(2) : "-"} |`,
      );
      if (c.name === "kws int8") {
        // MLPerf Tiny's keyword spotter fits the target microcontroller: 256 KB flash, 128 KB RAM (stack included).
        expect(build.flash).toBeLessThanOrEqual(256 * 1024);
        expect(build.ram).toBeLessThanOrEqual(128 * 1024);
        // QEMU's -icount shift=0 makes the count deterministic: the same invoke twice gives the same count, ±1 tick.
        expect(Math.abs(ran.instructions[1]! - perInvoke)).toBeLessThanOrEqual(2000);
      }
    }
  }, 300_000);

  it("runs the trainer's int8 MLP export on real digits with Node's output bytes", async () => {
    const { model, digits } = mnistMlp(4000, 4);
    const calibration = slice(digits, 0, 300);
    const bytes = exportTflite(model, { kind: "int8", calibration });
    const loaded = (await createNodeRuntime({ simd: false })).load(bytes);
    const input = loaded.inputs[0]!;
    const test = mnistSplit().test;
    const inputs = Array.from({ length: 4 }, (_, k) => {
      const q = Int8Array.from(test.x.subarray(k * 784, (k + 1) * 784), (v) =>
        quantizeValue(v, input.scale, input.zeroPoint, "int8"),
      );
      return [new Uint8Array(q.buffer)];
    });
    const expected = inputs.map(([q]) => {
      tensorBytes(input).set(q!);
      loaded.invoke();
      return tensorBytes(loaded.outputs[0]!).slice();
    });
    const build = buildApp({ model: bytes, inputs, memoryBytes: loaded.memoryBytes }, work, "mlp");
    const ran = runApp(build.elf);
    expect(ran.exitCode, ran.log).toBe(0);
    expect(ran.outputs.map((o) => Array.from(o[0]!))).toEqual(expected.map((e) => Array.from(e)));
    const macs = macsPerInference(readModel(bytes));
    const perMac = (ran.instructions[0]! / macs).toFixed(2);
    report.push(`| MNIST MLP int8 (trainer) | ${build.flash} | ${build.ram} | ${ran.instructions[0]} | ${perMac} |`);
  }, 120_000);

  it("a model too large for the configured memory fails to load with the runtime's error, not a fault", async () => {
    const kws = CONFORMANCE_CASES.find((c) => c.name === "kws int8")!;
    const { app } = await conformanceApp(kws);
    const build = buildApp({ ...app, memoryBytes: 64 * 1024 }, work, "kws-64k");
    const ran = runApp(build.elf);
    expect([ran.exitCode, ran.log.trim()]).toEqual([
      2,
      expect.stringMatching(/^error wl_model_reserve code=2: model needs \d+ bytes of memory, more than the limit of/),
    ]);
  });

  it("a corrupt model and a memory too small for the runtime's own data end in clear errors", async () => {
    const hello = CONFORMANCE_CASES.find((c) => c.name === "hello_world int8")!;
    const { app } = await conformanceApp(hello);
    const truncated = buildApp({ ...app, model: app.model.slice(0, 900) }, work, "truncated");
    const corrupt = runApp(truncated.elf);
    expect([corrupt.exitCode, corrupt.log]).toEqual([2, expect.stringMatching(/^error wl_load code=3: /)]);
    const cramped = runApp(buildApp({ ...app, memoryBytes: 4096 }, work, "cramped").elf);
    expect([cramped.exitCode, cramped.log]).toEqual([
      2,
      expect.stringMatching(/^error instantiate: a linear memory of 4096 bytes cannot hold the runtime's static data/),
    ]);
  });

  it("-Os against -O2 on the keyword spotter: same bytes, flash and instructions reported", async () => {
    const kws = CONFORMANCE_CASES.find((c) => c.name === "kws int8")!;
    const { app, digest, macs } = await conformanceApp(kws);
    const lines: string[] = [];
    for (const optimization of ["O2", "Os"] as const) {
      const build = buildApp(app, work, "kws", { optimization });
      const ran = runApp(build.elf);
      expect(await digestOf(ran)).toBe(digest);
      lines.push(
        `-${optimization}: flash ${build.flash}, RAM ${build.ram}, ${ran.instructions[0]} instructions per invoke ` +
          `(${(ran.instructions[0]! / macs).toFixed(2)} per MAC)`,
      );
    }
    console.log(`kws int8 on the Cortex-M3: ${lines.join("; ")}`);
  }, 120_000);

  it("a tailored runtime (only kws's operators and kernel types) gives the same bytes in less flash", async () => {
    const kws = CONFORMANCE_CASES.find((c) => c.name === "kws int8")!;
    const { app, digest } = await conformanceApp(kws);
    const tailoredDir = join(work, "tailored-kws");
    await buildTailoredRuntime({ models: [join(FIXTURES_DIR, kws.path)], ops: [], out: tailoredDir });
    const full = buildApp(app, work, "kws-full");
    const tailored = buildApp(app, work, "kws-tailored", { mvpWasm: join(tailoredDir, "wasmlite-mvp.wasm") });
    const ran = runApp(tailored.elf);
    expect(ran.exitCode, ran.log).toBe(0);
    expect(await digestOf(ran)).toBe(digest);
    console.log(
      `kws int8 on the Cortex-M3, -O2: flash ${full.flash} with the full runtime, ${tailored.flash} tailored ` +
        `(${(full.flash - tailored.flash).toLocaleString("en")} bytes less); RAM ${full.ram} / ${tailored.ram}`,
    );
    expect(tailored.flash).toBeLessThan(full.flash);
  }, 300_000);

  it("LeNet-5 int8 (the writer's, until the trainer exports one) with a tailored runtime: Node's bytes in 128 KB of flash", async () => {
    const lenetModel = lenet("int8", 7);
    const { app, loaded } = await seededApp(lenetModel.bytes, "LeNet-5 int8");
    const expected = app.inputs.map(([bytes]) => {
      tensorBytes(loaded.inputs[0]!).set(bytes!);
      loaded.invoke();
      return Array.from(tensorBytes(loaded.outputs[0]!));
    });
    const modelFile = join(work, "lenet-int8.tflite");
    writeFileSync(modelFile, lenetModel.bytes);
    const tailoredDir = join(work, "tailored-lenet");
    await buildTailoredRuntime({ models: [modelFile], ops: [], out: tailoredDir });
    const build = buildApp(app, work, "lenet-tailored", { mvpWasm: join(tailoredDir, "wasmlite-mvp.wasm") });
    const ran = runApp(build.elf);
    expect(ran.exitCode, ran.log).toBe(0);
    expect(ran.outputs.map((o) => Array.from(o[0]!))).toEqual(expected);
    const macs = macsPerInference(readModel(lenetModel.bytes));
    console.log(
      `LeNet-5 int8, tailored runtime, -O2: flash ${build.flash}, RAM ${build.ram} (linear memory ${loaded.memoryBytes}), ` +
        `${ran.instructions[0]} instructions per invoke (${(ran.instructions[0]! / macs).toFixed(2)} per MAC)`,
    );
    // The flash budget for LeNet-5 int8. Its 64 KB RAM goal is out of reach while the runtime reads
    // the model from its linear memory: the copy alone is 71 KB (devices/mcu/README.md, "Memory").
    expect(build.flash).toBeLessThanOrEqual(128 * 1024);
    // What the host adds to the linear memory: the 16 KiB stack, the instance, the guard, tables (18,416 seen).
    expect(build.ram - loaded.memoryBytes).toBeLessThanOrEqual(19 * 1024);
  }, 300_000);

  it("checked32 bounds checks (the default) trap every access with its base outside the memory, same bytes", async () => {
    // The probe calls the rewritten loads and stores from inside the runtime's C.
    const runtimeDir = compileRuntime(work);
    const elf = join(work, "bounds-probe.elf");
    const sources = [join(MCU_DIR, "wasm-rt-mcu.c"), join(MCU_DIR, "startup.c"), join(MCU_DIR, "semihosting.c")];
    execFileSync("arm-none-eabi-gcc", [
      "-mcpu=cortex-m3", "-mthumb", "-O2", "-DNDEBUG", "-DWASMLITE_MEMORY_BYTES=65536u",
      "-I", runtimeDir, "-I", MCU_DIR, join(ROOT, "tests/mcu/bounds-probe.c"), ...sources,
      "-nostartfiles", "--specs=nano.specs", "-T", join(MCU_DIR, "mps2-an385.ld"), "-lm", "-o", elf,
    ]); // prettier-ignore
    const ran = runApp(elf);
    expect(ran.exitCode, ran.log).toBe(0);
    expect(ran.log.trim().split("\n")).toEqual([
      "load at 0: passed",
      "load of the last 4 bytes: passed",
      "i64 load of the last 8 bytes: passed",
      "load at the size: trapped",
      "store at the size: trapped",
      "load far past the size: trapped",
      "store at 2^32 - 4: trapped",
      "load with a base past the end and offset 0: trapped",
      "load from the last byte with offset 16: passed",
    ]);

    const kws = CONFORMANCE_CASES.find((c) => c.name === "kws int8")!;
    const { app, digest, macs } = await conformanceApp(kws);
    const lines: string[] = [];
    for (const bounds of ["wasm2c", "checked32", "unchecked"] as const) {
      const build = buildApp(app, work, `kws-${bounds}`, { bounds });
      const kwsRun = runApp(build.elf);
      expect(await digestOf(kwsRun), bounds).toBe(digest);
      const perMac = (kwsRun.instructions[0]! / macs).toFixed(2);
      lines.push(`${bounds}: flash ${build.flash}, ${kwsRun.instructions[0]} instructions (${perMac} per MAC)`);
    }
    console.log(`kws int8 on the Cortex-M3, -O2, by bounds checks: ${lines.join("; ")}`);
  }, 300_000);
});
