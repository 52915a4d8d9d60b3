// Trace-shape tests (PyPy check_resops style) and backend checks for loop traces: how
// many traces a program forms, which starts abort and why, which exits are taken; every
// emitted module validates with binaryen; and the wasm code agrees with the reference
// IR interpreter on the same entry values, including values that make guards fail.

import { describe, expect, it } from "vitest";
import { COUNT_LOOP, run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { runTrace, LIMIT_REACHED } from "../../src/ir/interp";
import { printTrace } from "../../src/ir/printer";
import { IrType } from "../../src/ir/ops";
import { validateWasm } from "../../src/backend/binaryen-tools";
import { emitTrace } from "../../src/backend/emit-trace";
import { traceHelpersFor } from "../../src/backend/trace-helpers";
import { PackedHeap } from "../../src/interp/packed";
import type { CompiledTree } from "../../src/deopt/exits";


/** A loop using the inline conversion and min/max builtins (FTOI exits beyond 2^53: x * 8.0). */
const INLINE_BUILTINS_LOOP = `
func g(n, x) {
    mut s := 0
    mut lo := x
    mut hi := x
    mut i := 0
    while i < n {
        s += to_int(x * 8.0) + to_int(-x)
        lo = min(lo, -x)
        hi = max(hi, to_float(i))
        lo = min(lo, x)
        i += 1
    }
    return [s, lo, hi]
}
print(g(300, 2.5))
`;

describe("loop trace shapes", () => {
  it("a counting loop forms one trace that exits once, at the loop end", () => {
    const r = run(COUNT_LOOP);
    expect(r.out).toBe(runWithoutJit(COUNT_LOOP));
    const s = summaryOf(r);
    expect(s.traces).toBe(1);
    expect(s.aborts).toEqual([]);
    expect(s.exits).toHaveLength(1);
    expect(s.exits[0].count).toBe(1);
    expect(s.exits[0].line).toBe(7); // the fused `i += 1` and loop test
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).toContain("LOOP");
    expect(ir).toMatch(/MUL/);
    expect(ir).toMatch(/PHI/);
  });

  it("a nested loop: the inner loop tree grows a side trace around the outer loop", () => {
    const src = `
func g(n) {
    mut t := 0
    mut i := 0
    while i < n {
        mut j := 0
        while j < n {
            t += i * j
            j += 1
        }
        i += 1
    }
    return t
}
print(g(120))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const s = summaryOf(r);
    // The inner loop's tree, and a side trace from its loop exit that runs the rest of
    // the outer iteration and links back into the inner loop: nothing aborts, and the
    // tree is left once, when the outer loop ends (hotexit exits before the side trace).
    expect(s.traces).toBe(2);
    expect(s.aborts).toEqual([]);
    const sides = r.events.filter((e) => e.event === "trace" && e.kind === "side");
    expect(sides).toHaveLength(1);
    expect(sides[0].link).toBe(String(r.events.find((e) => e.event === "trace" && e.kind === "root")!.id));
    expect(s.exits.map((e) => e.count).sort((x, y) => x - y)).toEqual([1, 10]);
  });

  it("xs = push(xs, v) in a loop: the register holding push is dead at the header, so the loop traces; a shared array exits", () => {
    const src = `
func fill(n) {
    mut xs := []
    mut i := 0
    while i < n {
        xs = push(xs, i * 2)
        if i == 300 {
            let keep := xs
            xs = push(xs, -1)
            print(len(keep), len(xs))
        }
        i += 1
    }
    return xs
}
let ys := fill(500)
print(len(ys), ys[0], ys[300], ys[301], ys[500])
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    // Liveness: the temporary holding \`push\` is written before it is read in every
    // iteration, so it is not carried around the loop (no function value to carry).
    expect(r.events.filter((e) => e.event === "abort")).toEqual([]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    // The branch at i == 300 leaves the trace (its guard), and the loop's end.
    expect(r.events.filter((e) => e.event === "exit").length).toBeGreaterThanOrEqual(2);
  });

  it("a side trace that makes a loop-carried int a float exits instead of linking back (FOUND.md #7)", () => {
    const src = `
mut g0 := 1
for i in 200 {
    if (i < 5) {
        continue
    }
    g0 += 0.5
}
print(g0)
`;
    const r = run(src, { hotloop: 1, hotexit: 1 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.events.filter((e) => e.event === "abort" && e.reason === "backend")).toEqual([]);
  });

  it("an exit at its own loop header is not re-entered at once (FOUND.md #6: it failed the same guard 1000 times)", () => {
    const src = `
mut g0 := 1
mut s := ""
for i in 2000 {
    if (i >= 1000) {
        s := "x"
    }
    g0 += 1
}
print(g0, s)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    // One exit per iteration once the branch flips (1000), not a thousand hops for each.
    const total = summaryOf(r).exits.reduce((n, e) => n + e.count, 0);
    expect(total).toBeLessThan(3000);
  });

  it("an unsupported operation aborts with its reason and line, then the start is blacklisted", () => {
    const src = `
mut t := 0
mut i := 0
while i < 2000 {
    try { t += i } except e { t = 0 }
    i += 1
}
print(t)
`;
    const r = run(src, { hotloop: 2, maxblacklist: 3 });
    expect(r.out).toBe("1999000\n");
    const aborts = r.events.filter((e) => e.event === "abort");
    expect(aborts.length).toBe(3);
    expect(aborts[0].reason).toBe("nyi_op"); // try
    expect(aborts[0].line).toBe(5);
    expect(r.events.filter((e) => e.event === "blacklist")).toHaveLength(1);
    expect(summaryOf(r).traces).toBe(0);
  });

  it("a type change mid-loop exits at the guard and the interpreter finishes exactly", () => {
    const src = `
func h() {
    mut x := 1
    mut i := 0
    while i < 300 {
        if i == 200 {
            x = 0.5
        }
        x = x + 1
        i += 1
    }
    return x
}
print(h())
`;
    const r = run(src, { hotloop: 3 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).traces).toBeGreaterThanOrEqual(1);
  });

  it("an int overflow inside a trace leaves it and raises the interpreter's error", () => {
    const src = `
func grow() {
    mut x := 1
    mut i := 0
    while i < 100 {
        x = x * 3
        i += 1
    }
    return x
}
try {
    print(grow())
} except e {
    print(e.message)
}
`;
    const r = run(src, { hotloop: 2 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.out).toMatch(/Integer overflow/);
  });

  it("to_int, to_float, min and max are computed by the trace: one trace, no aborts", () => {
    const r = run(INLINE_BUILTINS_LOOP);
    expect(r.out).toBe(runWithoutJit(INLINE_BUILTINS_LOOP));
    const s = summaryOf(r);
    expect(s.traces).toBe(1);
    expect(s.aborts).toEqual([]);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    for (const op of ["FTOI", "FMIN", "FMAX", "CONV_INT_FLOAT"]) expect(ir).toContain(op);
  });

  it("to_int of a NaN leaves the loop to the interpreter (its guard would always fail)", () => {
    const src = INLINE_BUILTINS_LOOP.replace("print(g(300, 2.5))", "mut inf := 1.0\nwhile inf < inf * 2.0 {\n    inf = inf * 2.0\n}\nprint(g(300, inf - inf))");
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([expect.objectContaining({ reason: "nyi_value" })]);
  });

  it("float loops trace and agree with the interpreter to the last digit", () => {
    const src = `
func m() {
    mut zr := 0.1
    mut zi := 0.2
    mut it := 0
    while it < 500 && zr * zr + zi * zi <= 4.0 {
        let t := zr * zr - zi * zi + 0.25
        zi = 2.0 * zr * zi + 0.01
        zr = t
        it += 1
    }
    return [it, zr, zi]
}
print(m())
`;
    const r = run(src, { hotloop: 1 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).traces).toBe(1);
  });
});

describe("loop trace backend", () => {
  const programs = [COUNT_LOOP, INLINE_BUILTINS_LOOP, `
func pair(i) {
    return [i, i * 3]
}
func v(n) {
    mut t := 0
    mut i := 0
    while i < n {
        let a := pair(i)
        t += a[1] - a[0] + len(a)
        i += 1
    }
    return t
}
print(v(400))
`, `
func k(n) {
    mut a := 0.5
    mut b := 3
    mut i := 0
    while i < n {
        a = a * 1.0001 + b / 7 - i % 5
        b = b + 2
        if a > 1000.0 { a = a / 2.0 }
        i += 1
    }
    return a
}
print(k(500))
`];
  // Plain and peeled loops (a peeled loop's PHIs move the peeled iteration's values in at LOOP).
  const trees: CompiledTree[] = programs.flatMap((p) => [...run(p, { hotloop: 1 }).jit.compiled, ...run(p, { hotloop: 1, peel: 1 }).jit.compiled]);
  // Root loop traces emitted alone (the single-trace emitter) for the reference comparison.
  const traces = trees.filter((c) => c.tree.kind === "loop").map((c) => {
    const root = c.tree.root;
    const entrySlots = [...c.tree.slots.keys()].sort((x, y) => x - y).filter((s) => root.loads.has(s))
      .map((slot) => ({ slot, type: c.tree.slots.get(slot)!, ref: root.loads.get(slot)! }));
    const emitted = emitTrace(root.trace, entrySlots.map((e) => e.ref));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(emitted.bytes), { env: traceHelpersFor(new PackedHeap()) });
    return {
      trace: root.trace, entrySlots, bytes: emitted.bytes,
      fn: instance.exports.trace as (...args: unknown[]) => number,
      exitArea: new Float64Array((instance.exports.exits as WebAssembly.Memory).buffer),
    };
  });

  it("produces traces to check", () => {
    expect(traces.length).toBeGreaterThanOrEqual(2);
  });

  it("emits modules that binaryen validates: whole trees and root traces alone", async () => {
    for (const bytes of [...trees.map((t) => t.bytes), ...traces.map((t) => t.bytes)]) {
      const v = await validateWasm(bytes);
      expect(v.errors).toBe("");
      expect(v.ok).toBe(true);
    }
  });

  it("wasm and the reference IR interpreter agree, exits included", () => {
    const samples = [0, 1, -1, 7, 1000, 2 ** 52, 2 ** 53 - 1, -(2 ** 53 - 1)];
    let compared = 0;
    for (const t of traces) {
      for (let s = 0; s < samples.length; s++) {
        const entry = t.entrySlots.map((e, i) => {
          const base = samples[(s + i) % samples.length];
          return e.type === "float" ? base / 3 : e.type === "bool" ? base > 0 : base;
        });
        const slots: unknown[] = [];
        t.entrySlots.forEach((e, i) => (slots[e.slot] = entry[i]));
        const ref = runTrace(t.trace, [slots], { maxIterations: 100_000 });
        // Entry values that loop for ages cannot be compared in reasonable time.
        if (ref.exit === LIMIT_REACHED) continue;
        compared++;
        const args = entry.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
        const exit = t.fn(...args);
        expect(exit).toBe(ref.exit);
        const snap = t.trace.snapshots[exit];
        // Numbers only: an object entry (a known function, an array never made) goes to
        // the exit table, where wasm has no value for it.
        const numeric = snap.frames[0].refs.map((r) => t.trace.type[r] !== IrType.ref);
        const wasmValues = Array.from(t.exitArea.slice(0, snap.frames[0].slots.length)).filter((_, i) => numeric[i]);
        const refValues = ref.frames[0].slots.map((x) => (typeof x.value === "boolean" ? (x.value ? 1 : 0) : x.value)).filter((_, i) => numeric[i]);
        expect(wasmValues).toEqual(refValues);
      }
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});
