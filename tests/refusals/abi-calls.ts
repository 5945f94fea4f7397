// The ABI calls' own refusals (runtime-wasm/assembly/index.ts, layout.ts): a
// call before any load, a load longer than its reservation, the memory limit
// reached while reserving and while loading. No model file reaches them; a
// host calling out of order or under a tight limit does. The refusal suite
// runs this sequence on every build; the corpus collector runs it to know
// what it reaches.
import { BuiltinOperator } from "@wasmlite/format";
import type { AbiHost } from "../helpers/abi-host.ts";
import { unary } from "../helpers/models.ts";

/** Each step's error, numbers replaced by # (the checked build's red zones move the memory figures). */
export interface AbiRefusal {
  step: string;
  code: string;
  message: string;
}

export const EXPECTED_ABI_REFUSALS: AbiRefusal[] = [
  {
    step: "wl_load of 17 bytes after wl_model_reserve of 16",
    code: "BAD_CALL",
    message: "wl_load: # bytes is more than the # reserved with wl_model_reserve",
  },
  { step: "wl_invoke with no model loaded", code: "NOT_LOADED", message: "wl_invoke: no model is loaded" },
  { step: "wl_reset_state with no model loaded", code: "NOT_LOADED", message: "wl_reset_state: no model is loaded" },
  {
    step: "wl_model_reserve past the memory limit",
    code: "OUT_OF_MEMORY",
    message: "model needs # bytes of memory, more than the limit of #",
  },
  {
    step: "wl_load with room for the model's bytes but not for what loading allocates",
    code: "OUT_OF_MEMORY",
    message: "model needs # bytes of memory, more than the limit of #",
  },
];

/** Runs the sequence on `host` (its memory limit is `limit` before and after); each step's error, or none. */
export function abiRefusals(host: AbiHost, limit: number): (AbiRefusal | { step: string; error: "none" })[] {
  const model = unary({ op: BuiltinOperator.RELU, inKind: "float32", outKind: "float32", shape: [4], seed: 1 }).bytes;
  const out: (AbiRefusal | { step: string; error: "none" })[] = [];
  const step = (name: string, call: Parameters<AbiHost["raw"]>[0]) => {
    const { error } = host.raw(call);
    out.push(
      error
        ? { step: name, code: error.codeName, message: error.text.replace(/\d+/g, "#") }
        : { step: name, error: "none" },
    );
  };
  if (host.raw((x) => x.wl_model_reserve(16)).error) throw new Error("wl_model_reserve(16) failed");
  step(EXPECTED_ABI_REFUSALS[0]!.step, (x) => x.wl_load(17));
  step(EXPECTED_ABI_REFUSALS[1]!.step, (x) => x.wl_invoke());
  step(EXPECTED_ABI_REFUSALS[2]!.step, (x) => x.wl_reset_state());
  const modelAt = host.raw((x) => x.wl_model_reserve(model.length)).result;
  host.raw((x) => (x.wl_set_memory_limit(modelAt + model.length), 0));
  step(EXPECTED_ABI_REFUSALS[3]!.step, (x) => x.wl_model_reserve(model.length + 1));
  if (host.raw((x) => x.wl_model_reserve(model.length)).result !== modelAt) throw new Error("the model moved");
  host.memory.set(model, modelAt);
  step(EXPECTED_ABI_REFUSALS[4]!.step, (x) => x.wl_load(model.length));
  host.raw((x) => (x.wl_set_memory_limit(limit), 0));
  return out;
}
