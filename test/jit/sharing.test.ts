// Trace-shape tests for copy-on-write in traces: an array, dict or struct passed to an
// inlined function or copied into another variable gets a second holder, which the trace
// marks as it runs (share_obj), as the interpreter does.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";

describe("copy-on-write of packed arrays", () => {
  it("a function copying a packed global array per call keeps its loop tree: the copy leaves the original packed", () => {
    // The loop's tree takes a handle of the global array (shared: the store exits and
    // the interpreter copies). Copying used to unpack the original; unpacked twice, it
    // never packed again, the tree refused at every entry, and each retired tree was
    // recorded anew (2000 trees, 7.5 s against 0.26 s without the JIT).
    const src = `
func scaled_last(xs, k) {
    mut out := xs
    mut i := 0
    while i < len(out) {
        out[i] = out[i] * k
        i += 1
    }
    return out[len(out) - 1]
}
let data := [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
mut t := 0
for k in range(400) {
    t = t + scaled_last(data, 2)
}
print(t, data[19])
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.events.filter((e) => e.event === "retire")).toEqual([]);
    expect(tracesOf(r, "root").length).toBeLessThanOrEqual(3);
  });

  it("a store into a shared array copies it in the trace, as the interpreter does (own_array): no exit per call", () => {
    const src = `
func bumped(xs, at) {
    mut out := xs
    out[at] = out[at] + 100
    return out[at] + out[0]
}
let data := [1, 2, 3, 4, 5, 6, 7, 8]
mut t := 0
for k in range(2000) {
    t = t + bumped(data, k % 8)
}
print(t, data)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const roots = tracesOf(r, "root");
    expect(roots).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).toMatch(/ref\s+CALLH\s+own_array/);
    // Without the copy in the trace, every call left at the store (the array is shared).
    expect(summaryOf(r).exits.filter((e) => e.count > 20)).toEqual([]);
    expect(summaryOf(r).aborts).toEqual([]);
  });
});

describe("sharing in traces", () => {
  it("an array passed to an inlined function and copied is marked shared by the trace: a later store copies it", () => {
    const src = `
func first(xs) {
    return xs[0] + len(xs)
}
func passed(n) {
    mut xs := [1, 2, 3, 4]
    mut keep := [0]
    mut acc := 0
    for i in range(n) {
        acc += first(xs)
        keep = xs
    }
    xs[0] = 100
    return [acc, xs, keep]
}
print(passed(300))
print(passed(300))
`;
    const r = run(src);
    // The second call's array is new: only the trace marks it shared, and keep must not see the store.
    expect(r.out).toBe("[1500, [100, 2, 3, 4], [1, 2, 3, 4]]\n".repeat(2));
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir.match(/CALLH +share_obj/g) ?? []).toHaveLength(2); // the argument, and keep = xs
  });
});
