// Parser tests for expressions: precedence, desugarings, literals, constructors,
// postfix forms, node positions, and the greedy / struct-literal quirks.

import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/frontend/ast";
import { expr, exprShape, firstError, stmt } from "./helpers";

describe("precedence", () => {
  it.each([
    ["1 + 2 * 3", "(+ 1 (* 2 3))"],
    ["1 + 2 < 3 * 4", "(< (+ 1 2) (* 3 4))"],
    ["a < b == c < d", "(== (< a b) (< c d))"],
    ["a || b && c", "(|| a (&& b c))"],
    ["a && b || c", "(|| (&& a b) c)"],
    ["a ?? b || c", "(?? a (|| b c))"],
    ["a |> f ?? g", "(call (?? f g) a)"],
    ["-a * !b", "(* (- a) (! b))"],
    ["(1 + 2) * 3", "(* (+ 1 2) 3)"],
    ["a - b - c", "(- (- a b) c)"],
    ["a / b % c * d", "(* (% (/ a b) c) d)"],
    ["a < b < c", "(< (< a b) c)"],
    ["a == b != c", "(!= (== a b) c)"],
    ["a ?? b ?? c", "(?? (?? a b) c)"],
    ["a != b >= c", "(!= a (>= b c))"],
    ["--x", "(- (- x))"],
    ["!!b", "(! (! b))"],
    ["-x.y[0]?", "(- (? (index (. x y) 0)))"],
    ["!f(x) == g", "(== (! (call f x)) g)"],
  ])("%s", (src, want) => {
    expect(exprShape(src)).toBe(want);
  });
});

describe("pipe desugaring", () => {
  it("x |> f is f(x); x |> f(a, b) is f(x, a, b)", () => {
    expect(exprShape("x |> f")).toBe("(call f x)");
    expect(exprShape("x |> f(a, b)")).toBe("(call f x a b)");
    expect(exprShape("x |> f |> g(1)")).toBe("(call g (call f x) 1)");
    expect(exprShape("x + 1 |> f")).toBe("(call f (+ x 1))");
  });

  it("places the call at the |> token", () => {
    expect(expr("x |> f(a)")).toMatchObject({ kind: "Call", line: 1, col: 3 });
  });
});

describe("literals", () => {
  it("ints are numbers in the safe range, bigints beyond", () => {
    expect(expr("42")).toEqual({ kind: "Int", line: 1, col: 1, value: 42 });
    expect(expr("9007199254740991")).toMatchObject({ value: 9007199254740991 });
    expect(expr("9223372036854775807")).toMatchObject({ kind: "Int", value: 9223372036854775807n });
    expect(firstError("x := 9223372036854775808")).toBe("1:6 Numeric literal overflow: 9223372036854775808");
    expect(exprShape("-9223372036854775807")).toBe("(- 9223372036854775807)");
  });

  it("floats, strings, booleans, null and self", () => {
    expect(expr("1.5")).toEqual({ kind: "Float", line: 1, col: 1, value: 1.5 });
    expect(expr('"hi"')).toEqual({ kind: "Str", line: 1, col: 1, value: "hi" });
    expect(expr("true")).toEqual({ kind: "Bool", line: 1, col: 1, value: true });
    expect(expr("null")).toEqual({ kind: "Null", line: 1, col: 1 });
    expect(expr("self")).toEqual({ kind: "Self", line: 1, col: 1 });
  });

  it("arrays and dicts with spreads and trailing commas", () => {
    expect(exprShape("[1, ...xs, 2,]")).toBe("[1 ...xs 2]");
    expect(exprShape("[]")).toBe("[]");
    expect(exprShape('{"a": 1, k: v + 1, ...d}')).toBe('{"a": 1, k: (+ v 1), ...d}');
    expect(exprShape("{}")).toBe("{}");
  });

  it("parses collection elements and struct field values at equality level", () => {
    expect(exprShape("[a == b, c + d]")).toBe("[(== a b) (+ c d)]");
    expect(firstError("x := [a && b]")).toBe(`1:9 Expected ']' to close array literal but found Operator("&&")`);
    expect(firstError("x := {k: a ?? b}")).toBe(`1:12 Expected '}' to close dictionary literal but found Operator("??")`);
    expect(firstError("x := P { a: b || c }")).toBe(`1:15 Expected '}' to close struct literal but found Operator("||")`);
    expect(exprShape("[(a && b)]")).toBe("[(&& a b)]");
  });

  it("call arguments and index expressions are full expressions", () => {
    expect(exprShape("f(a && b, x |> g)")).toBe("(call f (&& a b) (call g x))");
    expect(exprShape("xs[a ?? 0]")).toBe("(index xs (?? a 0))");
  });
});

describe("strings with interpolation", () => {
  it("produces Interp only when ${ appears", () => {
    expect(expr('"a $b"')).toMatchObject({ kind: "Str", value: "a $b" });
    expect(expr('"\\${x}"')).toMatchObject({ kind: "Str", value: "${x}" });
    expect(exprShape('"a ${x + 1} b ${f(y)}"')).toBe('(interp "a " (+ x 1) " b " (call f y))');
    expect(exprShape('"${x}"')).toBe("(interp x)");
  });

  it("parses nested strings and braces inside the interpolation", () => {
    expect(exprShape('"v=${d["key"]}"')).toBe('(interp "v=" (index d "key"))');
    expect(exprShape('"${ {"k": 1}["k"] }"')).toBe('(interp (index {"k": 1} "k"))');
    expect(exprShape('"${"in ${x}"}"')).toBe('(interp (interp "in " x))');
  });

  it("gives interpolated expressions their real positions", () => {
    const e = expr('"ab ${x + 1}"');
    expect(e.kind === "Interp" && e.parts[1]).toMatchObject({ kind: "Binary", line: 1, col: 9 });
  });

  it("counts astral characters as one column before and inside the string", () => {
    const e = expr('"😀😀${y}" + z');
    expect(e).toMatchObject({ kind: "Binary", col: 10, right: { col: 12 } });
    expect(e.kind === "Binary" && e.left.kind === "Interp" && e.left.parts).toEqual(
      ["😀😀", { kind: "Ident", line: 1, col: 6, name: "y" }]);
  });

  it("reports bad interpolated expressions", () => {
    expect(firstError('x := "${a b}"')).toBe("1:11 Invalid interpolated string expression");
    expect(firstError('x := "${}"')).toBe("1:9 Expected expression");
    expect(firstError('x := "${a @}"')).toBe("1:11 Invalid character: '@'");
  });
});

describe("constructors and by-name forms", () => {
  it("Ok/Err/Some/None and their qualified forms are Tagged", () => {
    expect(exprShape("Ok(1)")).toBe("(Ok 1)");
    expect(exprShape("Err(a + b)")).toBe("(Err (+ a b))");
    expect(exprShape("Some(x)")).toBe("(Some x)");
    expect(exprShape("None")).toBe("None");
    expect(exprShape("Result::Ok(1)")).toBe("(Ok 1)");
    expect(exprShape("Result::Err(e)")).toBe("(Err e)");
    expect(exprShape("Option::Some(2)")).toBe("(Some 2)");
    expect(exprShape("Option::None")).toBe("None");
    expect(expr("  Option::None")).toEqual({ kind: "Tagged", line: 1, col: 3, tag: "None", value: null });
  });

  it("other A::B forms are EnumCtor, with or without arguments", () => {
    expect(expr("Color::Red")).toEqual({ kind: "EnumCtor", line: 1, col: 1, enumName: "Color", variant: "Red", args: [] });
    expect(exprShape("Shape::Circle(1, r)")).toBe("(Shape::Circle 1 r)");
    expect(exprShape("Result::Maybe")).toBe("(Result::Maybe)");
    expect(exprShape("Color::Red == c")).toBe("(== (Color::Red) c)");
  });

  it("throw(e) is Throw; a bare throw is a name", () => {
    expect(expr('throw("bad")')).toMatchObject({ kind: "Throw", line: 1, col: 1, value: { kind: "Str" } });
    expect(exprShape("x ?? throw(e)")).toBe("(?? x (throw e))");
    expect(exprShape("throw")).toBe("throw");
  });

  it("names are case-sensitive", () => {
    expect(exprShape("ok(1)")).toBe("(call ok 1)");
    expect(exprShape("none")).toBe("none");
  });

  it("reports wrong constructor arities and shapes", () => {
    expect(firstError("x := Ok")).toBe("1:8 Expected '(' after 'Ok'");
    expect(firstError("x := Some(1, 2)")).toBe("1:12 Expected ')' to close Some(...) but found Punctuation(',')");
    expect(firstError("x := throw(1, 2)")).toBe("1:6 throw() requires exactly one argument");
    expect(firstError("x := Result::Ok()")).toBe("1:6 Result::Ok(...) requires exactly one argument");
    expect(firstError("x := Option::None(1)")).toBe("1:6 Option::None takes no arguments");
    expect(firstError("x := A::5")).toBe("1:9 Expected variant name after '::' but found Int(5)");
  });
});

describe("postfix forms and positions", () => {
  it("call, index, field, method call, ?. and ? chain left to right", () => {
    expect(exprShape("a.b(c)[d]?.e?")).toBe("(? (?. (index (.b() a c) d) e))");
    expect(exprShape("f(1)(2)")).toBe("(call (call f 1) 2)");
    expect(exprShape("xs.map(f).len")).toBe("(. (.map() xs f) len)");
  });

  it("puts Call/Index/Field/MethodCall/OptField/TryOp at their operator token", () => {
    const e = expr("obj.items[i].run(x)?.z?") as Expr;
    expect(e).toMatchObject({ kind: "TryOp", col: 23 });
    const opt = e.kind === "TryOp" ? e.operand : e;
    expect(opt).toMatchObject({ kind: "OptField", col: 20, name: "z" });
    const call = opt.kind === "OptField" ? opt.object : opt;
    expect(call).toMatchObject({ kind: "MethodCall", col: 13, name: "run" });
    const index = call.kind === "MethodCall" ? call.object : call;
    expect(index).toMatchObject({ kind: "Index", col: 10 });
    expect(index.kind === "Index" && index.object).toMatchObject({ kind: "Field", col: 4, name: "items" });
    expect(expr("f (x)")).toMatchObject({ kind: "Call", col: 3 });
  });

  it("puts Binary and Logical at the operator, Unary at its operator", () => {
    expect(expr("a +\n  b")).toMatchObject({ kind: "Binary", line: 1, col: 3 });
    expect(expr("a\n  && b")).toMatchObject({ kind: "Logical", line: 2, col: 3 });
    expect(expr("  -y")).toMatchObject({ kind: "Unary", col: 3, operand: { col: 4 } });
  });
});

describe("lambdas, yield and await", () => {
  it("lambdas are FuncExpr named <lambda>", () => {
    const e = expr("(func(a, b: int) -> int { return a })");
    expect(e).toMatchObject({
      kind: "Func", line: 1, col: 2,
      def: { name: "<lambda>", hasSelf: false, isGenerator: false, isAsync: false, params: [{ name: "a", col: 7 }, { name: "b", col: 10 }] },
    });
    expect(stmt("f := async func() { }")).toMatchObject({ value: { kind: "Func", col: 6, def: { isAsync: true, line: 1, col: 6 } } });
    expect(stmt("g := func*(n) { yield n }")).toMatchObject({ value: { def: { isGenerator: true } } });
    expect(firstError("func(x) { }")).toBe("1:5 Expected function name after 'func'");
    expect(exprShape("f(func(x) { return x }, 1)")).toBe("(call f (func <lambda> x) 1)");
  });

  it("yield and await take a full expression", () => {
    expect(exprShape("await f() + 1")).toBe("(await (+ (call f) 1))");
    expect(exprShape("yield a || b")).toBe("(yield (|| a b))");
    expect(exprShape("yield")).toBe("(yield)");
    expect(stmt("func* g() { yield; yield }")).toMatchObject({ def: { body: [{ expr: { kind: "Yield", value: null } }, { expr: { value: null } }] } });
  });
});

describe("struct literals and quirk 2", () => {
  it("Name { field: value } is a struct literal", () => {
    expect(exprShape("P { x: 1, y: a + 1 }")).toBe("(new P x=1 y=(+ a 1))");
    expect(exprShape("P {}")).toBe("(new P )");
    expect(expr("P { x: 1 }")).toMatchObject({ kind: "StructLit", col: 1, fields: [{ name: "x", line: 1, col: 5 }] });
  });

  it("Name { is not a struct literal unless `ident :` or `}` follows", () => {
    expect(stmt("if flag { x := 1 }")).toMatchObject({ kind: "If", cond: { kind: "Ident" } });
    expect(firstError("if flag {}")).toBe("1:11 Expected '{' to start if block but found Eof");
    expect(firstError("while running {}\n")).toBe("2:1 Expected '{' to start while body but found Eof");
    expect(stmt("if {} { }")).toMatchObject({ kind: "If", cond: { kind: "Dict" } });
    expect(stmt("if [] { }")).toMatchObject({ kind: "If", cond: { kind: "Array" } });
  });
});

describe("greedy parsing across newlines (quirk 1)", () => {
  it("continues an expression on the next line", () => {
    expect(stmt("x := a\n(b)")).toMatchObject({ kind: "Assign", value: { kind: "Call", line: 2, col: 1 } });
    expect(stmt("x := a\n-b")).toMatchObject({ value: { kind: "Binary", op: "-" } });
    expect(stmt("x := a\n[0]")).toMatchObject({ value: { kind: "Index" } });
    expect(stmt("ok := a\n  && b")).toMatchObject({ value: { kind: "Logical", op: "&&" } });
    expect(stmt("func f() { return\n  42 }")).toMatchObject({ def: { body: [{ kind: "Return", value: { value: 42 } }] } });
  });
});
