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
// What it does, after parsing and before type checking:
//   - every string literal in the runtime's own sources (not ~lib; not the
//     field names given to offsetof<T>("field")) is
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

export default class MessageTable extends Transform {
  afterParse(parser) {
    const bytes = [];
    const offsets = new Map();
    let placeholder = null;

    const offsetOf = (text, where) => {
      if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`${where}: message is not printable ASCII: ${JSON.stringify(text)}`);
      if (text.length > MAX_MESSAGE) throw new Error(`${where}: message longer than ${MAX_MESSAGE} bytes`);
      let offset = offsets.get(text);
      if (offset === undefined) {
        offset = bytes.length;
        offsets.set(text, offset);
        bytes.push(text.length);
        for (let i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i));
        if (bytes.length > MAX_TABLE) throw new Error(`message table exceeds ${MAX_TABLE} bytes`);
      }
      return offset;
    };

    const where = (node) => {
      const source = node.range.source;
      return `${source.normalizedPath}:${source.lineAt(node.range.start)}`;
    };

    // Returns the node to put in place of `node` (itself if unchanged).
    const visit = (node) => {
      if (node.kind === NodeKind.Literal) {
        if (node.literalKind === LiteralKind.String) {
          const offset = offsetOf(node.value, where(node));
          return Node.createIntegerLiteralExpression(globalThis.i64_new(offset, 0), node.range);
        }
        if (node.literalKind === LiteralKind.Template) {
          throw new Error(`${where(node)}: template literals are not supported in the runtime (no allocation)`);
        }
      }
      if (node.kind === NodeKind.VariableDeclaration && node.name.text === TABLE_NAME) placeholder = node;
      // offsetof<T>("field") names a field: a compile-time string, not a message.
      if (node.kind === NodeKind.Call && node.expression.kind === NodeKind.Identifier && node.expression.text === "offsetof") return node;
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

    if (placeholder === null) {
      // A build that links no runtime sources (none today) has nothing to fill.
      if (offsets.size === 0) return;
      throw new Error(`message-table transform: no '${TABLE_NAME}' declaration found`);
    }
    const call = placeholder.initializer;
    const array = call && call.args && call.args[0];
    if (!array || array.kind !== NodeKind.Literal || array.literalKind !== LiteralKind.Array) {
      throw new Error(`${where(placeholder)}: ${TABLE_NAME} must be initialised with memory.data<u8>([0])`);
    }
    const range = array.range;
    array.elementExpressions = bytes.map((b) => Node.createIntegerLiteralExpression(globalThis.i64_new(b, 0), range));
  }
}
