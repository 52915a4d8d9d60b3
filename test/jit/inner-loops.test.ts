// Trace shapes of loops inside hot loops: `for x in range(..)` counted without an array
// (FORRANGE), `for` loops starting inside traces (FORPREP), over strings and dict keys
// (through helpers), a side trace re-entering its
// own tree from the start when it replaced an array the root walks, and short loops in
// called functions unrolled into the caller's trace (loopunroll), with the budget that
// bounds how many side traces a growing trip count can grow.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";
import { IrOp } from "../../src/ir/ops";

const NESTED_RANGES = `
func f(n) {
    mut total := 0
    for i in range(n) {
        for j in range(1, 20) {
            total += i * j % 7
        }
    }
    return total
}
print(f(3000))
`;

/** The outer loop walks a new array each time round: the inner tree's root took a handle of the old one. */
const NESTED_ARRAYS = `
func f(xs, n) {
    mut total := 0
    for i in range(n) {
        for x in xs {
            total += x * i % 7
        }
    }
    return total
}
print(f([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3000))
`;

const DOT = `
func dot(a, b) {
    mut s := 0.0
    mut k := 0
    while k < len(a) {
        s = s + a[k] * b[k]
        k += 1
    }
    return s
}
let u := [1.0, 2.0, 3.0, 4.0]
mut total := 0.0
for i in range(5000) {
    let v := [to_float(i), 1.0, 2.0, 3.0]
    total = total + dot(u, v)
}
print(total)
`;

/** tri(n) loops n times; the caller's loop asks for n growing from 0 to 39. */
const GROWING = `
func tri(n) {
    mut s := 0
    for k in range(n) {
        s += k
    }
    return s
}
mut g := 0
for i in range(800) {
    g += tri(i / 20)
}
print(g)
`;

const exitsOver = (r: ReturnType<typeof run>, count: number) => summaryOf(r).exits.filter((e) => e.count > count);

describe("for loops over ranges and arrays inside loops", () => {
  it("range(..) counts without building an array: the inner loop's tree and one side trace around the outer loop that loops back into it", () => {
    const r = run(NESTED_RANGES);
    expect(r.out).toBe(runWithoutJit(NESTED_RANGES));
    const roots = tracesOf(r, "root");
    const sides = tracesOf(r, "side");
    expect(roots).toHaveLength(1);
    expect(sides).toHaveLength(1);
    expect(sides[0].link).toBe(String(roots[0].id));
    expect(summaryOf(r).aborts).toEqual([]);
    // 3000 outer iterations, and no exit taken more than the side trace's threshold.
    expect(exitsOver(r, 20)).toEqual([]);
    // No call of range in any trace: the bounds are ints the loop counts between.
    for (const c of r.jit.compiled) for (const t of c.tree.traces) expect(printTrace(t.trace)).not.toMatch(/CALLH/);
  });

  it("a range rebound to a user function is called instead", () => {
    const own = "func range(a, b) {\n    mut out := []\n    mut k := a\n    while k < b {\n        out = push(out, k)\n        k += 1\n    }\n    return out\n}\n";
    const src = own + NESTED_RANGES.replace("range(n)", "range(0, n)").replace("range(1, 20)", "range(1, 5)");
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    // The recordings go into the user's range (lines 1-9) instead of counting: there they
    // stop (an inlined function returning an array is not traced yet).
    expect(r.events.some((e) => e.event === "abort" && Number(e.line) <= 9 && /returning an array/.test(String(e.detail)))).toBe(true);
  });

  it("a side trace that starts the walk of an array the root took a handle of re-enters its own tree from the start", () => {
    const r = run(NESTED_ARRAYS);
    expect(r.out).toBe(runWithoutJit(NESTED_ARRAYS));
    const roots = tracesOf(r, "root");
    const sides = tracesOf(r, "side");
    expect(roots).toHaveLength(1);
    expect(sides).toHaveLength(1);
    // The link names the tree the trace tail-calls: its own, through the tree's start.
    expect(sides[0].link).toBe(String(roots[0].id));
    expect(exitsOver(r, 20)).toEqual([]);
    // FORPREP in the side trace: the array gains a holder (the loop walks a snapshot).
    const side = r.jit.compiled[0].tree.traces.find((t) => t.id === sides[0].id)!;
    expect(printTrace(side.trace)).toMatch(/CALLH\s+share_obj/);
    // The side trace takes the new array's handle (from JS) and passes it to the tree's
    // start, which would otherwise ask JS again: one handle taken per outer iteration.
    const twice = run(NESTED_ARRAYS.replace("3000", "6000"));
    expect(twice.jit.heap.takes - r.jit.heap.takes).toBeLessThanOrEqual(3000 + 10);
  });
});

describe("for loops over strings and dict keys", () => {
  const src = `
func f(s, d, n) {
    mut hits := 0
    mut total := 0
    for r in range(n) {
        for ch in s {
            if ch == "o" {
                hits += 1
            }
        }
        for k in d {
            total += d[k]
        }
    }
    return [hits, total]
}
print(f("hello world, o", {"a": 1, "b": 2, "c": 3}, 2000))
`;

  it("iterate through helpers (the iterator is a JS array: class list): trees whose side traces link back", () => {
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    // Only the outer loop's own recording stops, at its inner loops (their trees cover it).
    expect(summaryOf(r).aborts.map((a) => a.reason)).toEqual(["inner_loop"]);
    const roots = tracesOf(r, "root");
    expect(roots).toHaveLength(2); // the character loop and the key loop
    const rootIds = new Set(roots.map((t) => String(t.id)));
    for (const side of tracesOf(r, "side")) expect(rootIds.has(String(side.link))).toBe(true);
    // 2000 outer iterations; the key loop's exit waits for the character loop's tree
    // (its first side-trace attempts run into that loop) a few dozen times at most.
    expect(exitsOver(r, 60)).toEqual([]);
    const helpers = r.jit.compiled.flatMap((c) => c.tree.traces.map((t) => printTrace(t.trace))).join("\n");
    for (const name of ["str_chars", "dict_keys", "list_len", "list_get"]) expect(helpers).toContain(name);
  });
});

describe("side traces off shared snapshots", () => {
  it("a side trace is emitted once, at the guard whose exit grew it: a chain of them grows the tree's code linearly", () => {
    // The key loop's three guards (the list's length, the loop test, the element) share
    // a snapshot; the dict gains a key every 25 calls, growing a chain of side traces.
    const src = `
mut d := {"k": 1}
func f(r) {
    mut n := 0
    for k in d {
        n += d[k]
    }
    if r % 25 == 2 {
        d["k" + str(r)] = 2
    }
    return n
}
mut t := 0
for r in range(300) {
    t += f(r)
}
print(t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const sides = tracesOf(r, "side");
    expect(sides.length).toBeGreaterThanOrEqual(5);
    // Inlined at every guard of the snapshot, the code doubled per side trace (1.5 MB
    // for the tenth); once each, every side trace adds about the same few KB.
    const largest = Math.max(...r.jit.compiled.map((c) => c.bytes.length));
    expect(largest).toBeLessThan(4000 * (sides.length + 2));
  });
});

describe("short loops in called functions (loopunroll)", () => {
  it("dot over 4 elements unrolls into the caller's loop trace: no exit taken per call", () => {
    const r = run(DOT);
    expect(r.out).toBe(runWithoutJit(DOT));
    // dot's loop gets hot first and has a tree of its own (its first recording, on the
    // last iteration, left the loop and was retried at the next back edge); the caller's
    // loop trace then unrolls dot and never enters that tree.
    const roots = tracesOf(r, "root").filter((t) => t.line === 14);
    expect(roots).toHaveLength(1);
    const unrolls = r.events.filter((e) => e.event === "unroll");
    expect(unrolls).toEqual([expect.objectContaining({ trace: roots[0].id, line: 6, iterations: 4 })]);
    expect(exitsOver(r, 20)).toEqual([]);
    // The trace reads the 4 elements of each array and compares k with len 5 times.
    const root = r.jit.compiled.find((c) => c.tree.root.id === roots[0].id)!.tree.root.trace;
    let loads = 0;
    for (let ref = 1; ref < root.end; ref++) if (root.op[ref] === IrOp.PAGET || root.op[ref] === IrOp.AGET) loads++;
    expect(loads).toBeGreaterThanOrEqual(4);
  });

  it("loopunroll=0 leaves the loop to its own tree: the caller's recording aborts (inner_loop); every call enters dot's tree, which returns from dot", () => {
    const r = run(DOT, { loopunroll: 0 });
    expect(r.out).toBe(runWithoutJit(DOT));
    expect(summaryOf(r).aborts).toContainEqual(expect.objectContaining({ reason: "inner_loop" }));
    expect(r.events.filter((e) => e.event === "unroll")).toEqual([]);
    // The side trace from the loop's exit runs to dot's return: no exit per call.
    expect(tracesOf(r, "side").map((t) => t.link)).toContain("return");
    expect(exitsOver(r, 1000)).toEqual([]);
  });

  it("a loop longer than the budget, with no tree the caller may run, aborts the caller's recording with the budget named", () => {
    // tri's tree reads a global (a place): a caller cannot run it (CALLL), so it unrolls.
    const src = GROWING.replace("tri(i / 20)", "tri(100)").replace("s += k", "s += k * unit").replace("mut g := 0", "mut g := 0\nmut unit := 1");
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const aborts = r.events.filter((e) => e.event === "abort" && e.reason === "inner_loop");
    expect(aborts.length).toBeGreaterThan(0);
    expect(String(aborts[0].detail)).toMatch(/15 iterations left to unroll \(loopunroll\)/);
  });

  it("side traces share the budget with their ancestors: a trip count growing one by one grows a bounded chain", () => {
    const r = run(GROWING);
    expect(r.out).toBe(runWithoutJit(GROWING));
    const roots = tracesOf(r, "root").filter((t) => t.line === 11);
    expect(roots).toHaveLength(1);
    const chain = tracesOf(r, "side").filter((t) => t.link === String(roots[0].id));
    // Without the shared budget every new count (up to 39) grew one more side trace.
    expect(chain.length).toBeGreaterThan(0);
    expect(chain.length).toBeLessThanOrEqual(15);
    const unrolled = r.events.filter((e) => e.event === "unroll").reduce((n, e) => n + Number(e.iterations), 0);
    expect(unrolled).toBeLessThanOrEqual(15 * 2); // the caller's chain, and tri's own entry trace
  });
});

describe("loops in called functions that return", () => {
  it("the side trace from the loop's exit returns from the function: each call is one entry, no exit", () => {
    const src = `
func tri(n) {
    mut s := 0
    for k in range(n) {
        s += k
    }
    return s
}
mut total := 0
for i in range(2000) {
    total += tri(30 + i % 5)
}
print(total)
let viaMap := map([10, 20], tri)
print(viaMap)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const sides = tracesOf(r, "side");
    expect(sides.map((t) => t.link)).toEqual(["return"]);
    const tree = r.jit.compiled.find((c) => c.tree.proto.name === "tri")!.tree;
    // The loop's exit was left hotexit times before its side trace took over.
    const loopExit = summaryOf(r).exits.filter((e) => e.trace === tree.root.id);
    expect(loopExit.reduce((n, e) => n + e.count, 0)).toBe(10);
    // map's calls of tri return to JS, not Ruff code: its tree is not entered there, and
    // no second tree is recorded for them.
    expect(tracesOf(r, "root").filter((t) => String(t.function ?? "").includes("tri") || t.line === 5)).toHaveLength(1);
  });
});

describe("loops in called functions with trees of their own (CALLL)", () => {
  const COLLATZ = `
func collatz_len(n) {
    mut steps := 0
    mut v := n
    while v != 1 {
        if v % 2 == 0 {
            v = v / 2
        } else {
            v = 3 * v + 1
        }
        steps = steps + 1
    }
    return steps
}
mut best := 0
for n in range(1, 3000) {
    let c := collatz_len(n)
    if c > best {
        best = c
    }
}
print(best)
`;
  const callsOf = (r: ReturnType<typeof run>) => r.jit.compiled.flatMap((c) => c.tree.traces.map((t) => printTrace(t.trace))).filter((ir) => /CALLL/.test(ir));

  it("the caller's loop trace runs the callee's loop tree: no unrolling, no abort, no exit per call", () => {
    const r = run(COLLATZ);
    expect(r.out).toBe(runWithoutJit(COLLATZ));
    // The loop's tree (with its side traces) and the caller's loop, which runs it.
    const roots = tracesOf(r, "root");
    expect(roots.map((t) => t.line).sort((x, y) => Number(x) - Number(y))).toEqual([6, 17]);
    expect(r.events.filter((e) => e.event === "call_loop").map((e) => [e.trace, e.function, e.line])).toEqual([[roots.find((t) => t.line === 17)!.id, "collatz_len", 6]]);
    expect(callsOf(r)).toHaveLength(1);
    expect(callsOf(r)[0]).toMatch(/int\s+CALLL\s+collatz_len@\d+\[#\d+ #\d+\]/);
    expect(summaryOf(r).aborts).toEqual([]);
    expect(r.events.some((e) => e.event === "unroll")).toBe(false);
    // 3000 calls, each a few to hundreds of iterations: no exit is taken more than it takes to grow a side trace.
    expect(exitsOver(r, 10)).toEqual([]);
  });

  it("an exit inside the tree the caller runs rebuilds both frames, and grows a side trace of that tree", () => {
    // Where i == f the accumulator turns into a float: the called tree's guard fails.
    const src = `
func mixed(n, f) {
    mut acc := 0
    mut i := 0
    while i < n {
        if i == f {
            acc = acc + 0.5
        } else {
            acc = acc + i
        }
        i += 1
    }
    return acc
}
mut m := 0.0
for k in range(3000) {
    m = m + mixed(20, 100 + k % 40)
}
for k in range(300) {
    m = m + mixed(20, k % 20)
}
print(m)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(callsOf(r).length).toBeGreaterThan(0);
    // The float accumulator's exits, taken through the caller's CALLL: two frames rebuilt each time.
    expect(r.events.some((e) => e.event === "deopt" && Number(e.frames) >= 2)).toBe(true);
    const mixedTrees = r.jit.compiled.filter((c) => c.tree.kind === "loop" && c.tree.proto.name === "mixed");
    expect(mixedTrees.some((c) => c.tree.traces.length > 1)).toBe(true);
  });

  it("an array and a string passed on: the called trees take them (of the class they check) and their handles themselves", () => {
    const src = `
func sum_all(xs) {
    mut s := 0
    for x in xs {
        s += x
    }
    return s
}
func count_char(text, ch) {
    mut n := 0
    for c in text {
        if c == ch {
            n += 1
        }
    }
    return n
}
let data := [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
mut t := 0
for k in range(3000) {
    t = t + sum_all(data) + count_char("brown fox over", "o")
}
print(t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const calls = r.events.filter((e) => e.event === "call_loop").map((e) => e.function);
    expect(calls).toEqual(["sum_all", "count_char"]);
    expect(callsOf(r)[0]).toMatch(/CALLL\s+sum_all@\d+\[#\d+( #\d+)*\][^\n]*\n(?:.|\n)*CALLL\s+count_char/);
    expect(exitsOver(r, 10)).toEqual([]);
  });

  it("a loop whose function returns a string is unrolled: the caller is not recorded again and again into a call it cannot make", () => {
    // label's tree has no trace returning (a loop tree never returns an object), so no
    // CALLL is tried: each recording tried it, ran the call and aborted on the string, 25
    // times, and the caller's loop was blacklisted (0.44 s against 0.11 s unrolling).
    const src = `
func label(n) {
    mut i := 0
    mut s := 0
    while i < n {
        s = s + i
        i += 1
    }
    return "n" + to_string(s)
}
func warm() {
    mut c := 0
    for k in range(200) { c = c + len(label(k % 40 + 20)) }
    return c
}
print(warm())
mut total := 0
for k in range(20000) {
    total = total + len(label(k % 5 + 2))
}
print(total)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(callsOf(r)).toEqual([]);
    expect(r.events.filter((e) => e.event === "blacklist")).toEqual([]);
    const callerLine = src.split("\n").findIndex((l) => l.includes("range(20000)")) + 1;
    expect(tracesOf(r, "root").some((t) => t.line === callerLine + 1)).toBe(true); // the loop's body starts a line below
  });

  it("without a tree it may run (it reads a global), the loop is unrolled as before", () => {
    const src = COLLATZ.replace("steps = steps + 1", "steps = steps + one").replace("mut best := 0", "mut one := 1\nmut best := 0");
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(callsOf(r)).toEqual([]);
    expect(r.events.some((e) => e.event === "abort" && e.reason === "inner_loop")).toBe(true);
  });
});
