// Generic and generated JS at trees' entries and exits (src/deopt/exits.ts): a compiled
// tree's first `hotstub` entries walk its slots, later ones go through a stub generated
// for it; an exit site's first `hotstub` records are written back by walking its layout,
// later ones by a restorer generated for it. Either way the same trees must be entered
// with the same arguments, and exits must leave the interpreter exactly the same registers: ints, floats, bools, array
// references, constants (an int, a float, a bool) and a struct the trace
// never allocated (made by the exit) cross these exits. Whole floats print like ints, so
// the program returns type_of of a float constant it copied after an exit.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf } from "./support";
import { toWat } from "../../src/backend/binaryen-tools";

// The loop exits at the `if` (a sunk struct live) and at its end, every call of f; with
// hotexit out of reach the exits stay exits (no side trace takes them over). f's loop
// tree checks that op is the function it inlined (double): from the 21st call on, op is
// triple and the entry must refuse; `on` is a bool read before it is written in the loop;
// cfg is a struct argument (the entry checks its class).
const src = `
struct P {
    x: float,
    n: int,
    ok: bool
}
func double(v) {
    return v * 2
}
func triple(v) {
    return v * 3
}
func f(n, op, cfg) {
    mut a := 0
    mut x := 0.0
    mut y := 0.5
    mut flag := false
    mut on := true
    mut arr := [1, 2, 3]
    mut last := P { x: 0.0, n: 0, ok: false }
    mut lastHalf := 0.0
    mut i := 0
    while i < n {
        let seven := 7
        let half := 0.5
        let yes := true
        a += i
        x = x + 1.0
        y = y * 1.5
        flag = i % 2 == 0
        let p := P { x: x, n: i, ok: flag }
        if i % 7 == 3 {
            last = p
            lastHalf = half
        }
        a += op(seven) + cfg.n
        if on {
            a += 2
        }
        on = i % 3 != 0
        if half < 1.0 {
            a += 1
        }
        if yes {
            i += 1
        }
    }
    return [a, x, y, flag, arr, last.x, last.n, last.ok, type_of(lastHalf)]
}
mut k := 0
mut out := []
mut op := double
while k < 30 {
    if k == 20 {
        op = triple
    }
    out = f(20 + k, op, P { x: 1.5, n: k, ok: true })
    k += 1
}
print(out)
`;

// At module level the loop's variables are globals: places outside any frame, which the
// entry reads and exits write back.
const globalsSrc = `
mut g := 0
mut total := 0.5
mut i := 0
while i < 2000 {
    g += 1
    if i % 10 == 3 {
        total = total + 0.5
    }
    i += 1
}
print(g, total, type_of(total))
`;

const restorerEvents = (r: ReturnType<typeof run>) => r.events.filter((e) => e.event === "restorer") as { trace: number; exit: number; after: number }[];
const stubEvents = (r: ReturnType<typeof run>) => r.events.filter((e) => e.event === "stub") as { trace: number; after: number }[];
/** The trees compiled (their root traces: side traces join their root's tree). */
const treesOf = (r: ReturnType<typeof run>) => r.events.filter((e) => e.event === "trace" && e.parent === null).map((e) => e.id as number);

describe("generic and generated entries and exits", () => {
  const expected = runWithoutJit(src);
  const runs = [0, 30, 65535].map((hotstub) => ({ hotstub, r: run(src, { hotexit: 65535, hotstub, strict: 1 }) }));

  it("prints what the interpreter prints, whichever way the records are written back", () => {
    for (const { r } of runs) expect(r.out).toBe(expected);
  });

  it("reads and writes back globals (places) the same way", () => {
    const expectedGlobals = runWithoutJit(globalsSrc);
    const exits = [0, 65535].map((hotstub) => {
      const r = run(globalsSrc, { hotexit: 65535, hotstub, strict: 1 });
      expect(r.out).toBe(expectedGlobals);
      return summaryOf(r).exits.map((e) => [e.trace, e.exit, e.count]);
    });
    expect(exits[0].length).toBeGreaterThanOrEqual(1);
    expect(exits[1]).toEqual(exits[0]);
  });

  it("takes the same exits the same number of times either way", () => {
    const exits = runs.map(({ r }) => summaryOf(r).exits.map((e) => [e.trace, e.exit, e.count]));
    expect(exits[0].length).toBeGreaterThanOrEqual(2);
    for (const e of exits) expect(e).toEqual(exits[0]);
  });

  it("generates a site's restorer once, when it has been left more than hotstub times", () => {
    for (const { hotstub, r } of runs) {
      const taken = summaryOf(r).exits.filter((e) => e.count > hotstub).map((e) => [e.trace, e.exit]);
      const made = restorerEvents(r);
      expect(made.map((e) => [e.trace, e.exit]).sort()).toEqual(taken.sort());
      for (const e of made) expect(e.after).toBe(hotstub);
    }
    // The cases differ: every site at once, the hot ones only, none.
    const [all, hot, none] = runs.map(({ r }) => restorerEvents(r).length);
    expect(all).toBeGreaterThan(hot);
    expect(hot).toBeGreaterThan(none);
    expect(none).toBe(0);
  });

  it("generates a tree's entry stub at compile time with hotstub=0, never when it is out of reach", () => {
    const [atOnce, , never] = runs;
    expect(treesOf(atOnce.r).length).toBeGreaterThanOrEqual(2); // f's loop, entry trees of double and triple
    expect(stubEvents(atOnce.r).map((e) => e.trace).sort()).toEqual(treesOf(atOnce.r).sort());
    for (const e of stubEvents(atOnce.r)) expect(e.after).toBe(0);
    expect(treesOf(never.r)).toEqual(treesOf(atOnce.r));
    expect(stubEvents(never.r)).toEqual([]);
  });
});

describe("exit records holding many objects", () => {
  const lets = (prefix: string, from: string, n: number, indent: string): string =>
    Array.from({ length: n }, (_, i) => `${indent}let ${prefix}${i} := to_string(${from} + ${i})`).join("\n");
  const lens = (prefix: string, n: number): string => Array.from({ length: n }, (_, i) => `len(${prefix}${i})`).join(" + ");

  it("an exit through nested native calls (CALLT) stacks more refs than one tree's records: the ref table grows", () => {
    const src = `
func r(n, bad) {
    if n <= 0 {
        if bad == 1 { return 0.5 }
        return 0
    }
${lets("a", "n", 12, "    ")}
    let x := r(n - 1, bad)
    return x + ${lens("a", 12)}
}
mut t := 0
for k in range(3000) {
    t = t + r(10, k / 2900)
}
print(t)
`;
    // The float return deep down exits every level of the recursion, each record holding 12 strings.
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.events.some((e) => e.event === "deopt")).toBe(true);
  });

  it("an exit of a loop tree a trace runs (CALLL) writes the caller's record on top of the tree's: the ref table grows", () => {
    const src = `
func f(n, bad) {
    mut s := 0
    mut i := 0
    while i < n {
        if i > 0 {
${lets("a", "i", 33, "            ")}
            if i == bad { s = s + 0.5 }
            s = s + ${lens("a", 33)}
        }
        i += 1
    }
    return s
}
mut t := 0
for k in range(3000) {
${lets("b", "k", 32, "    ")}
    let bad := 100 - (k / 2501) * 95
    t = t + f(12, bad)
    t = t + ${lens("b", 32)}
}
print(t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.events.some((e) => e.event === "call_loop")).toBe(true);
  });
});

describe("the size of a tree (maxbytes)", () => {
  it("a recording whose tree would pass maxbytes of wasm aborts (trace_too_long); a side trace that would leaves the tree as it was", () => {
    const src = `
func f(n) {
    mut s := 0
    mut i := 0
    while i < n {
        let a := to_string(i)
        let b := to_string(i + 1)
        if i % 7 == 3 { s = s + len(a) } else { s = s + len(b) }
        i += 1
    }
    return s
}
print(f(5000))
`;
    // maxbytes bounds the tree function's code; the module around it adds the exits' store
    // functions, imports and the JS entry (well under 1 KB here).
    const roomy = run(src);
    expect(roomy.out).toBe(runWithoutJit(src));
    const tree = roomy.jit.compiled[0];
    expect(tree.tree.traces.length).toBeGreaterThan(1);
    expect(summaryOf(roomy).aborts.filter((a) => a.reason === "trace_too_long")).toEqual([]);
    const tight = run(src, { maxbytes: Math.max(1024, tree.bytes.length - 1024) });
    expect(tight.out).toBe(runWithoutJit(src));
    expect(summaryOf(tight).aborts).toContainEqual(expect.objectContaining({ reason: "trace_too_long" }));
    expect(tight.jit.compiled.every((c) => c.bytes.length < tree.bytes.length)).toBe(true);
  });
});

describe("exit records of many live values", () => {
  // The loop makes 40 strings, and every guard after the k-th (its branch, the checks of
  // to_string and len) keeps k of them: on average 20 refs for each of the ~240 exits.
  // Stores written out in each exit (as they were) made that ~4800 table stores. Store
  // functions of at most 8 values each, shared by exits whose value types begin alike,
  // hold a few hundred.
  const strings = 40;
  const lines = Array.from({ length: strings }, (_, k) => `        let s${k} := to_string(i + ${k})\n        if len(s${k}) == 9 { total += 1 }`);
  const src = `
func f(n) {
    mut total := 0
    mut i := 0
    while i < n {
${lines.join("\n")}
        total += ${Array.from({ length: strings }, (_, k) => `len(s${k})`).join(" + ")}
        i += 1
    }
    return total
}
print(f(200))
`;

  it("share store functions: the table stores grow with the values, not with exits x values", async () => {
    const r = run(src, { hotloop: 1 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.jit.compiled).toHaveLength(1);
    const wat = await toWat(r.jit.compiled[0].bytes);
    const exits = wat.split(/\n \(func /).find((f) => f.startsWith("$0 "))!.match(/\(return_call \$\d+/g) ?? [];
    expect(exits.length).toBeGreaterThanOrEqual(4 * strings);
    const tableSets = wat.match(/table\.set/g)?.length ?? 0;
    expect(tableSets).toBeGreaterThan(strings);
    expect(tableSets).toBeLessThan((exits.length * strings) / 8);
  });

  it("are written back alike from every exit (forced, every branch a side trace)", () => {
    const forced = run(src, { hotloop: 1, hotexit: 1 });
    expect(forced.out).toBe(runWithoutJit(src));
    expect(forced.jit.compiled[0].tree.traces.length).toBeGreaterThan(1);
  });
});
