// Parser tests for statements: declarations, assignment and destructuring, functions and
// structs, control flow, match (quirk 3), modules, tests blocks, and statement positions.

import { describe, expect, it } from "vitest";
import { parseProgram } from "../../src/frontend/parser";
import { firstError, parse, shape, stmt } from "./helpers";

describe("declarations", () => {
  it("let, mut and const with := or =", () => {
    expect(stmt("let x := 1")).toEqual({
      kind: "Let", line: 1, col: 1, decl: "let",
      pattern: { kind: "NamePat", line: 1, col: 5, name: "x" }, value: { kind: "Int", line: 1, col: 10, value: 1 },
    });
    expect(stmt("mut y = 2")).toMatchObject({ decl: "mut", pattern: { name: "y" } });
    expect(stmt("const Z := 3")).toMatchObject({ decl: "const", pattern: { kind: "NamePat", name: "Z", col: 7 } });
  });

  it("drops type annotations, accepting any type name and generic arguments", () => {
    expect(stmt("let x: int := 1")).toMatchObject({ pattern: { name: "x" }, value: { value: 1 } });
    expect(stmt("mut r: Result<int, string> := Ok(1)")).toMatchObject({ decl: "mut", value: { kind: "Tagged" } });
    expect(stmt("let o: Option<Option<Point>> = None")).toMatchObject({ value: { tag: "None" } });
    expect(stmt("const C: MyType := 1")).toMatchObject({ decl: "const" });
    expect(firstError("let r: Result<int := 1")).toBe(`1:19 Expected '>' to close type arguments but found Operator(":=")`);
  });

  it("binding patterns: _, arrays with rest, nested arrays, dicts with rest", () => {
    expect(stmt("let _ := f()")).toMatchObject({ pattern: { kind: "IgnorePat", col: 5 } });
    expect(stmt("let [a, _, [b, c], ...rest] := xs")).toMatchObject({
      pattern: {
        kind: "ArrayPat", col: 5, rest: "rest",
        elems: [{ kind: "NamePat", name: "a" }, { kind: "IgnorePat" }, { kind: "ArrayPat", elems: [{ name: "b" }, { name: "c" }], rest: null }],
      },
    });
    expect(stmt("mut {name, age, ...others} := d")).toMatchObject({
      decl: "mut", pattern: { kind: "DictPat", keys: ["name", "age"], rest: "others" },
    });
    expect(stmt("let [] := xs")).toMatchObject({ pattern: { kind: "ArrayPat", elems: [] } });
  });

  it("reports bad declarations", () => {
    expect(firstError("let 5 := x")).toBe("1:5 Expected variable name or destructuring pattern after 'let' but found Int(5)");
    expect(firstError("let [a, 1] := x")).toBe("1:9 Invalid destructuring pattern");
    expect(firstError("let x 5")).toBe("1:7 Expected assignment operator (':=' or '=') in let declaration but found Int(5)");
    expect(firstError("const [a] := x")).toBe("1:7 Expected constant name after 'const'");
    expect(firstError("const X += 1")).toBe(`1:9 Expected assignment operator (':=' or '=') in const declaration but found Operator("+=")`);
  });
});

describe("assignment", () => {
  it("plain and compound assignment to names, indexes and fields", () => {
    expect(stmt("x := 1 + 2")).toMatchObject({ kind: "Assign", line: 1, col: 1, op: null, target: { kind: "Ident", name: "x" } });
    expect(stmt("x = 1")).toMatchObject({ kind: "Assign", op: null });
    for (const op of ["+", "-", "*", "/", "%"]) {
      expect(stmt(`total ${op}= 2`)).toMatchObject({ kind: "Assign", op, value: { value: 2 } });
    }
    expect(stmt("xs[0] := 5")).toMatchObject({ target: { kind: "Index" } });
    expect(stmt("p.x += 1")).toMatchObject({ target: { kind: "Field", name: "x" }, op: "+" });
  });

  it("accepts nested targets like a[i].f[j] = v", () => {
    const s = stmt("a[i].f[j] = v");
    expect(s.kind === "Assign" && shape(s.target)).toBe("(index (. (index a i) f) j)");
  });

  it("rejects other targets, chained assignment, and statements starting with self", () => {
    expect(firstError("f() := 1")).toBe("1:1 Invalid assignment target");
    expect(firstError("a?.b := 1")).toBe("1:1 Invalid assignment target");
    expect(firstError("x + 1 = 2")).toBe("1:1 Invalid assignment target");
    expect(firstError("a := b := 1")).toBe(
      "1:8 Chained assignment is not supported; split the assignment into separate statements");
    expect(firstError("self.x := 1")).toBe("1:8 Expected expression");
    expect(firstError("(x) := 1")).toBe("1:5 Expected expression");
  });

  it("an identifier statement without an assignment operator is an expression", () => {
    expect(stmt("print(x)")).toMatchObject({ kind: "ExprStmt", line: 1, col: 1, expr: { kind: "Call", col: 6 } });
    expect(stmt("a == b")).toMatchObject({ kind: "ExprStmt", col: 1, expr: { kind: "Binary", col: 3 } });
  });
});

describe("destructuring at statement start", () => {
  it("[a, b] := e and {a, b} := e are Destructure", () => {
    expect(stmt("[a, b, ...r] := xs")).toMatchObject({
      kind: "Destructure", line: 1, col: 1, pattern: { kind: "ArrayPat", rest: "r" }, value: { name: "xs" },
    });
    expect(stmt("{a, b} = d")).toMatchObject({ kind: "Destructure", pattern: { kind: "DictPat", keys: ["a", "b"] } });
    expect(stmt("[[a, _], b] := m")).toMatchObject({ pattern: { elems: [{ kind: "ArrayPat" }, { kind: "NamePat" }] } });
  });

  it("backtracks to an expression statement otherwise", () => {
    expect(stmt("[1, 2]")).toMatchObject({ kind: "ExprStmt", expr: { kind: "Array" } });
    expect(stmt("[a, b]")).toMatchObject({ kind: "ExprStmt", expr: { kind: "Array" } });
    expect(stmt("{a: 1}")).toMatchObject({ kind: "ExprStmt", expr: { kind: "Dict" } });
    expect(stmt("[a][0]")).toMatchObject({ kind: "ExprStmt", expr: { kind: "Index" } });
    expect(firstError("[a] += 1")).toBe(`1:5 Expected expression`);
  });
});

describe("functions and structs", () => {
  it("func statements with params, types, generator and async flags", () => {
    expect(stmt("func add(a, b: int) -> int { return a + b }")).toMatchObject({
      kind: "FuncStmt", line: 1, col: 1,
      def: { name: "add", line: 1, col: 1, hasSelf: false, isGenerator: false, isAsync: false, params: [{ name: "a", line: 1, col: 10 }, { name: "b", col: 13 }] },
    });
    expect(stmt("func* gen(n) { yield n }")).toMatchObject({ def: { name: "gen", isGenerator: true } });
    expect(stmt("async func load() -> Result<string, string> { }")).toMatchObject({ col: 1, def: { isAsync: true, col: 1 } });
    expect(stmt("func f(a,) { }")).toMatchObject({ def: { params: [{ name: "a" }] } });
  });

  it("struct fields and methods interleave; methods are Type.method with self taken out", () => {
    const s = stmt(`struct Point {
      x: float, y
      func norm(self, scale: float) { return self.x * scale }
      z: int
      async func legacy(k) { return x }
    }`);
    expect(s).toMatchObject({
      kind: "Struct", name: "Point", fields: ["x", "y", "z"],
      methods: [
        { name: "Point.norm", hasSelf: true, params: [{ name: "scale" }], line: 3, col: 7 },
        { name: "Point.legacy", hasSelf: false, isAsync: true, params: [{ name: "k" }], line: 5, col: 7 },
      ],
    });
  });

  it("keeps a self parameter that is not a method's first one", () => {
    expect(stmt("func f(self) { }")).toMatchObject({ def: { hasSelf: false, params: [{ name: "self" }] } });
    expect(stmt("struct S { func m(a, self) { } }")).toMatchObject({ methods: [{ hasSelf: false, params: [{ name: "a" }, { name: "self" }] }] });
  });

  it("enums, with payload types accepted and ignored", () => {
    expect(stmt("enum Color { Red, Green, Blue, }")).toEqual({ kind: "Enum", line: 1, col: 1, name: "Color", variants: ["Red", "Green", "Blue"] });
    expect(stmt("enum Shape { Circle(float), Rect(int, Option<int>) , Empty }")).toMatchObject({ variants: ["Circle", "Rect", "Empty"] });
  });

  it("reports malformed definitions", () => {
    expect(firstError("func (x) {}")).toBe("1:6 Expected function name after 'func'");
    expect(firstError("func f(a b) {}")).toBe(`1:10 Expected ')' to close function parameter list but found Identifier("b")`);
    expect(firstError("func f() ")).toBe("1:10 Expected '{' to start function body but found Eof");
    expect(firstError("async x")).toBe(`1:7 Expected 'func' after 'async'`);
    expect(firstError("struct { }")).toBe("1:8 Expected struct name after 'struct'");
    expect(firstError("enum E { A B }")).toBe(`1:12 Expected '}' to close enum body but found Identifier("B")`);
    expect(firstError("x := func(self) { }")).toBe(`1:11 Expected ')' to close function expression parameter list but found Keyword("self")`);
  });
});

describe("control flow", () => {
  it("return omits its value only before ;, } or end of file", () => {
    expect(stmt("return")).toEqual({ kind: "Return", line: 1, col: 1, value: null });
    expect(parse("return; x")).toMatchObject([{ kind: "Return", value: null }, { kind: "ExprStmt" }]);
    expect(stmt("func f() { return }")).toMatchObject({ def: { body: [{ value: null }] } });
    expect(stmt("return a + 1")).toMatchObject({ value: { kind: "Binary" } });
  });

  it("if / else if / else nests else-if as an If inside else", () => {
    const s = stmt("if a { x := 1 } else if b { x := 2 } else if c { x := 3 } else { x := 4 }");
    expect(s).toMatchObject({
      kind: "If", line: 1, col: 1, cond: { name: "a" },
      else: [{ kind: "If", col: 22, cond: { name: "b" }, else: [{ kind: "If", cond: { name: "c" }, else: [{ kind: "Assign" }] }] }],
    });
    expect(stmt("if (a) { f() }")).toMatchObject({ else: null });
  });

  it("handles a very long else-if chain without recursion", () => {
    const src = "if a { f() }" + " else if b { f() }".repeat(20000) + " else { g() }";
    let depth = 0;
    let s = stmt(src);
    while (s.kind === "If" && s.else && s.else[0].kind === "If") { s = s.else[0]; depth++; }
    expect(depth).toBe(20000);
  });

  it("while, loop, loop while, for, break, continue", () => {
    expect(stmt("while i < 3 { i += 1 }")).toMatchObject({ kind: "While", cond: { kind: "Binary" }, body: [{ kind: "Assign" }] });
    expect(stmt("loop { break; continue }")).toEqual({
      kind: "Loop", line: 1, col: 1, body: [{ kind: "Break", line: 1, col: 8 }, { kind: "Continue", line: 1, col: 15 }],
    });
    expect(stmt("loop while ok { f() }")).toMatchObject({ kind: "While", line: 1, col: 1, cond: { name: "ok" } });
    expect(stmt("for x in range(0, n) { print(x) }")).toMatchObject({ kind: "For", name: "x", iter: { kind: "Call" } });
    expect(stmt("for k in d.keys()[0] { f() }")).toMatchObject({ iter: { kind: "Index" } });
  });

  it("for takes a postfix expression only", () => {
    expect(firstError("for x in a + b { }")).toBe(`1:12 Expected '{' to start for loop body but found Operator("+")`);
    expect(firstError("for x in xs {}")).toBe("1:15 Expected '{' to start for loop body but found Eof");
    expect(firstError("for 1 in xs { f() }")).toBe("1:5 Expected loop variable name after 'for'");
    expect(firstError("for x of xs { f() }")).toBe(`1:7 Expected 'in' in for loop but found Identifier("of")`);
  });

  it("try / except needs the error name", () => {
    expect(stmt("try { f() } except err { g(err) }")).toMatchObject({
      kind: "Try", errName: "err", body: [{ kind: "ExprStmt" }], handler: [{ kind: "ExprStmt" }],
    });
    expect(firstError("try { } except { }")).toBe("1:16 Expected exception variable after 'except'");
    expect(firstError("try { } x")).toBe(`1:9 Expected 'except' after try block but found Identifier("x")`);
  });
});

describe("match (quirk 3)", () => {
  it("records pattern text as written and the binding", () => {
    const s = stmt(`match r {
      case Ok(v): { print(v) }
      case Result::Err(e): { }
      case Color::Red: { }
      case hello: { }
      case 1.50: { }
      case None: { }
      default: { f() }
    }`);
    expect(s).toMatchObject({
      kind: "Match", subject: { name: "r" },
      cases: [
        { pattern: "Ok", binding: "v", line: 2, col: 7 },
        { pattern: "Result::Err", binding: "e" },
        { pattern: "Color::Red", binding: null },
        { pattern: "hello", binding: null },
        { pattern: "1.50", binding: null },
        { pattern: "None", binding: null },
      ],
      default: [{ kind: "ExprStmt" }],
    });
  });

  it("consumes any one token after a pattern or default", () => {
    expect(stmt("match x { case A -> { } default - { } }")).toMatchObject({ cases: [{ pattern: "A" }], default: [] });
    expect(firstError("match x { case A { } }")).toBe("1:20 Expected '{' to start match case block but found Punctuation('}')");
  });

  it("reports bad match bodies", () => {
    expect(firstError("match x { case (a): { } }")).toBe("1:16 Expected case pattern but found Punctuation('(')");
    expect(firstError("match x { foo }")).toBe(`1:11 Expected '}' to close match body but found Identifier("foo")`);
    expect(firstError("match x {}")).toBe("1:11 Expected '{' to start match body but found Eof");
  });
});

describe("modules, export, spawn and test blocks", () => {
  it("import and from-import with dotted paths", () => {
    expect(stmt("import math")).toEqual({ kind: "Import", line: 1, col: 1, path: ["math"], names: null });
    expect(stmt("import a.b")).toMatchObject({ path: ["a", "b"], names: null });
    expect(stmt("from src.core.math import add, sub")).toMatchObject({ path: ["src", "core", "math"], names: ["add", "sub"] });
    expect(firstError("from src..util import x")).toBe("1:10 Expected module path segment after '.' in from-import statement");
    expect(firstError("from src util import x")).toBe(`1:10 Expected 'import' after module name in from-import statement but found Identifier("util")`);
    expect(firstError("from a import")).toBe("1:14 Expected imported symbol name");
  });

  it("export wraps one statement", () => {
    expect(stmt("export func f() { }")).toMatchObject({ kind: "Export", line: 1, col: 1, stmt: { kind: "FuncStmt", col: 8 } });
    expect(stmt("export const X := 1")).toMatchObject({ stmt: { kind: "Let", decl: "const" } });
  });

  it("spawn and the four test forms", () => {
    expect(stmt("spawn { f() }")).toMatchObject({ kind: "Spawn", body: [{ kind: "ExprStmt" }] });
    expect(parse('test "adds" { f() } test_group "g" { } test_setup { } test_teardown { }').map((s) => [s.kind, s.col])).toEqual(
      [["Test", 1], ["Test", 21], ["Test", 40], ["Test", 55]]);
    expect(firstError("test name { }")).toBe("1:6 Expected test name string after 'test'");
    expect(firstError('test_group "${x}" { }')).toBe("1:12 Expected group name string after 'test_group'");
  });
});

describe("program structure", () => {
  it("semicolons are optional separators, comments are skipped", () => {
    expect(parse(";;x := 1;; y := 2 # c\n// d\n/* e */ z := 3;")).toHaveLength(3);
    expect(parse("")).toEqual([]);
    expect(parseProgram("x := 1", "main.ruff").file).toBe("main.ruff");
  });

  it("statement positions are their first token, across lines and astral text", () => {
    expect(parse('x := "😀😀"; y := 2\n\n  while c { f() }').map((s) => [s.kind, s.line, s.col])).toEqual(
      [["Assign", 1, 1], ["Assign", 1, 12], ["While", 3, 3]]);
  });
});
