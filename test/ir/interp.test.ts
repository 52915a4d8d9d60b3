// The reference IR interpreter on hand-built traces: loops through PHIs, exits at the
// right snapshot with the right slot values (overflow, division by zero, a flipping
// branch, bounds), float math, multi-frame exits, the "next" ops and the iteration cap.

import { describe, expect, it } from "vitest";
import type { IrBuilder } from "../../src/ir/builder";
import { eliminateDeadCode } from "../../src/ir/dce";
import { EXITS } from "../../src/ir/semantics";
import { LIMIT_REACHED, frameValues, runTrace, toInterpreterValue, type RunOptions, type RunResult } from "../../src/ir/interp";
import { IrType, RefKind } from "../../src/ir/ops";
import type { Ref, Trace } from "../../src/ir/trace";
import { verifyTrace } from "../../src/ir/verify";
import { RArray, RFloat, RStruct, layoutFor } from "../../src/interp/value";
import { MAIN, builder, proto } from "./support";

const I = IrType.int;
const F = IrType.float;
const MAX = Number.MAX_SAFE_INTEGER;

/** runTrace on a trace the verifier accepts. */
function run(trace: Trace, entry: unknown[][], options?: RunOptions): RunResult {
  expect(verifyTrace(trace)).toEqual([]);
  return runTrace(trace, entry, options);
}

/** The snapshot of MAIN at pc with the given slot -> ref entries. */
function snap(b: IrBuilder, pc: number, slots: [number, Ref][]): number {
  return b.snapshot([{ proto: MAIN, base: 0, pc, slots }]);
}

/** for i < n { s += (i * i) % 7 }: slots 0 = i, 1 = n, 2 = s; loop header at pc 40. */
function sumSquaresMod7(): IrBuilder {
  const b = builder(false);
  const i = b.sload(0, 0, I);
  const n = b.sload(1, 0, I);
  const s = b.sload(2, 0, I);
  b.loop();
  snap(b, 40, [[0, i], [1, n], [2, s]]);
  b.guardTrue(b.lt(i, n));
  const m = b.mod(b.mul(i, i), b.kint(7));
  const s2 = b.add(s, m);
  const i2 = b.add(i, b.kint(1));
  b.phi(i, i2);
  b.phi(s, s2);
  return b;
}

describe("reference interpreter: int loops", () => {
  it("sums (i*i) % 7 for i < n like JS, exiting at the loop test", () => {
    const b = sumSquaresMod7();
    expect(verifyTrace(b.trace)).toEqual([]);
    for (const n of [0, 1, 5, 100, 1000]) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (i * i) % 7;
      const r = run(b.trace, [[0, n, 0]]);
      expect(r.exit).toBe(0);
      expect(r.iterations).toBe(n);
      expect(r.frames[0].pc).toBe(40);
      expect(frameValues(r.frames[0])).toEqual({ 0: n, 1: n, 2: s });
    }
  });

  it("runs the same after DCE", () => {
    const { trace } = eliminateDeadCode(sumSquaresMod7().trace);
    const r = run(trace, [[3, 50, 7]]);
    let s = 7;
    for (let i = 3; i < 50; i++) s += (i * i) % 7;
    expect(frameValues(r.frames[0])).toEqual({ 0: 50, 2: s }); // slot 1 (n) is unchanged: pruned
  });

  it("exits when an int add would leave the safe range, with the values before it", () => {
    // for (;;) { x = x + step; i = i + 1 } with a snapshot before the add (pc 60)
    const b = builder(false);
    const i = b.sload(0, 0, I);
    const x = b.sload(1, 0, I);
    const step = b.sload(2, 0, I);
    b.loop();
    const addSnap = snap(b, 60, [[0, i], [1, x]]);
    const x2 = b.add(x, step);
    const incSnap = snap(b, 64, [[0, i], [1, x2]]);
    const i2 = b.add(i, b.kint(1));
    b.phi(i, i2);
    b.phi(x, x2);
    expect([addSnap, incSnap]).toEqual([0, 1]);

    const k = 5;
    const stepValue = 1e15;
    const start = MAX - k * stepValue; // k adds stay in range, the (k+1)th does not
    const r = run(b.trace, [[0, start, stepValue]]);
    expect(r.exit).toBe(addSnap);
    expect(r.iterations).toBe(k);
    expect(r.frames[0].pc).toBe(60);
    expect(frameValues(r.frames[0])).toEqual({ 0: k, 1: start + k * stepValue });
    expect(start + k * stepValue).toBeLessThanOrEqual(MAX);
    expect(start + (k + 1) * stepValue).toBeGreaterThan(MAX);

    const down = run(b.trace, [[0, -MAX + 2, -1]]);
    expect([down.exit, down.iterations]).toEqual([addSnap, 2]);
  });

  it("exits on division by zero and on a MUL past 2^53", () => {
    // for (;;) { q = 100 / d; d = d - 1 }
    const b = builder();
    const d = b.sload(0, 0, I);
    b.loop();
    const divSnap = snap(b, 8, [[0, d]]);
    const q = b.div(b.kint(100), d);
    snap(b, 12, [[0, d], [1, q]]);
    const d2 = b.sub(d, b.kint(1));
    b.phi(d, d2);
    const r = run(b.trace, [[3]]);
    expect([r.exit, r.iterations]).toEqual([divSnap, 3]);
    expect(frameValues(r.frames[0])).toEqual({ 0: 0 });

    const m = builder();
    const p = m.sload(0, 0, I);
    m.loop();
    const mulSnap = snap(m, 4, [[0, p]]);
    m.phi(p, m.mul(p, m.kint(3)));
    const mr = run(m.trace, [[1]]);
    expect(mr.exit).toBe(mulSnap);
    expect(3 ** mr.iterations).toBeLessThanOrEqual(MAX);
    expect(3 ** (mr.iterations + 1)).toBeGreaterThan(MAX);
    expect(frameValues(mr.frames[0])).toEqual({ 0: 3 ** mr.iterations });
  });

  it("exits when a branch guarded on a comparison flips", () => {
    // for i < 100 { if i < limit { j += 2 } ... }: recorded on the "then" path
    const b = builder(false);
    const i = b.sload(0, 0, I);
    const limit = b.sload(1, 0, I);
    const j = b.sload(2, 0, I);
    b.loop();
    snap(b, 10, [[0, i], [2, j]]);
    b.guardTrue(b.lt(i, b.kint(100)));
    const branchSnap = snap(b, 14, [[0, i], [2, j]]);
    b.guardTrue(b.lt(i, limit));
    const j2 = b.add(j, b.kint(2));
    const i2 = b.add(i, b.kint(1));
    b.phi(i, i2);
    b.phi(j, j2);
    const r = run(b.trace, [[0, 7, 0]]);
    expect([r.exit, r.guardRef, r.iterations]).toEqual([branchSnap, 9, 7]);
    expect(frameValues(r.frames[0])).toEqual({ 0: 7, 2: 14 });
    const loopEnd = run(b.trace, [[0, 500, 1]]);
    expect([loopEnd.exit, loopEnd.iterations]).toEqual([0, 100]);
  });

  it("carries values through PHIs simultaneously (a swap)", () => {
    // for n > 0 { a, b = b, a + b; n -= 1 }: Fibonacci
    const b = builder();
    const x = b.sload(0, 0, I);
    const y = b.sload(1, 0, I);
    const n = b.sload(2, 0, I);
    b.loop();
    snap(b, 0, [[0, x], [1, y], [2, n]]);
    b.guardTrue(b.gt(n, b.kint(0)));
    const sum = b.add(x, y);
    const n2 = b.sub(n, b.kint(1));
    b.phi(x, y);
    b.phi(y, sum);
    b.phi(n, n2);
    const r = run(b.trace, [[0, 1, 30]]);
    expect(frameValues(r.frames[0])).toEqual({ 0: 832040, 1: 1346269, 2: 0 });
  });

  it("stops a loop that never exits at maxIterations", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    b.loop();
    b.phi(x, b.neg(x));
    const r = run(b.trace, [[1]], { maxIterations: 1000 });
    expect(r).toEqual({ exit: LIMIT_REACHED, guardRef: 0, iterations: 1000, frames: [] });
  });
});

describe("reference interpreter: floats", () => {
  it("runs a float loop in f64 (Newton's square root) like JS", () => {
    // for k < 8 { x = (x + a / x) * 0.5 } with x, a floats and k an int
    const b = builder();
    const x = b.sload(0, 0, F);
    const a = b.sload(1, 0, F);
    const k = b.sload(2, 0, I);
    b.loop();
    snap(b, 20, [[0, x], [2, k]]);
    b.guardTrue(b.lt(k, b.kint(8)));
    const x2 = b.fmul(b.fadd(x, b.fdiv(a, x)), b.kfloat(0.5));
    const k2 = b.add(k, b.kint(1));
    b.phi(x, x2);
    b.phi(k, k2);
    let jx = 1;
    for (let i = 0; i < 8; i++) jx = (jx + 2 / jx) * 0.5;
    const r = run(b.trace, [[new RFloat(1), 2, 0]]); // an RFloat is accepted for a float slot
    expect(r.iterations).toBe(8);
    const xs = r.frames[0].slots[0];
    expect(xs).toEqual({ slot: 0, type: F, value: jx });
    expect(toInterpreterValue(xs)).toEqual(new RFloat(jx));
  });

  it("exits on float division by -0.0, keeps IEEE results otherwise", () => {
    const b = builder();
    const x = b.sload(0, 0, F);
    const y = b.sload(1, 0, F);
    const q = b.fdiv(x, y);
    const done = snap(b, 30, [[2, q], [3, b.fsqrt(b.fabs(x))], [4, b.ffloor(x)], [5, b.fceil(x)], [6, b.fmod(x, b.kfloat(2))]]);
    b.exit(done);
    const r = run(b.trace, [[-7.5, 1e-320]]);
    expect(frameValues(r.frames[0])).toEqual({ 2: -7.5 / 1e-320, 3: Math.sqrt(7.5), 4: -8, 5: -7, 6: -1.5 });
    expect(run(b.trace, [[1, -0]]).exit).toBe(0);
  });

  it("exits on the square root of a negative number", () => {
    const b = builder();
    const x = b.sload(0, 0, F);
    const s = b.fsqrt(x);
    b.exit(snap(b, 2, [[1, s]]));
    expect(run(b.trace, [[-1]]).exit).toBe(0);
    expect(frameValues(run(b.trace, [[-0]]).frames[0])[1]).toBe(-0);
  });
});

describe("reference interpreter: frames and the next ops", () => {
  it("rebuilds every frame of a multi-frame snapshot", () => {
    const callee = proto("f");
    const b = builder();
    const v = b.sload(3, 0, I);
    const w = b.add(v, b.kint(1));
    const s = b.snapshot([
      { proto: MAIN, base: 0, pc: 24, slots: [[3, v]] },
      { proto: callee, base: 8, pc: 4, slots: [[0, w], [1, b.kbool(false)]] },
    ]);
    b.exit(s);
    const r = run(b.trace, [[0, 0, 0, 41]]);
    expect(r.frames.map((f) => [f.proto.name, f.base, f.pc, frameValues(f)])).toEqual([
      ["main", 0, 24, { 3: 41 }],
      ["f", 8, 4, { 0: 42, 1: false }],
    ]);
  });

  it("sums an array with ALEN and AGET, exiting on a float element", () => {
    const b = builder();
    const arr = b.sload(0, 0, IrType.ref);
    const i = b.sload(1, 0, I);
    const s = b.sload(2, 0, I);
    b.loop();
    snap(b, 10, [[1, i], [2, s]]);
    b.guardTrue(b.lt(i, b.alen(arr)));
    const s2 = b.add(s, b.aget(arr, i, I));
    const i2 = b.add(i, b.kint(1));
    b.phi(s, s2);
    b.phi(i, i2);
    expect(run(b.trace, [[new RArray([1, 2, 3, 4]), 0, 0]]).frames[0].slots[1].value).toBe(10);
    const mixed = run(b.trace, [[new RArray([1, 2, new RFloat(3), 4]), 0, 0]]);
    expect([mixed.iterations, frameValues(mixed.frames[0])]).toEqual([2, { 1: 2, 2: 3 }]);
    expect(run(b.trace, [[new RArray([1, 2]), -1, 0]]).iterations).toBe(0); // negative index: exit
  });

  it("stores with ASET (boxing floats) and exits on a shared array", () => {
    const b = builder();
    const arr = b.sload(0, 0, IrType.ref);
    const i = b.sload(1, 0, I);
    b.aset(arr, i, b.toFloat(i));
    b.exit();
    const a = new RArray([0, 0]);
    expect(run(b.trace, [[a, 1]]).guardRef).toBe(b.trace.end - 1);
    expect(a.items).toEqual([0, new RFloat(1)]);
    const shared = new RArray([0, 0]);
    shared.shared = true;
    expect(run(b.trace, [[shared, 0]]).guardRef).toBe(4);
    expect(shared.items).toEqual([0, 0]);
    expect(run(b.trace, [[a, 2]]).guardRef).toBe(4);
  });

  it("reads struct fields behind kind and layout guards", () => {
    const layout = layoutFor("Pt", ["x", "y"]);
    const other = layoutFor("Pt", ["y", "x"]);
    const b = builder();
    const p = b.sload(0, 0, IrType.ref);
    b.guardKind(p, RefKind.struct);
    b.guardLayout(p, layout.id);
    const y = b.fload(p, 1, I);
    b.exit(snap(b, 2, [[1, y]]));
    const ok = run(b.trace, [[new RStruct(layout, [1, 5])]]);
    expect([ok.guardRef, frameValues(ok.frames[0])]).toEqual([b.trace.end - 1, { 1: 5 }]);
    expect(run(b.trace, [[new RArray([])]]).guardRef).toBe(2);
    expect(run(b.trace, [[new RStruct(other, [1, 5])]]).guardRef).toBe(3);
    expect(run(b.trace, [[new RStruct(layout, [1, new RFloat(5)])]]).guardRef).toBe(4);
  });

  it("calls helpers by name, exiting when one reports failure", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    const r = b.callHelper("half", I, [x]);
    b.exit(snap(b, 2, [[1, r]]));
    const helpers = { half: (v: unknown) => ((v as number) % 2 === 0 ? (v as number) / 2 : EXITS) };
    expect(frameValues(run(b.trace, [[8]], { helpers }).frames[0])).toEqual({ 1: 4 });
    expect(run(b.trace, [[7]], { helpers }).guardRef).toBe(2);
  });
});
