// Math builtins: float results for int input, round half away from zero, domain errors,
// NaN-ignoring min/max, and i64 bit operations (32-bit fast path and bigint path).

import { describe, expect, it } from "vitest";
import { errorOf, f, floatOf, makeCaller, show } from "./builtin-helpers";

const call = makeCaller();

describe("math", () => {
  it("returns floats even for ints: abs(-42) prints 42", () => {
    const r = call("abs", -42);
    expect(floatOf(r)).toBe(42);
    expect(show(r)).toBe("42");
    expect(floatOf(call("sqrt", 9))).toBe(3);
    expect(floatOf(call("pow", 2, 10))).toBe(1024);
    expect(floatOf(call("floor", f(2.7)))).toBe(2);
    expect(floatOf(call("ceil", f(2.1)))).toBe(3);
    expect(floatOf(call("exp", 0))).toBe(1);
    expect(floatOf(call("log", f(Math.E)))).toBe(1);
    expect(floatOf(call("sin", 0))).toBe(0);
    expect(floatOf(call("cos", 0))).toBe(1);
    expect(floatOf(call("tan", 0))).toBe(0);
    expect(floatOf(call("abs", 9223372036854775807n))).toBe(9223372036854775807);
  });

  it("rounds half away from zero", () => {
    expect(floatOf(call("round", f(-2.5)))).toBe(-3);
    expect(floatOf(call("round", f(2.5)))).toBe(3);
    expect(floatOf(call("round", f(0.5)))).toBe(1);
    expect(floatOf(call("round", f(-0.5)))).toBe(-1);
    expect(floatOf(call("round", f(2.4)))).toBe(2);
    expect(floatOf(call("round", f(0.49999999999999994)))).toBe(0);
    expect(show(call("round", f(-0.4)))).toBe("-0");
    expect(floatOf(call("round", f(4503599627370497)))).toBe(4503599627370497);
  });

  it("min and max take two numbers and ignore NaN", () => {
    expect(floatOf(call("min", 3, f(1.5)))).toBe(1.5);
    expect(floatOf(call("max", 3, f(1.5)))).toBe(3);
    expect(floatOf(call("min", f(NaN), 1))).toBe(1);
    expect(floatOf(call("max", 1, f(NaN)))).toBe(1);
    expect(errorOf(() => call("min", 1, "a"))).toBe("min() expects numeric arguments");
    expect(errorOf(() => call("pow", "2", 1))).toBe("pow() expects numeric arguments");
  });

  it("reports domain and type errors like upstream", () => {
    expect(errorOf(() => call("sqrt", -1))).toBe("sqrt() domain error: value must be >= 0");
    expect(errorOf(() => call("log", 0))).toBe("log() domain error: value must be > 0");
    expect(errorOf(() => call("log", f(-1)))).toBe("log() domain error: value must be > 0");
    expect(errorOf(() => call("abs", "x"))).toBe(`abs() expects numeric argument 'value' , got Str("x")`);
  });
});

describe("bit operations", () => {
  it("work on small ints", () => {
    expect(call("bit_and", 12, 10)).toBe(8);
    expect(call("bit_or", 12, 10)).toBe(14);
    expect(call("bit_xor", 12, 10)).toBe(6);
    expect(call("bit_not", 0)).toBe(-1);
    expect(call("bit_shl", 3, 4)).toBe(48);
    expect(call("bit_shr", 16, 2)).toBe(4);
    expect(call("bit_shr", -16, 2)).toBe(-4);
  });

  it("work on the full i64 range", () => {
    expect(call("bit_and", 9223372036854775807n, 4294967296)).toBe(4294967296);
    expect(call("bit_or", 4294967296, 1)).toBe(4294967297);
    expect(call("bit_xor", -1, 9223372036854775807n)).toBe(-9223372036854775808n);
    expect(call("bit_not", 9223372036854775807n)).toBe(-9223372036854775808n);
    expect(call("bit_shl", 1, 62)).toBe(4611686018427387904n);
    expect(call("bit_shl", 1, 63)).toBe(-9223372036854775808n);
    expect(call("bit_shl", 3, 63)).toBe(-9223372036854775808n);
    expect(call("bit_shr", -9223372036854775808n, 63)).toBe(-1);
    expect(call("bit_shl", 1, 40)).toBe(1099511627776);
  });

  it("reject non-ints and bad shift amounts", () => {
    expect(errorOf(() => call("bit_and", f(1), 1))).toBe("bit_and() expects integer argument 'left' , got Float(1)");
    expect(errorOf(() => call("bit_not", "1"))).toBe(`bit_not() expects integer argument 'value' , got Str("1")`);
    expect(errorOf(() => call("bit_shl", 1, 64))).toBe("bit_shl() expects a shift amount between 0 and 63");
    expect(errorOf(() => call("bit_shr", 1, -1))).toBe("bit_shr() expects a shift amount between 0 and 63");
  });
});
