// CSE (pure ops, commutative canonical order, loads up to the next store), snapshot
// bookkeeping in the builder, DCE (roots, snapshot liveness, renumbering, pruning of
// unchanged entry slots) and the verifier.

import { describe, expect, it } from "vitest";
import { IrBuilder, IrError } from "../../src/ir/builder";
import { eliminateDeadCode } from "../../src/ir/dce";
import { IR_OP_NAMES, IrOp, IrType } from "../../src/ir/ops";
import { printTrace } from "../../src/ir/printer";
import { newTrace, NO_REF } from "../../src/ir/trace";
import { verifyTrace } from "../../src/ir/verify";
import { RArray } from "../../src/interp/value";
import { MAIN, builder, opNames } from "./support";

const I = IrType.int;

describe("CSE", () => {
  it("reuses pure ops, with commutative operands in either order", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    const y = b.sload(1, 0, I);
    expect(b.sload(0, 0, I)).toBe(x);
    const sum = b.add(x, y);
    expect(b.add(x, y)).toBe(sum);
    expect(b.add(y, x)).toBe(sum);
    expect(b.sub(x, y)).not.toBe(b.sub(y, x));
    expect(b.gt(y, x)).toBe(b.lt(x, y));
    expect(b.eq(y, x)).toBe(b.eq(x, y));
    expect(b.kint(5)).toBe(b.kint(5));
    expect(b.trace.size).toBe(8); // x y sum sub sub lt eq 5
  });

  it("reuses a guarded op across snapshots (the first guard already checked it)", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    const m = b.mul(x, x);
    b.snapshot([{ proto: MAIN, base: 0, pc: 20, slots: [[0, m]] }]);
    expect(b.mul(x, x)).toBe(m);
    const c = b.lt(x, m);
    const g = b.guardTrue(c);
    expect(b.guardTrue(c)).toBe(g);
  });

  it("does not reuse loads across a store or call, and never reuses stores or calls", () => {
    const b = builder();
    const arr = b.sload(0, 0, IrType.ref);
    const i = b.sload(1, 0, I);
    const n1 = b.alen(arr);
    expect(b.alen(arr)).toBe(n1);
    const e1 = b.aget(arr, i, I);
    expect(b.aget(arr, i, I)).toBe(e1);
    expect(b.aget(arr, i, IrType.float)).not.toBe(e1); // another type is another guard
    b.aset(arr, i, i);
    expect(b.alen(arr)).not.toBe(n1);
    expect(b.aget(arr, i, I)).not.toBe(e1);
    const c1 = b.callHelper("push", IrType.none, [arr, i]);
    expect(b.callHelper("push", IrType.none, [arr, i])).not.toBe(c1);
    expect(b.trace.helpers).toEqual(["push"]);
  });

  it("can be switched off", () => {
    const b = builder();
    b.cseEnabled = false;
    const x = b.sload(0, 0, I);
    expect(b.sload(0, 0, I)).not.toBe(x);
  });

  it("rebuilds its tables when continuing an existing trace", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    const s = b.add(x, b.kint(1));
    const again = new IrBuilder(b.trace);
    expect(again.add(x, again.kint(1))).toBe(s);
  });
});

describe("builder checks", () => {
  it("rejects operands of the wrong type and refs from the future", () => {
    const b = builder();
    const f = b.sload(0, 0, IrType.float);
    const x = b.sload(1, 0, I);
    expect(() => b.add(x, f)).toThrow(IrError);
    expect(() => b.fadd(f, x)).toThrow(IrError);
    expect(() => b.add(x, 99)).toThrow(IrError);
    expect(() => b.eq(x, b.kbool(true))).toThrow(/bool with a number/);
    expect(() => b.sload(2, 0, IrType.none)).toThrow(/result type/);
  });

  it("keeps the loop structure: one LOOP, PHIs last, PHI lefts before LOOP", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    expect(() => b.phi(x, x)).not.toThrow(); // same ref: nothing carried
    expect(() => b.phi(x, b.kint(1))).toThrow(/before LOOP/);
    b.loop();
    expect(() => b.loop()).toThrow(IrError);
    const y = b.add(x, b.kint(1));
    expect(() => b.phi(y, x)).toThrow(/before LOOP/);
    expect(() => b.phi(x, b.kfloat(1))).toThrow(/type-unstable/);
    b.phi(x, y);
    expect(() => b.phi(x, y)).toThrow(/already carried/);
    expect(() => b.add(x, x)).toThrow(/after the PHIs/);
  });

  it("closes the trace at EXIT", () => {
    const b = builder();
    b.exit();
    expect(() => b.kint(1)).toThrow(/closed/);
  });
});

describe("snapshots", () => {
  it("sorts entries by slot, skips NO_REF, and reuses an identical current snapshot", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    const y = b.sload(1, 0, I);
    b.guardTrue(b.lt(x, y)); // uses snapshot 0
    const s1 = b.snapshot([{ proto: MAIN, base: 0, pc: 30, slots: new Map([[3, y], [1, x], [2, NO_REF]]) }]);
    expect(s1).toBe(1);
    expect(b.trace.snapshots[1].frames[0].slots).toEqual([1, 3]);
    expect(b.trace.snapshots[1].frames[0].refs).toEqual([x, y]);
    expect(b.snapshot([{ proto: MAIN, base: 0, pc: 30, slots: [[1, x], [3, y]] }])).toBe(1);
  });

  it("never changes a snapshot once taken; guards use the current one by default", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    const a = b.snapshot([{ proto: MAIN, base: 0, pc: 30, slots: [[0, x]] }]);
    const c = b.snapshot([{ proto: MAIN, base: 0, pc: 34, slots: [[0, x]] }]);
    expect([a, c, b.currentSnapshot]).toEqual([1, 2, 2]);
    expect(b.trace.snapshots[a].pc).toBe(30);
    const g = b.guardTrue(b.lt(x, b.kint(10)));
    expect(b.trace.snap[g]).toBe(c);
    expect(b.trace.snap[b.guardTrue(b.lt(x, b.kint(11)), a)]).toBe(a);
  });

  it("rejects snapshot refs that do not exist or have no value", () => {
    const b = builder();
    const g = b.guardTrue(b.sload(0, 0, IrType.bool));
    expect(() => b.snapshot([{ proto: MAIN, base: 0, pc: 1, slots: [[0, 50]] }])).toThrow(IrError);
    expect(() => b.snapshot([{ proto: MAIN, base: 0, pc: 1, slots: [[0, g]] }])).toThrow(IrError);
  });
});

describe("DCE", () => {
  it("drops unused pure instructions and renumbers, keeping guards and what snapshots hold", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    const y = b.sload(1, 0, I);
    b.mul(x, y); // dead, but a guard: stays
    b.neg(y); // dead, pure: goes
    const kept = b.neg(x);
    b.fadd(b.kfloat(1), b.sload(2, 0, IrType.float)); // dead chain: goes
    b.snapshot([{ proto: MAIN, base: 0, pc: 50, slots: [[3, kept]] }]);
    b.exit();
    const { trace, removed, refMap } = eliminateDeadCode(b.trace);
    expect(removed).toBe(4);
    expect(opNames(trace, IR_OP_NAMES)).toEqual(["SLOAD", "SLOAD", "MUL", "NEG", "EXIT"]);
    expect(refMap[kept]).toBe(4);
    expect(trace.snapshots.map((s) => s.frames[0].refs)).toEqual([[], [4]]);
    expect(verifyTrace(trace)).toEqual([]);
  });

  it("keeps stores and calls, drops unused loads", () => {
    const b = builder();
    const arr = b.kref(new RArray([1, 2]));
    b.alen(arr);
    b.aset(arr, b.kint(0), b.kint(9));
    b.callHelper("log", IrType.none, [arr]);
    b.exit();
    const { trace } = eliminateDeadCode(b.trace);
    expect(opNames(trace, IR_OP_NAMES)).toEqual(["KREF", "KINT", "KINT", "ASET", "CALLH", "EXIT"]);
  });

  it("drops snapshots no guard uses and renumbers the rest", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    b.guardTrue(b.lt(x, b.kint(5))); // snap 0
    const dead = b.snapshot([{ proto: MAIN, base: 0, pc: 20, slots: [[1, b.neg(x)]] }]);
    b.guardTrue(b.lt(x, b.kint(6)), 0); // still snapshot 0: `dead` stays unused
    const s2 = b.snapshot([{ proto: MAIN, base: 0, pc: 24, slots: [[1, x]] }]);
    expect([dead, s2]).toEqual([1, 2]);
    b.guardTrue(b.lt(x, b.kint(7)));
    b.snapshot([{ proto: MAIN, base: 0, pc: 28, slots: [[2, b.neg(x)]] }]);
    b.exit(0);
    const { trace, snapshotMap } = eliminateDeadCode(b.trace);
    expect(Array.from(snapshotMap)).toEqual([0, -1, 1, -1]);
    expect(trace.snapshots.map((s) => s.pc)).toEqual([12, 24]);
    expect(opNames(trace, IR_OP_NAMES)).not.toContain("NEG");
  });

  it("prunes entries unchanged since entry, but not loop-carried ones", () => {
    const b = builder();
    const i = b.sload(0, 0, I);
    const n = b.sload(1, 0, I);
    const other = b.sload(5, 0, I); // slot 2 holds slot 5's entry value: changed
    b.loop();
    b.snapshot([{ proto: MAIN, base: 0, pc: 40, slots: [[0, i], [1, n], [2, other]] }]);
    b.guardTrue(b.lt(i, n));
    const phi = b.phi(i, b.add(i, b.kint(1)));
    expect(b.trace.phis()).toEqual([phi]);
    expect([b.trace.isPhiLeft(i), b.trace.isPhiLeft(n)]).toEqual([true, false]);
    const { trace } = eliminateDeadCode(b.trace);
    expect(trace.snapshots[0].frames[0].slots).toEqual([0, 2]);
    expect(verifyTrace(trace)).toEqual([]);
  });

  it("keeps PHIs and both their operands", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    b.loop();
    b.phi(x, b.add(x, b.kint(2)));
    const { trace } = eliminateDeadCode(b.trace);
    expect(printTrace(trace).split("\n").slice(1)).toEqual([
      ".... snap 0 pc 12 [frame main base 0]",
      "0001 int   SLOAD        #0 @0",
      "0002 none  LOOP",
      "0003 int   KINT         2",
      "0004 int   ADD          0001 0003  >snap 0",
      "0005 int   PHI          0001 0004",
    ]);
  });
});

describe("verifier", () => {
  it("flags a loop body reading a pre-loop copy of a loop-carried variable", () => {
    const b = builder();
    const i = b.sload(0, 0, I);
    const stale = b.add(i, b.kint(1)); // i's first value + 1
    b.loop();
    const next = b.add(i, b.kint(1)); // CSE returns the pre-loop ADD: stale in iteration 2
    expect(next).toBe(stale);
    b.phi(i, next);
    expect(verifyTrace(b.trace).join("\n")).toMatch(/pre-loop value of a loop-carried variable/);
  });

  it("accepts a pre-loop value that is itself carried", () => {
    const b = builder();
    const i = b.sload(0, 0, I);
    const j = b.add(i, b.kint(1));
    b.loop();
    const j2 = b.add(j, b.kint(1));
    b.phi(i, j);
    b.phi(j, j2);
    expect(verifyTrace(b.trace)).toEqual([]);
  });

  it("requires EXIT at the end of a trace without LOOP", () => {
    const b = new IrBuilder(newTrace("side", MAIN, 0));
    b.sload(0, 0, I);
    expect(verifyTrace(b.trace)).toEqual(["a trace without LOOP must end with EXIT"]);
    expect(b.trace.op[1]).toBe(IrOp.SLOAD);
  });
});
