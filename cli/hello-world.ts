// The main job for now (until the trainer lands): TFLM's hello_world sine
// model, float32 and int8, through the wasmlite runtime.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createNodeRuntime } from "@wasmlite/runtime/node";

const MODELS = fileURLToPath(new URL("./models/", import.meta.url));

export async function helloWorld(runs: number): Promise<void> {
  const runtime = await createNodeRuntime();
  console.log(`wasmlite runtime: ${runtime.simd ? "SIMD" : "MVP (no SIMD)"} build`);
  for (const variant of ["float", "int8"]) {
    const bytes = new Uint8Array(await readFile(`${MODELS}hello_world_${variant}.tflite`));
    const model = runtime.load(bytes);
    console.log(
      `\nhello_world_${variant}.tflite: ${bytes.length} bytes, arena ${model.arenaBytes} bytes (lower bound ${model.arenaLowerBound})`,
    );
    console.log("      x   sin(x)  predicted   |error|");
    let worst = 0;
    for (const x of [0, 0.5, 1, 1.5, 2, 3, 4, 5, 6]) {
      const y = model.predict(new Float32Array([x]))[0]![0]!;
      // TFLM's own test checks these four points against a tolerance of 0.05.
      if ([0, 1, 3, 5].includes(x)) worst = Math.max(worst, Math.abs(y - Math.sin(x)));
      console.log(
        `  ${x.toFixed(2).padStart(5)}  ${Math.sin(x).toFixed(4).padStart(7)}  ${y.toFixed(4).padStart(9)}  ${Math.abs(
          y - Math.sin(x),
        )
          .toFixed(4)
          .padStart(8)}`,
      );
    }
    // Latency: write the input view directly and invoke, as an app would.
    const input = model.inputs[0]!;
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      if (input.dtype === "float32") (input.data as Float32Array)[0] = (r % 628) / 100;
      else (input.data as Int8Array)[0] = (r % 256) - 128;
      const t0 = performance.now();
      model.invoke();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1]! * 1000;
    console.log(
      `  TFLM's check (x = 0, 1, 3, 5): max |error| ${worst.toFixed(4)} ${worst <= 0.05 ? "<=" : "> (FAILS)"} 0.05; median latency ${median.toFixed(2)} µs per invoke over ${runs} runs`,
    );
  }
}
