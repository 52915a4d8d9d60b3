// String builtins: case, trimming, searching, splitting, padding, slug/case conversion
// and regex helpers. Indexes count code points; `contains`/`index_of` on strings live in
// arrays.ts with the array forms (they dispatch on the first argument).

import { RArray, RFloat, type Value } from "../value";
import { debugForm, formatValue } from "../format";
import { codePoints, cpAt, cpLength, cpSlice } from "../strings";
import {
  f64ToUsize,
  fail,
  i64ToUsize,
  native,
  rustTrim,
  toF64,
  toI64,
  type NativeSpec,
} from "./support";

/** Largest string the builtins build (V8's own limit is about 2^29 units). */
const MAX_RESULT_LENGTH = 2 ** 29 - 24;

function requireString(name: string, v: Value): string {
  if (typeof v !== "string") fail(`${name}() requires a string argument`);
  return v;
}

/** Unary string -> value builtin with upstream's "NAME() requires a string argument". */
function stringFn(names: string | string[], compute: (s: string) => Value): NativeSpec {
  const label = typeof names === "string" ? names : names[0];
  return native(names, 1, 1, (a) => compute(requireString(label, a[0])));
}

// ---------------------------------------------------------------------------
// Rust char classes and conversions

const ALPHANUMERIC = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u;
const WHITE_SPACE = /^\p{White_Space}$/u;
const UPPERCASE = /^\p{Uppercase}$/u;
const NOT_ALPHANUMERIC_RUN = /[^\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]+/u;

function capitalize(s: string): string {
  if (s.length === 0) return s;
  const first = cpAt(s, 0) as string;
  return first.toUpperCase() + s.slice(first.length).toLowerCase();
}

/** Rust str::lines: split at \n, drop a \r before it, no empty line after a final \n. */
export function rustLines(s: string): string[] {
  if (s.length === 0) return [];
  const parts = s.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].endsWith("\r") && (i < parts.length - 1 || s.endsWith("\n"))) parts[i] = parts[i].slice(0, -1);
  }
  return parts;
}

function words(s: string): string[] {
  return s.split(/\p{White_Space}+/u).filter((w) => w.length > 0);
}

/** Rust `split` with an empty separator matches at every char boundary, ends included. */
function rustSplit(s: string, separator: string): string[] {
  if (separator.length === 0) return ["", ...codePoints(s), ""];
  return s.split(separator);
}

function replaceAll(s: string, from: string, to: string): string {
  if (from.length === 0) {
    const parts = codePoints(s);
    return to + parts.join(to) + (parts.length > 0 ? to : "");
  }
  return s.split(from).join(to);
}

function repeat(s: string, count: number): string {
  if (count === 0 || s.length === 0) return "";
  if (s.length * count > MAX_RESULT_LENGTH) fail("repeat() result is too large");
  return s.repeat(count);
}

function pad(s: string, width: number, padText: string, left: boolean): string {
  const padChar = padText.length > 0 ? (cpAt(padText, 0) as string) : " ";
  const missing = width - cpLength(s);
  if (missing <= 0) return s;
  if (missing * padChar.length > MAX_RESULT_LENGTH) fail("padding result is too large");
  const filler = padChar.repeat(missing);
  return left ? filler + s : s + filler;
}

/**
 * Upstream slugify, quirks included: lowercase, keep alphanumerics, whitespace and '_'
 * become '-', everything else (including '-') is dropped, "--" -> "-" once, trim '-'.
 */
function slugify(s: string): string {
  let mapped = "";
  for (const ch of s.toLowerCase()) {
    if (ALPHANUMERIC.test(ch)) mapped += ch;
    else if (ch === "_" || WHITE_SPACE.test(ch)) mapped += "-";
  }
  return mapped.split("--").join("-").replace(/^-+|-+$/g, "");
}

/** Keep the first max_len - suffix_len code points and add the suffix when too long. */
function truncate(s: string, maxLength: number, suffix: string): string {
  const length = cpLength(s);
  if (length <= maxLength) return s;
  const keep = Math.max(0, maxLength - cpLength(suffix));
  return cpSlice(s, 0, keep) + suffix;
}

function toCamelCase(s: string): string {
  const parts = s.split(NOT_ALPHANUMERIC_RUN).filter((w) => w.length > 0);
  if (parts.length === 0) return "";
  return parts[0].toLowerCase() + parts.slice(1).map(capitalize).join("");
}

function firstCodePoint(s: string): string {
  return cpAt(s, 0) ?? "";
}

/** Upstream to_snake_case: '_' before an uppercase run, drop punctuation, trim '_'. */
function toSnakeCase(s: string): string {
  let out = "";
  let previousWasUpper = false;
  let index = 0;
  for (const ch of s) {
    if (UPPERCASE.test(ch)) {
      if (index > 0 && !previousWasUpper) out += "_";
      out += firstCodePoint(ch.toLowerCase());
      previousWasUpper = true;
    } else if (ALPHANUMERIC.test(ch)) {
      out += ch;
      previousWasUpper = false;
    } else if (!WHITE_SPACE.test(ch) && ch !== "_" && ch !== "-") {
      previousWasUpper = false;
    } else {
      if (index > 0 && !out.endsWith("_")) out += "_";
      previousWasUpper = false;
    }
    index++;
  }
  return out.replace(/^_+|_+$/g, "");
}

// ---------------------------------------------------------------------------
// join and regex

/** join: strings, ints, floats and bools as print shows them; anything else debug form. */
function joinText(v: Value): string {
  if (typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") {
    return formatValue(v);
  }
  if (v instanceof RFloat) return formatValue(v);
  return debugForm(v);
}

const regexCache = new Map<string, RegExp | null>();

/** Compile a pattern (JS `u` syntax, close to Rust regex for common patterns); null if invalid. */
function compileRegex(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, "gu");
    } catch {
      re = null;
    }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(pattern, re);
  }
  if (re !== null) re.lastIndex = 0;
  return re;
}

function regexArgs(name: string, a: Value[], count: number): string[] {
  for (let i = 0; i < count; i++) {
    if (typeof a[i] !== "string") {
      const labels = count === 3 ? "three string arguments (text, pattern, replacement)" : "two string arguments (text, pattern)";
      fail(`${name} requires ${labels}`);
    }
  }
  return a.slice(0, count) as string[];
}

/** Rust regex replacement syntax `$1`/`${name}` maps onto JS's `$1`/`$<name>`. */
function jsReplacement(replacement: string): string {
  return replacement.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, "$$<$1>");
}

function regexBuiltins(): NativeSpec[] {
  return [
    native("regex_match", 2, 2, (a) => {
      const [text, pattern] = regexArgs("regex_match", a, 2);
      const re = compileRegex(pattern);
      return re !== null && re.test(text);
    }),
    native("regex_find_all", 2, 2, (a) => {
      const [text, pattern] = regexArgs("regex_find_all", a, 2);
      const re = compileRegex(pattern);
      return new RArray(re === null ? [] : Array.from(text.matchAll(re), (m) => m[0]));
    }),
    native("regex_replace", 3, 3, (a) => {
      const [text, pattern, replacement] = regexArgs("regex_replace", a, 3);
      const re = compileRegex(pattern);
      return re === null ? text : text.replace(re, jsReplacement(replacement));
    }),
    native("regex_split", 2, 2, (a) => {
      const [text, pattern] = regexArgs("regex_split", a, 2);
      const re = compileRegex(pattern);
      return new RArray(re === null ? [text] : text.split(re));
    }),
  ];
}

// ---------------------------------------------------------------------------

function numberArg(name: string, label: string, v: Value): number {
  const x = toF64(v);
  return x === undefined ? fail(`${name}() ${label} must be a number`) : x;
}

function widthArg(name: string, label: string, v: Value): number {
  const n = toI64(v);
  return n === undefined ? fail(`${name}() ${label} must be a number`) : i64ToUsize(n);
}

function paddingFn(names: string[], left: boolean): NativeSpec {
  return native(names, 3, 3, (a) => {
    if (typeof a[0] !== "string" || typeof a[2] !== "string") {
      fail(`${names[0]}() requires 3 arguments: string, width, char`);
    }
    return pad(a[0], widthArg(names[0], "width", a[1]), a[2], left);
  });
}

function twoStrings(name: string, what: string, a: Value[]): [string, string] {
  if (typeof a[0] !== "string" || typeof a[1] !== "string") fail(`${name}() requires ${what}`);
  return [a[0], a[1]];
}

export function stringBuiltins(): NativeSpec[] {
  return [
    stringFn(["to_upper", "upper"], (s) => s.toUpperCase()),
    stringFn(["to_lower", "lower"], (s) => s.toLowerCase()),
    stringFn("capitalize", capitalize),
    stringFn("trim", rustTrim),
    stringFn("trim_start", (s) => s.replace(/^\p{White_Space}+/u, "")),
    stringFn("trim_end", (s) => s.replace(/\p{White_Space}+$/u, "")),
    stringFn("is_empty", (s) => s.length === 0),
    stringFn("count_chars", cpLength),
    stringFn("lines", (s) => new RArray(rustLines(s))),
    stringFn("words", (s) => new RArray(words(s))),
    stringFn("str_reverse", (s) => codePoints(s).reverse().join("")),
    stringFn("slugify", slugify),
    stringFn("to_camel_case", toCamelCase),
    stringFn("to_snake_case", toSnakeCase),
    stringFn("to_kebab_case", (s) => toSnakeCase(s).split("_").join("-")),

    native("char_at", 2, 2, (a) => {
      if (typeof a[0] !== "string") fail("char_at() requires a string argument for value");
      // `index as usize`: negative indexes read the first character.
      return cpAt(a[0], f64ToUsize(numberArg("char_at", "index", a[1]))) ?? "";
    }),
    native(["substring", "substr"], 3, 3, (a) => {
      if (typeof a[0] !== "string") fail("substring() requires a string argument for value");
      const start = f64ToUsize(numberArg("substring", "start and end", a[1]));
      const end = f64ToUsize(numberArg("substring", "start and end", a[2]));
      return cpSlice(a[0], start, end);
    }),
    native(["replace", "replace_str"], 3, 3, (a) => {
      if (typeof a[0] !== "string" || typeof a[1] !== "string" || typeof a[2] !== "string") {
        fail("replace() requires string, from-string, and to-string arguments");
      }
      return replaceAll(a[0], a[1], a[2]);
    }),
    native("starts_with", 2, 2, (a) => {
      const [s, prefix] = twoStrings("starts_with", "string and prefix string arguments", a);
      return s.startsWith(prefix);
    }),
    native("ends_with", 2, 2, (a) => {
      const [s, suffix] = twoStrings("ends_with", "string and suffix string arguments", a);
      return s.endsWith(suffix);
    }),
    native("repeat", 2, 2, (a) => {
      if (typeof a[0] !== "string") fail("repeat() requires a string argument for value");
      return repeat(a[0], f64ToUsize(numberArg("repeat", "count", a[1])));
    }),
    native("split", 2, 2, (a) => {
      const [s, separator] = twoStrings("split", "string and delimiter string arguments", a);
      return new RArray(rustSplit(s, separator));
    }),
    native("join", 2, 2, (a) => {
      if (!(a[0] instanceof RArray) || typeof a[1] !== "string") {
        fail("join() requires array and separator string arguments");
      }
      return a[0].items.map(joinText).join(a[1]);
    }),
    paddingFn(["pad_left", "pad_start"], true),
    paddingFn(["pad_right", "pad_end"], false),
    native("truncate", 3, 3, (a) => {
      if (typeof a[0] !== "string" || typeof a[2] !== "string") {
        fail("truncate() requires 3 arguments: string, length, suffix");
      }
      return truncate(a[0], widthArg("truncate", "length", a[1]), a[2]);
    }),
    ...regexBuiltins(),
  ];
}
