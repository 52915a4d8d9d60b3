// Operator semantics for the interpreter's slow paths: checked i64 and f64 arithmetic,
// unary operators, equality (section 5.5), ordering, truthiness and dict-key rules.
// Structs never reach these: operator-overloading dispatch happens in the interpreter.

import {
  typeName,
  RGenerator,
  dictKeyOf,
  type DictKey,
  I64_MIN,
  RArray,
  RBoundMethod,
  RDict,
  REnum,
  RFloat,
  RFunction,
  RNative,
  RStruct,
  RTagged,
  RuffError,
  isInt,
  normInt,
  type Value,
} from "./value";
import { debugForm, rustQuote } from "./format";
import { cpCompare } from "./strings";

export type ArithOp = "+" | "-" | "*" | "/" | "%";
export type CompareOp = "<" | "<=" | ">" | ">=";

/** Rust's f64::EPSILON: float equality is |a - b| < FLOAT_EPSILON (absolute). */
export const FLOAT_EPSILON = 2.220446049250313e-16;

/**
 * Type name used in operator error messages (upstream value_type_name): type()'s name,
 * except that natives are `native_function` and Result/Option/enum/generator `value`.
 */
export function operandTypeName(v: Value): string {
  if (v instanceof RNative) return "native_function";
  if (v instanceof RTagged || v instanceof REnum || v instanceof RGenerator) return "value";
  return typeName(v);
}

function invalidBinary(op: string, a: Value, b: Value): RuffError {
  return new RuffError(`Invalid binary operation: ${operandTypeName(a)} ${op} ${operandTypeName(b)}`);
}

// ---------------------------------------------------------------------------
// Arithmetic

export function arith(op: ArithOp, a: Value, b: Value): Value {
  if (isInt(a)) {
    if (isInt(b)) return intArith(op, a, b);
    if (b instanceof RFloat) return new RFloat(floatArith(op, Number(a), b.v));
  } else if (a instanceof RFloat) {
    if (b instanceof RFloat) return new RFloat(floatArith(op, a.v, b.v));
    if (isInt(b)) return new RFloat(floatArith(op, a.v, Number(b)));
  } else if (op === "+" && typeof a === "string" && typeof b === "string") {
    return a + b;
  }
  throw invalidBinary(op, a, b);
}

/** Checked i64 arithmetic on normalised ints; the result is normalised (never -0). */
export function intArith(op: ArithOp, a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    let r: number;
    switch (op) {
      case "+":
        r = a + b;
        break;
      case "-":
        r = a - b;
        break;
      case "*":
        r = a * b;
        break;
      case "/":
        if (b === 0) throw new RuffError("Division by zero");
        // Exact for safe ints: the rounding error of a / b is below 1/|b|.
        return Math.trunc(a / b) + 0;
      case "%":
        if (b === 0) throw new RuffError("Modulo by zero");
        return (a % b) + 0;
    }
    // A rounded result inside the safe range is exact; `+ 0` turns -0 into 0.
    if (Number.isSafeInteger(r)) return r + 0;
  }
  return bigIntArith(op, BigInt(a), BigInt(b));
}

function bigIntArith(op: ArithOp, a: bigint, b: bigint): number | bigint {
  let r: bigint;
  switch (op) {
    case "+":
      r = a + b;
      break;
    case "-":
      r = a - b;
      break;
    case "*":
      r = a * b;
      break;
    case "/":
      if (b === 0n) throw new RuffError("Division by zero");
      r = a / b;
      break;
    case "%":
      if (b === 0n) throw new RuffError("Modulo by zero");
      // Rust's checked_rem fails for MIN % -1 although the remainder would be 0.
      if (a === I64_MIN && b === -1n) throw overflow(op, a, b);
      r = a % b;
      break;
  }
  const n = normInt(r);
  if (n === null) throw overflow(op, a, b);
  return n;
}

function overflow(op: string, a: bigint, b: bigint): RuffError {
  return new RuffError(`Integer overflow: ${a} ${op} ${b}`);
}

/** f64 arithmetic; `/` and `%` by zero (either sign) are errors, other IEEE results stand. */
export function floatArith(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      if (b === 0) throw new RuffError("Division by zero");
      return a / b;
    case "%":
      if (b === 0) throw new RuffError("Modulo by zero");
      return a % b;
  }
}

// ---------------------------------------------------------------------------
// Unary operators

export function negate(v: Value): Value {
  if (typeof v === "number") return v === 0 ? 0 : -v;
  if (typeof v === "bigint") {
    const n = normInt(-v);
    if (n === null) throw new RuffError(`Integer overflow: -(${v})`);
    return n;
  }
  if (v instanceof RFloat) return new RFloat(-v.v);
  throw new RuffError(`Invalid unary operation: - ${debugForm(v)}`);
}

export function not(v: Value): boolean {
  if (typeof v === "boolean") return !v;
  throw new RuffError(`Invalid unary operation: ! ${debugForm(v)}`);
}

// ---------------------------------------------------------------------------
// Equality and ordering

export function floatEquals(a: number, b: number): boolean {
  if (a !== a || b !== b) return false;
  if (a === Infinity || a === -Infinity || b === Infinity || b === -Infinity) return a === b;
  return Math.abs(a - b) < FLOAT_EPSILON;
}

/** `==`: never fails; different kinds are unequal except int/float (section 5.5). */
export function equals(a: Value, b: Value): boolean {
  switch (typeof a) {
    case "number":
      if (typeof b === "number") return a === b;
      return b instanceof RFloat && floatEquals(a, b.v);
    case "bigint":
      // Normalisation keeps bigints out of the safe range, so a number never equals one.
      if (typeof b === "bigint") return a === b;
      return b instanceof RFloat && floatEquals(Number(a), b.v);
    case "string":
    case "boolean":
      return a === b;
  }
  if (a === null) return b === null;
  if (a instanceof RFloat) {
    if (b instanceof RFloat) return floatEquals(a.v, b.v);
    return isInt(b) && floatEquals(a.v, Number(b));
  }
  if (a instanceof RArray) return b instanceof RArray && arraysEqual(a.items, b.items);
  if (a instanceof RDict) return b instanceof RDict && dictsEqual(a, b);
  if (a instanceof RStruct) return b instanceof RStruct && structsEqual(a, b);
  if (a instanceof RTagged) return b instanceof RTagged && a.tag === b.tag && equals(a.value, b.value);
  if (a instanceof REnum) {
    return (
      b instanceof REnum &&
      a.enumName === b.enumName &&
      a.variant === b.variant &&
      arraysEqual(a.args, b.args)
    );
  }
  if (a instanceof RNative) return b instanceof RNative && a.name === b.name;
  if (a instanceof RBoundMethod) {
    return b instanceof RBoundMethod && a.method === b.method && equals(a.receiver, b.receiver);
  }
  return a === b;
}

function arraysEqual(a: readonly Value[], b: readonly Value[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
  return true;
}

function dictsEqual(a: RDict, b: RDict): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a.entries()) {
    const other = b.get(key);
    if (other === undefined || !equals(value, other)) return false;
  }
  return true;
}

/** Same name and deep-equal fields; the two layouts may list the fields in other orders. */
function structsEqual(a: RStruct, b: RStruct): boolean {
  if (a.layout === b.layout) return arraysEqual(a.values, b.values);
  if (a.layout.name !== b.layout.name || a.layout.fields.length !== b.layout.fields.length) return false;
  const fields = a.layout.fields;
  for (let i = 0; i < fields.length; i++) {
    const j = b.layout.index.get(fields[i]);
    if (j === undefined || !equals(a.values[i], b.values[j])) return false;
  }
  return true;
}

function applyOrder(op: CompareOp, a: number | bigint | string, b: number | bigint | string): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}

/**
 * `< <= > >=`: ints exactly (number/bigint mixes compare exactly in JS), int/float via
 * f64 like Rust's `as f64`, strings by code point. NaN makes every comparison false.
 */
export function compare(op: CompareOp, a: Value, b: Value): boolean {
  if (isInt(a)) {
    if (isInt(b)) return applyOrder(op, a, b);
    if (b instanceof RFloat) return applyOrder(op, Number(a), b.v);
  } else if (a instanceof RFloat) {
    if (b instanceof RFloat) return applyOrder(op, a.v, b.v);
    if (isInt(b)) return applyOrder(op, a.v, Number(b));
  } else if (typeof a === "string" && typeof b === "string") {
    return applyOrder(op, cpCompare(a, b), 0);
  }
  throw invalidBinary(op, a, b);
}

// ---------------------------------------------------------------------------
// Truthiness and dict keys

/** Falsey: false, null, int 0, float 0.0 (either sign), "", [], {}. */
export function truthy(v: Value): boolean {
  switch (typeof v) {
    case "boolean":
      return v;
    case "number":
      return v !== 0;
    case "bigint":
      return true;
    case "string":
      return v.length > 0;
  }
  if (v === null) return false;
  if (v instanceof RFloat) return v.v !== 0;
  if (v instanceof RArray) return v.length > 0;
  if (v instanceof RDict) return v.size > 0;
  return true;
}

/** The stored key for an index/key value: strings as is, ints as decimal text. */
export function dictKey(k: Value): DictKey {
  if (typeof k === "number") return k;
  if (typeof k === "string") return dictKeyOf(k);
  if (typeof k === "bigint") return String(k);
  throw new RuffError("Invalid index operation");
}

export function missingKeyMessage(k: Value): string {
  return typeof k === "string" ? `Missing map key: ${rustQuote(k)}` : `Missing map key: ${String(k)}`;
}

/** Whether v is a value a native can call back through the host (functions of any kind). */
export function isCallable(v: Value): boolean {
  return v instanceof RFunction || v instanceof RNative || v instanceof RBoundMethod;
}
