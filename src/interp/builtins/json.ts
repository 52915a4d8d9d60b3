// JSON builtins with serde_json's behaviour: parse_json keeps integer literals as ints
// (JSON.parse cannot), to_json/to_json_pretty sort dict keys and print floats like ryu
// (`1.0`, `1e21`). Both sides enforce upstream's size and nesting limits.

import { RArray, RDict, RFloat, normInt, type Value, dictKeyOf, dictKeyTexts } from "../value";
import { debugForm, formatFloat } from "../format";
import { sortCodePointOrder } from "../strings";
import { fail, native, type NativeSpec } from "./support";

const MAX_JSON_INPUT_BYTES = 1_048_576;
const MAX_JSON_NESTING_DEPTH = 64;

// ---------------------------------------------------------------------------
// Parsing

class JsonSyntaxError extends Error {}

class JsonParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): Value {
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.error("trailing characters");
    return value;
  }

  private error(message: string): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < this.pos && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonSyntaxError(`${message} at line ${line} column ${this.pos - lineStart + 1}`);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.pos++;
    }
  }

  private parseValue(depth: number): Value {
    if (depth > MAX_JSON_NESTING_DEPTH) {
      throw new JsonSyntaxError(`JSON input exceeds maximum nesting depth of ${MAX_JSON_NESTING_DEPTH}`);
    }
    this.skipWhitespace();
    if (this.pos >= this.text.length) this.error("EOF while parsing a value");
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.parseObject(depth);
      case "[":
        return this.parseArray(depth);
      case '"':
        this.pos++;
        return this.parseString();
      case "t":
        return this.parseKeyword("true", true);
      case "f":
        return this.parseKeyword("false", false);
      case "n":
        return this.parseKeyword("null", null);
    }
    if (c === "-" || (c >= "0" && c <= "9")) return this.parseNumber();
    return this.error("expected value");
  }

  private parseKeyword(word: string, value: Value): Value {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    this.pos++;
    return this.error("expected ident");
  }

  private parseNumber(): Value {
    const match = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    match.lastIndex = this.pos;
    const m = match.exec(this.text);
    if (m === null || m[0] === "-") {
      this.pos++;
      return this.error("invalid number");
    }
    this.pos += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const big = BigInt(m[0]);
      const asInt = normInt(big);
      if (asInt !== null) return asInt;
      // serde: above i64 but inside u64 becomes a float, and so does anything larger.
    }
    const x = Number(m[0]);
    if (!Number.isFinite(x)) this.error("number out of range");
    return new RFloat(x);
  }

  private parseString(): string {
    const t = this.text;
    let out = "";
    let runStart = this.pos;
    while (true) {
      if (this.pos >= t.length) this.error("EOF while parsing a string");
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        out += t.slice(runStart, this.pos++);
        return out;
      }
      if (c < 0x20) this.error("control character (\\u0000-\\u001F) found while parsing a string");
      if (c !== 92) {
        this.pos++;
        continue;
      }
      out += t.slice(runStart, this.pos);
      this.pos++;
      out += this.parseEscape();
      runStart = this.pos;
    }
  }

  private parseEscape(): string {
    if (this.pos >= this.text.length) this.error("EOF while parsing a string");
    const c = this.text[this.pos++];
    switch (c) {
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "/":
        return "/";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "u":
        return this.parseUnicodeEscape();
    }
    return this.error("invalid escape");
  }

  private readHex4(): number {
    const hex = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
      if (this.pos + 4 > this.text.length) this.error("EOF while parsing a string");
      this.error("invalid escape");
    }
    this.pos += 4;
    return parseInt(hex, 16);
  }

  private parseUnicodeEscape(): string {
    const first = this.readHex4();
    if (first >= 0xdc00 && first <= 0xdfff) this.error("lone leading surrogate in hex escape");
    if (first < 0xd800 || first > 0xdbff) return String.fromCharCode(first);
    if (this.text.slice(this.pos, this.pos + 2) !== "\\u") this.error("unexpected end of hex escape");
    this.pos += 2;
    const second = this.readHex4();
    if (second < 0xdc00 || second > 0xdfff) this.error("lone leading surrogate in hex escape");
    return String.fromCharCode(first, second);
  }

  private parseArray(depth: number): RArray {
    this.pos++;
    const items: Value[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return new RArray(items);
    }
    while (true) {
      items.push(this.parseValue(depth + 1));
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.error("EOF while parsing a list");
      const c = this.text[this.pos++];
      if (c === "]") return new RArray(items);
      if (c !== ",") this.error("expected `,` or `]`");
      this.skipWhitespace();
      if (this.text[this.pos] === "]") this.error("trailing comma");
    }
  }

  private parseObject(depth: number): RDict {
    this.pos++;
    const d = new RDict();
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return d;
    }
    while (true) {
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.error("EOF while parsing an object");
      if (this.text[this.pos] !== '"') this.error("key must be a string");
      this.pos++;
      const key = this.parseString();
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.error("EOF while parsing an object");
      if (this.text[this.pos++] !== ":") this.error("expected `:`");
      d.set(dictKeyOf(key), this.parseValue(depth + 1));
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.error("EOF while parsing an object");
      const c = this.text[this.pos++];
      if (c === "}") return d;
      if (c !== ",") this.error("expected `,` or `}`");
      this.skipWhitespace();
      if (this.text[this.pos] === "}") this.error("trailing comma");
    }
  }
}

export function parseJson(text: string): Value {
  if (text.length > MAX_JSON_INPUT_BYTES / 3 && Buffer.byteLength(text, "utf8") > MAX_JSON_INPUT_BYTES) {
    fail(`JSON input exceeds maximum input size of ${MAX_JSON_INPUT_BYTES} bytes`);
  }
  try {
    return new JsonParser(text).parseDocument();
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    if (e.message.startsWith("JSON input exceeds")) fail(e.message);
    return fail(`JSON parse error: ${e.message}`);
  }
}

// ---------------------------------------------------------------------------
// Serialising

/** A finite f64 as ryu (serde_json) prints it: `1.0`, `0.001`, `1e21`, `1.5e-7`. */
export function formatJsonFloat(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa, exponentText] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const length = digits.length;
  const pointPosition = Number(exponentText) + 1; // value = 0.DIGITS * 10^pointPosition
  const k = pointPosition - length; // value = DIGITS * 10^k
  let body: string;
  if (k >= 0 && pointPosition <= 16) body = digits + "0".repeat(k) + ".0";
  else if (pointPosition > 0 && pointPosition <= 16) body = digits.slice(0, pointPosition) + "." + digits.slice(pointPosition);
  else if (pointPosition > -5 && pointPosition <= 0) body = "0." + "0".repeat(-pointPosition) + digits;
  else if (length === 1) body = `${digits}e${pointPosition - 1}`;
  else body = `${digits[0]}.${digits.slice(1)}e${pointPosition - 1}`;
  return sign + body;
}

const INDENT = "  ";

function toJson(v: Value, depth: number, pretty: boolean, indent: string): string {
  if (depth > MAX_JSON_NESTING_DEPTH) {
    fail(`JSON value exceeds maximum nesting depth of ${MAX_JSON_NESTING_DEPTH}`);
  }
  switch (typeof v) {
    case "number":
    case "bigint":
      return String(v);
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
  }
  if (v === null) return "null";
  if (v instanceof RFloat) {
    if (!Number.isFinite(v.v)) fail(`Cannot convert non-finite float ${formatFloat(v.v)} to JSON`);
    return formatJsonFloat(v.v);
  }
  const inner = indent + INDENT;
  if (v instanceof RArray) {
    const parts = v.items.map((item) => toJson(item, depth + 1, pretty, inner));
    return wrap("[", "]", parts, pretty, indent);
  }
  if (v instanceof RDict) {
    const separator = pretty ? ": " : ":";
    const parts = sortCodePointOrder(dictKeyTexts(v)).map(
      (k) => JSON.stringify(k) + separator + toJson(v.get(dictKeyOf(k)) as Value, depth + 1, pretty, inner),
    );
    return wrap("{", "}", parts, pretty, indent);
  }
  return fail(`Cannot convert ${debugForm(v)} to JSON`);
}

function wrap(open: string, close: string, parts: string[], pretty: boolean, indent: string): string {
  if (parts.length === 0) return open + close;
  if (!pretty) return open + parts.join(",") + close;
  const inner = indent + INDENT;
  return `${open}\n${inner}${parts.join(",\n" + inner)}\n${indent}${close}`;
}

export function toJsonText(v: Value, pretty: boolean): string {
  return toJson(v, 0, pretty, "");
}

export function jsonBuiltins(): NativeSpec[] {
  return [
    native("parse_json", 1, 1, (a) => {
      if (typeof a[0] !== "string") fail("parse_json requires a string argument");
      return parseJson(a[0]);
    }),
    native("to_json", 1, 1, (a) => toJsonText(a[0], false)),
    native("to_json_pretty", 1, 1, (a) => toJsonText(a[0], true)),
  ];
}
