// Trace-shape tests for strings in traces: concatenation, to_string and constants go
// through helpers (CALLH returning a ref), a string is carried around the loop in a
// PHI, the entry checks a string slot's type, and an exit writes a live string back.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";
import { validateWasm } from "../../src/backend/binaryen-tools";

describe("strings in traces", () => {
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

  it("every tree of the strings and made-arrays golden programs, forced, passes binaryen validation", async () => {
    let trees = 0;
    for (const name of ["jit_strings", "jit_array_virtual"]) {
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
