// Writing exit records back (src/deopt/exits.ts): a site's first `hotrestore` records are
// written back by walking its layout, later ones by a restorer generated for the site.
// Both must leave the interpreter exactly the same registers: ints, floats, bools, array
// references, constants (a function, an int, a float, a bool) and a struct the trace
// never allocated (made by the exit) cross these exits. Whole floats print like ints, so
// the program returns type_of of a float constant it copied after an exit.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf } from "./support";

// The loop exits at the `if` (a sunk struct live) and at its end, every call of f; with
// hotexit out of reach the exits stay exits (no side trace takes them over).
const src = `
struct P {
    x: float,
    n: int,
    ok: bool
}
func double(v) {
    return v * 2
}
func f(n) {
    mut a := 0
    mut x := 0.0
    mut y := 0.5
    mut flag := false
    mut arr := [1, 2, 3]
    mut last := P { x: 0.0, n: 0, ok: false }
    mut lastHalf := 0.0
    mut i := 0
    while i < n {
        let g := double
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
        a += g(seven)
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
while k < 30 {
    out = f(20 + k)
    k += 1
}
print(out)
`;

const restorerEvents = (r: ReturnType<typeof run>) => r.events.filter((e) => e.event === "restorer") as { trace: number; exit: number; after: number }[];

describe("exit write-back", () => {
  const expected = runWithoutJit(src);
  const runs = [0, 30, 65535].map((hotrestore) => ({ hotrestore, r: run(src, { hotexit: 65535, hotrestore }) }));

  it("prints what the interpreter prints, whichever way the records are written back", () => {
    for (const { r } of runs) expect(r.out).toBe(expected);
  });

  it("takes the same exits the same number of times either way", () => {
    const exits = runs.map(({ r }) => summaryOf(r).exits.map((e) => [e.trace, e.exit, e.count]));
    expect(exits[0].length).toBeGreaterThanOrEqual(2);
    for (const e of exits) expect(e).toEqual(exits[0]);
  });

  it("generates a site's restorer once, when it has been left more than hotrestore times", () => {
    for (const { hotrestore, r } of runs) {
      const taken = summaryOf(r).exits.filter((e) => e.count > hotrestore).map((e) => [e.trace, e.exit]);
      const made = restorerEvents(r);
      expect(made.map((e) => [e.trace, e.exit]).sort()).toEqual(taken.sort());
      for (const e of made) expect(e.after).toBe(hotrestore);
    }
    // The cases differ: every site at once, the hot ones only, none.
    expect(runs.map(({ r }) => restorerEvents(r).length)).toEqual([2, 1, 0]);
  });
});
