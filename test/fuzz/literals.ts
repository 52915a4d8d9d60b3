// Literal pools and builtin signatures for generated programs: ints near the i64 and
// 2^53 limits and near zero, floats that exercise Ruff's float printing, short strings
// with multi-byte characters, and the builtins the generator may call (all deterministic).

import type { Cat } from "./tree";

const I64_MAX = 9223372036854775807n;

/** Ints near the interesting limits: i64, the JS safe-integer edge, i32/u32. */
export const BOUNDARY_INTS: readonly bigint[] = [
  I64_MAX, I64_MAX - 1n, -I64_MAX, -I64_MAX - 1n, 4611686018427387904n, -4611686018427387904n,
  3037000499n, 3037000500n, 9007199254740991n, 9007199254740992n, 9007199254740993n,
  -9007199254740993n, 2147483647n, 2147483648n, -2147483648n, 4294967296n,
];

/** Render an int literal; negative values are parenthesised, i64::MIN is computed. */
export function intLiteral(v: bigint): string {
  if (v === -I64_MAX - 1n) return "(-9223372036854775807 - 1)";
  if (v > I64_MAX) return String(I64_MAX);
  return v < 0n ? `(${v})` : String(v);
}

/** Float literals as Ruff source (digits, a dot, digits; no exponent). */
export const FLOAT_LITERALS: readonly string[] = [
  "0.5", "1.5", "0.0", "(-0.0)", "0.1", "0.2", "2.5", "(-3.75)", "1000000.125", "3.141592653589793",
  "9007199254740993.0", "0.0000001", "123456789012345680000.0", "1" + "0".repeat(300) + ".0", "(-2.5)", "100.0",
];

/** String literals as Ruff source: ASCII, accents, an astral character, an escape. */
export const STRING_LITERALS: readonly string[] = [
  '"a"', '"ab"', '"hello"', '""', '"é"', '"😀x"', '"a b"', '"0"', '"false"', '"x\\ty"', '"Zz"', '"$"',
];

/** Dict keys (string literals). */
export const DICT_KEYS: readonly string[] = ['"a"', '"b"', '"c"', '"k1"', '"x y"', '"é"'];

export function pickFrom<T>(pool: readonly T[], i: number): T {
  return pool[((i % pool.length) + pool.length) % pool.length];
}

/** Builtins by result category: name and argument categories. `small` is a small
 *  non-negative int literal, `key` a dict key literal. Rendered as `name(args)` except
 *  where render-expr.ts wraps them (sqrt of abs, clipped concat). */
export interface BuiltinSig {
  name: string;
  args: (Cat | "small" | "key")[];
}

export const BUILTINS: Readonly<Partial<Record<Cat, readonly BuiltinSig[]>>> = {
  int: [
    { name: "len", args: ["arr"] }, { name: "len", args: ["str"] }, { name: "len", args: ["dict"] },
    { name: "index_of", args: ["arr", "num"] }, { name: "has_key", args: ["dict", "key"] },
    { name: "to_int", args: ["num"] }, { name: "index_of", args: ["str", "str"] },
  ],
  num: [
    { name: "sum", args: ["arr"] }, { name: "abs", args: ["num"] }, { name: "sqrt", args: ["num"] },
    { name: "floor", args: ["num"] }, { name: "round", args: ["num"] }, { name: "min", args: ["num", "num"] },
    { name: "max", args: ["num", "num"] }, { name: "to_float", args: ["num"] }, { name: "pow", args: ["num", "small"] },
  ],
  str: [
    { name: "str", args: ["any"] }, { name: "to_string", args: ["any"] }, { name: "type", args: ["any"] },
    { name: "to_upper", args: ["str"] }, { name: "substring", args: ["str", "small", "small"] },
    { name: "char_at", args: ["str", "int"] }, { name: "join", args: ["arr", "str"] },
    { name: "str_reverse", args: ["str"] }, { name: "trim", args: ["str"] }, { name: "replace", args: ["str", "str", "str"] },
  ],
  bool: [
    { name: "contains", args: ["arr", "num"] }, { name: "is_int", args: ["any"] }, { name: "is_float", args: ["any"] },
    { name: "is_string", args: ["any"] }, { name: "starts_with", args: ["str", "str"] }, { name: "is_empty", args: ["str"] },
  ],
  arr: [
    { name: "push", args: ["arr", "num"] }, { name: "reverse", args: ["arr"] }, { name: "sort", args: ["arr"] },
    { name: "slice", args: ["arr", "small", "small"] }, { name: "concat", args: ["arr", "arr"] },
    { name: "range", args: ["small"] }, { name: "values", args: ["dict"] }, { name: "take", args: ["arr", "small"] },
  ],
  dict: [{ name: "merge", args: ["dict", "dict"] }],
};

/** Builtins whose result is a float (for the type-change feature). */
export const FLOAT_BUILTINS: ReadonlySet<string> = new Set(["abs", "sqrt", "floor", "round", "min", "max", "to_float", "pow"]);

/** Runtime errors (and one `exit`) a generated program may end with. */
export const FATALS: readonly { name: string; source: string }[] = [
  { name: "division by zero", source: 'print("fatal", (7 / 0))' },
  { name: "modulo by zero", source: 'print("fatal", (7 % 0))' },
  { name: "overflow", source: 'print("fatal", (9223372036854775807 + 1))' },
  { name: "index", source: 'print("fatal", [1, 2, 3][3])' },
  { name: "missing key", source: 'print("fatal", {"a": 1}["zz"])' },
  { name: "bad operand", source: 'print("fatal", ("a" - 1))' },
  { name: "uncaught throw", source: 'throw("fatal throw")' },
  { name: "undefined", source: "print(undefined_name_q)" },
  { name: "arity", source: "print(len(1, 2))" },
  { name: "exit", source: "exit(7)" },
];
