// Value formatting: Rust f64 Display (section 4.2 table), print forms of every value kind
// (nested raw strings, sorted quoted dict keys, sorted struct fields), Rust debug forms.

import { describe, expect, it } from "vitest";
import {
  debugForm,
  debugPrintForm,
  formatFixed,
  formatFloat,
  formatValue,
  rustQuote,
} from "../../src/interp/format";
import {
  RArray,
  RBoundMethod,
  REnum,
  RFloat,
  RGenerator,
  RNative,
  RStruct,
  RTagged,
  layoutFor,
  type Value,
  dictFromText,
} from "../../src/interp/value";
import { userFunction } from "./builtin-helpers";

const f = (x: number) => new RFloat(x);
const arr = (...items: Value[]) => new RArray(items);
const dict = (entries: [string, Value][]) => dictFromText(entries);
const struct = (name: string, entries: [string, Value][]) =>
  new RStruct(layoutFor(name, entries.map(([k]) => k)), entries.map(([, v]) => v));
const fn = userFunction("add");

describe("formatFloat (Rust f64 Display)", () => {
  it.each([
    [1.0, "1"],
    [0.5, "0.5"],
    [15.0, "15"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e20, "100000000000000000000"],
    [1e21, "1000000000000000000000"],
    [1.5e-7, "0.00000015"],
    [1e-7, "0.0000001"],
    [123456789.125, "123456789.125"],
    [-2.5, "-2.5"],
    [-0, "-0"],
    [0, "0"],
    [NaN, "NaN"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [1.7976931348623157e308, "17976931348623157" + "0".repeat(292)],
    [5e-324, "0." + "0".repeat(323) + "5"],
    [1.2345e25, "12345" + "0".repeat(21)],
    [-1.5e-10, "-0.00000000015"],
  ])("%s -> %s", (x, expected) => {
    expect(formatFloat(x)).toBe(expected);
  });

  it("prints 1e300 as 1 followed by 300 zeros", () => {
    expect(formatFloat(1e300)).toBe("1" + "0".repeat(300));
  });
});

describe("formatFixed (Rust {:.N})", () => {
  it("rounds exact ties to even, others to nearest", () => {
    expect(formatFixed(0.125, 2)).toBe("0.12");
    expect(formatFixed(0.375, 2)).toBe("0.38");
    expect(formatFixed(-0.125, 2)).toBe("-0.12");
    expect(formatFixed(2.5, 0)).toBe("2");
    expect(formatFixed(3.5, 0)).toBe("4");
    expect(formatFixed(1.005, 2)).toBe("1.00"); // 1.005 is below the tie in binary
    expect(formatFixed(1234.5678, 2)).toBe("1234.57");
    expect(formatFixed(1e22, 2)).toBe("10000000000000000000000.00");
  });
});

describe("formatValue", () => {
  it("formats scalars", () => {
    expect(formatValue(-5)).toBe("-5");
    expect(formatValue(9223372036854775807n)).toBe("9223372036854775807");
    expect(formatValue(f(15))).toBe("15");
    expect(formatValue("hi")).toBe("hi");
    expect(formatValue(true)).toBe("true");
    expect(formatValue(null)).toBe("null");
  });

  it("prints nested strings raw", () => {
    expect(formatValue(arr(1, "a"))).toBe("[1, a]");
    expect(formatValue(arr(arr(1, 2), arr(3)))).toBe("[[1, 2], [3]]");
    expect(formatValue(arr())).toBe("[]");
  });

  it("sorts dict keys and quotes them", () => {
    expect(formatValue(dict([["b", 2], ["a", "x"]]))).toBe('{"a": x, "b": 2}');
    expect(formatValue(dict([]))).toBe("{}");
    expect(formatValue(dict([["10", 1], ["9", 2], ["1", 3]]))).toBe('{"1": 3, "10": 1, "9": 2}');
    expect(formatValue(dict([["B", 1], ["a", 2]]))).toBe('{"B": 1, "a": 2}');
  });

  it("sorts struct fields and prints an empty struct with two spaces", () => {
    expect(formatValue(struct("Point", [["y", 2], ["x", 1]]))).toBe("Point { x: 1, y: 2 }");
    expect(formatValue(struct("Empty", []))).toBe("Empty {  }");
    const err = struct("Error", [["message", "division by zero"], ["stack", arr("safe_divide")], ["line", 0]]);
    expect(formatValue(err)).toBe("Error { line: 0, message: division by zero, stack: [safe_divide] }");
  });

  it("formats Result/Option, enums and functions", () => {
    expect(formatValue(new RTagged("Ok", 5))).toBe("Ok(5)");
    expect(formatValue(new RTagged("Err", "error"))).toBe("Err(error)");
    expect(formatValue(new RTagged("Some", arr(1)))).toBe("Some([1])");
    expect(formatValue(new RTagged("None", null))).toBe("None");
    expect(formatValue(new REnum("Color", "Red", []))).toBe("Color::Red");
    expect(formatValue(new REnum("Shape", "Circle", [f(1.5)]))).toBe("Shape::Circle(1.5)");
    expect(formatValue(new REnum("Shape", "Rect", [1, 2]))).toBe("Shape::Rect(1,2)");
    expect(formatValue(new RNative("len", () => null, 1, 1))).toBe("<native function: len>");
    expect(formatValue(fn)).toBe("<unknown>");
    expect(formatValue(new RBoundMethod(struct("P", []), fn))).toBe("<unknown>");
    expect(formatValue(new RGenerator(null))).toBe("<unknown>");
  });
});

describe("debugForm (Rust {:?})", () => {
  it("formats the section 4.3 forms", () => {
    expect(debugForm(5)).toBe("Int(5)");
    expect(debugForm(f(1.5))).toBe("Float(1.5)");
    expect(debugForm(f(2))).toBe("Float(2)");
    expect(debugForm("x")).toBe('Str("x")');
    expect(debugForm(true)).toBe("Bool(true)");
    expect(debugForm(null)).toBe("Null");
    expect(debugForm(arr(1, 2, 3))).toBe("Array[3]");
    expect(debugForm(dict([["a", 1], ["b", 2]]))).toBe("Dict{2 keys}");
    expect(debugForm(new RTagged("Ok", 5))).toBe("Ok(Int(5))");
    expect(debugForm(new RTagged("None", null))).toBe("None");
    expect(debugForm(new RNative("len", () => null, 1, 1))).toBe("NativeFunction(len)");
    expect(debugForm(struct("P", [["y", 2], ["x", 1]]))).toBe(
      'Struct { name: "P", fields: {"x": Int(1), "y": Int(2)} }',
    );
  });

  it("escapes strings like Rust", () => {
    expect(rustQuote('a"b\\c\n\t\r')).toBe('"a\\"b\\\\c\\n\\t\\r"');
    expect(rustQuote("\u001b")).toBe('"\\u{1b}"');
    expect(rustQuote("héllo 😀")).toBe('"héllo 😀"');
    expect(rustQuote("e\u0301")).toBe('"e\\u{301}"');
  });

  it("debugPrintForm nests like upstream's debug()", () => {
    expect(debugPrintForm(arr(1, "a", f(2.5)))).toBe('Array[Int(1), String("a"), Float(2.5)]');
    expect(debugPrintForm(dict([["b", 1], ["a", null]]))).toBe("Dict{a: Null, b: Int(1)}");
    expect(debugPrintForm(struct("P", [["x", 1]]))).toBe("Struct(P)");
  });
});
