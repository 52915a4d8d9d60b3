// Math builtins (every one returns a float, even for int input: abs(-42) is 42.0) and
// the i64 bit operations bit_and/or/xor/not/shl/shr, plus the PI and E globals.

import { RFloat, type Value } from "../value";
import { debugForm } from "../format";
import { fail, intFromBig, native, toF64, type NativeSpec } from "./support";

export const MATH_CONSTANTS: [string, Value][] = [
  ["PI", new RFloat(Math.PI)],
  ["E", new RFloat(Math.E)],
];

/** f64::round: half away from zero (Math.round rounds half up: -2.5 -> -2). */
export function roundHalfAwayFromZero(x: number): number {
  const whole = Math.trunc(x);
  // x - trunc(x) is exact, so the comparison with 0.5 is too.
  if (Math.abs(x - whole) >= 0.5) return whole + Math.sign(x);
  return whole;
}

/** f64::min / f64::max ignore a NaN operand. */
function rustMin(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  return a < b ? a : b;
}

function rustMax(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  return a > b ? a : b;
}

const UNARY_MATH: [string, (x: number) => number][] = [
  ["abs", Math.abs],
  ["sqrt", Math.sqrt],
  ["floor", Math.floor],
  ["ceil", Math.ceil],
  ["round", roundHalfAwayFromZero],
  ["sin", Math.sin],
  ["cos", Math.cos],
  ["tan", Math.tan],
  ["log", Math.log],
  ["exp", Math.exp],
];

/** Domain checks made before computing (upstream messages). */
const DOMAIN_ERRORS: Record<string, [(x: number) => boolean, string]> = {
  sqrt: [(x) => x < 0, "sqrt() domain error: value must be >= 0"],
  log: [(x) => x <= 0, "log() domain error: value must be > 0"],
};

const BINARY_MATH: [string, (a: number, b: number) => number][] = [
  ["pow", Math.pow],
  ["min", rustMin],
  ["max", rustMax],
];

function unaryMath(name: string, compute: (x: number) => number): NativeSpec {
  const domain = DOMAIN_ERRORS[name];
  return native(name, 1, 1, (a) => {
    const x = toF64(a[0]);
    if (x === undefined) return fail(`${name}() expects numeric argument 'value' , got ${debugForm(a[0])}`);
    if (domain !== undefined && domain[0](x)) fail(domain[1]);
    return new RFloat(compute(x));
  });
}

function binaryMath(name: string, compute: (a: number, b: number) => number): NativeSpec {
  return native(name, 2, 2, (a) => {
    const x = toF64(a[0]);
    const y = toF64(a[1]);
    if (x === undefined || y === undefined) return fail(`${name}() expects numeric arguments`);
    return new RFloat(compute(x, y));
  });
}

// ---------------------------------------------------------------------------
// Bit operations on i64

function intArg(name: string, label: string, v: Value): number | bigint {
  if (typeof v === "number" || typeof v === "bigint") return v;
  return fail(`${name}() expects integer argument '${label}' , got ${debugForm(v)}`);
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function isInt32(v: number | bigint): v is number {
  return typeof v === "number" && v >= INT32_MIN && v <= INT32_MAX;
}

/** and/or/xor with a 32-bit fast path (JS bit operators are exact for int32 operands). */
function bitwise(
  name: string,
  small: (a: number, b: number) => number,
  big: (a: bigint, b: bigint) => bigint,
): NativeSpec {
  return native(name, 2, 2, (a) => {
    const left = intArg(name, "left", a[0]);
    const right = intArg(name, "right", a[1]);
    if (isInt32(left) && isInt32(right)) return small(left, right);
    return intFromBig(BigInt.asIntN(64, big(BigInt(left), BigInt(right))));
  });
}

function shift(name: string, compute: (a: bigint, amount: bigint) => bigint): NativeSpec {
  return native(name, 2, 2, (a) => {
    const left = intArg(name, "left", a[0]);
    const amount = intArg(name, "right", a[1]);
    if (amount < 0 || amount >= 64) fail(`${name}() expects a shift amount between 0 and 63`);
    return intFromBig(BigInt.asIntN(64, compute(BigInt(left), BigInt(amount))));
  });
}

export function mathBuiltins(): NativeSpec[] {
  return [
    ...UNARY_MATH.map(([name, compute]) => unaryMath(name, compute)),
    ...BINARY_MATH.map(([name, compute]) => binaryMath(name, compute)),
    bitwise("bit_and", (x, y) => x & y, (x, y) => x & y),
    bitwise("bit_or", (x, y) => x | y, (x, y) => x | y),
    bitwise("bit_xor", (x, y) => x ^ y, (x, y) => x ^ y),
    native("bit_not", 1, 1, (a) => {
      const v = intArg("bit_not", "value", a[0]);
      return isInt32(v) ? ~v : intFromBig(BigInt.asIntN(64, ~BigInt(v)));
    }),
    // Rust's `<<` on i64 drops the bits shifted out (no overflow check).
    shift("bit_shl", (x, n) => x << n),
    shift("bit_shr", (x, n) => x >> n),
  ];
}
