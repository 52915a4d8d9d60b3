// Ruff statement parser and the front-end entry point parseProgram (source -> AST).
// Owns statement forms, blocks, patterns, and the file-size / nesting guarantees:
// any bad input ends in a ParseError, never another exception.

import type {
  ArrayPat, AssignStmt, DeclKind, DictPat, Expr, FuncDef, IfStmt, MatchCase, Param, Pattern,
  Program, Stmt,
} from "./ast";
import { ExprParser, MAX_BLOCK_DEPTH } from "./expr-parser";
import { describeToken, lex, type Token } from "./lexer";
import { ParseError } from "./parse-error";

export const MAX_SOURCE_BYTES = 1_048_576;

const ASSIGNMENT_OPS: ReadonlySet<string> = new Set([":=", "=", "+=", "-=", "*=", "/=", "%="]);

/**
 * Parses a whole Ruff file. Throws ParseError carrying every lexer diagnostic, or the first
 * parser diagnostic; never any other exception.
 */
export function parseProgram(source: string, file: string): Program {
  // Cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (source.length * 3 > MAX_SOURCE_BYTES) {
    const bytes = Buffer.byteLength(source, "utf8");
    if (bytes > MAX_SOURCE_BYTES) {
      throw new ParseError([{ message: `File too large: ${bytes} bytes (limit ${MAX_SOURCE_BYTES})`, line: 1, col: 1 }]);
    }
  }
  const { tokens, diagnostics } = lex(source);
  if (diagnostics.length > 0) throw new ParseError(diagnostics);
  const parser = new Parser(tokens, { expr: 0, block: 0 });
  try {
    return { file, body: parser.parseStatements() };
  } catch (err) {
    // Backstop only: the nesting limits are meant to stop recursion well before this.
    if (err instanceof RangeError) {
      throw new ParseError([{ message: "Expression nesting too deep", line: 1, col: 1 }]);
    }
    throw err;
  }
}

class Parser extends ExprParser {
  protected subParser(tokens: Token[]): ExprParser {
    return new Parser(tokens, this.nesting);
  }

  parseStatements(): Stmt[] {
    const body: Stmt[] = [];
    while (!this.atEof()) {
      if (this.isPunct(";")) {
        this.advance();
        continue;
      }
      body.push(this.parseStatement());
    }
    return body;
  }

  protected parseBlockBody(open: string, close: string, what: string): Stmt[] {
    this.expectPunct("{", open);
    this.enterBlock(what);
    const body: Stmt[] = [];
    while (!this.isPunct("}") && !this.atEof()) {
      if (this.isPunct(";")) {
        this.advance();
        continue;
      }
      body.push(this.parseStatement());
    }
    this.expectPunct("}", close);
    this.nesting.block--;
    return body;
  }

  private enterBlock(what: string): void {
    if (++this.nesting.block > MAX_BLOCK_DEPTH) {
      this.fail(`Maximum block nesting depth of ${MAX_BLOCK_DEPTH} exceeded while parsing ${what}`);
    }
  }

  private parseStatement(): Stmt {
    const tok = this.peek();
    const { line, col } = tok;
    if (tok.kind === "kw") {
      switch (tok.text) {
        case "let": case "mut": return this.parseLet(tok);
        case "const": return this.parseConst(tok);
        case "async":
          this.advance();
          if (!this.isKw("func")) this.fail("Expected 'func' after 'async'");
          return { kind: "FuncStmt", line, col, def: this.parseNamedFunc(tok, true, null) };
        case "func": return { kind: "FuncStmt", line, col, def: this.parseNamedFunc(tok, false, null) };
        case "enum": return this.parseEnum(tok);
        case "struct": return this.parseStruct(tok);
        case "import": case "from": return this.parseImport(tok);
        case "export": {
          this.advance();
          this.enterBlock("export statement");
          const stmt = this.parseStatement();
          this.nesting.block--;
          return { kind: "Export", line, col, stmt };
        }
        case "return": {
          this.advance();
          const next = this.peek();
          const bare = next.kind === "eof" || (next.kind === "punct" && (next.text === ";" || next.text === "}"));
          return { kind: "Return", line, col, value: bare ? null : this.parseExpr() };
        }
        case "if": return this.parseIf();
        case "try": return this.parseTry(tok);
        case "match": return this.parseMatch(tok);
        case "loop": return this.parseLoop(tok);
        case "while": {
          this.advance();
          const cond = this.parseExpr();
          const body = this.parseBlockBody("to start while body", "to close while body", "while body");
          return { kind: "While", line, col, cond, body };
        }
        case "for": return this.parseFor(tok);
        case "spawn":
          this.advance();
          return { kind: "Spawn", line, col, body: this.parseBlockBody("to start spawn block", "to close spawn block", "spawn block") };
        case "test": case "test_group": return this.parseNamedTest(tok);
        case "test_setup": case "test_teardown": {
          this.advance();
          const what = tok.text;
          return { kind: "Test", line, col, body: this.parseBlockBody(`to start ${what} block`, `to close ${what} block`, `${what} block`) };
        }
        case "break":
          this.advance();
          return { kind: "Break", line, col };
        case "continue":
          this.advance();
          return { kind: "Continue", line, col };
        default:
          break;
      }
    } else if (tok.kind === "punct" && (tok.text === "[" || tok.text === "{")) {
      const destructure = this.tryDestructure(tok);
      if (destructure) return destructure;
    } else if (tok.kind === "ident") {
      return this.parseAssignmentOrExpr(tok);
    }
    return { kind: "ExprStmt", line, col, expr: this.parseExpr() };
  }

  private isAssignmentOp(): boolean {
    const tok = this.peek();
    return tok.kind === "op" && ASSIGNMENT_OPS.has(tok.text);
  }

  private isSimpleAssignmentOp(): boolean {
    return this.isOp(":=") || this.isOp("=");
  }

  private expectSimpleAssignment(context: string): void {
    if (!this.isSimpleAssignmentOp()) {
      this.fail(`Expected assignment operator (':=' or '=') ${context} but found ${describeToken(this.peek())}`);
    }
    this.advance();
  }

  /** Assignment is recognised only for statements starting with an identifier token. */
  private parseAssignmentOrExpr(start: Token): Stmt {
    const { line, col } = start;
    const expr = this.parseExpr();
    if (!this.isAssignmentOp()) return { kind: "ExprStmt", line, col, expr };
    const opText = this.advance().text;
    if (!isAssignTarget(expr)) this.fail("Invalid assignment target", start);
    const value = this.parseExpr();
    if (this.isAssignmentOp()) {
      this.fail("Chained assignment is not supported; split the assignment into separate statements");
    }
    const op = opText.length === 2 && opText !== ":=" ? (opText[0] as AssignStmt["op"]) : null;
    return { kind: "Assign", line, col, target: expr, op, value };
  }

  /** `[a, b] := e` / `{a, b} := e`; null (position restored) when this is an expression. */
  private tryDestructure(start: Token): Stmt | null {
    const saved = this.pos;
    const pattern = this.parsePattern();
    if (pattern && (pattern.kind === "ArrayPat" || pattern.kind === "DictPat") && this.isSimpleAssignmentOp()) {
      this.advance();
      return { kind: "Destructure", line: start.line, col: start.col, pattern, value: this.parseExpr() };
    }
    this.pos = saved;
    return null;
  }

  private parseLet(kwTok: Token): Stmt {
    this.advance();
    const decl = kwTok.text as DeclKind;
    const first = this.peek();
    const pattern = this.parsePattern();
    if (!pattern) {
      if (first.kind === "punct" && (first.text === "[" || first.text === "{")) {
        this.fail("Invalid destructuring pattern");
      }
      this.fail(`Expected variable name or destructuring pattern after '${decl}' but found ${describeToken(first)}`, first);
    }
    this.skipAnnotation();
    this.expectSimpleAssignment("in let declaration");
    return { kind: "Let", line: kwTok.line, col: kwTok.col, decl, pattern, value: this.parseExpr() };
  }

  private parseConst(kwTok: Token): Stmt {
    this.advance();
    const nameTok = this.expectIdent("Expected constant name after 'const'");
    this.skipAnnotation();
    this.expectSimpleAssignment("in const declaration");
    return {
      kind: "Let", line: kwTok.line, col: kwTok.col, decl: "const",
      pattern: { kind: "NamePat", line: nameTok.line, col: nameTok.col, name: nameTok.text },
      value: this.parseExpr(),
    };
  }

  /** Returns null without reporting when the tokens are not a pattern (callers decide). */
  private parsePattern(): Pattern | null {
    this.enterExpression("pattern");
    const pattern = this.parsePatternInner();
    this.leaveExpression();
    return pattern;
  }

  private parsePatternInner(): Pattern | null {
    const tok = this.peek();
    const { line, col } = tok;
    if (tok.kind === "ident") {
      this.advance();
      return tok.text === "_" ? { kind: "IgnorePat", line, col } : { kind: "NamePat", line, col, name: tok.text };
    }
    if (tok.kind !== "punct") return null;
    if (tok.text === "[") {
      this.advance();
      const pattern: ArrayPat = { kind: "ArrayPat", line, col, elems: [], rest: null };
      for (;;) {
        if (this.isPunct("]")) break;
        if (this.isOp("...")) {
          this.advance();
          if (this.peek().kind !== "ident") return null;
          pattern.rest = this.advance().text;
          break;
        }
        const elem = this.parsePattern();
        if (!elem) return null;
        pattern.elems.push(elem);
        if (!this.isPunct(",")) break;
        this.advance();
      }
      if (!this.isPunct("]")) return null;
      this.advance();
      return pattern;
    }
    if (tok.text === "{") {
      this.advance();
      const pattern: DictPat = { kind: "DictPat", line, col, keys: [], rest: null };
      for (;;) {
        if (this.isPunct("}")) break;
        if (this.isOp("...")) {
          this.advance();
          if (this.peek().kind !== "ident") return null;
          pattern.rest = this.advance().text;
          break;
        }
        if (this.peek().kind !== "ident") return null;
        pattern.keys.push(this.advance().text);
        if (!this.isPunct(",")) break;
        this.advance();
      }
      if (!this.isPunct("}")) return null;
      this.advance();
      return pattern;
    }
    return null;
  }

  /**
   * `[async] func [*] name(params) [-> T] { }`; `start` is the first token (async or func).
   * For a method of struct `owner`, the name becomes "Owner.name" and a leading `self` is
   * taken out of params (hasSelf). A `self` anywhere else stays a parameter named "self".
   */
  private parseNamedFunc(start: Token, isAsync: boolean, owner: string | null): FuncDef {
    this.advance(); // func
    const isGenerator = this.isOp("*");
    if (isGenerator) this.advance();
    const nameTok = this.expectIdent("Expected function name after 'func'");
    this.expectPunct("(", "after function name");
    const params: Param[] = [];
    for (;;) {
      const p = this.peek();
      if (p.kind !== "ident" && !(p.kind === "kw" && p.text === "self")) break;
      this.advance();
      params.push({ name: p.text, line: p.line, col: p.col });
      this.skipAnnotation();
      if (!this.isPunct(",")) break;
      this.advance();
    }
    this.expectPunct(")", "to close function parameter list");
    this.skipReturnType();
    const body = this.parseBlockBody("to start function body", "to close function body", "function body");
    const hasSelf = owner !== null && params.length > 0 && params[0].name === "self";
    return {
      line: start.line, col: start.col,
      name: owner === null ? nameTok.text : `${owner}.${nameTok.text}`,
      params: hasSelf ? params.slice(1) : params,
      hasSelf, isGenerator, isAsync, body,
    };
  }

  private parseEnum(kwTok: Token): Stmt {
    this.advance();
    const name = this.expectIdent("Expected enum name after 'enum'").text;
    this.expectPunct("{", "to start enum body");
    const variants: string[] = [];
    while (this.peek().kind === "ident") {
      variants.push(this.advance().text);
      if (this.isPunct("(")) this.skipParenthesized("to close enum variant types");
      if (!this.isPunct(",")) break;
      this.advance();
    }
    this.expectPunct("}", "to close enum body");
    return { kind: "Enum", line: kwTok.line, col: kwTok.col, name, variants };
  }

  /** Skips a balanced `( ... )` group whose content is ignored (enum payload types). */
  private skipParenthesized(closeContext: string): void {
    let depth = 0;
    do {
      if (this.atEof()) this.expectPunct(")", closeContext);
      const tok = this.advance();
      if (tok.kind === "punct" && tok.text === "(") depth++;
      else if (tok.kind === "punct" && tok.text === ")") depth--;
    } while (depth > 0);
  }

  /** Fields and methods interleave; like upstream, tokens that are neither are skipped. */
  private parseStruct(kwTok: Token): Stmt {
    this.advance();
    const name = this.expectIdent("Expected struct name after 'struct'").text;
    this.expectPunct("{", "to start struct body");
    const fields: string[] = [];
    const methods: FuncDef[] = [];
    while (!this.isPunct("}") && !this.atEof()) {
      const start = this.peek();
      const isAsync = this.isKw("async");
      if (isAsync) this.advance();
      if (this.isKw("func")) {
        methods.push(this.parseNamedFunc(start, isAsync, name));
      } else if (this.peek().kind === "ident") {
        fields.push(this.advance().text);
        this.skipAnnotation();
        if (this.isPunct(",")) this.advance();
      } else if (!isAsync) {
        this.advance();
      }
    }
    this.expectPunct("}", "to close struct body");
    return { kind: "Struct", line: kwTok.line, col: kwTok.col, name, fields, methods };
  }

  private parseImport(kwTok: Token): Stmt {
    const { line, col } = kwTok;
    this.advance();
    if (kwTok.text === "import") {
      const path = this.parseModulePath("Expected module name after 'import'",
        "Expected module path segment after '.' in import statement");
      return { kind: "Import", line, col, path, names: null };
    }
    const path = this.parseModulePath("Expected module name after 'from'",
      "Expected module path segment after '.' in from-import statement");
    this.expectKw("import", "after module name in from-import statement");
    const names = [this.expectIdent("Expected imported symbol name").text];
    while (this.isPunct(",")) {
      this.advance();
      names.push(this.expectIdent("Expected imported symbol name").text);
    }
    return { kind: "Import", line, col, path, names };
  }

  private parseModulePath(missingName: string, missingSegment: string): string[] {
    const path = [this.expectIdent(missingName).text];
    while (this.isPunct(".")) {
      this.advance();
      path.push(this.expectIdent(missingSegment).text);
    }
    return path;
  }

  /** `if`/`else if` chains are read iteratively and nested from the last one back. */
  private parseIf(): IfStmt {
    const chain: IfStmt[] = [];
    let finalElse: Stmt[] | null = null;
    for (;;) {
      const ifTok = this.advance(); // if
      const cond = this.parseExpr();
      const then = this.parseBlockBody("to start if block", "to close if block", "if block");
      chain.push({ kind: "If", line: ifTok.line, col: ifTok.col, cond, then, else: null });
      if (!this.isKw("else")) break;
      this.advance();
      if (this.isKw("if")) continue;
      finalElse = this.parseBlockBody("to start else block", "to close else block", "else block");
      break;
    }
    chain[chain.length - 1].else = finalElse;
    for (let k = chain.length - 2; k >= 0; k--) chain[k].else = [chain[k + 1]];
    return chain[0];
  }

  private parseLoop(kwTok: Token): Stmt {
    const { line, col } = kwTok;
    this.advance();
    if (this.isKw("while")) {
      this.advance();
      const cond = this.parseExpr();
      const body = this.parseBlockBody("to start loop body", "to close loop body", "loop body");
      return { kind: "While", line, col, cond, body };
    }
    return { kind: "Loop", line, col, body: this.parseBlockBody("to start loop body", "to close loop body", "loop body") };
  }

  /** The iterable is a postfix expression only (no binary operators), as upstream. */
  private parseFor(kwTok: Token): Stmt {
    this.advance();
    const name = this.expectIdent("Expected loop variable name after 'for'").text;
    this.expectKw("in", "in for loop");
    this.enterExpression("expression");
    const iter = this.parsePostfix();
    this.leaveExpression();
    const body = this.parseBlockBody("to start for loop body", "to close for loop body", "for loop body");
    return { kind: "For", line: kwTok.line, col: kwTok.col, name, iter, body };
  }

  private parseTry(kwTok: Token): Stmt {
    this.advance();
    const body = this.parseBlockBody("to start try block", "to close try block", "try block");
    this.expectKw("except", "after try block");
    const errName = this.expectIdent("Expected exception variable after 'except'").text;
    const handler = this.parseBlockBody("to start except block", "to close except block", "except block");
    return { kind: "Try", line: kwTok.line, col: kwTok.col, body, errName, handler };
  }

  private parseNamedTest(kwTok: Token): Stmt {
    this.advance();
    const what = kwTok.text;
    if (this.peek().kind !== "str") {
      this.fail(what === "test" ? "Expected test name string after 'test'" : "Expected group name string after 'test_group'");
    }
    this.advance();
    const body = this.parseBlockBody(`to start ${what} body`, `to close ${what} body`, `${what} body`);
    return { kind: "Test", line: kwTok.line, col: kwTok.col, body };
  }

  /**
   * `match e { case P: { } default: { } }`. Quirk 3: the token after a pattern or `default`
   * is consumed without being checked (normally `:`).
   */
  private parseMatch(kwTok: Token): Stmt {
    this.advance();
    const subject = this.parseExpr();
    this.expectPunct("{", "to start match body");
    const cases: MatchCase[] = [];
    let defaultBody: Stmt[] | null = null;
    for (;;) {
      if (this.isKw("case")) {
        const caseTok = this.advance();
        const { pattern, binding } = this.parseCasePattern();
        this.advance(); // quirk 3
        const body = this.parseBlockBody("to start match case block", "to close match case block", "match case block");
        cases.push({ line: caseTok.line, col: caseTok.col, pattern, binding, body });
      } else if (this.isKw("default")) {
        this.advance();
        this.advance(); // quirk 3
        defaultBody = this.parseBlockBody("to start match default block", "to close match default block", "match default block");
      } else {
        break;
      }
    }
    this.expectPunct("}", "to close match body");
    return { kind: "Match", line: kwTok.line, col: kwTok.col, subject, cases, default: defaultBody };
  }

  /** `Name`, `Base::Variant`, either with `(binding)`, or a number literal as written. */
  private parseCasePattern(): { pattern: string; binding: string | null } {
    const tok = this.peek();
    if (tok.kind === "int" || tok.kind === "float") {
      this.advance();
      return { pattern: tok.text, binding: null };
    }
    if (tok.kind !== "ident") this.fail(`Expected case pattern but found ${describeToken(tok)}`);
    this.advance();
    let pattern = tok.text;
    if (this.isOp("::")) {
      this.advance();
      pattern += "::" + this.expectIdent(`Expected variant name after '::' but found ${describeToken(this.peek())}`).text;
    }
    let binding: string | null = null;
    if (this.isPunct("(")) {
      this.advance();
      binding = this.expectIdent(`Expected binding name in case pattern but found ${describeToken(this.peek())}`).text;
      this.expectPunct(")", "to close case pattern binding");
    }
    return { pattern, binding };
  }
}

function isAssignTarget(expr: Expr): expr is AssignStmt["target"] {
  return expr.kind === "Ident" || expr.kind === "Index" || expr.kind === "Field";
}
