// Core builtins: printing and input, conversions (to_int, parse_float, ...), type
// introspection, format(), len(), error(), and the dict()/array() constructors.

import {
  RArray,
  RBoundMethod,
  RDict,
  RFloat,
  RFunction,
  RNative,
  RuffError,
  typeName,
  type Value,
} from "../value";
import { debugForm, debugPrintForm, formatFloat, formatValue } from "../format";
import { truthy } from "../ops";
import { cpLength } from "../strings";
import {
  VARIADIC,
  f64ToI64,
  fail,
  native,
  parseRustF64,
  parseRustI64,
  rustTrim,
  shareAll,
  type BuiltinHost,
  type NativeSpec,
} from "./support";

function joinFormatted(args: Value[]): string {
  if (args.length === 1) return formatValue(args[0]);
  return args.map(formatValue).join(" ");
}

/** The kind word upstream's to_int/to_float errors use. */
function conversionKind(v: Value): string {
  if (v instanceof RArray) return "array";
  if (v instanceof RDict) return "dict";
  if (v === null) return "null";
  return "value";
}

function toInt(v: Value): Value {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (v instanceof RFloat) return f64ToI64(v.v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = parseRustI64(rustTrim(v));
    return n ?? fail(`Cannot convert '${v}' to int`);
  }
  return fail(`Cannot convert ${conversionKind(v)} to int`);
}

function toFloat(v: Value): Value {
  if (typeof v === "number" || typeof v === "bigint") return new RFloat(Number(v));
  if (v instanceof RFloat) return v;
  if (typeof v === "boolean") return new RFloat(v ? 1 : 0);
  if (typeof v === "string") {
    const x = parseRustF64(rustTrim(v));
    return x === undefined ? fail(`Cannot convert '${v}' to float`) : new RFloat(x);
  }
  return fail(`Cannot convert ${conversionKind(v)} to float`);
}

/** Truthiness, except that the strings "false" and "0" (any case) are false too. */
function toBool(v: Value): boolean {
  if (typeof v === "string") {
    const lower = v.toLowerCase();
    return v.length > 0 && lower !== "false" && lower !== "0";
  }
  return truthy(v);
}

/** `%s` text: print form for scalars, placeholders for collections, debug form otherwise. */
function formatPercentS(v: Value): string {
  if (typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") {
    return formatValue(v);
  }
  if (v === null) return "null";
  if (v instanceof RFloat) return formatFloat(v.v);
  if (v instanceof RArray) return "[Array]";
  if (v instanceof RDict) return "{Dict}";
  return debugForm(v);
}

function formatPercentD(v: Value): string {
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (v instanceof RFloat) return String(f64ToI64(v.v));
  if (typeof v === "boolean") return v ? "1" : "0";
  return fail(`format() %d requires numeric argument, got ${debugForm(v)}`);
}

function formatPercentF(v: Value): string {
  if (v instanceof RFloat) return formatFloat(v.v);
  if (typeof v === "number" || typeof v === "bigint") return formatFloat(Number(v));
  return fail(`format() %f requires numeric argument, got ${debugForm(v)}`);
}

const PLACEHOLDERS: Record<string, (v: Value) => string> = {
  s: formatPercentS,
  d: formatPercentD,
  f: formatPercentF,
};

/** sprintf-like: `%s %d %f`, `%%` is a literal percent, any other `%x` stays as is. */
export function formatTemplate(template: string, args: readonly Value[]): string {
  let out = "";
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== "%" || i + 1 >= template.length) {
      out += ch;
      continue;
    }
    const spec = template[i + 1];
    if (spec === "%") {
      out += "%";
      i++;
    } else if (spec === "s" || spec === "d" || spec === "f") {
      i++;
      if (next >= args.length) fail(`format() missing argument for placeholder %${spec}`);
      out += PLACEHOLDERS[spec](args[next++]);
    } else {
      out += ch;
    }
  }
  return out;
}

function lengthOf(v: Value): number {
  if (typeof v === "string") return cpLength(v);
  if (v instanceof RArray) return v.length;
  if (v instanceof RDict) return v.size;
  return fail("len() requires an array, dict, bytes, set, queue, stack, or string");
}

/** `error(msg)` raises a catchable error: a string is the message, else its debug form. */
function raiseError(v: Value): never {
  throw new RuffError(typeof v === "string" ? v : debugForm(v));
}

function typePredicate(name: string, test: (v: Value) => boolean): NativeSpec {
  return native(name, 1, 1, (a) => test(a[0]));
}

export function coreBuiltins(host: BuiltinHost): NativeSpec[] {
  return [
    native(["print", "println"], 0, VARIADIC, (a) => {
      host.out(joinFormatted(a) + "\n");
      return null;
    }),
    native("eprint", 0, VARIADIC, (a) => {
      host.err(joinFormatted(a) + "\n");
      return null;
    }),
    native("debug", 0, VARIADIC, (a) => {
      host.out("[DEBUG] " + a.map(debugPrintForm).join(" ") + "\n");
      return null;
    }),
    native("input", 0, 1, (a) => {
      if (a.length === 1) {
        if (typeof a[0] !== "string") fail("input() requires a string prompt when provided");
        host.out(a[0]);
      }
      const line = host.readLine();
      return line === null ? "" : line.replace(/\p{White_Space}+$/u, "");
    }),

    native(["to_string", "str"], 1, 1, (a) => formatValue(a[0])),
    native("to_int", 1, 1, (a) => toInt(a[0])),
    native("to_float", 1, 1, (a) => toFloat(a[0])),
    native("parse_int", 1, 1, (a) => {
      const s = a[0];
      if (typeof s !== "string") fail("parse_int requires a string argument");
      return parseRustI64(rustTrim(s)) ?? fail(`Cannot parse '${s}' as integer`);
    }),
    native("parse_float", 1, 1, (a) => {
      const s = a[0];
      if (typeof s !== "string") fail("parse_float requires a string argument");
      const x = parseRustF64(rustTrim(s));
      return x === undefined ? fail(`Cannot parse '${s}' as float`) : new RFloat(x);
    }),
    native("to_bool", 1, 1, (a) => toBool(a[0])),
    native("is_truthy", 1, 1, (a) => truthy(a[0])),

    native(["type", "type_of"], 1, 1, (a) => typeName(a[0])),
    typePredicate("is_int", (v) => typeof v === "number" || typeof v === "bigint"),
    typePredicate("is_float", (v) => v instanceof RFloat),
    typePredicate("is_string", (v) => typeof v === "string"),
    typePredicate("is_bool", (v) => typeof v === "boolean"),
    typePredicate("is_array", (v) => v instanceof RArray),
    typePredicate("is_dict", (v) => v instanceof RDict),
    typePredicate("is_null", (v) => v === null),
    typePredicate(
      "is_function",
      (v) => v instanceof RFunction || v instanceof RNative || v instanceof RBoundMethod,
    ),

    native("format", 1, VARIADIC, (a) => {
      if (typeof a[0] !== "string") fail("format() first argument must be a string");
      return formatTemplate(a[0], a.slice(1));
    }),
    native("len", 1, 1, (a) => lengthOf(a[0])),
    native("error", 1, 1, (a) => raiseError(a[0])),
    native("dict", 0, 0, () => new RDict()),
    native("array", 0, VARIADIC, (a) => new RArray(shareAll(a.slice()))),
  ];
}
