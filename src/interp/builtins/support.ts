// Shared pieces of the builtin modules: the host interface, the spec record each module
// returns, error raising, and Rust numeric-cast emulation for argument coercion.

import { I64_MAX, I64_MIN, RFloat, RuffError, normInt, share, type Value } from "../value";

/** What the builtins need from the interpreter and the process. */
export interface BuiltinHost {
  /** Call any Ruff callable (user function, closure, bound method or native). */
  call(fn: Value, args: Value[]): Value;
  out(text: string): void;
  err(text: string): void;
  scriptArgs: readonly string[];
  exit(code: number): never;
  /** One line of stdin without its line terminator, or null at end of input. */
  readLine(): string | null;
}

export const VARIADIC = -1;

/** One builtin, possibly under several names (aliases get their own RNative each). */
export interface NativeSpec {
  readonly names: readonly string[];
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Receives exactly minArgs..maxArgs arguments: the interpreter checks arity first. */
  readonly fn: (args: Value[]) => Value;
}

export function native(
  names: string | readonly string[],
  minArgs: number,
  maxArgs: number,
  fn: (args: Value[]) => Value,
): NativeSpec {
  return { names: typeof names === "string" ? [names] : names, minArgs, maxArgs, fn };
}

export function fail(message: string): never {
  throw new RuffError(message);
}

// ---------------------------------------------------------------------------
// Numbers

/** An int or float argument as f64 (Rust `n as f64` for ints), else undefined. */
export function toF64(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (v instanceof RFloat) return v.v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

const TWO_POW_63 = 9223372036854775808;

/** Rust `x as i64` for an f64: truncate, saturate at the i64 bounds, NaN -> 0. */
export function f64ToI64(x: number): number | bigint {
  if (x !== x) return 0;
  if (x >= TWO_POW_63) return I64_MAX;
  if (x < -TWO_POW_63) return I64_MIN;
  const t = Math.trunc(x);
  if (Number.isSafeInteger(t)) return t + 0;
  return normInt(BigInt(t)) as bigint;
}

/** An int argument, or a float truncated as Rust `as i64` (upstream's Int|Float pattern). */
export function toI64(v: Value): number | bigint | undefined {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (v instanceof RFloat) return f64ToI64(v.v);
  return undefined;
}

/**
 * Rust `n as usize` for an i64 on a 64-bit target: negative values wrap to huge ones.
 * Returned as a JS number, so "huge" compares above every real length.
 */
export function i64ToUsize(n: number | bigint): number {
  if (n >= 0) return Number(n);
  return Number(BigInt.asUintN(64, BigInt(n)));
}

/** The decimal text of `n as usize` (for messages that print the wrapped value). */
export function usizeText(n: number | bigint): string {
  return n >= 0 ? String(n) : BigInt.asUintN(64, BigInt(n)).toString();
}

/** Rust `x as usize` for an f64: truncate, negatives and NaN -> 0. */
export function f64ToUsize(x: number): number {
  return x > 0 ? Math.trunc(x) : 0;
}

/** Int from an exact bigint result known to be inside i64. */
export function intFromBig(v: bigint): number | bigint {
  return normInt(v) as number | bigint;
}

// ---------------------------------------------------------------------------
// Containers

/** Mark every element shared (they gain a holder in a returned container) and return them. */
export function shareAll(items: Value[]): Value[] {
  for (let i = 0; i < items.length; i++) share(items[i]);
  return items;
}

// ---------------------------------------------------------------------------
// Text

/** Unicode White_Space, the set Rust's trim/split_whitespace use (JS \s differs). */
const WHITE_SPACE_START = /^\p{White_Space}+/u;
const WHITE_SPACE_END = /\p{White_Space}+$/u;

export function rustTrim(s: string): string {
  return s.replace(WHITE_SPACE_START, "").replace(WHITE_SPACE_END, "");
}

/** Rust `str::parse::<i64>()`: optional sign, ASCII digits, must fit i64. */
export function parseRustI64(text: string): number | bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  // At most 15 characters is at most 15 digits: below 2^53, exact as a number (and
  // BigInt per call cost to_int of text 10 ms per 60k calls). `|| 0` makes "-0" the int 0.
  if (text.length <= 15) return Number(text) || 0;
  return normInt(BigInt(text)) ?? undefined;
}

const RUST_FLOAT_SYNTAX = /^[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)$/i;

/** Rust `str::parse::<f64>()`: decimal or exponent form, `inf`/`infinity`/`nan` in any case. */
export function parseRustF64(text: string): number | undefined {
  if (!RUST_FLOAT_SYNTAX.test(text)) return undefined;
  const negative = text.startsWith("-");
  const unsigned = text.replace(/^[+-]/, "").toLowerCase();
  if (unsigned === "nan") return NaN;
  if (unsigned === "inf" || unsigned === "infinity") return negative ? -Infinity : Infinity;
  return Number(text);
}
