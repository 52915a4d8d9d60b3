// Property tests: parseProgram on random bytes, random Unicode (including lone surrogates)
// and random Ruff token soup either returns a Program or throws a ParseError with sane
// positions, and never anything else. Seeded and bounded to stay around a second.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../src/frontend/parse-error";
import { parseProgram } from "../../src/frontend/parser";

const SEED = 20240611;

function lineCount(source: string): number {
  return source.split(/\r\n|\r|\n/).length;
}

function isPosition(line: unknown, col: unknown, maxLine: number): boolean {
  return Number.isInteger(line) && Number.isInteger(col) &&
    (line as number) >= 1 && (line as number) <= maxLine && (col as number) >= 1;
}

/** Every node position in a parsed program is a real 1-based position. */
function checkPositions(node: unknown, maxLine: number): void {
  if (Array.isArray(node)) {
    for (const child of node) checkPositions(child, maxLine);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (typeof record.line === "number" && !isPosition(record.line, record.col, maxLine)) {
    throw new Error(`bad node position ${String(record.line)}:${String(record.col)} in ${JSON.stringify(record).slice(0, 200)}`);
  }
  for (const value of Object.values(record)) checkPositions(value, maxLine);
}

function parsesOrFailsCleanly(source: string): void {
  const maxLine = lineCount(source);
  let program;
  try {
    program = parseProgram(source, "fuzz.ruff");
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    if (err.diagnostics.length === 0 || err.message !== err.diagnostics[0].message) {
      throw new Error(`ParseError without a leading diagnostic: ${err.message}`);
    }
    for (const d of err.diagnostics) {
      if (d.message.length === 0 || !isPosition(d.line, d.col, maxLine)) {
        throw new Error(`bad diagnostic ${JSON.stringify(d)}`);
      }
    }
    return;
  }
  if (program.file !== "fuzz.ruff") throw new Error("program.file not kept");
  checkPositions(program.body, maxLine);
}

const RUFF_TOKENS = [
  // keywords and by-name forms
  "let", "mut", "const", "func", "func*", "return", "enum", "match", "case", "default", "if",
  "else", "loop", "while", "for", "in", "break", "continue", "try", "except", "int", "string",
  "import", "export", "from", "struct", "self", "null", "spawn", "test", "test_setup",
  "test_group", "yield", "async", "await", "true", "false", "throw", "Ok", "Err", "Some", "None",
  "Result", "Option",
  // operators and punctuation
  "+", "-", "*", "/", "%", "+=", "-=", "==", "!=", "<", "<=", ">", ">=", "!", "&&", "||", ":=",
  "=", "->", "::", "?", "??", "?.", "|>", "...", "(", ")", "{", "}", "[", "]", ",", ";", ":", ".",
  // literals, names, comments
  "x", "y", "_", "P", "print", "0", "42", "3.14", "9223372036854775807", '"s"', '"a ${x} b"',
  '"${f(1)}"', '"\\n"', "# c\n", "/* c */",
];

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...RUFF_TOKENS), fc.constantFrom(" ", "\n", "  ", "\r\n")), { maxLength: 60 })
  .map((pairs) => pairs.map(([tok, sep]) => tok + sep).join(""));

/** Snippets that are valid on their own, so joined programs often parse and nest. */
const SNIPPETS = [
  "x := 1", "let [a, b] := xs", "if x < 2 { y := x }", "while i < n { i += 1 }",
  "for v in range(0, 3) { print(v) }", "func f(a, b) { return a + b }", "s := P { a: 1 }",
  "match r { case Ok(v): { print(v) } default: { } }", "try { f() } except e { g(e) }",
  'print("v=${v |> g(1)}")', "struct P { a, func m(self) { return self.a } }", "loop { break }",
  "z := Result::Ok(a?.b ?? c)", "enum E { A, B }", "{a, b} := d", "xs[i].f = v",
];
const snippetSoup = fc
  .array(fc.oneof(fc.constantFrom(...SNIPPETS), fc.constantFrom(...RUFF_TOKENS)), { maxLength: 25 })
  .map((parts) => parts.join("\n"));

/** Any code point; surrogate code points come out as lone surrogates. */
const codePointText = fc
  .array(fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), { maxLength: 120 })
  .map((points) => points.join(""));

const loneSurrogateText = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.constantFrom("${", "\"", "{", "}", "\\")), { maxLength: 80 })
  .map((units) => units.join(""));

describe("parseProgram never throws anything but ParseError", () => {
  it("on random bytes decoded as UTF-8", () => {
    const decoder = new TextDecoder();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      parsesOrFailsCleanly(decoder.decode(bytes));
    }), { seed: SEED, numRuns: 400 });
  });

  it("on random Unicode strings, including lone surrogates", () => {
    fc.assert(fc.property(codePointText, parsesOrFailsCleanly), { seed: SEED, numRuns: 400 });
    fc.assert(fc.property(loneSurrogateText, parsesOrFailsCleanly), { seed: SEED, numRuns: 300 });
  });

  it("on random sequences of Ruff tokens", () => {
    fc.assert(fc.property(tokenSoup, parsesOrFailsCleanly), { seed: SEED, numRuns: 1500 });
  });

  it("on random sequences of statements and tokens", () => {
    let parsed = 0;
    fc.assert(fc.property(snippetSoup, (source) => {
      parsesOrFailsCleanly(source);
      try {
        parseProgram(source, "fuzz.ruff");
        parsed++;
      } catch {
        // counted only to make sure the generator reaches the success path
      }
    }), { seed: SEED, numRuns: 800 });
    expect(parsed).toBeGreaterThan(50);
  });
});
