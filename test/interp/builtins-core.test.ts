// Core builtins: print family and input through the host, conversions and their errors,
// type introspection, format(), len(), error(), assertions, and the table's arity data.

import { describe, expect, it } from "vitest";
import { BUILTIN_CONSTANTS, createBuiltins } from "../../src/interp/builtins/index";
import { RDict, RFloat, RNative, RTagged, type Value } from "../../src/interp/value";
import { arr, dict, errorOf, f, floatOf, makeCaller, makeHost, show, struct } from "./builtin-helpers";

describe("builtin table", () => {
  it("registers aliases as separate natives with arity data", () => {
    const table = createBuiltins(makeHost());
    const print = table.get("print") as RNative;
    expect(print.minArgs).toBe(0);
    expect(print.maxArgs).toBe(-1);
    expect(table.get("println")?.name).toBe("println");
    expect(table.get("len")).toMatchObject({ name: "len", minArgs: 1, maxArgs: 1 });
    expect(table.get("input")).toMatchObject({ minArgs: 0, maxArgs: 1 });
    expect(table.get("get")).toMatchObject({ minArgs: 2, maxArgs: 3 });
    expect(table.get("range")).toMatchObject({ minArgs: 1, maxArgs: 3 });
    expect(table.get("write_file")).toMatchObject({ minArgs: 2, maxArgs: 3 });
    for (const name of ["str", "type_of", "upper", "substr", "append", "update", "time"]) {
      expect(table.has(name), name).toBe(true);
    }
  });

  it("defines PI and E as float constants", () => {
    const constants = new Map(BUILTIN_CONSTANTS);
    expect((constants.get("PI") as RFloat).v).toBe(Math.PI);
    expect((constants.get("E") as RFloat).v).toBe(Math.E);
  });
});

describe("output and input", () => {
  it("print joins formatted arguments with one space", () => {
    const host = makeHost();
    const call = makeCaller(host);
    expect(call("print", "a", 1, f(2), arr(1, "x"), null)).toBe(null);
    call("println");
    call("eprint", "oops", true);
    call("debug", 1, "s", arr(f(1.5)));
    expect(host.stdout).toEqual(["a 1 2 [1, x] null\n", "\n", '[DEBUG] Int(1) String("s") Array[Float(1.5)]\n']);
    expect(host.stderr).toEqual(["oops true\n"]);
  });

  it("input prints the prompt and strips trailing whitespace", () => {
    const host = makeHost();
    const call = makeCaller(host);
    host.stdin.push("hello  \r", "x");
    expect(call("input", "name? ")).toBe("hello");
    expect(host.stdout).toEqual(["name? "]);
    expect(call("input")).toBe("x");
    expect(call("input")).toBe("");
    expect(errorOf(() => call("input", 5))).toBe("input() requires a string prompt when provided");
  });
});

describe("conversions", () => {
  const call = makeCaller();

  it("to_string / str use print formatting", () => {
    expect(call("to_string", f(15))).toBe("15");
    expect(call("str", dict([["b", 1], ["a", "x"]]))).toBe('{"a": x, "b": 1}');
  });

  it("to_int truncates floats, parses trimmed strings, maps bools", () => {
    expect(call("to_int", f(3.9))).toBe(3);
    expect(call("to_int", f(-3.9))).toBe(-3);
    expect(call("to_int", f(1e30))).toBe(9223372036854775807n);
    expect(call("to_int", f(NaN))).toBe(0);
    expect(call("to_int", " 42 ")).toBe(42);
    expect(call("to_int", "+7")).toBe(7);
    expect(call("to_int", "-9223372036854775808")).toBe(-9223372036854775808n);
    expect(call("to_int", true)).toBe(1);
    expect(errorOf(() => call("to_int", "3.7"))).toBe("Cannot convert '3.7' to int");
    expect(errorOf(() => call("to_int", "9223372036854775808"))).toBe("Cannot convert '9223372036854775808' to int");
    expect(errorOf(() => call("to_int", arr()))).toBe("Cannot convert array to int");
    expect(errorOf(() => call("to_int", null))).toBe("Cannot convert null to int");
  });

  it("to_float and parse_float accept Rust float syntax", () => {
    expect(floatOf(call("to_float", 2))).toBe(2);
    expect(floatOf(call("to_float", " 1.5 "))).toBe(1.5);
    expect(floatOf(call("parse_float", "1e3"))).toBe(1000);
    expect(floatOf(call("parse_float", ".5"))).toBe(0.5);
    expect(floatOf(call("parse_float", "5."))).toBe(5);
    expect(floatOf(call("parse_float", "inf"))).toBe(Infinity);
    expect(floatOf(call("parse_float", "-Infinity"))).toBe(-Infinity);
    expect(floatOf(call("parse_float", "NaN"))).toBeNaN();
    expect(errorOf(() => call("parse_float", "0x10"))).toBe("Cannot parse '0x10' as float");
    expect(errorOf(() => call("parse_float", ""))).toBe("Cannot parse '' as float");
    expect(errorOf(() => call("to_float", "abc"))).toBe("Cannot convert 'abc' to float");
    expect(errorOf(() => call("to_float", dict([])))).toBe("Cannot convert dict to float");
  });

  it("parse_int takes trimmed strings only", () => {
    expect(call("parse_int", "  -12\n")).toBe(-12);
    expect(call("parse_int", "9223372036854775807")).toBe(9223372036854775807n);
    expect(errorOf(() => call("parse_int", "12a"))).toBe("Cannot parse '12a' as integer");
    expect(errorOf(() => call("parse_int", 12))).toBe("parse_int requires a string argument");
  });

  it("to_bool is truthiness except the strings false and 0", () => {
    expect(call("to_bool", "false")).toBe(false);
    expect(call("to_bool", "FALSE")).toBe(false);
    expect(call("to_bool", "0")).toBe(false);
    expect(call("to_bool", "")).toBe(false);
    expect(call("to_bool", "no")).toBe(true);
    expect(call("to_bool", 0)).toBe(false);
    expect(call("to_bool", arr(0))).toBe(true);
    expect(call("is_truthy", "0")).toBe(true);
  });
});

describe("types", () => {
  const call = makeCaller();

  it("type names and predicates", () => {
    const cases: [Value, string][] = [
      [1, "int"],
      [9223372036854775807n, "int"],
      [f(1), "float"],
      ["s", "string"],
      [true, "bool"],
      [null, "null"],
      [arr(), "array"],
      [dict([]), "dict"],
      [struct("P", []), "struct"],
      [new RTagged("Ok", 1), "result"],
      [new RTagged("None", null), "option"],
      [new RNative("len", () => null, 1, 1), "function"],
    ];
    for (const [v, name] of cases) expect(call("type", v)).toBe(name);
    expect(call("type_of", f(2))).toBe("float");
    expect(call("is_int", 9223372036854775807n)).toBe(true);
    expect(call("is_int", f(1))).toBe(false);
    expect(call("is_float", f(1))).toBe(true);
    expect(call("is_string", "")).toBe(true);
    expect(call("is_bool", 0)).toBe(false);
    expect(call("is_array", arr())).toBe(true);
    expect(call("is_dict", dict([]))).toBe(true);
    expect(call("is_null", null)).toBe(true);
    expect(call("is_function", new RNative("len", () => null, 1, 1))).toBe(true);
    expect(call("is_function", "len")).toBe(false);
  });

  it("len counts code points, elements and keys", () => {
    expect(call("len", "😀ab")).toBe(3);
    expect(call("len", arr(1, 2))).toBe(2);
    expect(call("len", dict([["a", 1]]))).toBe(1);
    expect(errorOf(() => call("len", 5))).toBe("len() requires an array, dict, bytes, set, queue, stack, or string");
  });

  it("dict() and array() construct values", () => {
    expect(call("dict")).toBeInstanceOf(RDict);
    expect(show(call("array", 1, "a"))).toBe("[1, a]");
  });
});

describe("format", () => {
  const call = makeCaller();

  it("substitutes %s %d %f and %%", () => {
    expect(call("format", "Hello %s!", "Alice")).toBe("Hello Alice!");
    expect(call("format", "%d apples, %d%%", 5, f(3.9))).toBe("5 apples, 3%");
    expect(call("format", "%f and %f", f(1), 2)).toBe("1 and 2");
    expect(call("format", "%f", f(3.14159))).toBe("3.14159");
    expect(call("format", "%s %s %s %s", arr(1), dict([]), null, f(2.5))).toBe("[Array] {Dict} null 2.5");
    expect(call("format", "%s", new RTagged("Ok", 1))).toBe("Ok(Int(1))");
    expect(call("format", "%d", true)).toBe("1");
    expect(call("format", "100%")).toBe("100%");
    expect(call("format", "%x %s", "y")).toBe("%x y");
    expect(call("format", "no args", 1, 2)).toBe("no args");
  });

  it("reports bad arguments", () => {
    expect(errorOf(() => call("format", "%s %s", "a"))).toBe("format() missing argument for placeholder %s");
    expect(errorOf(() => call("format", "%d", "x"))).toBe('format() %d requires numeric argument, got Str("x")');
    expect(errorOf(() => call("format", "%f", true))).toBe("format() %f requires numeric argument, got Bool(true)");
    expect(errorOf(() => call("format", 1))).toBe("format() first argument must be a string");
  });
});

describe("error and assertions", () => {
  const call = makeCaller();

  it("error() raises its message", () => {
    expect(errorOf(() => call("error", "boom"))).toBe("boom");
    expect(errorOf(() => call("error", 42))).toBe("Int(42)");
  });

  it("assert uses truthiness and an optional message", () => {
    expect(call("assert", 1)).toBe(true);
    expect(errorOf(() => call("assert", 0))).toBe("Assertion failed");
    expect(errorOf(() => call("assert", false, "custom"))).toBe("custom");
  });

  it("assert_equal reports debug forms (upstream fixture)", () => {
    expect(call("assert_equal", 5, 5)).toBe(true);
    expect(call("assert_equal", 1, f(1))).toBe(true);
    expect(errorOf(() => call("assert_equal", 5, 10))).toBe("Assertion failed: expected Int(10), got Int(5)");
    expect(errorOf(() => call("assert_equal", "a", arr(1)))).toBe('Assertion failed: expected Array[1], got Str("a")');
  });

  it("assert_true/false need bools; assert_contains searches collections", () => {
    expect(call("assert_true", true)).toBe(true);
    expect(errorOf(() => call("assert_true", false))).toBe("Assertion failed: expected true, got false");
    expect(errorOf(() => call("assert_false", true))).toBe("Assertion failed: expected false, got true");
    expect(errorOf(() => call("assert_true", 1))).toBe("assert_true requires a boolean argument");
    expect(call("assert_contains", arr(1, 2, 3), 3)).toBe(true);
    expect(call("assert_contains", "hello", "ell")).toBe(true);
    expect(call("assert_contains", dict([["k", 1]]), "k")).toBe(true);
    expect(errorOf(() => call("assert_contains", arr(1, 2, 3, 4, 5), 10))).toBe(
      "Assertion failed: Array[5] does not contain Int(10)",
    );
    expect(errorOf(() => call("assert_contains", 5, 1))).toBe(
      "assert_contains requires an array, string, or dict as first argument",
    );
  });
});
