// Overflow-check removal from range facts. One forward pass over a trace gives each int
// value the bounds it is known to lie in: constants, lengths (never negative), the
// results of additions and remainders, and what a passed guard on a comparison of two
// ints says (`i < n` holds from there on: i <= n - 1). An ADD or SUB whose result those
// bounds keep within the safe range cannot exit, so it becomes ADD_SAFE / SUB_SAFE: no
// check, no snapshot (DCE then drops the snapshots no other guard uses). The loop
// counter of `while i < n { ... i += 1 }` is the case that matters: one compare and
// branch less per iteration.
//
// Soundness: a fact about a value is learned at a guard and used only by instructions
// after it. Every value is immutable within an iteration, so facts learned after LOOP
// hold for the rest of the iteration, and facts about values the loop does not carry
// hold in every iteration. A carried variable (a PHI's left operand) takes a new value
// each iteration: at LOOP it is assumed to lie in the bounds of its entry value (the
// PHI's entry operand in a peeled loop, where the peeled iteration's guards give them,
// else what was learned before LOOP), and the assumption is kept only if the value it
// takes at the back edge provably lies in them too (induction over the iterations);
// otherwise the variable is assumed unbounded and the pass runs again. The reference IR
// interpreter throws if a proven op ever leaves the range, so a wrong proof fails the
// tests instead of hiding.

import { IrOp, IrType, type IrOpcode } from "./ops";
import { FIRST_REF, NO_REF, NO_SNAPSHOT, type Ref, type Trace } from "./trace";

const MAX = Number.MAX_SAFE_INTEGER;

interface Range {
  lo: number;
  hi: number;
}

const FULL: Range = { lo: -MAX, hi: MAX };

/** The comparison that holds when `cmp` is false (ints: no NaN). */
const NEGATED: Partial<Record<IrOpcode, IrOpcode>> = { [IrOp.LT]: IrOp.GE, [IrOp.LE]: IrOp.GT, [IrOp.GT]: IrOp.LE, [IrOp.GE]: IrOp.LT, [IrOp.NE]: IrOp.EQ };

/** Turn the ADDs and SUBs that range facts show cannot overflow into ADD_SAFE / SUB_SAFE; returns how many. */
export function removeProvenOverflowChecks(trace: Trace): number {
  const unbounded = new Set<Ref>();
  for (;;) {
    const { proven, broken } = analyse(trace, unbounded);
    if (broken.length === 0) {
      for (const ref of proven) {
        trace.op[ref] = trace.op[ref] === IrOp.ADD ? IrOp.ADD_SAFE : IrOp.SUB_SAFE;
        trace.snap[ref] = NO_SNAPSHOT;
      }
      return proven.length;
    }
    for (const r of broken) unbounded.add(r);
  }
}

/**
 * One pass with the carried variables in `unbounded` assumed to take any value: the
 * checked ADD/SUBs it proves safe, and the carried variables whose assumed bounds the
 * back edge does not keep (empty: the proof holds).
 */
function analyse(trace: Trace, unbounded: ReadonlySet<Ref>): { proven: Ref[]; broken: Ref[] } {
  const ranges = new Map<Ref, Range>();
  const rangeOf = (r: Ref): Range => {
    if (trace.type[r] !== IrType.int) return FULL;
    const known = ranges.get(r);
    if (known !== undefined) return known;
    if (trace.isNumConst(r)) {
      const v = trace.numValue(r);
      return { lo: v, hi: v };
    }
    return FULL;
  };
  const narrow = (r: Ref, lo: number, hi: number): void => {
    if (trace.isNumConst(r)) return;
    const old = rangeOf(r);
    ranges.set(r, { lo: Math.max(old.lo, lo), hi: Math.min(old.hi, hi) });
  };
  /** What `x op y` being true says about two ints. */
  const learn = (op: IrOpcode, x: Ref, y: Ref): void => {
    if (trace.type[x] !== IrType.int || trace.type[y] !== IrType.int) return;
    const rx = rangeOf(x);
    const ry = rangeOf(y);
    switch (op) {
      case IrOp.LT: narrow(x, -MAX, ry.hi - 1); narrow(y, rx.lo + 1, MAX); break;
      case IrOp.LE: narrow(x, -MAX, ry.hi); narrow(y, rx.lo, MAX); break;
      case IrOp.GT: narrow(x, ry.lo + 1, MAX); narrow(y, -MAX, rx.hi - 1); break;
      case IrOp.GE: narrow(x, ry.lo, MAX); narrow(y, -MAX, rx.hi); break;
      case IrOp.EQ: narrow(x, ry.lo, ry.hi); narrow(y, rx.lo, rx.hi); break;
    }
  };
  const phis = trace.phis();
  const assumed = new Map<Ref, Range>();
  const proven: Ref[] = [];
  const end = phis.length > 0 ? phis[0] : trace.end;
  for (let ref = FIRST_REF; ref < end; ref++) {
    const op = trace.op[ref] as IrOpcode;
    const a = trace.a[ref];
    const b = trace.b[ref];
    switch (op) {
      case IrOp.LOOP: {
        // All at once: an entry value may be another carried variable.
        for (const phi of phis) {
          const v = trace.a[phi];
          const entry = trace.c[phi];
          assumed.set(v, unbounded.has(v) ? FULL : rangeOf(entry === NO_REF ? v : entry));
        }
        for (const [v, r] of assumed) ranges.set(v, r);
        break;
      }
      case IrOp.GUARD_TRUE:
      case IrOp.GUARD_FALSE: {
        const cmp = trace.op[a] as IrOpcode;
        const holds = op === IrOp.GUARD_TRUE ? cmp : NEGATED[cmp];
        if (holds !== undefined) learn(holds, trace.a[a], trace.b[a]);
        break;
      }
      case IrOp.ADD:
      case IrOp.SUB:
      case IrOp.ADD_SAFE:
      case IrOp.SUB_SAFE: {
        const ra = rangeOf(a);
        const rb = rangeOf(b);
        const add = op === IrOp.ADD || op === IrOp.ADD_SAFE;
        const lo = add ? ra.lo + rb.lo : ra.lo - rb.hi;
        const hi = add ? ra.hi + rb.hi : ra.hi - rb.lo;
        // Sums of safe ints are exact in f64 up to 2^54, so these bounds are exact too.
        if (lo >= -MAX && hi <= MAX) {
          if (op === IrOp.ADD || op === IrOp.SUB) proven.push(ref);
          ranges.set(ref, { lo, hi });
        } else {
          // A checked result that did not exit is safe; clamp to what is known besides.
          ranges.set(ref, { lo: Math.max(lo, -MAX), hi: Math.min(hi, MAX) });
        }
        break;
      }
      case IrOp.MOD: {
        // The sign of the dividend, smaller in magnitude than the divisor.
        const rb = rangeOf(b);
        const m = Math.max(Math.abs(rb.lo), Math.abs(rb.hi)) - 1;
        const ra = rangeOf(a);
        ranges.set(ref, { lo: ra.lo >= 0 ? 0 : -m, hi: ra.hi <= 0 ? 0 : m });
        break;
      }
      case IrOp.ALEN:
      case IrOp.PALEN:
        ranges.set(ref, { lo: 0, hi: MAX });
        break;
    }
  }
  const broken: Ref[] = [];
  for (const phi of phis) {
    const v = trace.a[phi];
    const want = assumed.get(v);
    const got = rangeOf(trace.b[phi]);
    if (want !== undefined && !unbounded.has(v) && (got.lo < want.lo || got.hi > want.hi)) broken.push(v);
  }
  return { proven, broken };
}
