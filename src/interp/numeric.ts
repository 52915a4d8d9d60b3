// Number fast paths shared by the dispatch loop: float and mixed int/float arithmetic
// and ordering comparisons. Small on purpose, so V8 inlines them into the loop; every
// other operand kind falls through to the generic semantics in ops.ts.

import { RFloat, type Value } from "./value";
import { compare } from "./ops";

/**
 * Float and mixed int/float arithmetic (op index: + - * / %). undefined when an operand
 * is not a number, when both are ints (the int path owns them), and for division by
 * zero: the generic path raises those errors.
 */
export function floatArith(op: number, x: Value, y: Value): RFloat | undefined {
  let a: number;
  let b: number;
  if (x instanceof RFloat) {
    a = x.v;
    if (y instanceof RFloat) b = y.v;
    else if (typeof y === "number") b = y;
    else return undefined;
  } else if (typeof x === "number" && y instanceof RFloat) {
    a = x;
    b = y.v;
  } else return undefined;
  switch (op) {
    case 0: return new RFloat(a + b);
    case 1: return new RFloat(a - b);
    case 2: return new RFloat(a * b);
    case 3: return b === 0 ? undefined : new RFloat(a / b);
    default: return b === 0 ? undefined : new RFloat(a % b);
  }
}

/** x < y with the number fast paths inline; everything else through ops.compare. */
export function lt(x: Value, y: Value): boolean {
  if (typeof x === "number") {
    if (typeof y === "number") return x < y;
    if (y instanceof RFloat) return x < y.v;
  } else if (x instanceof RFloat) {
    if (y instanceof RFloat) return x.v < y.v;
    if (typeof y === "number") return x.v < y;
  }
  return compare("<", x, y);
}

export function gt(x: Value, y: Value): boolean {
  if (typeof x === "number") {
    if (typeof y === "number") return x > y;
    if (y instanceof RFloat) return x > y.v;
  } else if (x instanceof RFloat) {
    if (y instanceof RFloat) return x.v > y.v;
    if (typeof y === "number") return x.v > y;
  }
  return compare(">", x, y);
}

export function ge(x: Value, y: Value): boolean {
  if (typeof x === "number") {
    if (typeof y === "number") return x >= y;
    if (y instanceof RFloat) return x >= y.v;
  } else if (x instanceof RFloat) {
    if (y instanceof RFloat) return x.v >= y.v;
    if (typeof y === "number") return x.v >= y;
  }
  return compare(">=", x, y);
}

export function le(x: Value, y: Value): boolean {
  if (typeof x === "number") {
    if (typeof y === "number") return x <= y;
    if (y instanceof RFloat) return x <= y.v;
  } else if (x instanceof RFloat) {
    if (y instanceof RFloat) return x.v <= y.v;
    if (typeof y === "number") return x.v <= y;
  }
  return compare("<=", x, y);
}
