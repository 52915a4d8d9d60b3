// String builtins: Rust split/lines/trim semantics, code-point indexes, contains as 1/0,
// padding, case and slug conversions (upstream quirks included), join and regex.

import { describe, expect, it } from "vitest";
import { RArray, RTagged } from "../../src/interp/value";
import { arr, errorOf, f, makeCaller, show } from "./builtin-helpers";

const call = makeCaller();
const strings = (v: unknown) => (v as RArray).items;

describe("splitting", () => {
  it("split follows Rust: empty separator matches at every boundary", () => {
    expect(strings(call("split", "abc", ""))).toEqual(["", "a", "b", "c", ""]);
    expect(strings(call("split", "", ""))).toEqual(["", ""]);
    expect(strings(call("split", "😀x", ""))).toEqual(["", "😀", "x", ""]);
    expect(strings(call("split", "a,b,,c", ","))).toEqual(["a", "b", "", "c"]);
    expect(strings(call("split", "", ","))).toEqual([""]);
    expect(errorOf(() => call("split", "a", 1))).toBe("split() requires string and delimiter string arguments");
  });

  it("lines and words", () => {
    expect(strings(call("lines", "a\nb\r\n\nc\n"))).toEqual(["a", "b", "", "c"]);
    expect(strings(call("lines", ""))).toEqual([]);
    expect(strings(call("lines", "x\r"))).toEqual(["x\r"]);
    expect(strings(call("words", "  hello \t world\n"))).toEqual(["hello", "world"]);
    expect(strings(call("words", "a\u00a0b"))).toEqual(["a", "b"]);
  });
});

describe("searching", () => {
  it("contains returns int 1/0 for strings", () => {
    expect(call("contains", "hello", "ell")).toBe(1);
    expect(call("contains", "hello", "z")).toBe(0);
    expect(call("contains", "hello", "")).toBe(1);
    expect(errorOf(() => call("contains", "hello", 1))).toBe(
      "contains() requires two arguments: string/array and substring/item",
    );
    expect(errorOf(() => call("contains", 5, 1))).toBe(
      "contains() first argument must be a string, array, or dictionary",
    );
  });

  it("index_of counts code points", () => {
    expect(call("index_of", "😀😀abc", "b")).toBe(3);
    expect(call("index_of", "abc", "x")).toBe(-1);
    expect(call("starts_with", "hello", "he")).toBe(true);
    expect(call("ends_with", "hello", "lo")).toBe(true);
    expect(call("ends_with", "hello", "x")).toBe(false);
  });
});

describe("indexing", () => {
  it("substring uses code-point indexes, clamps end, empty past the end", () => {
    expect(call("substring", "hello", 1, 3)).toBe("el");
    expect(call("substr", "a😀b", 1, 2)).toBe("😀");
    expect(call("substring", "hello", 2, 100)).toBe("llo");
    expect(call("substring", "hello", 10, 12)).toBe("");
    expect(call("substring", "hello", f(1.9), f(3.2))).toBe("el");
    expect(call("substring", "hello", 3, 1)).toBe("");
  });

  it("char_at: 1-char string, empty out of range, negative reads index 0", () => {
    expect(call("char_at", "a😀b", 1)).toBe("😀");
    expect(call("char_at", "abc", 5)).toBe("");
    expect(call("char_at", "abc", -1)).toBe("a");
  });

  it("count_chars, str_reverse and is_empty", () => {
    expect(call("count_chars", "😀ab")).toBe(3);
    expect(call("str_reverse", "ab😀")).toBe("😀ba");
    expect(call("is_empty", "")).toBe(true);
    expect(call("is_empty", " ")).toBe(false);
  });
});

describe("transforming", () => {
  it("case conversions", () => {
    expect(call("to_upper", "straße")).toBe("STRASSE");
    expect(call("upper", "abc")).toBe("ABC");
    expect(call("lower", "ÀB")).toBe("àb");
    expect(call("capitalize", "hELLO wORLD")).toBe("Hello world");
    expect(call("capitalize", "")).toBe("");
    expect(errorOf(() => call("to_upper", 1))).toBe("to_upper() requires a string argument");
  });

  it("trim uses Unicode White_Space (not BOM)", () => {
    expect(call("trim", "  a b \n")).toBe("a b");
    expect(call("trim_start", "  a ")).toBe("a ");
    expect(call("trim_end", "  a ")).toBe("  a");
    expect(call("trim", "\u0085x\u3000")).toBe("x");
    expect(call("trim", "\ufeffx")).toBe("\ufeffx");
  });

  it("replace replaces every occurrence, literally", () => {
    expect(call("replace", "a-b-c", "-", "+")).toBe("a+b+c");
    expect(call("replace_str", "aaa", "aa", "b")).toBe("ba");
    expect(call("replace", "a.b", ".", "$&")).toBe("a$&b");
    expect(call("replace", "ab", "", "-")).toBe("-a-b-");
    expect(call("replace", "😀", "", "-")).toBe("-😀-");
  });

  it("repeat and padding", () => {
    expect(call("repeat", "ab", 3)).toBe("ababab");
    expect(call("repeat", "ab", -1)).toBe("");
    expect(call("pad_left", "7", 3, "0")).toBe("007");
    expect(call("pad_start", "7", 3, "")).toBe("  7");
    expect(call("pad_right", "ab", 4, "*-")).toBe("ab**");
    expect(call("pad_end", "abcdef", 3, "*")).toBe("abcdef");
    expect(call("pad_left", "😀", 3, "😀")).toBe("😀😀😀");
  });

  it("truncate keeps room for the suffix", () => {
    expect(call("truncate", "hello world", 8, "...")).toBe("hello...");
    expect(call("truncate", "hi", 8, "...")).toBe("hi");
    expect(call("truncate", "hello", 2, "...")).toBe("...");
  });

  it("slugify keeps upstream's quirks", () => {
    expect(call("slugify", "Hello World!")).toBe("hello-world");
    expect(call("slugify", "  Rust_is  cool ")).toBe("rust-is-cool");
    expect(call("slugify", "already-slugged")).toBe("alreadyslugged");
    expect(call("slugify", "a   b")).toBe("a--b");
  });

  it("camel, snake and kebab case", () => {
    expect(call("to_camel_case", "hello_world-foo bar")).toBe("helloWorldFooBar");
    expect(call("to_camel_case", "XML http")).toBe("xmlHttp");
    expect(call("to_snake_case", "helloWorld")).toBe("hello_world");
    expect(call("to_snake_case", "HTTPServer")).toBe("httpserver");
    // Upstream quirk: the space adds "_" and the capital after it adds another.
    expect(call("to_snake_case", "Hello World-foo")).toBe("hello__world_foo");
    expect(call("to_snake_case", "a.b")).toBe("ab");
    expect(call("to_kebab_case", "helloWorld now")).toBe("hello-world-now");
  });
});

describe("join", () => {
  it("formats scalars as print does and other values in debug form", () => {
    expect(call("join", arr(1, "a", f(2.5), true), ", ")).toBe("1, a, 2.5, true");
    expect(call("join", arr(null, arr(1, 2), new RTagged("Ok", 1)), "|")).toBe("Null|Array[2]|Ok(Int(1))");
    expect(call("join", arr(), ",")).toBe("");
    expect(errorOf(() => call("join", "abc", ","))).toBe("join() requires array and separator string arguments");
  });
});

describe("regex", () => {
  it("match, find_all, replace and split", () => {
    expect(call("regex_match", "abc123", "[0-9]+")).toBe(true);
    expect(call("regex_match", "abc", "[0-9]+")).toBe(false);
    expect(call("regex_match", "abc", "(")).toBe(false);
    expect(show(call("regex_find_all", "a1b22c333", "[0-9]+"))).toBe("[1, 22, 333]");
    expect(call("regex_replace", "a1b22", "[0-9]+", "#")).toBe("a#b#");
    expect(call("regex_replace", "john smith", "(?<first>\\w+) (?<last>\\w+)", "${last} $1")).toBe("smith john");
    expect(show(call("regex_split", "a, b,c", ",\\s*"))).toBe("[a, b, c]");
    expect(errorOf(() => call("regex_match", 1, "a"))).toBe("regex_match requires two string arguments (text, pattern)");
  });
});
