// JSON builtins: ints stay ints (including past 2^53), floats print like serde/ryu,
// keys sorted, pretty layout, serde-style parse errors, size and nesting limits.

import { describe, expect, it } from "vitest";
import { formatJsonFloat } from "../../src/interp/builtins/json";
import { RArray, RDict, RFloat, RNative, RTagged } from "../../src/interp/value";
import { arr, dict, errorOf, f, makeCaller, show, struct } from "./builtin-helpers";

const call = makeCaller();

describe("parse_json", () => {
  it("keeps integral numbers as ints and objects as dicts", () => {
    expect(show(call("parse_json", '{"name": "Alice", "age": 30, "active": true}'))).toBe(
      '{"active": true, "age": 30, "name": Alice}',
    );
    const mixed = call("parse_json", '[1, "hello", true, null, 3.14, 1.0, 1e2, -0]') as RArray;
    expect(mixed.items[0]).toBe(1);
    expect(mixed.items[4]).toBeInstanceOf(RFloat);
    expect((mixed.items[5] as RFloat).v).toBe(1);
    expect((mixed.items[6] as RFloat).v).toBe(100);
    expect(mixed.items[7]).toBe(0);
    expect(call("parse_json", "9007199254740993")).toBe(9007199254740993n);
    expect(call("parse_json", "-9223372036854775808")).toBe(-9223372036854775808n);
    expect((call("parse_json", "9223372036854775808") as RFloat).v).toBe(9223372036854775808);
    expect(call("parse_json", '"Hello \\u0041\\u0042 \\ud83d\\ude00 \\n"')).toBe("Hello AB 😀 \n");
    expect(call("parse_json", "  [ ]  ")).toBeInstanceOf(RArray);
    expect(call("parse_json", "{}")).toBeInstanceOf(RDict);
  });

  it("reports syntax errors in serde's words", () => {
    expect(errorOf(() => call("parse_json", ""))).toBe("JSON parse error: EOF while parsing a value at line 1 column 1");
    expect(errorOf(() => call("parse_json", "[1, 2"))).toBe("JSON parse error: EOF while parsing a list at line 1 column 6");
    expect(errorOf(() => call("parse_json", "[1 2]"))).toMatch(/^JSON parse error: expected `,` or `]`/);
    expect(errorOf(() => call("parse_json", '{"a" 1}'))).toMatch(/^JSON parse error: expected `:`/);
    expect(errorOf(() => call("parse_json", "{a: 1}"))).toMatch(/^JSON parse error: key must be a string/);
    expect(errorOf(() => call("parse_json", "[1,]"))).toMatch(/^JSON parse error: trailing comma/);
    expect(errorOf(() => call("parse_json", "1 2"))).toMatch(/^JSON parse error: trailing characters/);
    expect(errorOf(() => call("parse_json", "tru"))).toMatch(/^JSON parse error: expected ident/);
    expect(errorOf(() => call("parse_json", '"a\\qb"'))).toMatch(/^JSON parse error: invalid escape/);
    expect(errorOf(() => call("parse_json", "1e400"))).toMatch(/^JSON parse error: number out of range/);
    expect(errorOf(() => call("parse_json", "[\n  x]"))).toBe("JSON parse error: expected value at line 2 column 3");
    expect(errorOf(() => call("parse_json", 5))).toBe("parse_json requires a string argument");
  });

  it("enforces the nesting limit of 64", () => {
    expect(call("parse_json", "[".repeat(64) + "1" + "]".repeat(64))).toBeInstanceOf(RArray);
    expect(errorOf(() => call("parse_json", "[".repeat(65) + "1" + "]".repeat(65)))).toBe(
      "JSON input exceeds maximum nesting depth of 64",
    );
  });
});

describe("to_json", () => {
  it("serialises compactly with sorted keys (upstream fixture)", () => {
    expect(call("to_json", 42)).toBe("42");
    expect(call("to_json", "Hello, World!")).toBe('"Hello, World!"');
    expect(call("to_json", arr(1, 2, 3, 4, 5))).toBe("[1,2,3,4,5]");
    expect(call("to_json", dict([["name", "Bob"], ["age", 25]]))).toBe('{"age":25,"name":"Bob"}');
    expect(call("to_json", dict([["user", dict([["name", "Charlie"], ["settings", dict([["theme", "dark"]])]])]]))).toBe(
      '{"user":{"name":"Charlie","settings":{"theme":"dark"}}}',
    );
    expect(call("to_json", arr(null, true, f(1), f(0.5), "a\"\n"))).toBe('[null,true,1.0,0.5,"a\\"\\n"]');
    expect(call("to_json", 9223372036854775807n)).toBe("9223372036854775807");
  });

  it("pretty-prints with two-space indentation", () => {
    const value = dict([["b", arr(1, dict([]))], ["a", arr()], ["c", dict([["x", null]])]]);
    expect(call("to_json_pretty", value)).toBe(
      '{\n  "a": [],\n  "b": [\n    1,\n    {}\n  ],\n  "c": {\n    "x": null\n  }\n}',
    );
    expect(call("to_json_pretty", 1)).toBe("1");
  });

  it("rejects values JSON cannot hold", () => {
    expect(errorOf(() => call("to_json", f(Infinity)))).toBe("Cannot convert non-finite float inf to JSON");
    expect(errorOf(() => call("to_json", f(NaN)))).toBe("Cannot convert non-finite float NaN to JSON");
    expect(errorOf(() => call("to_json", struct("P", [["x", 1]])))).toBe(
      'Cannot convert Struct { name: "P", fields: {"x": Int(1)} } to JSON',
    );
    expect(errorOf(() => call("to_json", new RTagged("Ok", 1)))).toBe("Cannot convert Ok(Int(1)) to JSON");
    expect(errorOf(() => call("to_json", new RNative("len", () => null, 1, 1)))).toBe(
      "Cannot convert NativeFunction(len) to JSON",
    );
    let deep = arr();
    for (let i = 0; i < 65; i++) deep = arr(deep);
    expect(errorOf(() => call("to_json", deep))).toBe("JSON value exceeds maximum nesting depth of 64");
  });

  it("round-trips", () => {
    const original = dict([["test", "value"], ["number", 123]]);
    const text = call("to_json", original) as string;
    expect(text).toBe('{"number":123,"test":"value"}');
    expect(show(call("parse_json", text))).toBe('{"number": 123, "test": value}');
  });
});

describe("formatJsonFloat (ryu)", () => {
  it.each([
    [1, "1.0"],
    [0.1, "0.1"],
    [-1.5, "-1.5"],
    [0, "0.0"],
    [-0, "-0.0"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e16"],
    [1.5e16, "1.5e16"],
    [123456789012345680, "1.2345678901234568e17"],
    [0.0001, "0.0001"],
    [0.00001, "0.00001"],
    [1e-6, "1e-6"],
    [1.5e-7, "1.5e-7"],
    [1e21, "1e21"],
    [3.14159, "3.14159"],
    [5e-324, "5e-324"],
  ])("%s -> %s", (x, expected) => {
    expect(formatJsonFloat(x)).toBe(expected);
  });
});
