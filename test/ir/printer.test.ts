// Golden text of the IR printer: instruction lines for every operand kind, snapshot lines
// (one and several frames), headers of root and side traces, float literal spelling.

import { describe, expect, it } from "vitest";
import { IrBuilder } from "../../src/ir/builder";
import { IrType, RefKind } from "../../src/ir/ops";
import { formatFloatLiteral, printTrace } from "../../src/ir/printer";
import { Trace } from "../../src/ir/trace";
import { RArray, layoutFor } from "../../src/interp/value";
import { MAIN, proto } from "./support";

describe("printer", () => {
  it("prints a loop trace with snapshots where they were taken", () => {
    const b = new IrBuilder(new Trace({ id: 3, kind: "root", startProto: MAIN, startPc: 40 }));
    const i = b.sload(0, 0, IrType.int);
    const n = b.sload(1, 0, IrType.int);
    const s = b.sload(2, 0, IrType.int);
    b.loop();
    b.snapshot([{ proto: MAIN, base: 0, pc: 40, slots: [[0, i], [1, n], [2, s]] }]);
    b.guardTrue(b.lt(i, n));
    const sq = b.mul(i, i);
    const m = b.mod(sq, b.kint(7));
    b.snapshot([{ proto: MAIN, base: 0, pc: 52, slots: [[0, i], [2, s], [3, m]] }]);
    const s2 = b.add(s, m);
    const i2 = b.add(i, b.kint(1));
    b.phi(i, i2);
    b.phi(s, s2);
    expect(printTrace(b.trace)).toBe(
      [
        "---- trace 3 root main pc 40",
        "0001 int   SLOAD        #0 @0",
        "0002 int   SLOAD        #1 @0",
        "0003 int   SLOAD        #2 @0",
        "0004 none  LOOP",
        ".... snap 0 pc 40 [frame main base 0: 0=0001 1=0002 2=0003]",
        "0005 bool  LT           0001 0002",
        "0006 none  GUARD_TRUE   0005  >snap 0",
        "0007 int   MUL          0001 0001  >snap 0",
        "0008 int   KINT         7",
        "0009 int   MOD          0007 0008  >snap 0",
        ".... snap 1 pc 52 [frame main base 0: 0=0001 2=0003 3=0009]",
        "0010 int   ADD          0003 0009  >snap 1",
        "0011 int   KINT         1",
        "0012 int   ADD          0001 0011  >snap 1",
        "0013 int   PHI          0001 0012",
        "0014 int   PHI          0003 0010",
      ].join("\n"),
    );
  });

  it("prints every literal kind, multi-frame snapshots and a side-trace header", () => {
    const callee = proto("norm");
    const t = new Trace({ id: 7, kind: "side", startProto: MAIN, startPc: 16, parent: { trace: 3, exit: 2 } });
    const b = new IrBuilder(t);
    const layout = layoutFor("Vec", ["x", "y"]);
    b.snapshot([{ proto: MAIN, base: 0, pc: 16, slots: [] }]);
    const arr = b.kref(new RArray([]));
    const v = b.sload(4, 1, IrType.ref);
    b.guardKind(v, RefKind.struct);
    b.guardLayout(v, layout.id);
    const x = b.fload(v, 1, IrType.float);
    const y = b.fmul(x, b.kfloat(-0));
    const f = b.toFloat(b.alen(arr));
    const r = b.callHelper("hypot", IrType.float, [y, f]);
    const ok = b.kbool(true);
    b.snapshot([
      { proto: MAIN, base: 0, pc: 20, slots: [[1, arr], [2, ok]] },
      { proto: callee, base: 6, pc: 4, slots: [[0, r]] },
    ]);
    b.guardFalse(b.eq(r, b.kfloat(Number.NaN)));
    b.exit();
    expect(printTrace(t).split("\n")).toEqual([
      "---- trace 7 side main pc 16 from 3/2",
      `.... snap 0 pc 16 [frame main base 0]`,
      "0001 ref   KREF         k0",
      "0002 ref   SLOAD        #4 @1",
      "0003 none  GUARD_KIND   0002 struct  >snap 0",
      `0004 none  GUARD_LAYOUT 0002 L${layout.id}  >snap 0`,
      "0005 float FLOAD        0002 .1  >snap 0",
      "0006 float KFLOAT       -0.0",
      "0007 float FMUL         0005 0006",
      "0008 int   ALEN         0001",
      "0009 float CONV_INT_FLOAT 0008",
      "0010 float CALLH        hypot 0007 0009  >snap 0",
      "0011 bool  KBOOL        true",
      ".... snap 1 pc 4 [frame main base 0 pc 20: 1=0001 2=0011] [frame norm base 6: 0=0010]",
      "0012 float KFLOAT       NaN",
      "0013 bool  EQ           0010 0012",
      "0014 none  GUARD_FALSE  0013  >snap 1",
      "0015 none  EXIT  >snap 1",
    ]);
  });

  it("spells float literals so they always read as floats", () => {
    expect([1, -0, 0, 2.5, -3, 1e21, 1e-7, NaN, Infinity, -Infinity].map(formatFloatLiteral)).toEqual([
      "1.0", "-0.0", "0.0", "2.5", "-3.0", "1e+21", "1e-7", "NaN", "Infinity", "-Infinity",
    ]);
  });
});
