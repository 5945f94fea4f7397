// Browser (and any fetch-capable host) convenience: fetches and compiles one
// runtime build, the SIMD one where the engine validates SIMD, else the MVP
// one, from beside this module (../build/, where the package ships them; a
// bundler that understands `new URL(..., import.meta.url)` copies them) or
// from URLs you give. Imports only the runtime API: no Node built-ins.
import { createRuntime, simdSupported, ErrorCode, WasmliteError, type CreateOptions, type Runtime } from "./index.ts";

export interface BrowserCreateOptions extends CreateOptions {
  /** Where wasmlite.wasm is; default: ../build/wasmlite.wasm relative to this module. */
  simdUrl?: string | URL;
  /** Where wasmlite-mvp.wasm is; default: ../build/wasmlite-mvp.wasm relative to this module. */
  mvpUrl?: string | URL;
}

/**
 * Fetches only the build this engine will run (`simd: "auto"`, the default,
 * asks the engine with a one-instruction probe) and instantiates it.
 */
export async function createBrowserRuntime(options: BrowserCreateOptions = {}): Promise<Runtime> {
  const { simdUrl, mvpUrl, ...rest } = options;
  const wantSimd = rest.simd ?? "auto";
  if (wantSimd !== true && wantSimd !== false && wantSimd !== "auto") {
    throw new WasmliteError(ErrorCode.BAD_CALL, `simd must be true, false or "auto", got ${String(wantSimd)}`);
  }
  const simd = wantSimd === "auto" ? simdSupported() : wantSimd;
  const url = simd
    ? new URL(simdUrl ?? "../build/wasmlite.wasm", import.meta.url)
    : new URL(mvpUrl ?? "../build/wasmlite-mvp.wasm", import.meta.url);
  const module = await compileFrom(url);
  return createRuntime(simd ? { simd: module } : { mvp: module }, { ...rest, simd });
}

async function compileFrom(url: URL): Promise<WebAssembly.Module> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`fetching the wasmlite runtime from ${url.href} failed: ${(e as Error).message}`);
  }
  if (!response.ok) {
    throw new Error(`fetching the wasmlite runtime from ${url.href} failed: HTTP ${response.status}`);
  }
  // Streaming compilation needs the server to say application/wasm; many
  // static servers do not, so fall back to compiling the bytes.
  if (response.headers.get("content-type")?.split(";")[0]?.trim() === "application/wasm") {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}
