// Overflow-check removal from range facts (src/ir/ranges.ts): which ADDs and SUBs the
// facts of earlier guards, constants, remainders and lengths prove safe, which they must
// leave checked (facts before LOOP about values the loop carries, bounds that reach past
// the safe range), and the reference interpreter refusing a wrong proof.

import { describe, expect, it } from "vitest";
import { IR_OP_NAMES, IrOp, IrType } from "../../src/ir/ops";
import { NO_SNAPSHOT, type Ref } from "../../src/ir/trace";
import { removeProvenOverflowChecks } from "../../src/ir/ranges";
import { runTrace } from "../../src/ir/interp";
import { verifyTrace } from "../../src/ir/verify";
import { builder } from "./support";

const MAX = Number.MAX_SAFE_INTEGER;
const opName = (b: ReturnType<typeof builder>, r: Ref): string => IR_OP_NAMES[b.trace.op[r]];

describe("range facts", () => {
  it("a guard n >= 2 makes n - 1 and n - 2 safe (fib's arguments); their sum stays checked", () => {
    const b = builder();
    const n = b.sload(0, 0, IrType.int);
    b.guardFalse(b.lt(n, b.kint(2)));
    const n1 = b.sub(n, b.kint(1));
    const n2 = b.sub(n, b.kint(2));
    const sum = b.add(n1, n2);
    b.exit();
    expect(removeProvenOverflowChecks(b.trace)).toBe(2);
    expect([opName(b, n1), opName(b, n2), opName(b, sum)]).toEqual(["SUB_SAFE", "SUB_SAFE", "ADD"]);
    expect(b.trace.snap[n1]).toBe(NO_SNAPSHOT);
    expect(b.trace.snap[sum]).not.toBe(NO_SNAPSHOT);
    expect(verifyTrace(b.trace)).toEqual([]);
  });

  it("i < n makes i + 1 safe, not i + 2 (n may be the largest int) unless n is a known constant", () => {
    const b = builder();
    const i = b.sload(0, 0, IrType.int);
    const n = b.sload(1, 0, IrType.int);
    b.guardTrue(b.lt(i, n));
    const one = b.add(i, b.kint(1));
    const two = b.add(i, b.kint(2));
    const c = builder();
    const j = c.sload(0, 0, IrType.int);
    c.guardTrue(c.gt(c.kint(100), j));
    const jTwo = c.add(j, c.kint(2));
    const jBack = c.sub(j, c.kint(2)); // no lower bound on j: stays checked
    removeProvenOverflowChecks(b.trace);
    removeProvenOverflowChecks(c.trace);
    expect([opName(b, one), opName(b, two), opName(c, jTwo), opName(c, jBack)]).toEqual(["ADD_SAFE", "ADD", "ADD_SAFE", "SUB"]);
  });

  it("without a guard, or after a guard that says the opposite, nothing is proven", () => {
    const b = builder();
    const i = b.sload(0, 0, IrType.int);
    const plain = b.add(i, b.kint(1));
    b.guardFalse(b.lt(i, b.kint(0))); // i >= 0: no upper bound
    const up = b.add(i, b.kint(5));
    const down = b.sub(i, b.kint(5)); // i - 5 >= -5: safe
    expect(removeProvenOverflowChecks(b.trace)).toBe(1);
    expect([opName(b, plain), opName(b, up), opName(b, down)]).toEqual(["ADD", "ADD", "SUB_SAFE"]);
  });

  it("a fact learned before LOOP holds in the loop for invariants only, not for values the loop carries", () => {
    const b = builder();
    const i = b.sload(0, 0, IrType.int);
    const k = b.sload(1, 0, IrType.int);
    b.guardTrue(b.lt(i, b.kint(10)));
    b.guardTrue(b.lt(k, b.kint(10)));
    b.loop();
    const next = b.add(i, b.kint(1)); // i changes every iteration: checked
    const kk = b.add(k, b.kint(1)); // k does not: safe
    b.guardTrue(b.lt(next, b.kint(1000)));
    const back = b.sub(next, kk); // next < 1000 and kk > -MAX: may pass -MAX (checked)
    b.phi(i, back);
    removeProvenOverflowChecks(b.trace);
    expect([opName(b, next), opName(b, kk), opName(b, back)]).toEqual(["ADD", "ADD_SAFE", "SUB"]);
    expect(verifyTrace(b.trace)).toEqual([]);
  });

  it("a carried counter keeps the bound it enters with when the back edge keeps it too (induction)", () => {
    const b = builder();
    const i = b.sload(0, 0, IrType.int);
    const n = b.sload(1, 0, IrType.int);
    b.guardTrue(b.le(i, b.kint(MAX - 1))); // the entry check assemble makes
    b.loop();
    const next = b.add(i, b.kint(1)); // safe while i <= MAX - 1 ...
    b.guardTrue(b.lt(next, n)); // ... which the loop test gives the next iteration
    b.phi(i, next);
    expect(removeProvenOverflowChecks(b.trace)).toBe(1);
    expect(opName(b, next)).toBe("ADD_SAFE");
    expect(runTrace(b.trace, [[MAX - 3, MAX]]).iterations).toBe(2);
    expect(runTrace(b.trace, [[0, 10]]).iterations).toBe(9);

    // Without the loop test on the counter the bound is not kept: the step stays checked.
    const c = builder();
    const j = c.sload(0, 0, IrType.int);
    const k = c.sload(1, 0, IrType.int);
    c.guardTrue(c.le(j, c.kint(MAX - 1)));
    c.loop();
    const jNext = c.add(j, c.kint(1));
    const kNext = c.add(k, c.kint(1));
    c.guardTrue(c.lt(kNext, c.kint(100)));
    c.phi(j, jNext);
    c.phi(k, kNext);
    removeProvenOverflowChecks(c.trace);
    expect([opName(c, jNext), opName(c, kNext)]).toEqual(["ADD", "ADD"]);
    expect(runTrace(c.trace, [[MAX - 1, 0]]).exit).toBe(c.trace.snap[jNext]); // the second step leaves the range
  });

  it("a peeled loop's counter takes its bounds from the entry value the PHI names (the peeled iteration's)", () => {
    const b = builder();
    const i = b.sload(0, 0, IrType.int);
    const n = b.sload(1, 0, IrType.int);
    const first = b.add(i, b.kint(1)); // the peeled iteration: i is any int here
    const test = b.lt(first, n);
    b.guardTrue(test);
    b.separateNextSnapshot();
    b.snapshot([{ proto: b.trace.meta.startProto, base: 0, pc: 0, slots: new Map([[0, i]]) }]);
    // What depends on the carried i is not reused in the loop (else next would be first).
    const variant = new Set([i, first, test]);
    b.loop((r) => variant.has(r));
    const next = b.add(i, b.kint(1));
    b.guardTrue(b.lt(next, n));
    b.phi(i, next, first);
    expect(verifyTrace(b.trace)).toEqual([]);
    removeProvenOverflowChecks(b.trace);
    expect([opName(b, first), opName(b, next)]).toEqual(["ADD", "ADD_SAFE"]);
    // Entering the loop moves the peeled value into i: 0 -> 1 before LOOP, then 2 .. 9.
    const r = runTrace(b.trace, [[0, 10]]);
    expect(r.iterations).toBe(8);
    expect(r.frames[0].slots).toEqual([{ slot: 0, type: IrType.int, value: 9 }]);
  });

  it("remainders and lengths are bounded: x % 1000 + y % 1000 is safe", () => {
    const b = builder();
    const x = b.sload(0, 0, IrType.int);
    const y = b.sload(1, 0, IrType.int);
    const s = b.add(b.mod(x, b.kint(1000)), b.mod(y, b.kint(-1000)));
    removeProvenOverflowChecks(b.trace);
    expect(opName(b, s)).toBe("ADD_SAFE");
  });

  it("the reference interpreter refuses a wrong proof instead of exiting", () => {
    const b = builder();
    const x = b.sload(0, 0, IrType.int);
    b.emit(IrOp.ADD_SAFE, IrType.int, x, b.kint(1));
    b.exit();
    expect(runTrace(b.trace, [[5]]).exit).toBe(0);
    expect(() => runTrace(b.trace, [[MAX]])).toThrow(/range fact violated/);
  });
});
