// Ruff lexer: source text -> tokens with 1-based line/col (col counts code points).
// Owns lexical diagnostics (all collected, never thrown), keyword set, and the split of
// interpolated strings into text and raw expression source (parsed later by the parser).

import { lexerCodeFor, type Diagnostic } from "./parse-error";

export type TokenKind =
  | "ident"
  | "kw"
  | "op"
  | "punct"
  | "int"
  | "float"
  | "str"
  | "interp"
  | "bool"
  | "eof";

/** Raw source of one `${...}` part and the position of its first character. */
export interface InterpSource {
  source: string;
  line: number;
  col: number;
}

export interface Token {
  kind: TokenKind;
  /** Name (ident/kw), operator or punctuation text, number as written, or decoded string. */
  text: string;
  /** int: number or bigint (outside the safe range); float: number; bool: boolean. */
  value: number | bigint | boolean | null;
  /** interp only: non-empty text parts and expression sources, in order. */
  parts: (string | InterpSource)[] | null;
  line: number;
  col: number;
}

export interface LexResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  "let", "mut", "const", "func", "return", "enum", "match", "case", "default", "if", "else",
  "loop", "while", "for", "in", "break", "continue", "try", "except", "int", "float", "string",
  "bool", "import", "export", "from", "struct", "impl", "self", "null", "spawn", "test",
  "test_setup", "test_teardown", "test_group", "yield", "async", "await",
]);

export const MAX_IDENTIFIER_LENGTH = 256;
export const MAX_STRING_LITERAL_LENGTH = 8192;
export const MAX_NUMERIC_LITERAL_LENGTH = 512;

const I64_MAX = 9223372036854775807n;
const ALPHABETIC = /\p{Alphabetic}/u;
const ALPHANUMERIC = /[\p{Alphabetic}\p{N}]/u;

const CH_TAB = 9, CH_LF = 10, CH_CR = 13, CH_SPACE = 32, CH_QUOTE = 34, CH_DOLLAR = 36;
const CH_0 = 48, CH_9 = 57, CH_BACKSLASH = 92, CH_UNDERSCORE = 95;
const CH_LBRACE = 123, CH_RBRACE = 125;

// Interned token texts, so the lexer allocates no strings for operators and punctuation.
const SINGLE_CHAR: string[] = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
const WITH_EQUALS: string[] = SINGLE_CHAR.map((ch) => ch + "=");

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Code units taken by the code point at i (2 for a valid surrogate pair). */
function codePointWidth(src: string, i: number): number {
  return isHighSurrogate(src.charCodeAt(i)) && i + 1 < src.length &&
    (src.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/** Rust `char::is_alphanumeric() || c == '_'`. */
function isIdentContinueAt(src: string, i: number): boolean {
  const c = src.charCodeAt(i);
  if (c < 128) return isAsciiLetter(c) || isDigit(c) || c === CH_UNDERSCORE;
  return ALPHANUMERIC.test(src.slice(i, i + codePointWidth(src, i)));
}

/** Rust `char::is_alphabetic() || c == '_'`: what makes a number malformed. */
function isAlphaOrUnderscoreAt(src: string, i: number): boolean {
  const c = src.charCodeAt(i);
  if (c < 128) return isAsciiLetter(c) || c === CH_UNDERSCORE;
  return ALPHABETIC.test(src.slice(i, i + codePointWidth(src, i)));
}

/** Token text for diagnostics, in the shape of upstream's Rust `{:?}` of TokenKind. */
export function describeToken(tok: Token): string {
  switch (tok.kind) {
    case "ident": return `Identifier(${rustString(tok.text)})`;
    case "kw": return `Keyword(${rustString(tok.text)})`;
    case "op": return `Operator(${rustString(tok.text)})`;
    case "punct": return `Punctuation('${tok.text}')`;
    case "int": return `Int(${String(tok.value)})`;
    case "float": {
      const v = tok.value as number;
      return `Float(${Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v)})`;
    }
    case "str": return `String(${rustString(tok.text)})`;
    case "interp": {
      const parts = (tok.parts ?? []).map((p) =>
        typeof p === "string" ? `Text(${rustString(p)})` : `Expression(${rustString(p.source)})`);
      return `InterpolatedString([${parts.join(", ")}])`;
    }
    case "bool": return `Bool(${String(tok.value)})`;
    case "eof": return "Eof";
  }
}

function rustString(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + '"';
}

/**
 * Tokenizes `src`. startLine/startCol place the text inside a larger file (used for the
 * source of `${...}` parts). The token list always ends with one eof token.
 */
export function lex(src: string, startLine = 1, startCol = 1): LexResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const n = src.length;
  let i = 0;
  let line = startLine;
  let col = startCol;

  const push = (kind: TokenKind, text: string, tokLine: number, tokCol: number,
    value: number | bigint | boolean | null = null): void => {
    tokens.push({ kind, text, value, parts: null, line: tokLine, col: tokCol });
  };
  const report = (message: string, dLine: number, dCol: number): void => {
    diagnostics.push({ message, line: dLine, col: dCol, lexerCode: lexerCodeFor(message) });
  };
  const next = (k: number): number => (i + k < n ? src.charCodeAt(i + k) : -1);

  while (i < n) {
    const c = src.charCodeAt(i);
    const tokLine = line;
    const tokCol = col;
    switch (c) {
      case CH_SPACE:
      case CH_TAB:
        i++; col++;
        continue;
      case CH_LF:
        i++; line++; col = 1;
        continue;
      case CH_CR:
        i++; line++; col = 1;
        if (next(0) === CH_LF) i++;
        continue;
      case 0:
        report("Null byte is not allowed in source", line, col);
        i++; col++;
        continue;
      case 35: // '#'
        while (i < n && src.charCodeAt(i) !== CH_LF && src.charCodeAt(i) !== CH_CR) {
          col++;
          i += codePointWidth(src, i);
        }
        continue;
      case CH_QUOTE:
        lexString();
        continue;
      case 58: // ':'
        if (next(1) === 61) { push("op", ":=", line, col); i += 2; col += 2; }
        else if (next(1) === 58) { push("op", "::", line, col); i += 2; col += 2; }
        else { push("punct", ":", line, col); i++; col++; }
        continue;
      case 61: // '='
        if (next(1) === 61) { push("op", "==", line, col); i += 2; col += 2; }
        else { push("op", "=", line, col); i++; col++; }
        continue;
      case 33: // '!'
      case 60: // '<'
      case 62: // '>'
      case 43: // '+'
      case 42: // '*'
      case 37: // '%'
        if (next(1) === 61) { push("op", WITH_EQUALS[c], line, col); i += 2; col += 2; }
        else { push("op", SINGLE_CHAR[c], line, col); i++; col++; }
        continue;
      case 45: // '-'
        if (next(1) === 61) { push("op", "-=", line, col); i += 2; col += 2; }
        else if (next(1) === 62) { push("op", "->", line, col); i += 2; col += 2; }
        else { push("op", "-", line, col); i++; col++; }
        continue;
      case 63: // '?'
        if (next(1) === 63) { push("op", "??", line, col); i += 2; col += 2; }
        else if (next(1) === 46) { push("op", "?.", line, col); i += 2; col += 2; }
        else { push("op", "?", line, col); i++; col++; }
        continue;
      case 124: // '|'
        if (next(1) === 124) { push("op", "||", line, col); i += 2; col += 2; }
        else if (next(1) === 62) { push("op", "|>", line, col); i += 2; col += 2; }
        else { push("op", "|", line, col); i++; col++; }
        continue;
      case 38: // '&'
        if (next(1) === 38) { push("op", "&&", line, col); i += 2; col += 2; }
        else { push("op", "&", line, col); i++; col++; }
        continue;
      case 46: // '.'
        if (next(1) === 46 && next(2) === 46) { push("op", "...", line, col); i += 3; col += 3; }
        else { push("punct", ".", line, col); i++; col++; }
        continue;
      case 47: // '/'
        if (next(1) === 61) { push("op", "/=", line, col); i += 2; col += 2; }
        else if (next(1) === 42) lexBlockComment();
        else if (next(1) === 47) {
          while (i < n && src.charCodeAt(i) !== CH_LF && src.charCodeAt(i) !== CH_CR) {
            col++;
            i += codePointWidth(src, i);
          }
        } else { push("op", "/", line, col); i++; col++; }
        continue;
      case 40: case 41: case CH_LBRACE: case CH_RBRACE: case 91: case 93: case 44: case 59:
        push("punct", SINGLE_CHAR[c], line, col);
        i++; col++;
        continue;
      default:
        break;
    }
    if (isDigit(c)) lexNumber();
    else if (isAsciiLetter(c) || c === CH_UNDERSCORE) lexIdentifier();
    else {
      const width = codePointWidth(src, i);
      report(`Invalid character: '${src.slice(i, i + width)}'`, tokLine, tokCol);
      i += width;
      col++;
    }
  }
  tokens.push({ kind: "eof", text: "", value: null, parts: null, line, col });
  return { tokens, diagnostics };

  function lexBlockComment(): void {
    const startLine = line, startCol = col;
    i += 2; col += 2;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === 42 && next(1) === 47) { i += 2; col += 2; return; }
      if (c === CH_LF) { i++; line++; col = 1; }
      else if (c === CH_CR) { i++; line++; col = 1; if (next(0) === CH_LF) i++; }
      else { i += codePointWidth(src, i); col++; }
    }
    report("Unterminated block comment", startLine, startCol);
  }

  function lexNumber(): void {
    const start = i, startCol = col;
    while (i < n && isDigit(src.charCodeAt(i))) i++;
    let hasFraction = false;
    if (next(0) === 46 && isDigit(next(1))) {
      hasFraction = true;
      i++;
      while (i < n && isDigit(src.charCodeAt(i))) i++;
    }
    const text = src.slice(start, i);
    col += i - start;
    if (text.length > MAX_NUMERIC_LITERAL_LENGTH) {
      report(`Numeric literal exceeds max length of ${MAX_NUMERIC_LITERAL_LENGTH} characters`,
        line, startCol);
      return;
    }
    if (i < n && isAlphaOrUnderscoreAt(src, i)) {
      const suffixStart = i;
      while (i < n && isIdentContinueAt(src, i)) {
        i += codePointWidth(src, i);
        col++;
      }
      report(`Malformed numeric literal: ${text}${src.slice(suffixStart, i)}`, line, startCol);
      return;
    }
    if (hasFraction) {
      const value = Number(text);
      if (!Number.isFinite(value)) report(`Numeric literal overflow: ${text}`, line, startCol);
      else push("float", text, line, startCol, value);
      return;
    }
    if (text.length <= 15) {
      push("int", text, line, startCol, Number(text));
      return;
    }
    const big = BigInt(text);
    if (big > I64_MAX) report(`Numeric literal overflow: ${text}`, line, startCol);
    else push("int", text, line, startCol, big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big);
  }

  function lexIdentifier(): void {
    const start = i, startCol = col;
    while (i < n && isIdentContinueAt(src, i)) {
      i += codePointWidth(src, i);
      col++;
    }
    if (col - startCol > MAX_IDENTIFIER_LENGTH) {
      report(`Identifier exceeds max length of ${MAX_IDENTIFIER_LENGTH} characters`,
        line, startCol);
      return;
    }
    const name = src.slice(start, i);
    if (KEYWORDS.has(name)) push("kw", name, line, startCol);
    else if (name === "true" || name === "false") push("bool", name, line, startCol, name === "true");
    else push("ident", name, line, startCol);
  }

  function lexString(): void {
    const startLine = line, startCol = col;
    i++; col++;
    const parts: (string | InterpSource)[] = [];
    let text = "";
    let textLength = 0; // code points in `text` plus the pending chunk
    let chunkStart = i;
    let hasInterpolation = false;
    let failed = false;
    let unterminatedReported = false;
    let tooLongReported = false;
    const reportUnterminated = (message: string): void => {
      failed = true;
      unterminatedReported = true;
      report(message, startLine, startCol);
    };

    let terminated = false;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === CH_QUOTE) {
        text += src.slice(chunkStart, i);
        i++; col++;
        terminated = true;
        break;
      }
      if (c === CH_BACKSLASH) {
        text += src.slice(chunkStart, i);
        i++; col++;
        if (i >= n) { reportUnterminated("Unterminated string literal"); break; }
        const escLine = line, escCol = col;
        const width = codePointWidth(src, i);
        const escaped = src.slice(i, i + width);
        const e = src.charCodeAt(i);
        i += width;
        if (e === CH_LF || e === CH_CR) { line++; col = 1; } else col++;
        switch (escaped) {
          case "n": text += "\n"; break;
          case "t": text += "\t"; break;
          case "r": text += "\r"; break;
          case "\\": text += "\\"; break;
          case '"': text += '"'; break;
          case "$": text += "$"; break;
          default:
            failed = true;
            report(`Invalid escape sequence: \\\\${escaped}`, escLine, escCol);
        }
        textLength++;
        chunkStart = i;
        continue;
      }
      if (c === CH_DOLLAR && next(1) === CH_LBRACE) {
        text += src.slice(chunkStart, i);
        hasInterpolation = true;
        i += 2; col += 2;
        if (text.length > 0) parts.push(text);
        text = "";
        textLength = 0;
        const exprStart = i, exprLine = line, exprCol = col;
        let depth = 1;
        while (i < n) {
          const d = src.charCodeAt(i);
          if (d === CH_LBRACE) depth++;
          else if (d === CH_RBRACE && --depth === 0) break;
          if (d === CH_LF) { i++; line++; col = 1; }
          else if (d === CH_CR) { i++; line++; col = 1; if (next(0) === CH_LF) i++; }
          else { i += codePointWidth(src, i); col++; }
        }
        if (i >= n) { reportUnterminated("Unterminated interpolated string expression"); break; }
        parts.push({ source: src.slice(exprStart, i), line: exprLine, col: exprCol });
        i++; col++; // the closing '}'
        chunkStart = i;
        continue;
      }
      if (c === CH_LF || c === CH_CR) {
        reportUnterminated("Unterminated string literal");
        break;
      }
      i += codePointWidth(src, i);
      col++;
      if (++textLength > MAX_STRING_LITERAL_LENGTH && !tooLongReported) {
        tooLongReported = true;
        failed = true;
        report(`String literal exceeds max length of ${MAX_STRING_LITERAL_LENGTH} characters`,
          startLine, startCol);
      }
    }
    if (!terminated && !unterminatedReported) reportUnterminated("Unterminated string literal");
    if (failed) return;
    if (!hasInterpolation) {
      push("str", text, startLine, startCol);
      return;
    }
    if (text.length > 0) parts.push(text);
    tokens.push({ kind: "interp", text: "", value: null, parts, line: startLine, col: startCol });
  }
}
