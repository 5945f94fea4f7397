// AssemblyScript transform for the checked builds only (checked.mjs): marks
// every place the runtime refuses a model, so a test run can say which of
// them its models reached (tests/runtime/refusals.test.ts).
//
// A refusal site is a call to a function that refuses: `fail`, `opFail` or
// `malformed` (they set the error), or, found by a fixed point over the
// sources, any function returning bool that calls one (`checkArity`,
// `requireQuantized`, an operator's `prepare`, ...). So a check written as
// `!requireQuantized(x) || !requireQuantized(w)` is two sites, one per call.
// Each such call `f(...)` becomes `checkedRefusal(ID, f(...))`, which records
// ID when f returns false with an error set.
//
// A condition whose `if` refuses (`if (a || b) return opFail(...)`) has one
// clause per operand of its top-level `||`; each operand `c` becomes
// `checkedClause(ID, c)`, which records ID when c is true. A test per clause
// reaches each.
//
// Writes the sites (id, file, line, the call or clause's text) to the file
// named by WASMLITE_REFUSAL_SITES (set by checked.mjs).
import { writeFileSync } from "node:fs";
import { Node, NodeKind, Token } from "assemblyscript";
import { Transform } from "assemblyscript/transform";

/** The functions that set the error themselves. */
const SETTERS = ["fail", "opFail", "malformed"];

/** The called function's name: `f(...)` or `module.f(...)`. */
function calleeName(call) {
  const e = call.expression;
  if (e.kind === NodeKind.Identifier) return e.text;
  if (e.kind === NodeKind.PropertyAccess) return e.property.text;
  return null;
}

/** Every node under `node`, depth first. */
function* descendants(node) {
  for (const key of Object.keys(node)) {
    if (key === "range" || key === "parent") continue;
    const value = node[key];
    for (const child of Array.isArray(value) ? value : [value]) {
      if (!(child instanceof Node)) continue;
      yield child;
      yield* descendants(child);
    }
  }
}

function returnsBool(decl) {
  const t = decl.signature && decl.signature.returnType;
  return t && t.kind === NodeKind.NamedType && t.name.identifier.text === "bool";
}

export default class RefusalSites extends Transform {
  afterParse(parser) {
    const sources = parser.sources.filter(
      (s) => !s.normalizedPath.startsWith("~lib/") && !s.normalizedPath.includes("/checked/"),
    );
    const declarations = [];
    for (const source of sources)
      for (const node of descendants(source)) if (node.kind === NodeKind.FunctionDeclaration) declarations.push(node);

    // The refusing functions: the setters, then every bool function that calls a refusing one.
    const refusing = new Set(SETTERS);
    for (let grew = true; grew;) {
      grew = false;
      for (const decl of declarations) {
        const name = decl.name.text;
        if (refusing.has(name) || !returnsBool(decl) || !decl.body) continue;
        for (const n of descendants(decl.body)) {
          if (n.kind === NodeKind.Call && refusing.has(calleeName(n))) {
            refusing.add(name);
            grew = true;
            break;
          }
        }
      }
    }

    const sites = [];
    const clauses = [];
    const where = (node) => {
      const s = node.range.source;
      return { file: s.normalizedPath.replace(/^.*?assembly\//, ""), line: s.lineAt(node.range.start) };
    };
    const text = (node) => node.range.source.text.slice(node.range.start, node.range.end).replace(/\s+/g, " ");
    const call = (name, args, range) =>
      Node.createCallExpression(Node.createIdentifierExpression(name, range), null, args, range);
    const int = (n, range) => Node.createIntegerLiteralExpression(globalThis.i64_new(n, 0), range);

    const isRefusingCall = (n) => n.kind === NodeKind.Call && refusing.has(calleeName(n));
    // Children are visited first, so an if's refusal is already wrapped when the if is.
    const isMarkedRefusal = (n) => n.kind === NodeKind.Call && calleeName(n) === "checkedRefusal";
    /** Whether an if's branch is a refusal: `return f(...)` or a block that ends in one. */
    const refuses = (statement) => {
      let s = statement;
      if (s.kind === NodeKind.Block) s = s.statements[s.statements.length - 1];
      return s && s.kind === NodeKind.Return && s.value && isMarkedRefusal(s.value);
    };
    /** The operands of a top-level `a || b || c`, in order. */
    const disjuncts = (e) => {
      let inner = e;
      while (inner.kind === NodeKind.Parenthesized) inner = inner.expression;
      if (inner.kind === NodeKind.Binary && inner.operator === Token.Bar_Bar)
        return [...disjuncts(inner.left), ...disjuncts(inner.right)];
      return [e];
    };

    const visit = (node) => {
      for (const key of Object.keys(node)) {
        if (key === "range" || key === "parent") continue;
        const value = node[key];
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) if (value[i] instanceof Node) value[i] = visit(value[i]);
        } else if (value instanceof Node) {
          node[key] = visit(value);
        }
      }
      if (node.kind === NodeKind.If && refuses(node.ifTrue)) {
        const operands = disjuncts(node.condition);
        if (operands.length > 1) {
          const wrapped = operands.map((c) => {
            const id = clauses.length;
            clauses.push({ id, ...where(c), text: text(c).slice(0, 160) });
            return call("checkedClause", [int(id, c.range), c], c.range);
          });
          node.condition = wrapped.reduce((a, b) => Node.createBinaryExpression(Token.Bar_Bar, a, b, node.range));
        }
      }
      if (isRefusingCall(node)) {
        const id = sites.length;
        sites.push({ id, ...where(node), callee: calleeName(node), text: text(node).slice(0, 160) });
        return call("checkedRefusal", [int(id, node.range), node], node.range);
      }
      return node;
    };
    for (const source of sources) {
      for (let i = 0; i < source.statements.length; i++) source.statements[i] = visit(source.statements[i]);
    }
    const out = process.env.WASMLITE_REFUSAL_SITES;
    if (out) writeFileSync(out, JSON.stringify({ refusing: [...refusing].sort(), sites, clauses }));
  }
}
