// Trace-shape tests for structs made inside traces: never allocated (field reads take
// the field values), made by the exits that need them (allocation sinking), and an abort
// with its reason when such a struct is needed around the loop or holds an array.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";
import { validateWasm } from "../../src/backend/binaryen-tools";

describe("structs in traces", () => {
  it("a struct made and read in the loop body costs no code: one trace, no aborts, no allocation", () => {
    const src = `
struct Point {
    x: int,
    y: int
}
func f(n) {
    mut total := 0
    mut i := 0
    while i < n {
        let p := Point { x: i, y: i % 100 }
        total += p.x + p.y
        i += 1
    }
    return total
}
print(f(5000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).not.toMatch(/KREF|CALLH/); // no struct object, no helper
    expect(ir.match(/ ADD /g) ?? []).toHaveLength(2); // p.x + p.y, total +=
    expect(ir.match(/ ADD_SAFE /g) ?? []).toHaveLength(1); // i += 1: bounded by the entry check and i < n
  });

  it("a struct live at an exit is made by the exit (allocation sinking): the trace still never allocates it", () => {
    const src = `
struct V {
    x: float,
    n: int,
    ok: bool
}
func f(n) {
    mut last := V { x: 0.0, n: 0, ok: false }
    mut i := 0
    while i < n {
        let v := V { x: i * 1.0, n: i, ok: i % 2 == 0 }
        if i % 100 == 7 {
            last = v
        }
        i += 1
    }
    return [last.x, last.n, last.ok]
}
print(f(1000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    // The struct appears only as VOBJECT (its fields listed), for the branch's exit.
    expect(ir).toMatch(/VOBJECT +k\d+ \{\d{4} \d{4} \d{4}\}/);
    expect(ir).not.toMatch(/CALLH/);
    // That exit is taken once per hundred iterations, and made the struct each time.
    const s = summaryOf(r);
    expect(s.exits.find((e) => e.line === 12)?.count).toBeGreaterThanOrEqual(9);
  });

  it("fields of a struct from outside the trace go through a layout-checking helper, once per entry; another layout refuses there, and the loop records again with the reads inside, where a third exits and grows a side trace", () => {
    const src = `
struct Cfg {
    scale: float,
    steps: int
}
struct Alt {
    steps: int,
    scale: float
}
func run(cfg, n) {
    mut acc := 0.0
    mut i := 0
    while i < n {
        acc += cfg.scale * i
        i += cfg.steps
    }
    return acc
}
print(run(Cfg { scale: 0.5, steps: 1 }, 2000))
print(run(Alt { steps: 2, scale: 1.5 }, 2000))
print(run(Cfg { scale: 0.25, steps: 1 }, 2000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    // Cfg's tree reads both fields before LOOP (the loop writes nothing): Alt's layout
    // refuses there until the tree is retired.
    const [first, second] = r.jit.compiled.map((c) => c.tree);
    const [before, body] = printTrace(first.root.trace).split(" LOOP");
    expect(before).toMatch(/CALLH +sget_float/);
    expect(before).toMatch(/CALLH +sget_int/);
    expect(body).not.toMatch(/CALLH/);
    expect(r.events.filter((e) => e.event === "retire")).toEqual([{ v: 1, event: "retire", trace: first.root.id }]);
    // Recorded again for Alt with the reads in the loop: Cfg's layout exits there and
    // grows a side trace.
    expect(tracesOf(r, "root")).toHaveLength(2);
    expect(second.root.trace.meta.readPins).toBeUndefined();
    expect(printTrace(second.root.trace).split(" LOOP")[1]).toMatch(/CALLH +sget_float/);
    expect(tracesOf(r, "side")).toEqual([expect.objectContaining({ parent: { trace: second.root.id, exit: expect.any(Number) } })]);
  });

  it("methods of a struct made in the trace are inlined; a method returning a struct returns a virtual one", () => {
    const src = `
struct Vec {
    x: float,
    y: float

    func dot(self, other) {
        return self.x * other.x + self.y * other.y
    }

    func scaled(self, k) {
        return Vec { x: self.x * k, y: self.y * k }
    }
}
func run(n) {
    mut acc := 0.0
    mut i := 0
    while i < n {
        let v := Vec { x: i * 1.0, y: 2.0 }
        acc += v.dot(v.scaled(0.5))
        i += 1
    }
    return acc
}
print(run(3000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    const inlined = r.events.filter((e) => e.event === "inline").map((e) => e.function);
    expect(inlined).toEqual(["Vec.scaled", "Vec.dot"]);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).not.toMatch(/CALLH|VOBJECT|KREF/); // nothing is allocated or looked up
  });

  it("methods of structs read from an array are inlined behind a check of the receiver's layout; another layout exits", () => {
    const src = `
struct Point {
    x: int,
    y: int

    func norm2(self) {
        return self.x * self.x + self.y * self.y
    }
}
struct Pair {
    y: int,
    x: int

    func norm2(self) {
        return self.x + self.y
    }
}
func total(pts, rounds) {
    mut s := 0
    for r in range(rounds) {
        for p in pts {
            s += p.norm2()
        }
    }
    return s
}
mut pts := []
for i in range(40) {
    pts = push(pts, Point { x: i % 7, y: i % 5 })
}
print(total(pts, 50))
pts[39] = Pair { y: 1, x: 2 }
print(total(pts, 50))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    const inlined = r.events.filter((e) => e.event === "inline").map((e) => e.function);
    expect(inlined).toContain("Point.norm2");
    const tree = r.jit.compiled.find((c) => c.tree.kind === "loop" && printTrace(c.tree.root.trace).includes("share_struct"))!.tree;
    const ir = printTrace(tree.root.trace);
    // The element, of the class seen (a struct), shared as `for` shares it; its layout
    // checked (and the receiver shared) by the call; its fields read by helpers.
    expect(ir).toMatch(/CALLH +aiter_ref/);
    expect(ir.match(/CALLH +share_struct/g)).toHaveLength(1);
    expect(ir).toMatch(/CALLH +sget_int/);
    // Pair's layout fails the check: a side trace inlines Pair.norm2 from that exit.
    expect(inlined).toContain("Pair.norm2");
  });

  it("an array of arrays: rows read through a helper of the row's class, then indexed as arrays", () => {
    const src = `
func sum(grid, n) {
    mut t := 0
    for r in range(n) {
        for c in range(n) {
            t += grid[r][c]
        }
    }
    return t
}
mut grid := []
for r in range(30) {
    mut row := []
    for c in range(30) {
        row = push(row, r * c % 7)
    }
    grid = push(grid, row)
}
print(sum(grid, 30))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    const inner = r.jit.compiled.map((c) => printTrace(c.tree.root.trace)).find((ir) => ir.includes("aget_ref"));
    expect(inner).toBeDefined();
    expect(inner).toMatch(/PAGET|AGET/);
  });

  it("a Result or Option made and matched in the trace costs no code; an exit that needs one makes it", () => {
    const src = `
func safe_div(a, b) {
    if b == 0 {
        return Err("division by zero")
    }
    return Ok(a / b)
}
func run(n) {
    mut total := 0
    mut bad := 0
    for i in range(n) {
        match safe_div(1000, i % 9 + 1) {
            case Ok(v): { total += v }
            case Err(e): { bad += 1 }
        }
    }
    return total + bad
}
func first_big(n) {
    for i in range(n) {
        let r := safe_div(i * 7, 3)
        if i > n - 10 {
            return r
        }
    }
    return Err("none")
}
print(run(3000))
print(first_big(3000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.out.split("\n")[1]).toBe("Ok(6979)");
    // safe_div gets hot on its own too, and its entry trace may not return an object (yet).
    const aborts = r.events.filter((e) => e.event === "abort");
    expect(aborts.map((e) => e.detail)).toEqual(["a Result or Option made in the trace is returned"]);
    const treeOf = (name: string) => r.jit.compiled.find((c) => c.tree.proto.name === name)!.tree;
    const runTree = treeOf("run");
    expect(runTree.traces).toHaveLength(1); // Err never happens: one trace, no side trace
    const ir = printTrace(runTree.root.trace);
    // The Ok the inlined call returns is never made (no snapshot even lists it), and the
    // match is no code.
    expect(ir).not.toMatch(/CALLH|VOBJECT/);
    expect(ir).toMatch(/DIV/);
    // first_big's Ok is live at the guard that leaves: listed as a VOBJECT, made by the exit.
    expect(printTrace(treeOf("first_big").root.trace)).toMatch(/VOBJECT/);
  });

  it("`?` on a Result the trace made: the payload with no code, or the function returns the Err", () => {
    const src = `
func safe_div(a, b) {
    if b == 0 {
        return Err("division by zero")
    }
    return Ok(a / b)
}
func calc(a, b, c) {
    let x := safe_div(a, b)?
    let y := safe_div(x, c)?
    return Ok(x + y)
}
func run(n) {
    mut total := 0
    for i in range(n) {
        match calc(100000, i % 7 + 1, i % 5 + 1) {
            case Ok(v): { total += v }
            case Err(e): { total -= 1 }
        }
    }
    return total
}
print(run(2000))
print(calc(1, 0, 1))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(r.events.filter((e) => e.event === "abort" && String(e.detail).includes("bytecode"))).toEqual([]);
    const tree = r.jit.compiled.find((c) => c.tree.proto.name === "run")!.tree;
    expect(tree.traces).toHaveLength(1);
    expect(printTrace(tree.root.trace)).not.toMatch(/CALLH|VOBJECT/);
  });

  it("a struct made in the trace and pushed onto an array is allocated there (NEWSTRUCT), once per push; the loop's trace has no abort", async () => {
    const src = `
struct V {
    x: float,
    n: int

    func step(self) {
        return V { x: self.x * 0.5 + 1.0, n: self.n + 1 }
    }
}
mut vs := [V { x: 0.0, n: 0 }]
for k in range(300) {
    vs = push(vs, vs[len(vs) - 1].step())
}
mut t := 0.0
for v in vs {
    t = t + v.x + v.n
}
print(len(vs), vs[300], t)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts).toEqual([]);
    const pushing = r.jit.compiled.find((c) => / NEWSTRUCT /.test(printTrace(c.tree.root.trace)))!;
    expect(pushing).toBeDefined();
    const ir = printTrace(pushing.tree.root.trace);
    expect(ir.split(" NEWSTRUCT ").length - 1).toBe(1);
    expect(ir).toMatch(/CALLH +apush_ref/);
    expect((await validateWasm(pushing.bytes)).errors).toBe("");
  });

  it("a struct holding an array is not made in traces (it would share the array)", () => {
    const src = `
struct Box {
    items: array
}
mut xs := [1, 2]
mut k := 0
mut total := 0
while k < 300 {
    let b := Box { items: xs }
    total += len(b.items)
    k += 1
}
print(total)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const aborts = r.events.filter((e) => e.event === "abort");
    expect(aborts.some((e) => String(e.detail).includes("struct holding an array"))).toBe(true);
  });
});
