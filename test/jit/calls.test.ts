// Trace shapes across calls: inlined calls and closures in loop traces, entry trees for
// hot functions with side traces, recursion through CALLT, identity guards on callees,
// exits that rebuild several frames, and deep recursion bounded like the interpreter.

import { describe, expect, it } from "vitest";
import { printTrace } from "../../src/ir/printer";
import { toWat, validateWasm } from "../../src/backend/binaryen-tools";
import { EXIT_STACK } from "../../src/backend/emit-tree";
import { run, runWithoutJit, summaryOf } from "./support";
import { FIRST_REF } from "../../src/ir/trace";
import { IrOp } from "../../src/ir/ops";
import { EXT_SLOT_BASE } from "../../src/trace/recorder";

const byEvent = (events: Record<string, unknown>[], name: string) => events.filter((e) => e.event === name);

const FIB = `
func fib(n) {
    if n < 2 {
        return n
    }
    return fib(n - 1) + fib(n - 2)
}
print(fib(22))
`;

describe("calls in traces", () => {
  it("a loop calling a function and a closure inlines both into one trace", () => {
    const src = `
func sq(x) {
    return x * x
}
func make(k) {
    return func(v) {
        return v + k
    }
}
let add := make(5)
mut t := 0
mut i := 0
while i < 400 {
    t = t + sq(i) % 9 + add(i)
    i += 1
}
print(t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const s = summaryOf(r);
    expect(s.traces).toBe(1);
    expect(s.aborts).toEqual([]);
    const inlined = byEvent(r.events, "inline");
    expect(inlined).toHaveLength(2);
    expect(inlined[0].function).toBe("sq");
    // One trace, no call left in it: the callees' arithmetic is in the loop body.
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).toContain("MOD");
    expect(ir).not.toContain("CALLT");
  });

  it("recursive fib: an entry tree with a side trace that calls the entry tree", async () => {
    const r = run(FIB, { recunroll: 0 });
    expect(r.out).toBe("17711\n");
    const traces = byEvent(r.events, "trace");
    // The entry trace records the first hot call (a leaf: n < 2); its guard's exit grows
    // the side trace for n >= 2, which calls fib's entry tree twice.
    expect(traces.map((e) => e.kind)).toEqual(["entry", "side"]);
    expect(traces[1].link).toBe("return");
    expect(byEvent(r.events, "call")).toHaveLength(2);
    const tree = r.jit.compiled[0].tree;
    expect(tree.kind).toBe("entry");
    expect(tree.traces).toHaveLength(2);
    expect(printTrace(tree.traces[1].trace).match(/CALLT/g)).toHaveLength(2);
    // n >= 2 there (the parent's leaf guard failed, and the side trace checks again):
    // n - 1 and n - 2 cannot overflow, so they carry no check (src/ir/ranges.ts).
    expect(printTrace(tree.traces[1].trace).match(/SUB_SAFE/g)).toHaveLength(2);
    expect(printTrace(tree.traces[1].trace)).not.toMatch(/ SUB /);
    // Exits before the side trace existed: exactly hotexit of them, all at the leaf guard.
    expect(summaryOf(r).exits).toEqual([expect.objectContaining({ trace: traces[0].id, count: 10 })]);
    const v = await validateWasm(r.jit.compiled[0].bytes);
    expect(v.errors).toBe("");
  });

  it("recursion reading globals: the entry tree takes them as constants its entry checks", () => {
    const src = `
let LIMIT := 2
mut step := 1
func fib(n) {
    if n < LIMIT {
        return n
    }
    return fib(n - step) + fib(n - 2)
}
print(fib(22))
step = 2
print(fib(22))
`;
    const r = run(src, { recunroll: 0 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    const tree = r.jit.compiled[0].tree;
    expect(tree.kind).toBe("entry");
    // One check per global on the tree's entry (fib itself by identity, the ints by
    // value); no load of a global in the code.
    expect(tree.checks.map((c) => c.value).filter((v) => typeof v === "number").sort()).toEqual([1, 2]);
    for (const { trace } of tree.traces) {
      for (let ref = FIRST_REF; ref < trace.end; ref++) if (trace.op[ref] === IrOp.SLOAD) expect(trace.a[ref]).toBeLessThan(EXT_SLOT_BASE);
    }
    // With step = 2 the check refuses every entry: the second fib(22) ran in the
    // interpreter (no new trace, no exit: the tree was never entered).
    expect(byEvent(r.events, "trace").filter((e) => e.kind === "entry")).toHaveLength(1);
  });

  it("an entry tree runs natively with i64 ints and its depth as a parameter; JS enters through `trace`", async () => {
    const r = run(FIB, { recunroll: 0 });
    const c = r.jit.compiled[0];
    const wat = await toWat(c.bytes);
    expect(wat).toMatch(/\(func \$0 \(type \$\d+\) \(param \$0 i64\) \(param \$1 i32\) \(result i32 i64\)/);
    // The native function goes into the shared table by the module's own element
    // segment; only `trace` is exported, and it returns one value (a two-value export
    // costs V8 a wrapper compile).
    expect(wat).toMatch(/\(elem \$\w+ \(table \$[\w$]+\) \(i32\.const \d+\) func \$0\)/);
    expect(wat).not.toContain('(export "native"');
    expect(wat).toMatch(/\(export "trace" \(func \$(\d+)\)\)/);
    const traceFn = /\(export "trace" \(func (\$\d+)\)\)/.exec(wat)![1];
    expect(wat).toMatch(new RegExp(`\\(func \\${traceFn} \\(type \\$\\d+\\) \\(param \\$0 f64\\) \\(result i32\\)`));
    // The JS entry takes numbers, starts at native depth 1 and returns the status, with
    // the result in memory when it is 0 (else memory is left alone); every call deeper
    // than the limit in memory is refused (status 2) before it does anything, and its
    // callers leave (status 1) with their records.
    const shared = r.jit["shared"];
    const enter = (n: number, limit: number): [unknown, number] => {
      const words = new Int32Array(shared.memory.buffer);
      words[EXIT_STACK.top >> 2] = EXIT_STACK.records;
      words[EXIT_STACK.limit >> 2] = limit;
      new Float64Array(shared.memory.buffer)[EXIT_STACK.result >> 3] = -1;
      const status = c.fn(n);
      return [status, new Float64Array(shared.memory.buffer)[EXIT_STACK.result >> 3]];
    };
    expect(enter(1, 1000)).toEqual([0, 1]);
    expect(enter(20, 1000)).toEqual([0, 6765]);
    expect(enter(20, 20)).toEqual([0, 6765]); // fib(20) is 20 native frames deep at most (fib(1) at the bottom)
    expect(enter(20, 19)).toEqual([1, -1]);
    expect(enter(20, 0)).toEqual([2, -1]);
  });

  it("recursion unrolled recunroll times inlines fib into itself before calling the entry tree", () => {
    const r = run(FIB, { recunroll: 2 });
    expect(r.out).toBe("17711\n");
    expect(byEvent(r.events, "inline").length).toBeGreaterThanOrEqual(2);
    expect(byEvent(r.events, "call").length).toBeGreaterThanOrEqual(2);
  });

  it("an exit inside inlined frames rebuilds them all (deopt through two frames)", () => {
    const src = `
func leaf(x) {
    if x > 250 {
        return x * 2
    }
    return x + 1
}
func mid(x) {
    return leaf(x) + 1
}
mut t := 0
for i in 300 {
    t = t + mid(i)
}
print(t)
`;
    const r = run(src, { hotexit: 1000 });
    expect(r.out).toBe(runWithoutJit(src));
    // The guard on x > 250 sits two frames deep; its exit is taken once per late
    // iteration, and the interpreter finishes each of them from inside leaf.
    const exits = summaryOf(r).exits;
    expect(exits.some((e) => e.count >= 40)).toBe(true);
    expect(r.jit.compiled[0].tree.root.trace.snapshots.some((s) => s.frames.length === 3)).toBe(true);
    // Each such exit is a deoptimisation through three frames (loop, mid, leaf).
    const deopts = byEvent(r.events, "deopt");
    expect(deopts.length).toBeGreaterThanOrEqual(40);
    expect(deopts.every((e) => e.frames === 3)).toBe(true);
  });

  it("a rebound callee fails the identity check: the tree is left and the new function runs", () => {
    const src = `
func a(x) {
    return x + 1
}
func b(x) {
    return x + 100
}
mut f := a
mut t := 0
for i in 400 {
    if i == 200 {
        f = b
    }
    t = t + f(i)
}
print(t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    // The root trace inlined a; once f holds b its identity check fails at entry and a
    // second tree (for b) forms at the same loop header.
    const roots = byEvent(r.events, "trace").filter((e) => e.kind === "root");
    expect(roots.length).toBe(2);
    const inlined = byEvent(r.events, "inline").map((e) => e.function);
    expect(inlined[0]).toBe("a");
    expect(inlined.slice(1)).toContain("b");
    expect(inlined).not.toContain(undefined);
  });

  it("deep recursion: native depth is bounded, the interpreter continues in slices", () => {
    const src = `
func depth(n) {
    if n == 0 {
        return 0
    }
    return depth(n - 1) + 1
}
print(depth(20000))
`;
    const r = run(src, {}, 100000);
    expect(r.out).toBe("20000\n");
    expect(r.out).toBe(runWithoutJit(src, 100000));
    // And past --max-depth the same error as the interpreter's.
    const deep = `
func depth(n) {
    if n == 0 {
        return 0
    }
    return depth(n - 1) + 1
}
try {
    print(depth(5000))
} except e {
    print(e.message)
}
`;
    expect(run(deep, {}, 3000).out).toBe(runWithoutJit(deep, 3000));
    expect(run(deep, {}, 3000).out).toMatch(/Maximum VM call stack depth of 3000/);
  });
});
