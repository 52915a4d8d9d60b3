// Trace-shape tests for copy-on-write in traces: an array, dict or struct passed to an
// inlined function or copied into another variable gets a second holder, which the trace
// marks as it runs (share_obj), as the interpreter does.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";

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
