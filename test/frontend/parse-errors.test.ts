// Error reporting of parseProgram: ParseError shape, lexer-vs-parser diagnostic policy,
// upstream message texts with positions, file-size, nesting and literal-size limits.

import { describe, expect, it } from "vitest";
import { ParseError } from "../../src/frontend/parse-error";
import { parseProgram } from "../../src/frontend/parser";
import { errors, firstError, parse } from "./helpers";

describe("ParseError", () => {
  it("carries diagnostics; message is the first one's", () => {
    let caught: unknown;
    try {
      parseProgram("x := @", "a.ruff");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ParseError);
    expect(caught).toBeInstanceOf(Error);
    const e = caught as ParseError;
    expect(e.message).toBe("Invalid character: '@'");
    expect(e.diagnostics).toEqual([{ lexerCode: "RUFLEX001", message: "Invalid character: '@'", line: 1, col: 6 }]);
  });

  it("reports every lexer diagnostic, but only the first parser diagnostic", () => {
    expect(errors('x := @\ny := "\\q"\n/* open').map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      "1:6 Invalid character: '@'", "2:8 Invalid escape sequence: \\\\q", "3:1 Unterminated block comment",
    ]);
    expect(errors("x := )\ny := ]")).toHaveLength(1);
  });
});

describe("upstream messages and positions", () => {
  it.each([
    ["print((1 + 2)\n", "2:1 Expected ')' to close function call arguments but found Eof"],
    ['print("\\q")', "1:9 Invalid escape sequence: \\\\q"],
    ["x := 1e5", "1:6 Malformed numeric literal: 1e5"],
    ["x := 9223372036854775808", "1:6 Numeric literal overflow: 9223372036854775808"],
    ['x := "abc', "1:6 Unterminated string literal"],
    ["x := 1 /* never closed", "1:8 Unterminated block comment"],
    ["x := )", "1:6 Expected expression"],
    ["}", "1:1 Expected expression"],
    ["x := (1 + 2", "1:12 Expected ')' to close parenthesized expression but found Eof"],
    ["x := a[1", "1:9 Expected ']' to close index expression but found Eof"],
    ["x := o.m(1", "1:11 Expected ')' to close method call arguments but found Eof"],
    ["x := [1, 2", "1:11 Expected ']' to close array literal but found Eof"],
    ["x := {1: 2", "1:11 Expected '}' to close dictionary literal but found Eof"],
    ["x := {1 2}", "1:9 Expected ':' in dictionary literal"],
    ["x := P { a: 1 b: 2 }", `1:15 Expected '}' to close struct literal but found Identifier("b")`],
    ["x := C::V(1", "1:12 Expected ')' to close tag expression arguments but found Eof"],
    ["x := throw(1", "1:13 Expected ')' to close throw(...) arguments but found Eof"],
    ["x := Ok(1", "1:10 Expected ')' to close Ok(...) but found Eof"],
    ["x := a.", "1:8 Expected field or method name after '.' but found Eof"],
    ["x := a?.1", "1:9 Expected field name after '?.' but found Int(1)"],
    ["if x { y()", "1:11 Expected '}' to close if block but found Eof"],
    ["if x { f() } else y", `1:19 Expected '{' to start else block but found Identifier("y")`],
    ["while x", "1:8 Expected '{' to start while body but found Eof"],
    ["loop x", `1:6 Expected '{' to start loop body but found Identifier("x")`],
    ["spawn", "1:6 Expected '{' to start spawn block but found Eof"],
    ["test_setup x", `1:12 Expected '{' to start test_setup block but found Identifier("x")`],
    ["enum 1", "1:6 Expected enum name after 'enum'"],
    ["import 1", "1:8 Expected module name after 'import'"],
    ["func f() -> int", "1:16 Expected '{' to start function body but found Eof"],
    ["\n\n   let = 1", `3:8 Expected variable name or destructuring pattern after 'let' but found Operator("=")`],
  ])("%j", (src, want) => {
    expect(firstError(src)).toBe(want);
  });
});

describe("file size limit", () => {
  it("accepts exactly 1 MiB and rejects one byte more, counting UTF-8 bytes", () => {
    expect(parse("#" + "a".repeat(1_048_575))).toEqual([]);
    expect(errors("#" + "a".repeat(1_048_576))).toEqual(
      [{ message: "File too large: 1048577 bytes (limit 1048576)", line: 1, col: 1 }]);
    expect(errors("#" + "é".repeat(524_288))).toEqual(
      [{ message: "File too large: 1048577 bytes (limit 1048576)", line: 1, col: 1 }]);
    expect(parse("#" + "😀".repeat(262_143) + "abc")).toEqual([]);
  });
});

describe("nesting limits", () => {
  const depthError = "Maximum expression nesting depth of 256 exceeded while parsing";

  it("accepts moderately deep nesting", () => {
    expect(parse("x := " + "(".repeat(200) + "1" + ")".repeat(200))).toHaveLength(1);
    expect(parse("x := " + "[".repeat(200) + "]".repeat(200))).toHaveLength(1);
    expect(parse("if a {\n".repeat(120) + "f()\n" + "}\n".repeat(120))).toHaveLength(1);
    expect(parse("f := " + "func() { return ".repeat(100) + "1" + " }".repeat(100))).toHaveLength(1);
  });

  it.each([
    ["parentheses", "x := " + "(".repeat(100_000)],
    ["arrays", "x := " + "[".repeat(100_000)],
    ["dicts", "x := " + "{".repeat(100_000)],
    ["unary operators", "x := " + "!-".repeat(50_000) + "1"],
    ["calls", "x := f" + "(".repeat(100_000)],
    ["indexes", "x := a" + "[".repeat(100_000)],
    ["struct literals", "x := " + "A { a: ".repeat(50_000)],
    ["awaits", "x := " + "await ".repeat(50_000) + "1"],
    ["interpolations", "x := " + '"${'.repeat(2_000) + "1" + '}"'.repeat(2_000)],
    ["array patterns", "let " + "[".repeat(100_000)],
    ["destructuring", "[".repeat(100_000) + "a" + "]".repeat(100_000) + " := x"],
    ["type arguments", "let x: " + "Option<".repeat(100_000)],
  ])("stops deep %s with a ParseError", (_, src) => {
    const d = errors(src);
    expect(d).toHaveLength(1);
    expect(d[0].message.startsWith(depthError)).toBe(true);
  });

  it.each([
    ["blocks", "if a {\n".repeat(50_000), "if block"],
    ["lambdas", "f := " + "func() { return ".repeat(20_000), "function expression body"],
    ["export chains", "export ".repeat(100_000) + "x", "export statement"],
  ])("stops deep %s with a ParseError", (_, src, what) => {
    const d = errors(src);
    expect(d).toHaveLength(1);
    expect(d[0].message).toMatch(/^Maximum (block|expression) nesting depth of \d+ exceeded while parsing/);
    if (d[0].message.includes("block")) expect(d[0].message).toContain(what);
  });
});

describe("collection literal limits", () => {
  it("allows 4096 items and rejects 4097", () => {
    const items = (n: number): string => Array.from({ length: n }, (_, k) => String(k)).join(", ");
    expect(parse(`x := [${items(4096)}]`)).toHaveLength(1);
    expect(errors(`x := [${items(4097)}]`)[0].message).toBe("Array literal exceeds maximum element count of 4096");
    const entries = Array.from({ length: 4097 }, (_, k) => `"${k}": ${k}`).join(", ");
    expect(errors(`x := {${entries}}`)[0].message).toBe("Dictionary literal exceeds maximum item count of 4096");
  });
});
