// `wasmlite inspect MODEL`: what is in a .tflite file, and what the runtime makes of it.
import { readFile } from "node:fs/promises";
import { readModel } from "@wasmlite/format";
import { createNodeRuntime } from "@wasmlite/runtime/node";
import { WasmliteError } from "@wasmlite/runtime";
import { macsPerInference } from "./macs.ts";

/**
 * Prints the report; returns the exit code: 1 when the runtime refuses the
 * file. A file the runtime finds malformed (truncated, corrupt) gets only the
 * runtime's reason: a table read from broken bytes would be garbage.
 */
export async function inspect(path: string): Promise<number> {
  const bytes = new Uint8Array(await readFile(path));
  const runtime = await createNodeRuntime();
  // The runtime's verdict first (loaded once; the arena figures below come from it).
  let loaded: { arenaBytes: number; arenaLowerBound: number; memoryBytes: number } | WasmliteError;
  try {
    const { arenaBytes, arenaLowerBound, memoryBytes } = runtime.load(bytes);
    loaded = { arenaBytes, arenaLowerBound, memoryBytes };
  } catch (e) {
    if (!(e instanceof WasmliteError)) throw e;
    if (e.codeName === "MALFORMED")
      throw new Error(`${path}: not a valid .tflite model: the runtime refuses it: ${e.message}`);
    loaded = e;
  }
  let m: ReturnType<typeof readModel>;
  try {
    m = readModel(bytes);
  } catch (e) {
    throw new Error(`${path}: not a readable .tflite model (${(e as Error).message})`);
  }
  console.log(
    `${path}: ${bytes.length} bytes, schema version ${m.version}, ${m.operators.length} operators, ${m.tensors.length} tensors`,
  );
  console.log("\noperators:");
  m.operators.forEach((o, i) =>
    console.log(
      `  ${String(i).padStart(3)}  ${o.op.padEnd(28)} in ${JSON.stringify(o.inputs)} out ${JSON.stringify(o.outputs)}`,
    ),
  );
  console.log("\ntensors:");
  // Parameters: constant tensors, except the shape-like operands (new shapes, paddings, axes).
  const shapeLike = new Set(
    m.operators.filter((o) => ["RESHAPE", "PAD", "PADV2", "MEAN"].includes(o.op)).map((o) => o.inputs[1]!),
  );
  let parameters = 0;
  for (const t of m.tensors) {
    if (t.dataBytes > 0 && !shapeLike.has(t.index)) parameters += t.shape.reduce((a, b) => a * b, 1);
    const q =
      t.scale.length === 0
        ? ""
        : t.scale.length === 1
          ? ` scale ${t.scale[0]!.toPrecision(6)} zp ${t.zeroPoint[0]}`
          : ` per-channel (${t.scale.length} scales, axis ${t.quantizedDimension})`;
    const role = m.inputs.includes(t.index)
      ? " [input]"
      : m.outputs.includes(t.index)
        ? " [output]"
        : t.dataBytes > 0
          ? " [const]"
          : "";
    console.log(
      `  ${String(t.index).padStart(3)}  ${t.type.padEnd(8)} ${JSON.stringify(t.shape).padEnd(18)}${q}${role}  ${t.name}`,
    );
  }
  console.log(`\nparameters: ${parameters}`);
  console.log(`multiply-accumulates per inference: ${macsPerInference(m)}`);
  if (loaded instanceof WasmliteError) {
    console.log(`wasmlite runtime: refuses it: ${loaded.message}`);
    return 1;
  }
  console.log(
    `wasmlite runtime: loads; arena ${loaded.arenaBytes} bytes (lower bound ${loaded.arenaLowerBound}), total memory ${loaded.memoryBytes} bytes`,
  );
  const reusing = runtime.load(bytes, { overwriteInputs: true });
  console.log(
    `  with overwriteInputs (TFLM's reuse of input bytes; refill inputs before every invoke): arena ${reusing.arenaBytes} bytes (${loaded.arenaBytes - reusing.arenaBytes} fewer), total memory ${reusing.memoryBytes} bytes`,
  );
  return 0;
}
