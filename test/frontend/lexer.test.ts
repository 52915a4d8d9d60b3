// Lexer unit tests: token kinds and texts, positions (code-point columns, line breaks),
// numbers and their limits, strings and interpolation, comments, lexical diagnostics.

import { describe, expect, it } from "vitest";
import { describeToken, lex, type Token } from "../../src/frontend/lexer";

function kinds(src: string): string[] {
  return lex(src).tokens.map((t) => (t.kind === "eof" ? "eof" : `${t.kind}:${t.text}`));
}

function only(src: string): Token {
  const { tokens, diagnostics } = lex(src);
  expect(diagnostics).toEqual([]);
  expect(tokens).toHaveLength(2);
  return tokens[0];
}

function diags(src: string): string[] {
  return lex(src).diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);
}

describe("lexer: tokens", () => {
  it("lexes every operator and punctuation token", () => {
    const ops = "+ - * / % += -= *= /= %= == != < <= > >= ! && || := = -> :: ? ?? ?. |> ... & |";
    expect(kinds(ops).slice(0, -1)).toEqual(ops.split(" ").map((o) => `op:${o}`));
    expect(kinds("( ) { } [ ] , ; : .").slice(0, -1)).toEqual(
      ["(", ")", "{", "}", "[", "]", ",", ";", ":", "."].map((p) => `punct:${p}`));
  });

  it("keeps ?, ?? and ?. distinct", () => {
    expect(kinds("a?.b??c?")).toEqual(["ident:a", "op:?.", "ident:b", "op:??", "ident:c", "op:?", "eof"]);
    expect(kinds("a? .b")).toEqual(["ident:a", "op:?", "punct:.", "ident:b", "eof"]);
  });

  it("splits .. into two dots and keeps ...", () => {
    expect(kinds("..")).toEqual(["punct:.", "punct:.", "eof"]);
    expect(kinds("....")).toEqual(["op:...", "punct:.", "eof"]);
  });

  it("recognises keywords, booleans and case-sensitive identifiers", () => {
    expect(kinds("let mut const self null yield test_group Let NULL _x true false")).toEqual([
      "kw:let", "kw:mut", "kw:const", "kw:self", "kw:null", "kw:yield", "kw:test_group",
      "ident:Let", "ident:NULL", "ident:_x", "bool:true", "bool:false", "eof",
    ]);
    expect(kinds("throw Ok Err Some None Result Option print")).toEqual(
      ["throw", "Ok", "Err", "Some", "None", "Result", "Option", "print"].map((n) => `ident:${n}`).concat("eof"));
  });

  it("accepts Unicode alphanumerics after the first identifier character", () => {
    expect(only("café").text).toBe("café");
    expect(only("x𝑦2").text).toBe("x𝑦2"); // astral letter
    expect(only("n٣").text).toBe("n٣"); // Arabic-Indic digit
    expect(diags("éa")).toEqual(["1:1 Invalid character: 'é'"]);
  });

  it("skips #, // and /* */ comments", () => {
    expect(kinds("a # c\nb // d\nc /* x\n y */ d /// e")).toEqual(
      ["ident:a", "ident:b", "ident:c", "ident:d", "eof"]);
  });

  it("ends with an eof token placed after the last character", () => {
    const { tokens } = lex("ab\n");
    expect(tokens[tokens.length - 1]).toMatchObject({ kind: "eof", line: 2, col: 1 });
  });
});

describe("lexer: positions", () => {
  it("gives 1-based line and column of each token's first character", () => {
    const toks = lex("let x := 42\n  print(x)").tokens;
    expect(toks.map((t) => [t.text, t.line, t.col])).toEqual([
      ["let", 1, 1], ["x", 1, 5], [":=", 1, 7], ["42", 1, 10],
      ["print", 2, 3], ["(", 2, 8], ["x", 2, 9], [")", 2, 10], ["", 2, 11],
    ]);
  });

  it("treats LF, CR and CRLF each as one line break", () => {
    const toks = lex("a\r\nb\rc\nd").tokens;
    expect(toks.slice(0, 4).map((t) => [t.text, t.line, t.col])).toEqual(
      [["a", 1, 1], ["b", 2, 1], ["c", 3, 1], ["d", 4, 1]]);
  });

  it("counts columns in code points, also for astral characters", () => {
    const toks = lex('"😀😀" x /* 😀 */ y # 😀\nz').tokens;
    expect(toks.map((t) => [t.kind, t.line, t.col])).toEqual([
      ["str", 1, 1], ["ident", 1, 6], ["ident", 1, 16], ["ident", 2, 1], ["eof", 2, 2],
    ]);
    expect(diags("x := 😀 @")).toEqual(["1:6 Invalid character: '😀'", "1:8 Invalid character: '@'"]);
  });

  it("tracks lines inside block comments", () => {
    expect(lex("/* a\r\nb\rc\n */ x").tokens[0]).toMatchObject({ line: 4, col: 5 });
  });

  it("can start at an offset (used for interpolation sources)", () => {
    expect(lex("a + b", 3, 10).tokens.map((t) => t.col)).toEqual([10, 12, 14, 15]);
  });
});

describe("lexer: numbers", () => {
  it("lexes ints as numbers and floats with a fraction", () => {
    expect(only("42")).toMatchObject({ kind: "int", value: 42 });
    expect(only("007")).toMatchObject({ kind: "int", value: 7, text: "007" });
    expect(only("3.25")).toMatchObject({ kind: "float", value: 3.25 });
    expect(only("0.5")).toMatchObject({ kind: "float", value: 0.5 });
  });

  it("treats 1. as int then dot, and .5 as dot then int", () => {
    expect(kinds("1.")).toEqual(["int:1", "punct:.", "eof"]);
    expect(kinds("1.x")).toEqual(["int:1", "punct:.", "ident:x", "eof"]);
    expect(kinds(".5")).toEqual(["punct:.", "int:5", "eof"]);
    expect(kinds("1.2.3")).toEqual(["float:1.2", "punct:.", "int:3", "eof"]);
  });

  it("keeps ints exact: number up to 2^53-1, bigint beyond, error beyond i64", () => {
    expect(only("9007199254740991").value).toBe(9007199254740991);
    expect(only("9007199254740992").value).toBe(9007199254740992n);
    expect(only("9223372036854775807").value).toBe(9223372036854775807n);
    expect(only("000000000000000000000000012").value).toBe(12);
    expect(diags("x 9223372036854775808")).toEqual(["1:3 Numeric literal overflow: 9223372036854775808"]);
  });

  it("rejects letters or underscores right after digits", () => {
    expect(diags("1e5")).toEqual(["1:1 Malformed numeric literal: 1e5"]);
    expect(diags("1_000")).toEqual(["1:1 Malformed numeric literal: 1_000"]);
    expect(diags("0x1F")).toEqual(["1:1 Malformed numeric literal: 0x1F"]);
    expect(diags("1.5e3")).toEqual(["1:1 Malformed numeric literal: 1.5e3"]);
    expect(diags("12é")).toEqual(["1:1 Malformed numeric literal: 12é"]);
  });

  it("reports overlong and non-finite literals", () => {
    expect(diags("9".repeat(513))).toEqual(["1:1 Numeric literal exceeds max length of 512 characters"]);
    const huge = `${"9".repeat(400)}.5`;
    expect(diags(huge)).toEqual([`1:1 Numeric literal overflow: ${huge}`]);
  });
});

describe("lexer: strings", () => {
  it("decodes the six escapes", () => {
    expect(only('"a\\nb\\tc\\rd\\\\e\\"f\\$g"').text).toBe('a\nb\tc\rd\\e"f$g');
  });

  it("reports invalid escapes at the escaped character, with upstream's double backslash", () => {
    expect(diags('print("\\q")')).toEqual(["1:9 Invalid escape sequence: \\\\q"]);
    expect(diags('"\\u0041 \\0"')).toEqual([
      "1:3 Invalid escape sequence: \\\\u", "1:10 Invalid escape sequence: \\\\0",
    ]);
  });

  it("reports unterminated strings at the opening quote", () => {
    expect(diags('x := "abc')).toEqual(["1:6 Unterminated string literal"]);
    expect(diags('x := "ab\\')).toEqual(["1:6 Unterminated string literal"]);
    expect(diags('"a\nb')).toEqual(["1:1 Unterminated string literal"]);
  });

  it("keeps astral characters intact", () => {
    expect(only('"a😀b"').text).toBe("a😀b");
  });

  it("splits interpolation into text and expression sources with positions", () => {
    const tok = only('"sum: ${a + b}!"');
    expect(tok.kind).toBe("interp");
    expect(tok.parts).toEqual(["sum: ", { source: "a + b", line: 1, col: 9 }, "!"]);
  });

  it("balances braces and ignores quotes inside an interpolation", () => {
    expect(only('"${ {"k": 1}["k"] }"').parts).toEqual([{ source: ' {"k": 1}["k"] ', line: 1, col: 4 }]);
    expect(only('"${d["key"]}"').parts).toEqual([{ source: 'd["key"]', line: 1, col: 4 }]);
  });

  it("treats a lone $ and \\$ as text", () => {
    expect(only('"cost: $5"')).toMatchObject({ kind: "str", text: "cost: $5" });
    expect(only('"\\${x}"')).toMatchObject({ kind: "str", text: "${x}" });
  });

  it("reports unterminated interpolations and overlong strings", () => {
    expect(diags('"${a"')).toEqual(["1:1 Unterminated interpolated string expression"]);
    expect(diags(`"${"a".repeat(8193)}"`)).toEqual(["1:1 String literal exceeds max length of 8192 characters"]);
    expect(lex(`"${"a".repeat(8192)}"`).diagnostics).toEqual([]);
  });

  it("rejects single quotes", () => {
    expect(diags("'a'")).toEqual(["1:1 Invalid character: '''", "1:3 Invalid character: '''"]);
  });
});

describe("lexer: diagnostics", () => {
  it("collects every diagnostic and keeps lexing", () => {
    expect(diags("a @ b\n  ^ ~ `\n/* open")).toEqual([
      "1:3 Invalid character: '@'", "2:3 Invalid character: '^'", "2:5 Invalid character: '~'",
      "2:7 Invalid character: '`'", "3:1 Unterminated block comment",
    ]);
  });

  it("rejects NUL bytes and overlong identifiers", () => {
    expect(diags("x\0")).toEqual(["1:2 Null byte is not allowed in source"]);
    expect(diags("a".repeat(257))).toEqual(["1:1 Identifier exceeds max length of 256 characters"]);
    expect(lex("a".repeat(256)).diagnostics).toEqual([]);
  });

  it("describes tokens like upstream's Rust debug output", () => {
    const toks = lex('x let + ( 5 1.5 2.0 "s\\"" true "${a}b"').tokens;
    expect(toks.map(describeToken)).toEqual([
      'Identifier("x")', 'Keyword("let")', 'Operator("+")', "Punctuation('(')", "Int(5)",
      "Float(1.5)", "Float(2.0)", 'String("s\\"")', "Bool(true)",
      'InterpolatedString([Expression("a"), Text("b")])', "Eof",
    ]);
  });
});
