// Diagnostics shared by the lexer and parser, and the one exception type parseProgram throws.
// Positions are 1-based; columns count Unicode code points.

export interface Diagnostic {
  message: string;
  line: number;
  col: number;
  /** Set for lexer diagnostics: upstream's RUFLEX code (parser ones are RUFPARSE001). */
  lexerCode?: string;
}

/** Upstream's lexer diagnostic codes, by message prefix. */
const LEXER_CODES: readonly (readonly [prefix: string, code: string])[] = [
  ["Invalid character", "RUFLEX001"],
  ["Null byte", "RUFLEX002"],
  ["Unterminated string", "RUFLEX003"],
  ["Unterminated interpolated", "RUFLEX003"],
  ["Unterminated block comment", "RUFLEX004"],
  ["Invalid escape sequence", "RUFLEX005"],
  ["Numeric literal overflow", "RUFLEX006"],
  ["Malformed numeric literal", "RUFLEX007"],
  ["Identifier exceeds", "RUFLEX008"],
  ["String literal exceeds", "RUFLEX009"],
  ["Numeric literal exceeds", "RUFLEX010"],
];

export function lexerCodeFor(message: string): string {
  for (const [prefix, code] of LEXER_CODES) if (message.startsWith(prefix)) return code;
  return "RUFLEX001";
}

export class ParseError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.length > 0 ? diagnostics[0].message : "Parse error");
    this.name = "ParseError";
  }
}
