// Every object of a .tflite FlatBuffer, found by walking it with the schema
// (format/tflite.fbs): each table, its vtable, each vector and string, with
// its byte extent and the offset that refers to it. The verifier-edge tests
// move one object to the end of a file and cut the file short inside it.
import { readFileSync } from "node:fs";
import { parseFbs } from "../../format/runtime-schema.mjs";

export interface FlatObject {
  kind: "table" | "vtable" | "vector" | "string";
  /** What it is: `Model.subgraphs[0].tensors[3].quantization.scale`. */
  path: string;
  /** Its bytes: [start, end) (a vector's and a string's start at their length prefix; a string's end after its NUL). */
  start: number;
  end: number;
  /** Where the uoffset (or for a vtable, the table's soffset) that refers to it is. */
  refAt: number;
  /**
   * Whether its bytes can move to the end of the file without moving what
   * they point to: vtables, strings, vectors of scalars, and tables with no
   * offset field set (offsets to children are unsigned: they cannot point back).
   */
  movable: boolean;
}

const SCALAR_BYTES: Record<string, number> = {
  bool: 1,
  byte: 1,
  ubyte: 1,
  int8: 1,
  uint8: 1,
  short: 2,
  ushort: 2,
  int16: 2,
  uint16: 2,
  int: 4,
  uint: 4,
  float: 4,
  int32: 4,
  uint32: 4,
  long: 8,
  ulong: 8,
  double: 8,
  int64: 8,
  uint64: 8,
};

const schema = parseFbs(readFileSync(new URL("../../format/tflite.fbs", import.meta.url), "utf8"));
const tables = new Map(schema.tables.map((t) => [t.name, t]));
const enums = new Map(schema.enums.map((e) => [e.name, e]));
const unions = new Map(schema.unions.map((u) => [u.name, u]));

function scalarBytes(type: string): number | undefined {
  return SCALAR_BYTES[type] ?? (enums.has(type) ? SCALAR_BYTES[enums.get(type)!.base] : undefined);
}

/** The objects of `bytes` (a model our writer built, so well formed), root first. */
export function flatObjects(bytes: Uint8Array): FlatObject[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  const out: FlatObject[] = [];

  const table = (name: string, at: number, refAt: number, path: string): void => {
    const def = tables.get(name);
    if (!def) throw new Error(`flatObjects: no table ${name} in tflite.fbs`);
    const vtable = at - view.getInt32(at, true);
    const vtableBytes = view.getUint16(vtable, true);
    const tableBytes = view.getUint16(vtable + 2, true);
    const self: FlatObject = { kind: "table", path, start: at, end: at + tableBytes, refAt, movable: true };
    const vtableEnd = vtable + vtableBytes;
    out.push(self, {
      kind: "vtable",
      path: `${path} (vtable)`,
      start: vtable,
      end: vtableEnd,
      refAt: at,
      movable: true,
    });
    // Field ids as the runtime schema counts them: a union takes two, its type then its value.
    let id = 0;
    const fieldAt = (fieldId: number): number => {
      const slot = 4 + 2 * fieldId;
      if (slot + 2 > vtableBytes) return 0;
      const offset = view.getUint16(vtable + slot, true);
      return offset === 0 ? 0 : at + offset;
    };
    for (const f of def.fields) {
      const union = unions.get(f.type);
      if (union) {
        const typeAt = fieldAt(id++);
        const valueAt = fieldAt(id++);
        if (valueAt === 0) continue;
        const member = union.members.find((m) => m.value === bytes[typeAt]);
        if (!member) throw new Error(`flatObjects: ${path}.${f.name}: union type ${bytes[typeAt]}`);
        self.movable = false;
        table(member.name, valueAt + u32(valueAt), valueAt, `${path}.${f.name}`);
        continue;
      }
      const p = fieldAt(id++);
      if (p === 0) continue;
      const scalar = scalarBytes(f.type);
      if (!f.vector && scalar !== undefined) continue;
      self.movable = false;
      const target = p + u32(p);
      if (!f.vector && f.type === "string") {
        const end = target + 4 + u32(target) + 1;
        out.push({ kind: "string", path: `${path}.${f.name}`, start: target, end, refAt: p, movable: true });
      } else if (!f.vector) {
        table(f.type, target, p, `${path}.${f.name}`);
      } else {
        const n = u32(target);
        const element = scalar ?? 4;
        const end = target + 4 + n * element;
        const movable = scalar !== undefined;
        out.push({ kind: "vector", path: `${path}.${f.name}`, start: target, end, refAt: p, movable });
        if (scalar !== undefined) continue;
        for (let i = 0; i < n; i++) {
          const e = target + 4 + 4 * i;
          const child = e + u32(e);
          const name = `${path}.${f.name}[${i}]`;
          if (f.type !== "string") table(f.type, child, e, name);
          else
            out.push({
              kind: "string",
              path: name,
              start: child,
              end: child + 4 + u32(child) + 1,
              refAt: e,
              movable: true,
            });
        }
      }
    }
  };
  table("Model", u32(0), 0, "Model");
  return out;
}

/**
 * A copy of `bytes` with object `o` copied to the end (at the same position
 * modulo 16, so its alignment holds) and what refers to it pointed at the
 * copy: the file then ends exactly where `o` ends. Only movable objects.
 */
export function movedToEnd(bytes: Uint8Array, o: FlatObject): Uint8Array {
  if (!o.movable) throw new Error(`movedToEnd: ${o.path} cannot move (it holds offsets to children)`);
  let at = bytes.length;
  at += (((o.start - at) % 16) + 16) % 16;
  const out = new Uint8Array(at + (o.end - o.start));
  out.set(bytes);
  out.set(bytes.subarray(o.start, o.end), at);
  const view = new DataView(out.buffer);
  if (o.kind === "vtable") {
    view.setInt32(o.refAt, o.refAt - at, true); // the table's soffset: table - vtable
  } else {
    view.setUint32(o.refAt, at - o.refAt, true);
    if (o.kind === "table") {
      // The moved table keeps its vtable: its soffset is relative to itself.
      const vtable = o.start - view.getInt32(o.start, true);
      view.setInt32(at, at - vtable, true);
    }
  }
  return out;
}
