// Trace-shape tests for arrays made inside traces (NEWARRAY, and arrays an inlined
// function returns): never allocated (an element read takes the element, len is a
// constant), made by the exits that need them (allocation sinking, as structs), and an
// abort with its reason when one is needed around the loop, pushed to or holds objects.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";

const PAIRS = `
func pair(i) {
    return [i, i * 2]
}
func f(n) {
    mut total := 0
    mut i := 0
    while i < n {
        let a := pair(i)
        total += a[0] + a[1] + len(a)
        i += 1
    }
    return total
}
print(f(5000))
`;

describe("arrays made in traces", () => {
  it("an array made and read in the loop costs no code: one trace, no aborts, no array operation", () => {
    const r = run(PAIRS);
    expect(r.out).toBe(runWithoutJit(PAIRS));
    expect(summaryOf(r).aborts).toEqual([]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).not.toMatch(/AHANDLE|PALEN|PAGET|ALEN|AGET|CALLH/);
    expect(ir).toMatch(/ MUL /); // i * 2, the second element
    // Where an exit still needs the array (a + overflowing before a[1] is read), its
    // snapshot lists it as VOBJECT with both elements.
    expect(ir).toMatch(/VOBJECT +k\d+ \{\d{4} \d{4}\}/);
  });

  it("an array live at an exit is made by the exit, with its elements in order", () => {
    const src = `
func f(n) {
    mut s := 0
    mut i := 0
    while i < n {
        let a := [i, -i, i * 0.5, i % 2 == 0]
        if i % 97 == 5 {
            print(a, len(a))
        }
        s += a[0] - a[1]
        i += 1
    }
    return s
}
print(f(1000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.out).toContain("[5, -5, 2.5, false] 4");
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    // Only the branch's exit needs the array: VOBJECT lists its four elements.
    expect(ir).toMatch(/VOBJECT +k\d+ \{\d{4} \d{4} \d{4} \d{4}\}/);
    expect(ir).not.toMatch(/CALLH|AHANDLE/);
    expect(summaryOf(r).exits.find((e) => e.line === 7)?.count).toBeGreaterThanOrEqual(9);
  });

  it("a variable index is checked to be the one recorded; another index exits", () => {
    const src = `
func f(n) {
    mut s := 0
    mut i := 0
    while i < n {
        let a := [10, 20, 30]
        s += a[i / 100]
        i += 1
    }
    return s
}
print(f(300))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).toMatch(/ EQ /);
    // The index moves on twice (100 and 200): the check exits there.
    expect(summaryOf(r).exits.filter((e) => e.line === 7).reduce((n, e) => n + e.count, 0)).toBeGreaterThanOrEqual(2);
  });

  it("an array the loop makes anew in every iteration and returns after it is made by the loop's last exit", () => {
    const src = "func f(n) {\n    mut last := [0]\n    for i in range(n) {\n        last = [i, i * 3]\n    }\n    return last\n}\nprint(f(400))\n";
    const r = run(src);
    expect(r.out).toBe("[399, 1197]\n");
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    expect(printTrace(r.jit.compiled[0].tree.root.trace)).toMatch(/VOBJECT/);
  });

  it("aborts with its reason when the array outlives the iteration, is pushed to or holds arrays", () => {
    const cases: [string, string][] = [
      ["mut last := [0]\n    for i in range(n) {\n        last = [last[0] + i]\n    }\n    return last", "an array made in the trace is carried around the loop"],
      ["mut s := 0\n    for i in range(n) {\n        mut g := [i]\n        g = push(g, 1)\n        s += len(g)\n    }\n    return s", "a push onto an array made in the trace"],
      ["mut s := 0\n    for i in range(n) {\n        let m := [[i], [i + 1]]\n        s += m[1][0]\n    }\n    return s", "an array of arrays"],
    ];
    for (const [body, reason] of cases) {
      const src = `func f(n) {\n    ${body}\n}\nprint(f(400))\n`;
      const r = run(src);
      expect(r.out).toBe(runWithoutJit(src));
      const aborts = r.events.filter((e) => e.event === "abort");
      expect(aborts.some((e) => String(e.detail).includes(reason))).toBe(true);
    }
  });
});
