// AssemblyScript compiler transform: stores the runtime's error messages as
// one compact table of length-prefixed ASCII instead of one UTF-16 string
// object per literal.
//
// Why: every string literal AssemblyScript compiles becomes its own data
// segment holding a 20-byte object header and two bytes per character. The
// runtime has some 500 message literals (it never uses strings for anything
// else), which cost about 19 KB of a 64 KiB binary budget. As a table they
// cost one byte per character plus one length byte.
//
// The table is further compressed with a dictionary of up to 128 frequent
// substrings ("must be ", " tensor", ...) chosen greedily by bytes saved: in
// a message, a byte >= 0x80 stands for dictionary entry (byte - 0x80). The
// dictionary's length-prefixed entries open the table; status.ts expands
// them when it writes a message.
//
// What it does, after parsing and before type checking:
//   - every string literal in the runtime's own sources (not ~lib; not the
//     field names given to offsetof<T>("field"); not import or export paths) is
//     replaced by an integer: the literal's offset in the table (identical
//     messages share an entry). Such parameters are typed `Message` (an alias
//     of u32, see assembly/status.ts), so a literal used as a real `string`
//     somewhere fails to compile instead of silently changing meaning;
//   - the placeholder `memory.data<u8>([0])` that initialises
//     MESSAGE_TABLE in assembly/status.ts receives the table's bytes.
// The build fails on messages that are not printable ASCII, longer than 255
// bytes, template literals, or a table too big for 16-bit offsets.
import { LiteralKind, Node, NodeKind } from "assemblyscript";
import { Transform } from "assemblyscript/transform";

const TABLE_NAME = "MESSAGE_TABLE";
const MAX_MESSAGE = 255;
const MAX_TABLE = 65536;

const DICTIONARY_SIZE = 128;
const MIN_ENTRY = 3;
const MAX_ENTRY = 24;

/**
 * Chooses dictionary entries greedily: each round takes the substring (at a
 * word start, MIN_ENTRY..MAX_ENTRY plain characters) whose replacement by
 * one code byte saves the most bytes, net of storing it, and substitutes it.
 * Returns the entries and the encoded messages (codes as chars >= 0x80).
 */
function compress(texts) {
  let encoded = texts.slice();
  const entries = [];
  while (entries.length < DICTIONARY_SIZE) {
    const counts = new Map();
    for (const text of encoded) {
      const seen = new Map(); // non-overlapping occurrences within one text
      for (let start = 0; start < text.length; start++) {
        if (start > 0 && text[start - 1] !== " " && text[start] !== " ") continue;
        for (let end = start + 1; end <= Math.min(text.length, start + MAX_ENTRY); end++) {
          if (text.charCodeAt(end - 1) >= 0x80) break; // entries are plain text, never nested codes
          if (end - start < MIN_ENTRY) continue;
          const candidate = text.slice(start, end);
          const last = seen.get(candidate);
          if (last !== undefined && last > start) continue;
          seen.set(candidate, end);
          counts.set(candidate, (counts.get(candidate) ?? 0) + 1);
        }
      }
    }
    let best = null;
    let bestSaving = 0;
    for (const [candidate, count] of counts) {
      const saving = count * (candidate.length - 1) - (candidate.length + 1);
      if (saving > bestSaving || (saving === bestSaving && best !== null && candidate < best)) {
        best = candidate;
        bestSaving = saving;
      }
    }
    if (best === null) break;
    const code = String.fromCharCode(0x80 + entries.length);
    entries.push(best);
    encoded = encoded.map((text) => text.split(best).join(code));
  }
  return { entries, encoded };
}

export default class MessageTable extends Transform {
  afterParse(parser) {
    let placeholder = null;
    const texts = new Map(); // message -> where it first appears

    const where = (node) => {
      const source = node.range.source;
      return `${source.normalizedPath}:${source.lineAt(node.range.start)}`;
    };

    // Walks the runtime's statements; each string literal is passed to
    // `onString`, whose result replaces it.
    const walk = (onString) => {
      const visit = (node) => {
        if (node.kind === NodeKind.Literal) {
          if (node.literalKind === LiteralKind.String) return onString(node);
          if (node.literalKind === LiteralKind.Template) {
            throw new Error(`${where(node)}: template literals are not supported in the runtime (no allocation)`);
          }
        }
        // An import or export path names a file: resolved by the parser already, never a message.
        if (node.kind === NodeKind.Import || node.kind === NodeKind.Export || node.kind === NodeKind.ExportImport)
          return node;
        if (node.kind === NodeKind.VariableDeclaration && node.name.text === TABLE_NAME) placeholder = node;
        // offsetof<T>("field") names a field: a compile-time string, not a message.
        if (
          node.kind === NodeKind.Call &&
          node.expression.kind === NodeKind.Identifier &&
          node.expression.text === "offsetof"
        )
          return node;
        for (const key of Object.keys(node)) {
          if (key === "range" || key === "parent") continue;
          const value = node[key];
          if (Array.isArray(value)) {
            for (let i = 0; i < value.length; i++) {
              if (value[i] instanceof Node) value[i] = visit(value[i]);
            }
          } else if (value instanceof Node) {
            node[key] = visit(value);
          }
        }
        return node;
      };
      for (const source of parser.sources) {
        if (source.normalizedPath.startsWith("~lib/")) continue;
        for (let i = 0; i < source.statements.length; i++) source.statements[i] = visit(source.statements[i]);
      }
    };

    // Pass 1: collect and check every message.
    walk((node) => {
      const text = node.value;
      if (!/^[\x20-\x7e]*$/.test(text))
        throw new Error(`${where(node)}: message is not printable ASCII: ${JSON.stringify(text)}`);
      if (text.length > MAX_MESSAGE) throw new Error(`${where(node)}: message longer than ${MAX_MESSAGE} bytes`);
      if (!texts.has(text)) texts.set(text, where(node));
      return node;
    });
    if (placeholder === null) {
      // A build that links no runtime sources (none today) has nothing to fill.
      if (texts.size === 0) return;
      throw new Error(`message-table transform: no '${TABLE_NAME}' declaration found`);
    }

    // The table: dictionary entries, then the encoded messages.
    const messages = [...texts.keys()];
    const { entries, encoded } = compress(messages);
    const bytes = [];
    const push = (text) => {
      bytes.push(text.length);
      for (let i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i));
    };
    for (const entry of entries) push(entry);
    const offsets = new Map();
    messages.forEach((text, i) => {
      offsets.set(text, bytes.length);
      push(encoded[i]);
    });
    if (bytes.length > MAX_TABLE) throw new Error(`message table exceeds ${MAX_TABLE} bytes`);
    // Every message must expand back to itself the way status.ts's say() expands it.
    const expand = (offset) => {
      let out = "";
      for (let i = 1; i <= bytes[offset]; i++) {
        const b = bytes[offset + i];
        if (b < 0x80) out += String.fromCharCode(b);
        else out += entries[b - 0x80];
      }
      return out;
    };
    for (const [text, offset] of offsets) {
      if (expand(offset) !== text)
        throw new Error(`message-table transform: ${texts.get(text)}: message does not expand back to itself`);
    }

    // Pass 2: each literal becomes its message's offset.
    walk((node) => Node.createIntegerLiteralExpression(globalThis.i64_new(offsets.get(node.value), 0), node.range));

    const call = placeholder.initializer;
    const array = call && call.args && call.args[0];
    if (!array || array.kind !== NodeKind.Literal || array.literalKind !== LiteralKind.Array) {
      throw new Error(`${where(placeholder)}: ${TABLE_NAME} must be initialised with memory.data<u8>([0])`);
    }
    const range = array.range;
    array.elementExpressions = bytes.map((b) => Node.createIntegerLiteralExpression(globalThis.i64_new(b, 0), range));
  }
}
