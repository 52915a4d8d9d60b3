// Trace-shape tests for register liveness and links between loop trees: dead registers
// are neither carried around a loop nor written by exits, and a side trace that leaves
// for another loop's header tail-calls that loop's tree instead of exiting.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { handleParams } from "../../src/backend/emit-tree";
import { run, runWithoutJit, sieveSource, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";
import { livenessOf } from "../../src/trace/liveness";
import { EXT_SLOT_BASE } from "../../src/trace/recorder";
import { parseProgram } from "../../src/frontend/parser";
import { Compiler } from "../../src/frontend/compiler";
import { Op, type FunctionProto } from "../../src/interp/bytecode";

const SIEVE = sieveSource(20000);

function compiledFunction(source: string, name: string): FunctionProto {
  const compiler = new Compiler(() => {
    throw new Error("no imports here");
  });
  compiler.compileModule(parseProgram(source, "t.ruff"));
  const find = (p: FunctionProto): FunctionProto | undefined => (p.name === name ? p : p.protos.map(find).find((x) => x !== undefined));
  const found = compiler.program.modules.map((m) => find(m.main!)).find((x) => x !== undefined);
  if (found === undefined) throw new Error(`no function ${name}`);
  return found;
}

describe("register liveness", () => {
  const src = `
func f(n) {
    mut s := 0.0
    mut t := 0.0
    mut i := 0
    while i < n {
        t = i * 0.5
        s += t * t
        i += 1
    }
    return s
}
print(f(1000))
`;

  it("a temporary written before it is read in every iteration is dead at the loop header", () => {
    const f = compiledFunction(src, "f");
    const live = livenessOf(f)!;
    expect(live).not.toBeNull();
    // The header: the target of the loop's backward jump.
    let header = -1;
    for (let pc = 0; pc < f.code.length; pc += 4) {
      const target = f.code[pc + 3];
      if (f.code[pc] >= Op.JNEQ && f.code[pc] <= Op.INCJLE && target <= pc) header = target;
      if (f.code[pc] === Op.JMP && f.code[pc + 1] <= pc) header = f.code[pc + 1];
    }
    expect(header).toBeGreaterThanOrEqual(0);
    // n, s and i are read before they are written from the header on; t is not.
    expect([0, 1, 2, 3].filter((r) => live.isLive(header, r))).toHaveLength(3);
  });

  it("the loop carries only live registers: PHIs for s and i, none for t", () => {
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir.match(/ PHI /g) ?? []).toHaveLength(2);
  });

  it("a closure reads the registers it captures when it is made, and no register later", () => {
    const f = compiledFunction(`
func f(x) {
    let y := x + 1
    let g := func() {
        return y
    }
    mut t := 0
    t = 5
    return g() + t
}
print(f(1))
`, "f");
    const live = livenessOf(f);
    expect(live).not.toBeNull();
    let closurePc = -1;
    for (let pc = 0; pc < f.code.length; pc += 4) if (f.code[pc] === Op.CLOSURE) closurePc = pc;
    const y = f.protos[f.code[closurePc + 2]].captures[0].index;
    expect(live!.isLive(closurePc, y)).toBe(true);
    expect(live!.isLive(closurePc + 4, y)).toBe(false); // g holds its own copy of y
  });

  it("functions liveness cannot follow (try) count every register as live", () => {
    const withTry = compiledFunction(`
func g(x) {
    try {
        return x + 1
    } except err {
        return 0
    }
}
print(g(1))
`, "g");
    expect(livenessOf(withTry)).toBeNull();
  });
});

/** nbody's reduced to its shape: a force loop (sqrt) over pairs, then a position loop. */
const NBODY_SHAPE = `
func sim(steps) {
    mut xs := [0.0, 1.0, 2.5, 4.0]
    mut vs := [0.0, 0.0, 0.0, 0.0]
    let n := len(xs)
    mut step := 0
    mut i := 0
    mut j := 0
    mut d := 0.0
    while step < steps {
        i = 0
        while i < n {
            j = 0
            while j < n {
                d = xs[i] - xs[j]
                vs[i] = vs[i] - d * 0.001 / (1.0 + sqrt(d * d))
                j += 1
            }
            i += 1
        }
        i = 0
        while i < n {
            xs[i] = xs[i] + vs[i] * 0.01
            i += 1
        }
        step += 1
    }
    return [xs[0], xs[3], vs[1]]
}
print(sim(400))
`;

/** The same, with an array (ms) only the force loop reads. */
const SOURCES_PASS = NBODY_SHAPE.replace("    let n := len(xs)", "    let ms := [1.0, 0.5, 2.0, 1.5]\n    let n := len(xs)").replace("vs[i] - d * 0.001", "vs[i] - d * ms[j] * 0.001");

describe("links between loop trees", () => {
  it("sieve: the outer loop's side trace tail-calls the inner loop's tree instead of exiting", () => {
    const r = run(SIEVE);
    expect(r.out).toBe(runWithoutJit(SIEVE));
    const roots = tracesOf(r, "root");
    const sides = tracesOf(r, "side");
    expect(roots).toHaveLength(3); // the push loop, the marking loop, the outer loop
    const rootIds = new Set(roots.map((t) => String(t.id)));
    // A side trace of one tree links to the root of another: "link" names that root.
    const treeRootOf = (id: unknown): string => String(r.jit.compiled.find((c) => c.tree.traces.some((x) => x.id === id))!.tree.root.id);
    const crossLinks = sides.filter((t) => rootIds.has(String(t.link)) && String(t.link) !== treeRootOf(t.id));
    // Into the marking loop, and (once the outer loop has its tree: the first attempts ran
    // into it and are retried) from the marking loop's end back to the outer loop.
    expect(crossLinks).toHaveLength(2);
    // A linking trace's final EXIT (its last snapshot) is a tail call: never taken as an exit.
    const s = summaryOf(r);
    for (const linker of crossLinks) expect(s.exits.filter((e) => e.trace === linker.id && e.exit === Number(linker.guards) - 1)).toEqual([]);
  });

  it("nbody's shape: two inner loops link to each other, the one calling sqrt making its identity check for the other", () => {
    const src = NBODY_SHAPE;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const roots = tracesOf(r, "root");
    const rootIds = new Set(roots.map((t) => String(t.id)));
    const treeRootOf = (id: unknown): string => String(r.jit.compiled.find((c) => c.tree.traces.some((x) => x.id === id))!.tree.root.id);
    const crossLinks = tracesOf(r, "side").filter((t) => rootIds.has(String(t.link)) && String(t.link) !== treeRootOf(t.id));
    expect(crossLinks).toHaveLength(2);
    // The position loop's tree makes the check of sqrt that the force loop's tree needs.
    const positions = r.jit.compiled.find((c) => c.tree.traces.some((x) => x.id === crossLinks.find((t) => treeRootOf(t.id) !== String(r.jit.compiled[0].tree.root.id))?.id));
    expect(positions?.tree.checks.length).toBe(1);
    // Once linked, the steps run in wasm: 400 steps, but no exit is taken 30 times.
    expect(summaryOf(r).exits.every((e) => e.count < 30)).toBe(true);
  });

  it("nbody's shape with an array only the force loop reads: the position loop's tree passes its handle on, so no step asks JS for handles", () => {
    const src = SOURCES_PASS;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const trees = r.jit.compiled.map((c) => c.tree);
    // The position loop's tree takes no handle for ms but carries ms to the force loop's
    // tree: it passes the handle that tree gave it back to it.
    const passing = trees.filter((t) => t.passHandles.length > 0);
    expect(passing).toHaveLength(1);
    expect(passing[0].passHandles).toHaveLength(1);
    const passed = passing[0].passHandles[0];
    // The force loop's tree takes that handle itself; the passing tree reads no ms.
    const taking = trees.filter((t) => handleParams(t).some((h) => h.ref !== undefined && h.slot === passed.slot && h.elem === passed.elem));
    expect(taking.length).toBeGreaterThanOrEqual(1);
    expect(taking).not.toContain(passing[0]);
    expect(handleParams(passing[0]).filter((h) => h.ref !== undefined).map((h) => h.slot)).not.toContain(passed.slot);
    // Each step links from one tree to the other and back: without the passed handle
    // every step would ask JS for a batch of handles (ahandle4). With it, the handles
    // taken do not grow with the steps.
    const twice = run(src.replace("sim(400)", "sim(800)"));
    expect(twice.out).toBe(runWithoutJit(src.replace("sim(400)", "sim(800)")));
    expect(twice.jit.heap.takes).toBe(r.jit.heap.takes);
  });

  it("a script's top-level loops (globals, not registers) link like a function's: nbody's shape at the top level", () => {
    // Every variable here is a global: a place, numbered once for every tree. With
    // numbers per tree, neither inner loop's tree could take the other's globals, and
    // both ends of every outer iteration were exits to the interpreter.
    const src = `
mut total := 0
mut outer := 0
while outer < 400 {
    mut i := 0
    while i < 5 {
        mut j := i + 1
        while j < 5 {
            total += i * j % 7
            j += 1
        }
        i += 1
    }
    i = 0
    while i < 5 {
        total += i % 3
        i += 1
    }
    outer += 1
}
print(total)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const roots = tracesOf(r, "root");
    expect(roots).toHaveLength(2); // the pair loop, the second inner loop
    const rootIds = new Set(roots.map((t) => String(t.id)));
    const treeRootOf = (id: unknown): string => String(r.jit.compiled.find((c) => c.tree.traces.some((x) => x.id === id))!.tree.root.id);
    const crossLinks = tracesOf(r, "side").filter((t) => rootIds.has(String(t.link)) && String(t.link) !== treeRootOf(t.id));
    // From the pair loop's end into the second loop, and from its end (round the outer
    // loop) back into the pair loop.
    expect(crossLinks).toHaveLength(2);
    expect(r.jit.compiled.every((c) => [...c.tree.slots.keys()].some((s) => s >= EXT_SLOT_BASE))).toBe(true);
    // Once linked, the outer iterations run in wasm: 400 of them, no exit taken 30 times.
    expect(summaryOf(r).exits.every((e) => e.count < 30)).toBe(true);
  });

  it("without links every inner-loop entry would be an exit: the same program with loops that cannot link is still exact", () => {
    // The outer loop keeps a string (a type trees do not carry) live: no link can take it.
    const src = SIEVE.replace("mut count := 0", 'mut count := 0\n    mut tag := "x"').replace("count += 1", "count += 1\n            tag = tag").replace("return count", "return [count, tag]");
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
  });
});

describe("retries after an abort", () => {
  it("a recording that began on a loop's last iteration (left_loop) is retried at the next back edge, not after a multiple of the trip count", () => {
    // hotloop=20 and its doublings are multiples of the update loop's 5 iterations: with
    // the doubled wait every retry began on its last iteration, the side trace waiting for
    // its tree gave up, and every step ran in the interpreter.
    const src = readFileSync("test/programs/jit_left_loop_retry.ruff", "utf8");
    const r = run(src, { hotloop: 20, hotexit: 4 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(tracesOf(r, "root").length).toBeGreaterThanOrEqual(2);
    expect(r.events.filter((e) => e.event === "blacklist")).toEqual([]);
    expect(summaryOf(r).exits.every((e) => e.count < 100)).toBe(true);
    expect(r.events.some((e) => e.event === "abort" && e.reason === "left_loop")).toBe(true);
  });
});
