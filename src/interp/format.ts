// Text forms of runtime values: print/to_string/interpolation (formatValue, Rust f64
// Display in formatFloat), the Rust `{:?}` forms that leak into messages (debugForm), and
// the `debug()` builtin's nested form (debugPrintForm).

import {
  RArray,
  RBoundMethod,
  RDict,
  REnum,
  RFloat,
  RFunction,
  RGenerator,
  RNative,
  RStruct,
  RTagged,
  type Value, dictKeyTexts, dictKeyOf
} from "./value";
import { sortCodePointOrder } from "./strings";

// ---------------------------------------------------------------------------
// Floats

/** Rust f64 Display: shortest round-trip digits, positional, never an exponent. */
export function formatFloat(x: number): string {
  if (x !== x) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const text = String(x);
  const e = text.indexOf("e");
  return e < 0 ? text : expandExponent(text.slice(0, e), Number(text.slice(e + 1)));
}

/** Rewrite `mantissa`e`exponent` (as printed by JS) positionally. */
function expandExponent(mantissa: string, exponent: number): string {
  const negative = mantissa.startsWith("-");
  const unsigned = negative ? mantissa.slice(1) : mantissa;
  const dot = unsigned.indexOf(".");
  const digits = dot < 0 ? unsigned : unsigned.slice(0, dot) + unsigned.slice(dot + 1);
  const pointPosition = (dot < 0 ? unsigned.length : dot) + exponent;
  let body: string;
  if (pointPosition <= 0) body = "0." + "0".repeat(-pointPosition) + digits;
  else if (pointPosition >= digits.length) body = digits + "0".repeat(pointPosition - digits.length);
  else body = digits.slice(0, pointPosition) + "." + digits.slice(pointPosition);
  return negative ? "-" + body : body;
}

/**
 * Rust `{:.N}` for a finite f64: the exact binary value rounded to N decimals, ties to
 * even (JS toFixed breaks exact ties upward, e.g. 0.125 -> "0.13" where Rust prints 0.12).
 */
export function formatFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return formatFloat(x);
  if (Math.abs(x) >= 1e21) {
    // toFixed switches to exponent form here; such doubles are integers anyway.
    return formatFloat(x) + (decimals > 0 ? "." + "0".repeat(decimals) : "");
  }
  const fixed = x.toFixed(decimals);
  if (!isExactTie(x, decimals)) return fixed;
  const lastDigit = fixed.charCodeAt(fixed.length - 1) - 48;
  if (lastDigit % 2 === 0) return fixed;
  // toFixed moved the tie away from zero onto an odd digit; the even neighbour is one
  // unit toward zero, and decrementing an odd digit never borrows.
  return fixed.slice(0, -1) + String(lastDigit - 1);
}

/** Whether |x| * 10^decimals lies exactly halfway between two integers. */
function isExactTie(x: number, decimals: number): boolean {
  const { mantissa, exponent } = decompose(Math.abs(x));
  if (exponent >= 0 || mantissa === 0n) return false;
  // |x| * 10^d * 2 = mantissa * 10^d * 2 / 2^-exponent must be an odd integer.
  const numerator = mantissa * 10n ** BigInt(decimals) * 2n;
  const denominator = 1n << BigInt(-exponent);
  return numerator % denominator === 0n && (numerator / denominator) % 2n === 1n;
}

/** x (finite, >= 0) = mantissa * 2^exponent exactly. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

// ---------------------------------------------------------------------------
// print / to_string / interpolation

export function formatValue(v: Value): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return String(v);
    case "bigint":
      return v.toString();
    case "boolean":
      return v ? "true" : "false";
  }
  if (v === null) return "null";
  if (v instanceof RFloat) return formatFloat(v.v);
  if (v instanceof RArray) return formatArray(v);
  if (v instanceof RDict) return formatDict(v);
  if (v instanceof RStruct) return formatStruct(v);
  if (v instanceof RTagged) return v.tag === "None" ? "None" : `${v.tag}(${formatValue(v.value)})`;
  if (v instanceof REnum) return formatEnum(v);
  if (v instanceof RNative) return `<native function: ${v.name}>`;
  return "<unknown>";
}

function formatArray(a: RArray): string {
  const items = a.items;
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = formatValue(items[i]);
  return "[" + parts.join(", ") + "]";
}

/** Keys sorted by code point, each in double quotes without escaping. */
function formatDict(d: RDict): string {
  const keys = sortCodePointOrder(dictKeyTexts(d));
  const parts = keys.map((k) => `"${k}": ${formatValue(d.get(dictKeyOf(k)) as Value)}`);
  return "{" + parts.join(", ") + "}";
}

/** `Name { a: 1, b: 2 }` with fields sorted by name; `Name {  }` when empty. */
function formatStruct(s: RStruct): string {
  const names = sortCodePointOrder(s.layout.fields.slice());
  const parts = names.map((f) => `${f}: ${formatValue(s.values[s.layout.index.get(f) as number])}`);
  return `${s.layout.name} { ${parts.join(", ")} }`;
}

/** `Color::Red`, `Shape::Circle(1.5)`; several payloads are joined by "," as upstream does. */
function formatEnum(e: REnum): string {
  const tag = `${e.enumName}::${e.variant}`;
  return e.args.length === 0 ? tag : `${tag}(${e.args.map(formatValue).join(",")})`;
}

// ---------------------------------------------------------------------------
// Rust `{:?}` forms (assert_equal messages, unary-operator errors, join, throw of odd values)

export function debugForm(v: Value): string {
  switch (typeof v) {
    case "number":
    case "bigint":
      return `Int(${v})`;
    case "string":
      return `Str(${rustQuote(v)})`;
    case "boolean":
      return `Bool(${v})`;
  }
  if (v === null) return "Null";
  if (v instanceof RFloat) return `Float(${formatFloat(v.v)})`;
  if (v instanceof RArray) return `Array[${v.length}]`;
  if (v instanceof RDict) return `Dict{${v.size} keys}`;
  if (v instanceof RStruct) {
    return `Struct { name: ${rustQuote(v.layout.name)}, fields: ${debugFieldMap(structEntries(v))} }`;
  }
  if (v instanceof RTagged) return v.tag === "None" ? "None" : `${v.tag}(${debugForm(v.value)})`;
  if (v instanceof REnum) {
    const fields = v.args.map((arg, i): [string, Value] => [`$${i}`, arg]);
    return `Tagged { tag: ${rustQuote(`${v.enumName}::${v.variant}`)}, fields: ${debugFieldMap(fields)} }`;
  }
  if (v instanceof RNative) return `NativeFunction(${v.name})`;
  if (v instanceof RFunction) return `BytecodeFunction(${v.proto.name})`;
  if (v instanceof RBoundMethod) return `BytecodeFunction(${v.method.proto.name})`;
  if (v instanceof RGenerator) return "BytecodeGenerator";
  return "<unknown>";
}

/** Struct fields as [name, value] pairs sorted by name. */
function structEntries(s: RStruct): [string, Value][] {
  return sortCodePointOrder(s.layout.fields.slice()).map((f) => [f, s.values[s.layout.index.get(f) as number]]);
}

function debugFieldMap(entries: [string, Value][]): string {
  if (entries.length === 0) return "{}";
  return "{" + entries.map(([k, v]) => `${rustQuote(k)}: ${debugForm(v)}`).join(", ") + "}";
}

/** Made on first use: building its Unicode sets costs ~0.6 ms, at every start-up if eager. */
let rustNonPrintable: RegExp | undefined;

/** A string as Rust's `{:?}` prints it: double quotes, escapes, `\u{..}` for unprintables. */
export function rustQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\0":
        out += "\\0";
        continue;
    }
    const code = ch.codePointAt(0) as number;
    if (code >= 0x20 && code < 0x7f) out += ch;
    else if ((rustNonPrintable ??= /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Grapheme_Extend}]|(?! )\p{Zs}/u).test(ch)) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

// ---------------------------------------------------------------------------
// The `debug()` builtin's form (upstream format_debug_value): nested, unlike debugForm.

export function debugPrintForm(v: Value): string {
  switch (typeof v) {
    case "number":
    case "bigint":
      return `Int(${v})`;
    case "string":
      return `String("${v}")`;
    case "boolean":
      return `Bool(${v})`;
  }
  if (v === null) return "Null";
  if (v instanceof RFloat) return `Float(${formatFloat(v.v)})`;
  if (v instanceof RArray) return `Array[${v.items.map(debugPrintForm).join(", ")}]`;
  if (v instanceof RDict) {
    const keys = sortCodePointOrder(dictKeyTexts(v));
    return `Dict{${keys.map((k) => `${k}: ${debugPrintForm(v.get(dictKeyOf(k)) as Value)}`).join(", ")}}`;
  }
  if (v instanceof RStruct) return `Struct(${v.layout.name})`;
  if (v instanceof RTagged) return v.tag === "None" ? "None" : `${v.tag}(${debugPrintForm(v.value)})`;
  if (v instanceof REnum) {
    const fields = v.args.map((arg, i) => `$${i}: ${debugPrintForm(arg)}`);
    return `${v.enumName}::${v.variant}{ ${fields.join(", ")} }`;
  }
  if (v instanceof RNative) return `NativeFunction(${v.name})`;
  if (v instanceof RFunction) return `BytecodeFunction(${v.proto.name})`;
  if (v instanceof RBoundMethod) return `BytecodeFunction(${v.method.proto.name})`;
  if (v instanceof RGenerator) return "BytecodeGenerator";
  return "<unknown>";
}
