// The meaning of the IR's value ops on raw JS values, and the boxing rules between raw
// values and interpreter Values. FOLD (builder.ts) and the reference interpreter
// (interp.ts) both evaluate through VALUE_EVAL, so they cannot disagree.

import { RArray, RDict, RFloat, RFunction, RStruct, RBoundMethod, RNative, type Value } from "../interp/value";
import { floatEquals } from "../interp/ops";
import { IrOp, IrType, RefKind, type IrOpcode, type IrOpName } from "./ops";

/** A value as a trace holds it: int and float as JS numbers, bool, or a JS object (ref). */
export type RawValue = number | boolean | object;

/** What an op evaluates to when its guard fails (the trace exits). */
export const EXITS: unique symbol = Symbol("exits");
export type EvalResult = RawValue | typeof EXITS;

export const MAX_SAFE_INT = Number.MAX_SAFE_INTEGER;

/** An int result that range facts proved safe: a violation is a wrong proof (a JIT bug), never an exit. */
function provenResult(r: number): number {
  if (r > MAX_SAFE_INT || r < -MAX_SAFE_INT) throw new Error(`range fact violated: ${r} is outside the safe range`);
  return r + 0;
}

/** An int result: exact when inside the safe range (rounding is monotone), +0 for -0. */
function intResult(r: number): number | typeof EXITS {
  return r <= MAX_SAFE_INT && r >= -MAX_SAFE_INT ? r + 0 : EXITS;
}

type Eval = (a: never, b: never) => EvalResult;

/** Value ops with their exact meaning (see IR_DEFS for the words). */
const EVAL_BY_NAME: Partial<Record<IrOpName, Eval>> = {
  ADD: (a: number, b: number) => intResult(a + b),
  SUB: (a: number, b: number) => intResult(a - b),
  MUL: (a: number, b: number) => intResult(a * b),
  // Exact for safe ints: the rounding error of a / b is below 1/|b|.
  DIV: (a: number, b: number) => (b === 0 ? EXITS : Math.trunc(a / b) + 0),
  MOD: (a: number, b: number) => (b === 0 ? EXITS : (a % b) + 0),
  NEG: (a: number) => 0 - a,
  ADD_SAFE: (a: number, b: number) => provenResult(a + b),
  SUB_SAFE: (a: number, b: number) => provenResult(a - b),
  FADD: (a: number, b: number) => a + b,
  FSUB: (a: number, b: number) => a - b,
  FMUL: (a: number, b: number) => a * b,
  FDIV: (a: number, b: number) => (b === 0 ? EXITS : a / b),
  FMOD: (a: number, b: number) => (b === 0 ? EXITS : a % b),
  FNEG: (a: number) => -a,
  CONV_INT_FLOAT: (a: number) => a,
  LT: (a: number, b: number) => a < b,
  LE: (a: number, b: number) => a <= b,
  GT: (a: number, b: number) => a > b,
  GE: (a: number, b: number) => a >= b,
  EQ: (a: number | boolean, b: number | boolean) => rawEquals(a, b),
  NE: (a: number | boolean, b: number | boolean) => !rawEquals(a, b),
  NOT: (a: boolean) => !a,
  GUARD_TRUE: (a: boolean) => (a ? true : EXITS),
  GUARD_FALSE: (a: boolean) => (a ? EXITS : true),
  FSQRT: (a: number) => (a < 0 ? EXITS : Math.sqrt(a)),
  FABS: (a: number) => Math.abs(a),
  FFLOOR: (a: number) => Math.floor(a),
  FCEIL: (a: number) => Math.ceil(a),
  FTOI: (a: number) => (a !== a ? EXITS : intResult(Math.trunc(a))),
  FMIN: (a: number, b: number) => (a < b || b !== b ? a : b),
  FMAX: (a: number, b: number) => (a > b || b !== b ? a : b),
  GUARD_KIND: (a: object, kind: number) => (refKindOf(a) === kind ? true : EXITS),
  GUARD_LAYOUT: (a: object, id: number) => (a instanceof RStruct && a.layout.id === id ? true : EXITS),
};

/**
 * VALUE_EVAL[op](a, b): the result of a pure op on raw operand values (literal operands
 * are passed as their number), EXITS when its guard fails. Guards evaluate to true when
 * they pass. undefined for ops that are not pure value ops (constants, loads, control).
 */
export const VALUE_EVAL: readonly (((a: RawValue, b: RawValue) => EvalResult) | undefined)[] = Object.keys(IrOp).map(
  (name) => EVAL_BY_NAME[name as IrOpName] as ((a: RawValue, b: RawValue) => EvalResult) | undefined,
);

export function evaluate(op: IrOpcode, a: RawValue, b: RawValue): EvalResult {
  const fn = VALUE_EVAL[op];
  if (fn === undefined) throw new Error(`not a value op: ${op}`);
  return fn(a, b);
}

function rawEquals(a: number | boolean, b: number | boolean): boolean {
  return typeof a === "boolean" ? a === b : floatEquals(a, b as number);
}

/** The RefKind of a JS object, or -1. */
export function refKindOf(v: unknown): number {
  if (v instanceof RArray) return RefKind.array;
  if (v instanceof RDict) return RefKind.dict;
  if (v instanceof RStruct) return RefKind.struct;
  if (v instanceof RFunction || v instanceof RNative || v instanceof RBoundMethod) return RefKind.function;
  return -1;
}

/**
 * An interpreter Value as a raw value of type t, or EXITS when it has another type:
 * int: a JS number (a bigint is out of the trace's range); float: an RFloat, unboxed;
 * bool: a boolean; ref: a non-null object other than RFloat. Used by AGET and FLOAD.
 */
export function unboxAs(t: IrType, v: Value): EvalResult {
  switch (t) {
    case IrType.int:
      return typeof v === "number" ? v : EXITS;
    case IrType.float:
      return v instanceof RFloat ? v.v : EXITS;
    case IrType.bool:
      return typeof v === "boolean" ? v : EXITS;
    case IrType.ref:
      return typeof v === "object" && v !== null && !(v instanceof RFloat) ? v : EXITS;
    default:
      return EXITS;
  }
}

/** The interpreter Value for a raw value of type t (floats are boxed). */
export function boxAs(t: IrType, raw: RawValue): Value {
  if (t === IrType.float) return new RFloat(raw as number);
  return raw as Value;
}
