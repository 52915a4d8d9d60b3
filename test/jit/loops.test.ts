// Loop optimisations, as trace shapes and outputs: the entry check that bounds a loop
// counter (so range facts drop its overflow check in the loop), and loop peeling
// (`peel=1`: one iteration before LOOP, the body reusing what holds in every iteration,
// exits of the peeled iteration growing side traces that call the tree afresh).

import { describe, expect, it } from "vitest";
import { COUNT_LOOP, run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";
import { IrOp } from "../../src/ir/ops";
import { validateWasm } from "../../src/backend/binaryen-tools";

const MAX = Number.MAX_SAFE_INTEGER;

/** The IR before and after LOOP. */
function split(text: string): [string, string] {
  const [before, after] = text.split(/ LOOP\n/);
  return [before, after];
}

describe("loop counter entry check", () => {
  const src = COUNT_LOOP;

  it("bounds the counter once before LOOP; the step in the loop carries no overflow check", () => {
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).traces).toBe(1);
    const root = r.jit.compiled[0].tree.root.trace;
    const [before, after] = split(printTrace(root));
    expect(before).toContain(`KINT         ${MAX - 1}`);
    expect(before).toMatch(/GUARD_TRUE/);
    expect(after).toMatch(/ADD_SAFE/); // i += 1
    expect(after.match(/ ADD /g) ?? []).toHaveLength(1); // total += ..., still checked
    expect(root.meta.entrySnap).toBe(0);
  });

  it("a counter entering at the largest int refuses at entry (nothing runs): the interpreter steps past 2^53", () => {
    const prog = `
func f(s) {
    mut i := s
    mut c := 0
    while c < 3 {
        c += 1
        i += 1
    }
    return i
}
mut t := 0
for k in range(40) {
    t += f(k)
}
print(t)
print(f(${MAX}))
`;
    // The side trace from the caller's loop exit stops at print (a builtin it does not
    // call): the interpreter makes the call f(MAX), whose loop it enters f's tree at.
    const r = run(prog, { hotloop: 2, hotexit: 1, loopunroll: 0 });
    expect(r.out).toBe(runWithoutJit(prog));
    expect(r.out).toBe("900\n9007199254740994\n");
    const tree = r.jit.compiled.find((c) => c.tree.kind === "loop")!.tree;
    const entrySnap = tree.root.trace.meta.entrySnap!;
    expect(tree.root.exitCounts[entrySnap]).toBe(1); // f(MAX): refused at entry
    expect(tree.root.sides.has(entrySnap)).toBe(false); // a refusal grows no side trace
  });
});

describe("loop peeling (peel=1)", () => {
  const invariant = `
func f(n, k) {
    mut total := 0
    mut i := 0
    while i < n {
        total += k * k + i
        i += 1
    }
    return total
}
print(f(500, 12))
`;

  it("computes what holds in every iteration once, before LOOP; the carried values enter through their PHIs", () => {
    const r = run(invariant, { peel: 1 });
    expect(r.out).toBe(runWithoutJit(invariant));
    const root = r.jit.compiled[0].tree.root.trace;
    const [before, after] = split(printTrace(root));
    expect(before).toMatch(/ MUL /); // k * k, in the peeled iteration
    expect(after).not.toMatch(/ MUL /); // ... and only there
    expect(after).toMatch(/ADD_SAFE/); // the counter, bounded by the peeled iteration's test
    const phis = root.phis();
    expect(phis.length).toBe(2);
    for (const phi of phis) expect(root.c[phi]).not.toBe(0); // both enter with the peeled iteration's value
    // Without peeling the product is computed in the loop.
    expect(split(printTrace(run(invariant).jit.compiled[0].tree.root.trace))[1]).toMatch(/ MUL /);
  });

  // Mandelbrot's loops: points outside the set leave the inner loop in its first iteration.
  const nested = `
func m(size, max_iter) {
    mut total := 0
    mut py := 0
    while py < size {
        let ci := 3.0 * py / size - 1.5
        mut px := 0
        while px < size {
            let cr := 3.0 * px / size - 2.0
            mut zr := 0.0
            mut zi := 0.0
            mut t := 0.0
            mut it := 0
            while it < max_iter && zr * zr + zi * zi <= 4.0 {
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                it += 1
            }
            total += it
            px += 1
        }
        py += 1
    }
    return total
}
print(m(60, 40))
`;

  it("an inner loop that often runs no iteration grows side traces at the peeled iteration's exits, which call the tree afresh", async () => {
    const expected = runWithoutJit(nested);
    for (const params of [{ peel: 1 }, { peel: 1, hotloop: 1, hotexit: 1 }]) {
      const r = run(nested, params);
      expect(r.out).toBe(expected);
      expect(summaryOf(r).aborts.filter((a) => a.reason === "jit_error")).toEqual([]);
      for (const c of r.jit.compiled) {
        const v = await validateWasm(c.bytes);
        expect(v.errors).toBe("");
      }
    }
    const r = run(nested, { peel: 1 });
    const inner = r.jit.compiled.map((c) => c.tree).find((t) => t.kind === "loop" && t.traces.some((u) => u.parent !== null && u.parent.parent === null && beforeLoop(u.parent.trace, u.parentExit)));
    expect(inner).toBeDefined();
    expect(tracesOf(r, "side").length).toBeGreaterThanOrEqual(2);
  });
});

/** Whether snapshot snap of trace is taken before its LOOP (the peeled iteration's). */
function beforeLoop(trace: { snapshots: { atRef: number }[]; loopRef: number; op: Uint8Array }, snap: number): boolean {
  return trace.loopRef !== 0 && trace.op[trace.loopRef] === IrOp.LOOP && trace.snapshots[snap].atRef < trace.loopRef;
}

describe("numbers as conditions", () => {
  it("an int or float condition is a test against zero and a guard: `while n` and `if i % 3` trace", () => {
    const src = `
func f(n, x) {
    mut hits := 0
    while n {
        n -= 1
        if n % 3 {
            hits += 1
        }
        if x {
            hits += 2
        }
    }
    return hits
}
print(f(3000, 0.5), f(2000, 0.0))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    // The ints against zero; the float exactly (not Ruff's != with its tolerance): !(|x| <= 0).
    expect(ir.match(/ NE /g)?.length).toBeGreaterThanOrEqual(2);
    expect(ir).toMatch(/FABS/);
  });
});
