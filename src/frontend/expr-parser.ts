// Ruff expression parser: the token cursor, nesting limits, precedence climbing, postfix
// forms, literals, lambdas, constructors and interpolated strings. Statement parsing lives
// in parser.ts (a subclass), which supplies blocks for lambda bodies.

import type {
  ArrayElem, BinaryOp, DictEntry, Expr, FuncDef, Param, Pos, StructLit,
} from "./ast";
import { describeToken, lex, type InterpSource, type Token } from "./lexer";
import { ParseError } from "./parse-error";

export const MAX_EXPRESSION_DEPTH = 256;
export const MAX_BLOCK_DEPTH = 128;
export const MAX_COLLECTION_LITERAL_ITEMS = 4096;

/** Shared by a parser and the parsers it starts for `${...}` parts, so limits hold overall. */
export interface NestingState {
  expr: number;
  block: number;
}

// Binding powers; every level is left-associative.
const PREC_PIPE = 1;
const PREC_COALESCE = 2;
const PREC_OR = 3;
const PREC_AND = 4;
const PREC_EQUALITY = 5;
const PREC_COMPARISON = 6;
const PREC_ADDITIVE = 7;
const PREC_MULTIPLICATIVE = 8;

function binaryPrecedence(op: string): number {
  switch (op) {
    case "|>": return PREC_PIPE;
    case "??": return PREC_COALESCE;
    case "||": return PREC_OR;
    case "&&": return PREC_AND;
    case "==": case "!=": return PREC_EQUALITY;
    case "<": case "<=": case ">": case ">=": return PREC_COMPARISON;
    case "+": case "-": return PREC_ADDITIVE;
    case "*": case "/": case "%": return PREC_MULTIPLICATIVE;
    default: return 0;
  }
}

const TYPE_KEYWORDS: ReadonlySet<string> = new Set(["int", "float", "string", "bool"]);

export abstract class ExprParser {
  protected pos = 0;

  constructor(
    protected readonly tokens: Token[],
    protected readonly nesting: NestingState,
  ) {}

  /** `{ stmts }` with upstream-style messages; implemented by the statement parser. */
  protected abstract parseBlockBody(open: string, close: string, what: string): FuncDef["body"];

  /** A parser over the tokens of one `${...}` part, sharing this parser's nesting state. */
  protected abstract subParser(tokens: Token[]): ExprParser;

  // --- cursor ---------------------------------------------------------------

  protected peek(): Token {
    return this.tokens[this.pos];
  }

  protected peekAt(offset: number): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  /** Consumes the current token; the final eof token is never passed. */
  protected advance(): Token {
    const tok = this.tokens[this.pos];
    if (tok.kind !== "eof") this.pos++;
    return tok;
  }

  protected isPunct(text: string): boolean {
    const tok = this.tokens[this.pos];
    return tok.kind === "punct" && tok.text === text;
  }

  protected isOp(text: string): boolean {
    const tok = this.tokens[this.pos];
    return tok.kind === "op" && tok.text === text;
  }

  protected isKw(text: string): boolean {
    const tok = this.tokens[this.pos];
    return tok.kind === "kw" && tok.text === text;
  }

  protected atEof(): boolean {
    return this.tokens[this.pos].kind === "eof";
  }

  protected fail(message: string, tok: Token = this.peek()): never {
    throw new ParseError([{ message, line: tok.line, col: tok.col }]);
  }

  protected expectPunct(text: string, context: string): Token {
    if (!this.isPunct(text)) {
      this.fail(`Expected '${text}' ${context} but found ${describeToken(this.peek())}`);
    }
    return this.advance();
  }

  protected expectKw(text: string, context: string): Token {
    if (!this.isKw(text)) {
      this.fail(`Expected '${text}' ${context} but found ${describeToken(this.peek())}`);
    }
    return this.advance();
  }

  protected expectIdent(message: string): Token {
    if (this.peek().kind !== "ident") this.fail(message);
    return this.advance();
  }

  protected enterExpression(what: string): void {
    if (++this.nesting.expr > MAX_EXPRESSION_DEPTH) {
      this.fail(`Maximum expression nesting depth of ${MAX_EXPRESSION_DEPTH} exceeded while parsing ${what}`);
    }
  }

  protected leaveExpression(): void {
    this.nesting.expr--;
  }

  // --- type annotations (parsed and dropped) ---------------------------------

  private atTypeName(): boolean {
    const tok = this.peek();
    return tok.kind === "ident" || (tok.kind === "kw" && TYPE_KEYWORDS.has(tok.text));
  }

  /** Skips `Name` or `Name<T, ...>`; returns false (consuming nothing) if no type is here. */
  protected skipType(): boolean {
    if (!this.atTypeName()) return false;
    this.enterExpression("type annotation");
    this.advance();
    if (this.isOp("<")) {
      this.advance();
      for (;;) {
        if (!this.skipType()) {
          this.fail(`Expected type name in type arguments but found ${describeToken(this.peek())}`);
        }
        if (!this.isPunct(",")) break;
        this.advance();
      }
      if (!this.isOp(">")) {
        this.fail(`Expected '>' to close type arguments but found ${describeToken(this.peek())}`);
      }
      this.advance();
    }
    this.leaveExpression();
    return true;
  }

  /** Optional `: Type` after a binding name, parameter or struct field. */
  protected skipAnnotation(): void {
    if (!this.isPunct(":")) return;
    const next = this.peekAt(1);
    if (next.kind !== "ident" && !(next.kind === "kw" && TYPE_KEYWORDS.has(next.text))) return;
    this.advance();
    this.skipType();
  }

  /** Optional `-> Type` before a function body. */
  protected skipReturnType(): void {
    if (!this.isOp("->")) return;
    this.advance();
    this.skipType();
  }

  // --- expressions -----------------------------------------------------------

  /** A full expression (pipe level). */
  parseExpr(): Expr {
    return this.parseBinary(PREC_PIPE);
  }

  protected parseBinary(minPrec: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const tok = this.peek();
      if (tok.kind !== "op") return left;
      const prec = binaryPrecedence(tok.text); // 0 for non-binary operators; minPrec >= 1
      if (prec < minPrec) return left;
      this.advance();
      const right = this.parseBinary(prec + 1);
      left = this.combine(tok, left, right);
    }
  }

  private combine(opTok: Token, left: Expr, right: Expr): Expr {
    const { line, col } = opTok;
    switch (opTok.text) {
      case "|>":
        if (right.kind === "Call") return { kind: "Call", line, col, callee: right.callee, args: [left, ...right.args] };
        return { kind: "Call", line, col, callee: right, args: [left] };
      case "??": case "&&": case "||":
        return { kind: "Logical", line, col, op: opTok.text, left, right };
      default:
        return { kind: "Binary", line, col, op: opTok.text as BinaryOp, left, right };
    }
  }

  protected parseUnary(): Expr {
    this.enterExpression("expression");
    const tok = this.peek();
    let expr: Expr;
    if (tok.kind === "op" && (tok.text === "-" || tok.text === "!")) {
      this.advance();
      expr = { kind: "Unary", line: tok.line, col: tok.col, op: tok.text, operand: this.parseUnary() };
    } else {
      expr = this.parsePostfix();
    }
    this.leaveExpression();
    return expr;
  }

  /** Primary plus calls, index, fields, methods, `?.`, `?` and the struct-literal form. */
  protected parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      const tok = this.peek();
      const { line, col } = tok;
      if (tok.kind === "punct") {
        if (tok.text === "(") {
          this.advance();
          expr = { kind: "Call", line, col, callee: expr, args: this.parseArgs("to close function call arguments") };
        } else if (tok.text === "[") {
          this.advance();
          const index = this.parseExpr();
          this.expectPunct("]", "to close index expression");
          expr = { kind: "Index", line, col, object: expr, index };
        } else if (tok.text === ".") {
          this.advance();
          const name = this.expectIdent(`Expected field or method name after '.' but found ${describeToken(this.peek())}`).text;
          if (this.isPunct("(")) {
            this.advance();
            expr = { kind: "MethodCall", line, col, object: expr, name, args: this.parseArgs("to close method call arguments") };
          } else {
            expr = { kind: "Field", line, col, object: expr, name };
          }
        } else if (tok.text === "{" && expr.kind === "Ident" && this.looksLikeStructLiteral()) {
          return this.parseStructLiteral(expr.name, expr);
        } else {
          return expr;
        }
      } else if (tok.kind === "op" && tok.text === "?.") {
        this.advance();
        const name = this.expectIdent(`Expected field name after '?.' but found ${describeToken(this.peek())}`).text;
        expr = { kind: "OptField", line, col, object: expr, name };
      } else if (tok.kind === "op" && tok.text === "?") {
        this.advance();
        expr = { kind: "TryOp", line, col, operand: expr };
      } else {
        return expr;
      }
    }
  }

  /** Quirk 2: `Name {` starts a struct literal only before `ident :` or `}`. */
  private looksLikeStructLiteral(): boolean {
    const next = this.peekAt(1);
    if (next.kind === "punct") return next.text === "}";
    if (next.kind !== "ident") return false;
    const after = this.peekAt(2);
    return after.kind === "punct" && after.text === ":";
  }

  private parseStructLiteral(name: string, start: Pos): StructLit {
    this.advance(); // {
    const fields: StructLit["fields"] = [];
    while (!this.isPunct("}")) {
      const fieldTok = this.peek();
      if (fieldTok.kind !== "ident") break;
      this.advance();
      if (!this.isPunct(":")) break;
      this.advance();
      const value = this.parseBinary(PREC_EQUALITY);
      fields.push({ name: fieldTok.text, value, line: fieldTok.line, col: fieldTok.col });
      if (!this.isPunct(",")) break;
      this.advance();
    }
    this.expectPunct("}", "to close struct literal");
    return { kind: "StructLit", line: start.line, col: start.col, name, fields };
  }

  /** Arguments after a consumed `(`, up to and including `)`; a trailing comma is allowed. */
  protected parseArgs(closeContext: string): Expr[] {
    const args: Expr[] = [];
    while (!this.isPunct(")") && !this.atEof()) {
      args.push(this.parseExpr());
      if (!this.isPunct(",")) break;
      this.advance();
    }
    this.expectPunct(")", closeContext);
    return args;
  }

  protected parsePrimary(): Expr {
    const tok = this.peek();
    const { line, col } = tok;
    switch (tok.kind) {
      case "int":
        this.advance();
        return { kind: "Int", line, col, value: tok.value as number | bigint };
      case "float":
        this.advance();
        return { kind: "Float", line, col, value: tok.value as number };
      case "str":
        this.advance();
        return { kind: "Str", line, col, value: tok.text };
      case "interp":
        this.advance();
        return { kind: "Interp", line, col, parts: this.parseInterpolation(tok.parts ?? []) };
      case "bool":
        this.advance();
        return { kind: "Bool", line, col, value: tok.value as boolean };
      case "ident":
        return this.parseNamePrimary(tok);
      case "kw":
        return this.parseKeywordPrimary(tok);
      case "punct":
        if (tok.text === "(") {
          this.advance();
          const inner = this.parseExpr();
          this.expectPunct(")", "to close parenthesized expression");
          return inner;
        }
        if (tok.text === "[") return this.parseArrayLiteral(tok);
        if (tok.text === "{") return this.parseDictLiteral(tok);
        break;
      default:
        break;
    }
    this.fail("Expected expression");
  }

  private parseKeywordPrimary(tok: Token): Expr {
    const { line, col } = tok;
    switch (tok.text) {
      case "null":
        this.advance();
        return { kind: "Null", line, col };
      case "self":
        this.advance();
        return { kind: "Self", line, col };
      case "func":
        return { kind: "Func", line, col, def: this.parseLambda(tok, false) };
      case "async":
        this.advance();
        if (!this.isKw("func")) this.fail("Expected 'func' after 'async'");
        return { kind: "Func", line, col, def: this.parseLambda(tok, true) };
      case "yield": {
        this.advance();
        const next = this.peek();
        const bare = next.kind === "eof" ||
          (next.kind === "punct" && (next.text === ";" || next.text === "}" || next.text === ")" ||
            next.text === "]" || next.text === ","));
        return { kind: "Yield", line, col, value: bare ? null : this.parseExpr() };
      }
      case "await":
        this.advance();
        return { kind: "Await", line, col, value: this.parseExpr() };
      default:
        this.fail("Expected expression");
    }
  }

  /** Identifiers, including the by-name forms Ok/Err/Some/None, throw(e) and A::B(args). */
  private parseNamePrimary(tok: Token): Expr {
    const { line, col } = tok;
    const name = tok.text;
    const next = this.peekAt(1);
    if (next.kind === "op" && next.text === "::") return this.parseQualifiedName(tok);
    switch (name) {
      case "None":
        this.advance();
        return { kind: "Tagged", line, col, tag: "None", value: null };
      case "Ok": case "Err": case "Some": {
        this.advance();
        if (!this.isPunct("(")) this.fail(`Expected '(' after '${name}'`);
        this.advance();
        const value = this.parseExpr();
        this.expectPunct(")", `to close ${name}(...)`);
        return { kind: "Tagged", line, col, tag: name, value };
      }
      case "throw": {
        if (!(next.kind === "punct" && next.text === "(")) break;
        this.advance();
        this.advance();
        const args = this.parseArgs("to close throw(...) arguments");
        if (args.length !== 1) this.fail("throw() requires exactly one argument", tok);
        return { kind: "Throw", line, col, value: args[0] };
      }
      default:
        break;
    }
    this.advance();
    return { kind: "Ident", line, col, name };
  }

  private parseQualifiedName(baseTok: Token): Expr {
    const { line, col } = baseTok;
    this.advance(); // base
    this.advance(); // ::
    const variant = this.expectIdent(`Expected variant name after '::' but found ${describeToken(this.peek())}`).text;
    let args: Expr[] = [];
    if (this.isPunct("(")) {
      this.advance();
      args = this.parseArgs("to close tag expression arguments");
    }
    const base = baseTok.text;
    const qualified = `${base}::${variant}`;
    if ((base === "Result" && (variant === "Ok" || variant === "Err")) ||
      (base === "Option" && variant === "Some")) {
      if (args.length !== 1) this.fail(`${qualified}(...) requires exactly one argument`, baseTok);
      return { kind: "Tagged", line, col, tag: variant, value: args[0] };
    }
    if (base === "Option" && variant === "None") {
      if (args.length !== 0) this.fail("Option::None takes no arguments", baseTok);
      return { kind: "Tagged", line, col, tag: "None", value: null };
    }
    return { kind: "EnumCtor", line, col, enumName: base, variant, args };
  }

  private parseArrayLiteral(open: Token): Expr {
    this.advance(); // [
    const elems: ArrayElem[] = [];
    while (!this.isPunct("]") && !this.atEof()) {
      const spread = this.isOp("...");
      if (spread) this.advance();
      elems.push({ spread, value: this.parseBinary(PREC_EQUALITY) });
      if (elems.length > MAX_COLLECTION_LITERAL_ITEMS) {
        this.fail(`Array literal exceeds maximum element count of ${MAX_COLLECTION_LITERAL_ITEMS}`);
      }
      if (this.isPunct(",")) this.advance();
      else if (!this.isPunct("]")) break;
    }
    this.expectPunct("]", "to close array literal");
    return { kind: "Array", line: open.line, col: open.col, elems };
  }

  private parseDictLiteral(open: Token): Expr {
    this.advance(); // {
    const entries: DictEntry[] = [];
    while (!this.isPunct("}") && !this.atEof()) {
      if (this.isOp("...")) {
        this.advance();
        entries.push({ key: null, value: this.parseBinary(PREC_EQUALITY) });
      } else {
        const key = this.parseBinary(PREC_EQUALITY);
        if (!this.isPunct(":")) this.fail("Expected ':' in dictionary literal");
        this.advance();
        entries.push({ key, value: this.parseBinary(PREC_EQUALITY) });
      }
      if (entries.length > MAX_COLLECTION_LITERAL_ITEMS) {
        this.fail(`Dictionary literal exceeds maximum item count of ${MAX_COLLECTION_LITERAL_ITEMS}`);
      }
      if (this.isPunct(",")) this.advance();
      else if (!this.isPunct("}")) break;
    }
    this.expectPunct("}", "to close dictionary literal");
    return { kind: "Dict", line: open.line, col: open.col, entries };
  }

  /** `func [*] (params) [-> T] { }` after an optional `async`; `start` is the first token. */
  private parseLambda(start: Token, isAsync: boolean): FuncDef {
    this.advance(); // func
    const isGenerator = this.isOp("*");
    if (isGenerator) this.advance();
    this.expectPunct("(", "after 'func' in function expression");
    const params: Param[] = [];
    while (this.peek().kind === "ident") {
      const p = this.advance();
      params.push({ name: p.text, line: p.line, col: p.col });
      this.skipAnnotation();
      if (!this.isPunct(",")) break;
      this.advance();
    }
    this.expectPunct(")", "to close function expression parameter list");
    this.skipReturnType();
    const body = this.parseBlockBody("to start function expression body",
      "to close function expression body", "function expression body");
    return {
      line: start.line, col: start.col, name: "<lambda>", params, hasSelf: false,
      isGenerator, isAsync, body,
    };
  }

  private parseInterpolation(parts: (string | InterpSource)[]): (string | Expr)[] {
    const out: (string | Expr)[] = [];
    for (const part of parts) {
      if (typeof part === "string") {
        out.push(part);
        continue;
      }
      const { tokens, diagnostics } = lex(part.source, part.line, part.col);
      if (diagnostics.length > 0) throw new ParseError(diagnostics);
      const sub = this.subParser(tokens);
      const expr = sub.parseExpr();
      if (!sub.atEof()) sub.fail("Invalid interpolated string expression");
      out.push(expr);
    }
    return out;
  }
}
