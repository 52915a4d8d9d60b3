// Test helpers for the front end: parse shortcuts and an S-expression view of the AST
// that keeps precedence assertions short.

import type { Expr, Stmt } from "../../src/frontend/ast";
import { ParseError, type Diagnostic } from "../../src/frontend/parse-error";
import { parseProgram } from "../../src/frontend/parser";

export function parse(source: string): Stmt[] {
  return parseProgram(source, "test.ruff").body;
}

/** The single statement of `source`. */
export function stmt(source: string): Stmt {
  const body = parse(source);
  if (body.length !== 1) throw new Error(`expected one statement, got ${body.length}`);
  return body[0];
}

/** The expression of a single expression statement. */
export function expr(source: string): Expr {
  const s = stmt(source);
  if (s.kind !== "ExprStmt") throw new Error(`expected an expression statement, got ${s.kind}`);
  return s.expr;
}

/** Diagnostics of a source that must fail to parse. */
export function errors(source: string): Diagnostic[] {
  try {
    parseProgram(source, "test.ruff");
  } catch (err) {
    if (err instanceof ParseError) return err.diagnostics;
    throw err;
  }
  throw new Error("expected a ParseError");
}

export function firstError(source: string): string {
  const d = errors(source)[0];
  return `${d.line}:${d.col} ${d.message}`;
}

/** Compact S-expression form of an expression (positions omitted). */
export function shape(e: Expr): string {
  switch (e.kind) {
    case "Int": return String(e.value);
    case "Float": return Number.isInteger(e.value) ? `${e.value}.0` : String(e.value);
    case "Str": return JSON.stringify(e.value);
    case "Interp": return `(interp ${e.parts.map((p) => (typeof p === "string" ? JSON.stringify(p) : shape(p))).join(" ")})`;
    case "Bool": return String(e.value);
    case "Null": return "null";
    case "Ident": return e.name;
    case "Self": return "self";
    case "Array": return `[${e.elems.map((x) => (x.spread ? "..." : "") + shape(x.value)).join(" ")}]`;
    case "Dict": return `{${e.entries.map((x) => (x.key ? `${shape(x.key)}: ` : "...") + shape(x.value)).join(", ")}}`;
    case "StructLit": return `(new ${e.name} ${e.fields.map((f) => `${f.name}=${shape(f.value)}`).join(" ")})`;
    case "Func": return `(func ${e.def.name} ${e.def.params.map((p) => p.name).join(" ")})`;
    case "Unary": return `(${e.op} ${shape(e.operand)})`;
    case "Binary": case "Logical": return `(${e.op} ${shape(e.left)} ${shape(e.right)})`;
    case "Call": return `(call ${[e.callee, ...e.args].map(shape).join(" ")})`;
    case "MethodCall": return `(.${e.name}() ${[e.object, ...e.args].map(shape).join(" ")})`;
    case "Index": return `(index ${shape(e.object)} ${shape(e.index)})`;
    case "Field": return `(. ${shape(e.object)} ${e.name})`;
    case "OptField": return `(?. ${shape(e.object)} ${e.name})`;
    case "TryOp": return `(? ${shape(e.operand)})`;
    case "Tagged": return e.value ? `(${e.tag} ${shape(e.value)})` : e.tag;
    case "EnumCtor": return `(${e.enumName}::${e.variant}${e.args.map((a) => " " + shape(a)).join("")})`;
    case "Throw": return `(throw ${shape(e.value)})`;
    case "Yield": return e.value ? `(yield ${shape(e.value)})` : "(yield)";
    case "Await": return `(await ${shape(e.value)})`;
  }
}

/** Shape of the expression statement `source`. */
export function exprShape(source: string): string {
  return shape(expr(source));
}
