// Diagnostics shared by the lexer and parser, and the one exception type parseProgram throws.
// Positions are 1-based; columns count Unicode code points.

export interface Diagnostic {
  message: string;
  line: number;
  col: number;
}

export class ParseError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.length > 0 ? diagnostics[0].message : "Parse error");
    this.name = "ParseError";
  }
}
