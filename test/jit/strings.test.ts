// Trace-shape tests for strings in traces: concatenation, to_string and constants go
// through helpers (CALLH returning a ref; a constant is a table.get of the shared table
// of pooled constants in the tree's module), a string is carried around the loop in a
// PHI, the entry checks a string slot's type, and an exit writes a live string back.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";
import { validateWasm } from "../../src/backend/binaryen-tools";

describe("strings in traces", () => {
  it("string constants come from the shared table (table.get), not a call of JS, and stay exact", () => {
    const src = `
func f(n) {
    mut s := ""
    mut c := 0
    for i in range(n) {
        if i % 2 == 0 {
            s = "even"
        } else {
            s = "odd"
        }
        c += len(s)
    }
    return [c, s]
}
print(f(3000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    // The IR keeps its kstr (the reference interpreter calls it); the tree's module imports
    // the table and reads the constants from it.
    for (const c of r.jit.compiled) {
      if (!printTrace(c.tree.root.trace).includes("kstr")) continue;
      const imports = WebAssembly.Module.imports(new WebAssembly.Module(c.bytes));
      expect(imports).toContainEqual({ module: "rt", name: "strs", kind: "table" });
    }
    expect(r.jit.compiled.some((c) => printTrace(c.tree.root.trace).includes("kstr"))).toBe(true);
  });

  it("s = s + to_string(i) is one loop trace: two helper calls an iteration, the string carried in a PHI", () => {
    const src = `
func build(n) {
    mut s := ""
    mut i := 0
    while i < n {
        s = s + to_string(i % 1000)
        i += 1
    }
    return s
}
print(len(build(3000)))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).toMatch(/ref +CALLH +tostr_int/);
    expect(ir).toMatch(/ref +CALLH +sconcat/);
    expect(ir).toMatch(/ref +PHI/);
    expect(r.jit.compiled[0].tree.refClasses.get(1)).toBe("string"); // s, checked at entry
  });

  it("constants, interpolation and len go through helpers; a string live at an exit is written back", () => {
    const src = `
func f(n) {
    mut s := "a"
    mut total := 0
    for i in range(n) {
        s = "<" + "\${i % 10}" + ">"
        total += len(s) + len("😀é")
        if i % 97 == 5 {
            print(s, total)
        }
    }
    return total
}
print(f(500))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.out).toContain("<5> 30"); // 6 iterations of 3 + 2 (😀 and é are one code point each)
    expect(summaryOf(r).aborts).toEqual([]);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).toMatch(/CALLH +kstr/);
    expect(ir).toMatch(/CALLH +slen/);
    expect(summaryOf(r).exits.find((e) => e.line === 8)?.count).toBeGreaterThanOrEqual(4);
  });

  it("a loop entered with a string where it recorded an int does not enter the trace", () => {
    const src = `
func f(x, n) {
    mut v := x
    mut c := 0
    for i in range(n) {
        v = v + x
        c += 1
    }
    return [c, len(to_string(v))]
}
print(f("ab", 300))
print(f(2, 300))
print(f("c", 300))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(tracesOf(r, "root").length).toBeGreaterThanOrEqual(2); // one tree per entry type
  });

  it("a string the loop writes before it reads it is checked as a string at entry: the loop is entered", () => {
    const src = `
func f(n) {
    mut s := ""
    mut t := 0
    for i in range(n) {
        if i % 1000 != 999 {
            s = "v" + str(i % 10)
        }
        t += 1
    }
    return [s, t]
}
print(f(30000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(tracesOf(r, "root")).toHaveLength(1); // before: compiled four times, never entered
    expect(r.jit.compiled[0].tree.refClasses.get(1)).toBe("string"); // s (before: checked as an array)
  });

  it("a side trace that leaves a string where the tree holds a dict exits instead of linking back", () => {
    const src = `
func make() {
    mut e := {}
    e[0] = 7
    return e
}
func f(n) {
    mut d := make()
    mut t := 0
    for i in range(n) {
        t += len(to_string(d[0]))
        if i % 100 == 50 {
            d = "oops"
        }
        if i % 100 == 51 {
            d = make()
        }
    }
    return t
}
print(f(3000))
`;
    // strict: an internal JIT error (the dict helper given the string) would end the run.
    for (const params of [{}, { hotexit: 3 }, { hotloop: 1, hotexit: 1 }]) {
      const r = run(src, { ...params, strict: 1 });
      expect(r.out).toBe(runWithoutJit(src));
    }
    const r = run(src, { hotexit: 3, strict: 1 });
    // The side trace from the guard of \`if i % 100 == 50\` (line 12), which makes d a
    // string, leaves for the interpreter: it does not link back.
    const sides = tracesOf(r, "side").filter((e) => e.line === 12);
    expect(sides.length).toBeGreaterThanOrEqual(1);
    expect(sides.every((e) => e.link === "exit")).toBe(true);
  });

  it("a word count: string elements, == and < of strings and string-keyed dict reads and writes in one loop trace", () => {
    const src = `
func wc(n) {
    let words := ["apple", "kiwi", "apple", "fig"]
    mut d := {}
    d["apple"] = 0
    d["kiwi"] = 0
    d["fig"] = 0
    mut apples := 0
    for i in range(n) {
        let w := words[i % 4]
        d[w] = d[w] + 1
        if w == "apple" {
            apples += 1
        }
        if w < "b" {
            apples += 10
        }
    }
    return [d["apple"], d["kiwi"], d["fig"], apples]
}
print(wc(2000))
`;
    const r = run(src);
    expect(r.out).toBe("[1000, 500, 500, 11000]\n");
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    for (const helper of ["aget_str", "dget_s_int", "dset_s_int", "seq", "scmp"]) expect(ir).toContain(`CALLH        ${helper}`);
  });

  it("builtins of strings and dicts (split, trim, has_key, keys) are one helper call each, inside the loop's trace", async () => {
    const src = `
func count(text, rounds) {
    mut counts := {}
    for r in range(rounds) {
        for w in split(trim(text), " ") {
            if has_key(counts, w) == 1 {
                counts[w] = counts[w] + 1
            } else {
                counts[w] = 1
            }
        }
    }
    mut n := 0
    for r in range(rounds) {
        n += len(keys(counts))
    }
    return n + counts["a"]
}
print(count(" a b a c b a ", 100))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts.filter((a) => a.reason === "call_native")).toEqual([]);
    const irs = r.jit.compiled.flatMap((c) => c.tree.traces.map((t) => printTrace(t.trace))).join("\n");
    expect(irs).toMatch(/CALLH +native_array2/); // split
    expect(irs).toMatch(/CALLH +native_string1/); // trim
    expect(irs).toMatch(/CALLH +native_int2/); // has_key
    expect(irs).toMatch(/CALLH +native_array1/); // keys
    for (const c of r.jit.compiled) expect((await validateWasm(c.bytes)).errors).toBe("");
  });

  it("characters by index and char_at, and text parsed by to_int, are helper calls inside the loop's trace", () => {
    const src = `
func scan(text, rounds) {
    mut n := 0
    for r in range(rounds) {
        mut i := 0
        while i < len(text) {
            if text[i] == "," || char_at(text, i) == ";" {
                n += to_int(text[i - 1])
            }
            i += 1
        }
    }
    return n
}
print(scan("1,2;3,4;5", 200))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    const irs = r.jit.compiled.flatMap((c) => c.tree.traces.map((t) => printTrace(t.trace))).join("\n");
    expect(irs).toMatch(/CALLH +str_index/);
    expect(irs).toMatch(/CALLH +char_at/);
    expect(irs).toMatch(/CALLH +native_int1/); // to_int of a string
  });

  it("get(d, k, default) of a dict of ints is one helper call inside the loop's trace; a value of another kind exits", () => {
    const src = `
func tally(words, rounds) {
    mut counts := {}
    for r in range(rounds) {
        for w in words {
            counts[w] = get(counts, w, 0) + 1
        }
    }
    return counts
}
let c := tally(["a", "b", "a", "c"], 100)
mut d := c
d["b"] = 0.5
let ks := ["a", "a", "a", "a", "a", "a", "a", "a", "a", "b"]
mut t := 0.0
for k in range(400) {
    t = t + get(d, ks[k % 10], 0)
}
print(c, t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts.filter((a) => a.reason === "call_native")).toEqual([]);
    const irs = r.jit.compiled.flatMap((c) => c.tree.traces.map((t) => printTrace(t.trace))).join("\n");
    expect(irs).toMatch(/CALLH +dget_s_or_int/);
    // d["b"] holds a float: the int read of it refuses, and the trace exits there.
    const line = src.split("\n").findIndex((l) => l.includes("t = t + get")) + 1;
    expect(summaryOf(r).exits.filter((e) => e.line === line).length).toBeGreaterThan(0);
  });

  it("every tree of the strings, made-arrays, objects-in-arrays, Result and globals golden programs, forced, passes binaryen validation", async () => {
    let trees = 0;
    for (const name of ["jit_strings", "jit_string_index", "jit_dict_get", "jit_array_virtual", "jit_arrays_of_objects", "jit_result_option", "jit_links_globals", "jit_entry_globals"]) {
      const src = readFileSync(`test/programs/${name}.ruff`, "utf8");
      const r = run(src, { hotloop: 1, hotexit: 1, hotcall: 1 });
      expect(r.out).toBe(readFileSync(`test/programs/${name}.out`, "utf8"));
      for (const c of r.jit.compiled) {
        const v = await validateWasm(c.bytes);
        expect(v.errors).toBe("");
        trees++;
      }
    }
    expect(trees).toBeGreaterThanOrEqual(8);
  });
});
