// Operator semantics: checked i64 arithmetic at the boundaries (exact products past 2^53,
// overflow messages, MIN / -1), truncating division and modulo signs, no -0 ints, float
// rules, equality (epsilon, deep, struct layouts), ordering, truthiness and dict keys.

import { describe, expect, it } from "vitest";
import {
  arith,
  compare,
  dictKey,
  equals,
  missingKeyMessage,
  negate,
  not,
  truthy,
  type ArithOp,
} from "../../src/interp/ops";
import {
  RArray,
  REnum,
  RFloat,
  RFunction,
  RNative,
  RStruct,
  RTagged,
  RuffError,
  layoutFor,
  type Value,
  dictFromText,
} from "../../src/interp/value";
import { userFunction } from "./builtin-helpers";

const MAX = 9223372036854775807n;
const MIN = -9223372036854775808n;
const f = (x: number) => new RFloat(x);
const arr = (...items: Value[]) => new RArray(items);
const dict = (entries: [string, Value][]) => dictFromText(entries);
const struct = (name: string, entries: [string, Value][]) =>
  new RStruct(layoutFor(name, entries.map(([k]) => k)), entries.map(([, v]) => v));

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(RuffError);
    return (e as RuffError).message;
  }
  throw new Error("expected a RuffError");
}

describe("int arithmetic", () => {
  it("keeps small results as numbers and never produces -0", () => {
    expect(arith("+", 2, 3)).toBe(5);
    expect(arith("*", 0, -5)).toBe(0);
    expect(Object.is(arith("*", 0, -5), 0)).toBe(true);
    expect(Object.is(arith("*", -5, 0), 0)).toBe(true);
    expect(Object.is(arith("/", -1, 2), 0)).toBe(true);
    expect(Object.is(arith("%", -4, 2), 0)).toBe(true);
    expect(Object.is(arith("-", 5, 5), 0)).toBe(true);
    expect(Object.is(negate(0), 0)).toBe(true);
  });

  it("truncates division toward zero and gives % the dividend's sign", () => {
    expect(arith("/", 7, 2)).toBe(3);
    expect(arith("/", -7, 2)).toBe(-3);
    expect(arith("/", 7, -2)).toBe(-3);
    expect(arith("/", -7, -2)).toBe(3);
    expect(arith("%", 7, 3)).toBe(1);
    expect(arith("%", -7, 3)).toBe(-1);
    expect(arith("%", 7, -3)).toBe(1);
    expect(arith("%", -7, -3)).toBe(-1);
  });

  it("computes products crossing 2^53 exactly", () => {
    expect(arith("*", 94906267, 94906267)).toBe(9007199515875289n);
    expect(arith("*", 3037000499, 3037000499)).toBe(9223372030926249001n);
    expect(arith("+", 9007199254740991, 1)).toBe(9007199254740992n);
    expect(arith("-", -9007199254740991, 1)).toBe(-9007199254740992n);
    expect(arith("-", 9007199254740992n, 1)).toBe(9007199254740991);
    expect(typeof arith("-", 9007199254740992n, 1)).toBe("number");
    expect(arith("/", 9007199254740993n, 3)).toBe(3002399751580331);
    expect(arith("%", MAX, 10)).toBe(7);
  });

  it("reports overflow with the operands as ints", () => {
    expect(errorOf(() => arith("+", MAX, 1))).toBe("Integer overflow: 9223372036854775807 + 1");
    expect(errorOf(() => arith("-", MIN, 1))).toBe("Integer overflow: -9223372036854775808 - 1");
    expect(errorOf(() => arith("*", 3037000500, 3037000500))).toBe("Integer overflow: 3037000500 * 3037000500");
    expect(errorOf(() => arith("/", MIN, -1))).toBe("Integer overflow: -9223372036854775808 / -1");
    expect(errorOf(() => arith("%", MIN, -1))).toBe("Integer overflow: -9223372036854775808 % -1");
    expect(errorOf(() => negate(MIN))).toBe("Integer overflow: -(-9223372036854775808)");
    expect(negate(MAX)).toBe(-MAX);
    expect(arith("+", MAX, -1)).toBe(MAX - 1n);
  });

  it("rejects division and modulo by zero", () => {
    expect(errorOf(() => arith("/", 1, 0))).toBe("Division by zero");
    expect(errorOf(() => arith("%", 1, 0))).toBe("Modulo by zero");
    expect(errorOf(() => arith("/", MAX, 0))).toBe("Division by zero");
  });
});

describe("float arithmetic", () => {
  const float = (v: Value) => (v as RFloat).v;

  it("promotes int/float mixes to float", () => {
    expect(arith("/", 7, f(2))).toBeInstanceOf(RFloat);
    expect(float(arith("/", 7, f(2)))).toBe(3.5);
    expect(float(arith("+", f(0.5), 1))).toBe(1.5);
    expect(float(arith("*", MAX, f(1)))).toBe(9223372036854775807);
  });

  it("rejects / and % by either zero; fmod keeps the dividend's sign", () => {
    expect(errorOf(() => arith("/", f(1), f(0)))).toBe("Division by zero");
    expect(errorOf(() => arith("/", 1, f(-0)))).toBe("Division by zero");
    expect(errorOf(() => arith("%", f(1), f(0)))).toBe("Modulo by zero");
    expect(float(arith("%", f(-7.5), f(2)))).toBe(-1.5);
    expect(float(arith("*", f(1e308), f(10)))).toBe(Infinity);
  });
});

describe("other operands", () => {
  it("concatenates strings only with +", () => {
    expect(arith("+", "a", "b")).toBe("ab");
    expect(errorOf(() => arith("+", "n=", 5))).toBe("Invalid binary operation: string + int");
    expect(errorOf(() => arith("-", "a", "b"))).toBe("Invalid binary operation: string - string");
    expect(errorOf(() => arith("*", "a", 3))).toBe("Invalid binary operation: string * int");
  });

  it("names every kind in the error", () => {
    const cases: [ArithOp, Value, Value, string][] = [
      ["+", arr(1), arr(2), "array + array"],
      ["+", true, 1, "bool + int"],
      ["+", null, f(1), "null + float"],
      ["+", dict([]), 1, "dict + int"],
      ["+", struct("P", []), 1, "struct + int"],
      ["+", userFunction("f"), 1, "function + int"],
      ["+", new RNative("len", () => null, 1, 1), 1, "native_function + int"],
      ["+", new RTagged("Ok", 1), 1, "value + int"],
    ];
    for (const [op, a, b, text] of cases) {
      expect(errorOf(() => arith(op, a, b))).toBe(`Invalid binary operation: ${text}`);
    }
  });

  it("unary operators accept only numbers / bools", () => {
    expect((negate(f(1.5)) as RFloat).v).toBe(-1.5);
    expect(negate(5)).toBe(-5);
    expect(errorOf(() => negate(true))).toBe("Invalid unary operation: - Bool(true)");
    expect(errorOf(() => negate("x"))).toBe('Invalid unary operation: - Str("x")');
    expect(not(true)).toBe(false);
    expect(errorOf(() => not(0))).toBe("Invalid unary operation: ! Int(0)");
    expect(errorOf(() => not(null))).toBe("Invalid unary operation: ! Null");
  });
});

describe("equals", () => {
  it("never equates different kinds, except int with float", () => {
    expect(equals(1, true)).toBe(false);
    expect(equals(null, 0)).toBe(false);
    expect(equals("1", 1)).toBe(false);
    expect(equals(1, f(1))).toBe(true);
    expect(equals(f(1), 1)).toBe(true);
    expect(equals(MAX, f(9223372036854775807))).toBe(true);
    expect(equals(MAX, MAX)).toBe(true);
  });

  it("uses an absolute epsilon for floats; NaN never equal; infinities exact", () => {
    expect(equals(f(0.1 + 0.2), f(0.3))).toBe(true);
    expect(equals(f(1e-17), f(2e-17))).toBe(true);
    expect(equals(f(1), f(1 + 4.440892098500626e-16))).toBe(false);
    const nan = f(NaN);
    expect(equals(nan, nan)).toBe(false);
    expect(equals(f(Infinity), f(Infinity))).toBe(true);
    expect(equals(f(Infinity), f(-Infinity))).toBe(false);
    expect(equals(arr(nan), arr(nan))).toBe(false);
  });

  it("compares collections deeply; dicts ignore order", () => {
    expect(equals(arr(1, arr(2, "x")), arr(1, arr(2, "x")))).toBe(true);
    expect(equals(arr(1, 2), arr(1, 2, 3))).toBe(false);
    expect(equals(dict([["a", 1], ["b", 2]]), dict([["b", 2], ["a", f(1)]]))).toBe(true);
    expect(equals(dict([["a", 1]]), dict([["a", 2]]))).toBe(false);
    expect(equals(dict([["a", 1]]), dict([["b", 1]]))).toBe(false);
  });

  it("compares structs by name and fields, whatever the layouts' field order", () => {
    expect(equals(struct("P", [["x", 1], ["y", 2]]), struct("P", [["y", 2], ["x", 1]]))).toBe(true);
    expect(equals(struct("P", [["x", 1]]), struct("Q", [["x", 1]]))).toBe(false);
    expect(equals(struct("P", [["x", 1]]), struct("P", [["x", 1], ["y", 2]]))).toBe(false);
    expect(equals(struct("P", [["x", 1]]), struct("P", [["z", 1]]))).toBe(false);
  });

  it("compares tagged values, enums, functions and natives", () => {
    expect(equals(new RTagged("Ok", 1), new RTagged("Ok", f(1)))).toBe(true);
    expect(equals(new RTagged("Ok", 1), new RTagged("Err", 1))).toBe(false);
    expect(equals(new RTagged("None", null), new RTagged("None", null))).toBe(true);
    expect(equals(new REnum("C", "Red", []), new REnum("C", "Red", []))).toBe(true);
    expect(equals(new REnum("C", "Red", []), new REnum("C", "Blue", []))).toBe(false);
    expect(equals(new REnum("S", "Circle", [1]), new REnum("S", "Circle", [2]))).toBe(false);
    const fn = userFunction("f");
    expect(equals(fn, fn)).toBe(true);
    expect(equals(fn, new RFunction(fn.proto, []))).toBe(false);
    expect(equals(new RNative("len", () => 1, 1, 1), new RNative("len", () => 2, 1, 1))).toBe(true);
  });
});

describe("compare", () => {
  it("orders numbers, mixing int and float", () => {
    expect(compare("<", 1, 2)).toBe(true);
    expect(compare(">=", 2, f(2))).toBe(true);
    expect(compare("<", f(1.5), 2)).toBe(true);
    expect(compare("<", 9007199254740993n, 9007199254740994n)).toBe(true);
    expect(compare(">", MAX, 5)).toBe(true);
    expect(compare("<", f(NaN), 1)).toBe(false);
    expect(compare(">=", f(NaN), 1)).toBe(false);
  });

  it("orders strings by code point", () => {
    expect(compare("<", "a", "b")).toBe(true);
    expect(compare("<", "😀", "\uFF21")).toBe(false);
    expect(compare(">", "😀", "\uFF21")).toBe(true);
    expect(compare("<=", "abc", "abc")).toBe(true);
  });

  it("rejects other operand kinds", () => {
    expect(errorOf(() => compare("<", true, false))).toBe("Invalid binary operation: bool < bool");
    expect(errorOf(() => compare(">=", 1, "a"))).toBe("Invalid binary operation: int >= string");
    expect(errorOf(() => compare(">", struct("M", []), struct("M", [])))).toBe(
      "Invalid binary operation: struct > struct",
    );
  });
});

describe("truthy", () => {
  it("follows section 5.4", () => {
    for (const v of [false, null, 0, f(0), f(-0), "", arr(), dict([])]) expect(truthy(v)).toBe(false);
    for (const v of [true, 1, -1, MAX, f(0.1), f(NaN), "false", "0", arr(0), dict([["a", 0]])]) {
      expect(truthy(v)).toBe(true);
    }
    expect(truthy(struct("P", []))).toBe(true);
    expect(truthy(new RTagged("None", null))).toBe(true);
    expect(truthy(new RTagged("Err", 0))).toBe(true);
  });
});

describe("dict keys", () => {
  it("maps strings and ints to key text", () => {
    expect(dictKey("name")).toBe("name");
    // Canonical int keys are stored as numbers (see DictKey); text keys as text.
    expect(dictKey(1)).toBe(1);
    expect(dictKey("1")).toBe(1);
    expect(dictKey("01")).toBe("01");
    expect(dictKey(-5)).toBe(-5);
    expect(dictKey(MAX)).toBe("9223372036854775807");
    expect(errorOf(() => dictKey(f(1)))).toBe("Invalid index operation");
    expect(errorOf(() => dictKey(true))).toBe("Invalid index operation");
  });

  it("formats missing-key messages", () => {
    expect(missingKeyMessage("name")).toBe('Missing map key: "name"');
    expect(missingKeyMessage(1)).toBe("Missing map key: 1");
  });
});
