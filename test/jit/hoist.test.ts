// Invariant reads run before LOOP (hoistInvariantReads in src/trace/assemble.ts): in a
// root loop that writes no memory, a read whose operands no iteration changes runs once
// per entry. Side traces that write memory, or change a slot such a read depends on,
// re-enter the tree from its start instead of branching back into the loop; a tree whose
// moved reads keep refusing at entry is recorded again without moving them.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf } from "./support";
import { printTrace } from "../../src/ir/printer";
import type { Tree } from "../../src/trace/tree";

/** The root trace's instructions before and after LOOP, as printed. */
function split(tree: Tree): { before: string; body: string } {
  const ir = printTrace(tree.root.trace);
  const at = ir.indexOf(" LOOP");
  expect(at).toBeGreaterThan(0);
  return { before: ir.slice(0, at), body: ir.slice(at) };
}

const count = (text: string, word: string): number => text.split(word).length - 1;

const matmul = `
func matmul(a, b, n) {
    mut c := []
    for i in range(n) {
        mut row := []
        for j in range(n) {
            mut s := 0.0
            for k in range(n) {
                s = s + a[i][k] * b[k][j]
            }
            row = push(row, s)
        }
        c = push(c, row)
    }
    return c
}
func make(n, seed) {
    mut m := []
    for i in range(n) {
        mut row := []
        for j in range(n) {
            row = push(row, ((i * 31 + j * 17 + seed) % 100) / 10.0)
        }
        m = push(m, row)
    }
    return m
}
let c := matmul(make(12, 1), make(12, 2), 12)
print(c[0][0], c[5][7], c[11][11])
`;

describe("invariant reads", () => {
  it("a[i] of a[i][k] in a loop over k is read once per entry, b[k] of b[k][j] in every iteration", () => {
    const r = run(matmul);
    expect(r.out).toBe(runWithoutJit(matmul));
    const inner = r.jit.compiled.map((c) => c.tree).find((t) => t.kind === "loop" && / PAGET /.test(printTrace(t.root.trace)) && count(printTrace(t.root.trace), "aget_ref") === 2)!;
    expect(inner).toBeDefined();
    const { before, body } = split(inner);
    expect(count(before, "aget_ref")).toBe(1);
    expect(count(before, "AHANDLE")).toBe(1);
    expect(count(body, "aget_ref")).toBe(1);
    expect(inner.root.trace.meta.readPins?.length).toBe(2); // a and i
  });

  it("stay in the loop when the loop writes memory", () => {
    const src = `
func f(a, i, n) {
    mut out := []
    for k in range(n) {
        out = push(out, a[i][k])
    }
    return out
}
let m := [[1.5, 2.5, 3.5, 4.5], [5.5, 6.5, 7.5, 8.5]]
mut t := 0.0
for r in range(200) {
    let o := f(m, r % 2, 4)
    t = t + o[3]
}
print(t)
`;
    const r = run(src, { hotloop: 1 });
    expect(r.out).toBe(runWithoutJit(src));
    for (const c of r.jit.compiled) {
      if (c.tree.kind !== "loop") continue;
      expect(c.tree.root.trace.meta.readPins).toBeUndefined();
      expect(split(c.tree).before).not.toMatch(/aget_ref/);
    }
  });

  // A side trace changes what a moved read reads: the element in place (a[j] += 1), the
  // array (a = other) or the index (j = 1 - j). None may branch back into the loop, where
  // the moved read's old value would be used: the sums show it.
  for (const [what, change] of [["the element, in place", "a[j] = a[j] + 1.0"], ["the array", "a = b"], ["the index", "j = 1 - j"]]) {
    it(`written by a side trace (${what}): the side trace re-enters the tree`, () => {
      const src = `
func f(a, b, n) {
    mut j := 0
    mut s := 0.0
    mut k := 0
    while k < n {
        s = s + a[j]
        if k % 20 == 19 {
            ${change}
        }
        k += 1
    }
    return s
}
print(f([1.0, 10.0], [100.0, 1000.0], 400))
`;
      for (const params of [{}, { hotloop: 1, hotexit: 1 }]) {
        const r = run(src, params);
        expect(r.out).toBe(runWithoutJit(src));
        const tree = r.jit.compiled.map((c) => c.tree).find((t) => t.kind === "loop")!;
        expect(split(tree).before).toMatch(/PAGET/);
        // The side trace of the branch does not end in the loop: it leaves for the tree's
        // start (an EXIT linked to the tree's function), or returns.
        const sides = tree.traces.filter((t) => t.parent !== null);
        expect(sides.length).toBeGreaterThan(0);
        for (const side of sides) expect(side.end.kind).not.toBe("loop");
      }
    });
  }

  it("that keep refusing at entry: the tree is retired and its loop recorded again without moving them", () => {
    // Row 0 packs as floats, row 1 as ints: the moved AHANDLE of a[i] (floats) refuses
    // every entry with i = 1.
    const src = `
func g(a, i, n) {
    mut s := 0.0
    for k in range(n) {
        s = s + a[i][k]
    }
    return s
}
let m := [[0.5, 1.5, 2.5, 3.5, 4.5, 5.5], [1, 2, 3, 4, 5, 6]]
mut t := 0.0
for r in range(400) {
    t = t + g(m, (r / 50) % 2, 6)
}
print(t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const retired = r.events.filter((e) => e.event === "retire");
    expect(retired.length).toBeGreaterThan(0);
    const loops = r.jit.compiled.map((c) => c.tree).filter((t) => t.kind === "loop" && t.proto.name === "g");
    expect(loops.some((t) => t.root.trace.meta.readPins === undefined)).toBe(true);
    expect(summaryOf(r).aborts).toEqual([]);
  });
  it("of a constant index through a handle taken at entry: a tree refusing for a short array is retired once, then recorded without moving them", () => {
    // a[3] reads the array's handle (taken before LOOP) at a constant index: nothing but
    // the handle and constants. The short array refuses at entry; recorded again with the
    // read moved, it would refuse and be retired again and again.
    const src = `
func f(a, n, flag) {
    mut s := 0
    for k in range(n) {
        if flag {
            s = (s + a[3] + k) % 1000003
        } else {
            s = s + k
        }
    }
    return s
}
let long := [1, 2, 3, 4]
let short := [1, 2]
mut t := 0
for r in range(300) {
    t = t + f(long, 20, true)
    t = t + f(short, 20, false)
}
print(t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.events.filter((e) => e.event === "retire")).toHaveLength(1);
  });

  it("of a constant index or a length through a handle taken at entry: a side trace writing the array in place re-enters the tree", () => {
    const src = `
func f(a) {
    mut s := 0
    for k in range(1000) {
        s = s + a[0] + len(a)
        if k % 10 == 9 {
            a = push(a, 1)
            a[0] = a[0] + 1
        }
    }
    return s
}
print(f([1, 2]))
`;
    for (const params of [{}, { hotloop: 1, hotexit: 1 }]) {
      const r = run(src, params);
      expect(r.out).toBe(runWithoutJit(src));
      const tree = r.jit.compiled.map((c) => c.tree).find((t) => t.kind === "loop")!;
      expect(split(tree).before).toMatch(/PAGET/);
      expect(tree.root.trace.meta.readPins).toBeDefined();
      const sides = tree.traces.filter((t) => t.parent !== null);
      expect(sides.length).toBeGreaterThan(0);
      for (const side of sides) expect(side.end.kind).not.toBe("loop");
    }
  });
});
