// Array and dict builtins: value semantics (arguments untouched, copied elements marked
// shared), documented quirks (pop/remove pairs, find -> 0, has_key 1/0, reduce argument
// order), sorting rules, range, and the sorted keys/values/items of dicts.

import { describe, expect, it } from "vitest";
import { RArray, RDict, RFloat, type Value } from "../../src/interp/value";
import { arr, dict, errorOf, f, lambda, makeCaller, makeHost, show, struct } from "./builtin-helpers";

const call = makeCaller();
const items = (v: Value) => (v as RArray).items;

describe("value semantics", () => {
  it("push returns a new array and leaves the argument alone", () => {
    const inner = arr(1);
    const xs = arr(inner, 2);
    const ys = call("push", xs, 3) as RArray;
    expect(show(xs)).toBe("[[1], 2]");
    expect(show(ys)).toBe("[[1], 2, 3]");
    expect(ys).not.toBe(xs);
    expect(inner.shared).toBe(true);
    expect(xs.shared).toBe(false);
  });

  it("marks compound elements taken from arguments as shared", () => {
    const check = (name: string, ...args: Value[]) => {
      const element = arr(9);
      const result = call(name, arr(element), ...args);
      expect(element.shared, name).toBe(true);
      return result;
    };
    check("slice", 0, 1);
    check("concat", arr());
    check("reverse");
    check("sort");
    check("take", 1);
    check("skip", 0);
    check("enumerate");
    check("unique");
    const nested = arr(1);
    call("flatten", arr(arr(nested)));
    expect(nested.shared).toBe(true);
    const element = arr(1);
    call("values", dict([["k", element]]));
    expect(element.shared).toBe(true);
    const other = arr(2);
    expect(call("get", dict([["k", other]]), "k")).toBe(other);
    expect(other.shared).toBe(true);
  });
});

describe("array builtins", () => {
  it("pop returns [new_array, popped] and 0 when empty", () => {
    expect(show(call("pop", arr(1, 2, 3)))).toBe("[[1, 2], 3]");
    expect(show(call("pop", arr()))).toBe("[[], 0]");
  });

  it("insert, remove and remove_at", () => {
    expect(show(call("insert", arr(1, 3), 1, 2))).toBe("[1, 2, 3]");
    expect(show(call("insert", arr(1), 1, 2))).toBe("[1, 2]");
    expect(errorOf(() => call("insert", arr(1), 3, 0))).toBe("insert() index 3 out of bounds for array of length 1");
    expect(errorOf(() => call("insert", arr(1), -1, 0))).toBe(
      "insert() index 18446744073709551615 out of bounds for array of length 1",
    );
    expect(show(call("remove", arr(1, 2, 1), 1))).toBe("[2, 1]");
    expect(show(call("remove", arr(1, 2), f(1)))).toBe("[1, 2]");
    expect(show(call("remove_at", arr("a", "b", "c"), 1))).toBe("[[a, c], b]");
    expect(errorOf(() => call("remove_at", arr(), 0))).toBe("remove_at() index 0 out of bounds for array of length 0");
  });

  it("contains and index_of need the same kind", () => {
    expect(call("contains", arr(1, 2), 2)).toBe(true);
    expect(call("contains", arr(1, 2), f(1))).toBe(false);
    expect(call("contains", arr(f(1)), f(1))).toBe(true);
    expect(call("contains", arr(arr(1, 2)), arr(1, 2))).toBe(true);
    expect(call("contains", arr(null), null)).toBe(true);
    expect(call("index_of", arr("a", "b"), "b")).toBe(1);
    expect(call("index_of", arr(1), "1")).toBe(-1);
  });

  it("slice allows negative indexes and clamps", () => {
    const xs = arr(0, 1, 2, 3, 4);
    expect(show(call("slice", xs, 1, 3))).toBe("[1, 2]");
    expect(show(call("slice", xs, -2, 5))).toBe("[3, 4]");
    expect(show(call("slice", xs, 0, -1))).toBe("[0, 1, 2, 3]");
    expect(show(call("slice", xs, 3, 1))).toBe("[]");
    expect(show(call("slice", xs, -100, 100))).toBe("[0, 1, 2, 3, 4]");
    expect(show(call("slice", xs, f(1.7), 2))).toBe("[1]");
    expect(errorOf(() => call("slice", xs, "a", 2))).toBe("slice() start must be a number");
    expect(errorOf(() => call("slice", "abc", 0, 1))).toBe(
      "slice() requires array or bytes and numeric start/end arguments",
    );
  });

  it("sort orders numbers numerically and strings by code point", () => {
    expect(show(call("sort", arr(3, 1, 2)))).toBe("[1, 2, 3]");
    expect(show(call("sort", arr(10, f(2.5), 1, 9007199254740993n)))).toBe("[1, 2.5, 10, 9007199254740993]");
    expect(show(call("sort", arr("b", "a", "B")))).toBe("[B, a, b]");
    expect(show(call("sort", arr("\uFF21", "😀", "z")))).toBe("[z, \uFF21, 😀]");
    // Mixed kinds: elements only move past greater elements of a comparable kind.
    expect(show(call("sort", arr(3, "b", 1, "a")))).toBe("[3, b, 1, a]");
    expect(show(call("sort", arr(3, 1, "x", 2)))).toBe("[1, 3, x, 2]");
  });

  it("sum is int unless a float appears; other values are ignored", () => {
    expect(call("sum", arr(1, 2, 3))).toBe(6);
    expect((call("sum", arr(1, f(0.5), 2)) as RFloat).v).toBe(3.5);
    expect(call("sum", arr(1, "x", null, 2))).toBe(3);
    expect(call("sum", arr())).toBe(0);
    expect(call("sum", arr(9007199254740991, 2))).toBe(9007199254740993n);
    expect(errorOf(() => call("sum", arr(9223372036854775807n, 1)))).toBe(
      "Integer overflow: 9223372036854775807 + 1",
    );
  });

  it("unique keeps first occurrences and distinguishes 1 from 1.0", () => {
    expect(show(call("unique", arr(1, 2, 1, 3, 2)))).toBe("[1, 2, 3]");
    expect(items(call("unique", arr(1, f(1))))).toHaveLength(2);
    expect(show(call("unique", arr(arr(1, 2), arr(3, 4), arr(1, 2))))).toBe("[[1, 2], [3, 4]]");
  });

  it("range builds eager int arrays", () => {
    expect(show(call("range", 5))).toBe("[0, 1, 2, 3, 4]");
    expect(show(call("range", -5))).toBe("[]");
    expect(show(call("range", 2, 5))).toBe("[2, 3, 4]");
    expect(show(call("range", 5, 2))).toBe("[]");
    expect(show(call("range", 0, 10, 3))).toBe("[0, 3, 6, 9]");
    expect(show(call("range", 10, 0, -2))).toBe("[10, 8, 6, 4, 2]");
    expect(show(call("range", f(3.7)))).toBe("[0, 1, 2]");
    expect(show(call("range", 9223372036854775806n, 9223372036854775807n))).toBe("[9223372036854775806]");
    expect(errorOf(() => call("range", 0, 5, 0))).toBe("range() step cannot be zero");
    expect(errorOf(() => call("range", "5"))).toBe("range() requires numeric arguments");
  });

  it("chunk, windows, flatten, zip, enumerate, take, skip", () => {
    const xs = arr(1, 2, 3, 4, 5);
    expect(show(call("chunk", xs, 2))).toBe("[[1, 2], [3, 4], [5]]");
    expect(show(call("chunk", xs, 0))).toBe("[[1, 2, 3, 4, 5]]");
    expect(show(call("windows", arr(1, 2, 3), 2))).toBe("[[1, 2], [2, 3]]");
    expect(show(call("windows", arr(1), 2))).toBe("[]");
    expect(show(call("flatten", arr(arr(1, 2), 3, arr(arr(4)))))).toBe("[1, 2, 3, [4]]");
    expect(show(call("zip", arr(1, 2, 3), arr("a", "b")))).toBe("[[1, a], [2, b]]");
    expect(show(call("enumerate", arr("a", "b")))).toBe("[[0, a], [1, b]]");
    expect(show(call("take", xs, 2))).toBe("[1, 2]");
    expect(show(call("take", xs, -1))).toBe("[]");
    expect(show(call("skip", xs, 3))).toBe("[4, 5]");
    expect(show(call("skip", xs, 10))).toBe("[]");
  });

  it("clear and concat", () => {
    expect(show(call("clear", arr(1)))).toBe("[]");
    expect(show(call("clear", dict([["a", 1]])))).toBe("{}");
    expect(show(call("concat", arr(1), arr(2, 3)))).toBe("[1, 2, 3]");
    expect(errorOf(() => call("concat", arr(1), 2))).toBe("concat() requires two array arguments");
  });
});

describe("higher-order builtins", () => {
  it("map, filter, find (0 when absent), any, all", () => {
    const double = lambda((x) => (x as number) * 2);
    const even = lambda((x) => (x as number) % 2 === 0);
    expect(show(call("map", arr(1, 2, 3), double))).toBe("[2, 4, 6]");
    expect(show(call("filter", arr(1, 2, 3, 4), even))).toBe("[2, 4]");
    expect(call("find", arr(1, 3, 4, 6), even)).toBe(4);
    expect(call("find", arr(1, 3), even)).toBe(0);
    expect(call("any", arr(1, 3, 4), even)).toBe(true);
    expect(call("all", arr(2, 4, 5), even)).toBe(false);
    expect(call("all", arr(), even)).toBe(true);
    expect(errorOf(() => call("map", arr(1), 5))).toBe("map expects an array and a function");
  });

  it("reduce takes the initial value before the function and calls f(acc, x)", () => {
    const host = makeHost();
    const reduce = makeCaller(host);
    const result = reduce("reduce", arr(1, 2, 3), "", lambda((acc, x) => `${acc as string}${x as number}`));
    expect(result).toBe("123");
    expect(host.calls).toEqual([["", 1], ["1", 2], ["12", 3]]);
    expect(reduce("reduce", arr(), 7, lambda(() => 0))).toBe(7);
    expect(errorOf(() => reduce("reduce", arr(1), lambda(() => 0), 0))).toBe(
      "reduce expects an array, an initial value, and a function",
    );
  });
});

describe("dict builtins", () => {
  const d = dict([["b", 2], ["a", 1], ["c", arr(3)]]);

  it("keys, values and items are sorted by key", () => {
    expect(show(call("keys", d))).toBe("[a, b, c]");
    expect(show(call("values", d))).toBe("[1, 2, [3]]");
    expect(show(call("items", d))).toBe("[[a, 1], [b, 2], [c, [3]]]");
    expect(show(call("keys", arr()))).toBe("[]");
  });

  it("has_key returns int 1/0; int keys use their text", () => {
    expect(call("has_key", d, "a")).toBe(1);
    expect(call("has_key", d, "z")).toBe(0);
    expect(call("has_key", dict([["1", "x"]]), 1)).toBe(1);
    expect(call("has_key", arr(), "a")).toBe(0);
  });

  it("get, get_default", () => {
    expect(call("get", d, "a")).toBe(1);
    expect(call("get", d, "z")).toBe(null);
    expect(call("get", d, "z", "dflt")).toBe("dflt");
    expect(call("get", 5, "a")).toBe(null);
    expect(call("get_default", d, "b", 0)).toBe(2);
    expect(call("get_default", d, "q", 0)).toBe(0);
    expect(errorOf(() => call("get_default", arr(), "q", 0))).toBe(
      "get_default() requires 3 arguments: dict, key, default_value",
    );
  });

  it("merge/update: right side wins, arguments untouched", () => {
    const left = dict([["a", 1], ["b", 2]]);
    const merged = call("merge", left, dict([["b", 20], ["c", 30]]));
    expect(show(merged)).toBe('{"a": 1, "b": 20, "c": 30}');
    expect(show(left)).toBe('{"a": 1, "b": 2}');
    expect(show(call("update", dict([]), dict([["x", 1]])))).toBe('{"x": 1}');
    expect(show(call("merge", dict([]), 5))).toBe("{}");
  });

  it("remove returns [new_dict, removed_or_0]; contains is bool", () => {
    expect(show(call("remove", d, "a"))).toBe('[{"b": 2, "c": [3]}, 1]');
    expect(show(call("remove", d, "zz"))).toBe('[{"a": 1, "b": 2, "c": [3]}, 0]');
    expect((d as RDict).size).toBe(3);
    expect(call("contains", d, "b")).toBe(true);
    expect(call("contains", d, "q")).toBe(false);
  });

  it("invert swaps scalar values and keys", () => {
    expect(show(call("invert", dict([["a", 1], ["b", "x"], ["c", f(1.5)], ["d", arr()]])))).toBe(
      '{"1": a, "1.5": c, "x": b}',
    );
    expect(errorOf(() => call("invert", arr()))).toBe("invert() requires a dict argument");
  });

  it("struct values pass through untouched", () => {
    const p = struct("P", [["x", 1]]);
    expect(call("get", dict([["p", p]]), "p")).toBe(p);
  });
});
