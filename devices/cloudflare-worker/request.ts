// The /predict request body, read up to a limit, to the model's input
// values, or a RequestError that says what is wrong: a JSON array of finite
// numbers, or raw little-endian float32 bytes, exactly as many values as the
// input holds.
import type { TensorInfo } from "@wasmlite/runtime";

/** Bodies over this size are refused (413), without reading them all. */
export const MAX_BODY_BYTES = 4 << 20;

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseInput(contentType: string | null, body: Uint8Array, input: TensorInfo): Float32Array {
  const expected = input.data.length;
  const what = `input '${input.name}' takes ${expected} values (shape [${input.shape.join(", ")}])`;
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  let values: Float32Array;
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch (e) {
      throw new RequestError(400, `the body is not JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new RequestError(400, `the body must be a JSON array of numbers; ${what}`);
    const bad = parsed.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) {
      throw new RequestError(
        400,
        `value ${bad} is ${JSON.stringify(parsed[bad])}; every value must be a finite number`,
      );
    }
    values = Float32Array.from(parsed as number[]);
  } else if (type === "application/octet-stream") {
    if (body.length % 4 !== 0) {
      throw new RequestError(400, `a raw body is little-endian float32: ${body.length} bytes is not a multiple of 4`);
    }
    const view = new DataView(body.buffer, body.byteOffset, body.length);
    values = Float32Array.from({ length: body.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RequestError(400, `value ${bad} is ${values[bad]}; every value must be a finite number`);
  } else {
    throw new RequestError(
      415,
      `content-type '${contentType ?? ""}': send application/json (an array of numbers) ` +
        "or application/octet-stream (float32, little-endian)",
    );
  }
  if (values.length !== expected) throw new RequestError(400, `${values.length} values given; ${what}`);
  return values;
}

/** The body, refused (413) once over MAX_BODY_BYTES: by its declared length before reading, else while reading. */
export async function readBody(request: Request): Promise<Uint8Array> {
  const tooLarge = () => new RequestError(413, `body over ${MAX_BODY_BYTES} bytes`);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let length = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > MAX_BODY_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(length);
  chunks.reduce((at, chunk) => (body.set(chunk, at), at + chunk.length), 0);
  return body;
}
