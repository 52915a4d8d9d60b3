// FOLD: constant folding of every value op with Ruff's exact semantics (edges: the safe
// int range, -0, NaN, division by zero), the always-exact algebraic rules, guard folding,
// and a property check that FOLD, the reference interpreter and the Ruff interpreter's
// own arithmetic agree on random operands.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GuardAlwaysFails, type IrBuilder } from "../../src/ir/builder";
import { IR_OP_NAMES, IrOp, IrType, RefKind, type IrOpcode, type IrOpName } from "../../src/ir/ops";
import { EXITS, evaluate, MAX_SAFE_INT } from "../../src/ir/semantics";
import { NO_REF, type Ref } from "../../src/ir/trace";
import { runTrace } from "../../src/ir/interp";
import { intArith, floatArith, compare, equals, type ArithOp } from "../../src/interp/ops";
import { RArray, RFloat, RStruct, layoutFor, type Value } from "../../src/interp/value";
import { builder, opNames } from "./support";

const MAX = MAX_SAFE_INT;

/** Emit `name` on constant operands; returns the builder and the ref it produced. */
function foldOn(name: IrOpName, x: number | boolean, y?: number | boolean, types: IrType[] = []): { b: IrBuilder; r: Ref } {
  const b = builder();
  const k = (v: number | boolean, t: IrType | undefined): Ref =>
    typeof v === "boolean" ? b.kbool(v) : t === IrType.float ? b.kfloat(v) : b.kint(v);
  const op = IrOp[name];
  const a = k(x, types[0]);
  const c = y === undefined ? 0 : k(y, types[1]);
  return { b, r: b.emit(op, IrType.none, a, c) };
}

/** The constant an op folds to, or "kept" when the op stays in the trace. */
function folded(name: IrOpName, x: number | boolean, y?: number | boolean, types: IrType[] = []): number | boolean | "kept" {
  const { b, r } = foldOn(name, x, y, types);
  const t = b.trace;
  if (t.op[r] === IrOp[name]) return "kept";
  expect(t.isConst(r)).toBe(true);
  return t.constValue(r) as number | boolean;
}

const F = IrType.float;
const I = IrType.int;

describe("constant folding: int ops", () => {
  it("folds ADD/SUB/MUL only inside the safe range", () => {
    expect(folded("ADD", 2, 3)).toBe(5);
    expect(folded("ADD", MAX - 1, 1)).toBe(MAX);
    expect(folded("ADD", MAX, 1)).toBe("kept");
    expect(folded("ADD", -MAX, -1)).toBe("kept");
    expect(folded("SUB", -MAX, 0)).toBe(-MAX);
    expect(folded("SUB", -MAX, 1)).toBe("kept");
    expect(folded("SUB", 3, 10)).toBe(-7);
    expect(folded("MUL", 2 ** 26, 2 ** 26)).toBe(2 ** 52);
    expect(folded("MUL", 2 ** 26, 2 ** 27)).toBe("kept");
    expect(folded("MUL", MAX, -1)).toBe(-MAX);
    expect(Object.is(folded("MUL", 0, -5), 0)).toBe(true);
  });

  it("folds DIV/MOD truncating, with the dividend's sign, and keeps x/0", () => {
    expect(folded("DIV", 7, 2)).toBe(3);
    expect(folded("DIV", -7, 2)).toBe(-3);
    expect(folded("DIV", 7, -2)).toBe(-3);
    expect(Object.is(folded("DIV", -1, 5), 0)).toBe(true);
    expect(folded("DIV", MAX, 3)).toBe(3002399751580330);
    expect(folded("DIV", 5, 0)).toBe("kept");
    expect(folded("MOD", -7, 2)).toBe(-1);
    expect(folded("MOD", 7, -2)).toBe(1);
    expect(Object.is(folded("MOD", -4, 2), 0)).toBe(true);
    expect(folded("MOD", 5, 0)).toBe("kept");
    expect(folded("MOD", 0, 0)).toBe("kept");
  });

  it("folds NEG (never -0) and CONV_INT_FLOAT", () => {
    expect(folded("NEG", 5)).toBe(-5);
    expect(Object.is(folded("NEG", 0), 0)).toBe(true);
    expect(folded("NEG", -MAX)).toBe(MAX);
    const { b, r } = foldOn("CONV_INT_FLOAT", 3);
    expect(b.trace.op[r]).toBe(IrOp.KFLOAT);
    expect(b.trace.numValue(r)).toBe(3);
  });

  it("rejects int constants outside the trace range and normalises -0", () => {
    const b = builder();
    expect(() => b.kint(MAX + 1)).toThrow();
    expect(() => b.kint(1.5)).toThrow();
    expect(b.kint(-0)).toBe(b.kint(0));
  });
});

describe("constant folding: float ops", () => {
  it("folds arithmetic in f64, keeping -0.0", () => {
    expect(folded("FADD", 0.1, 0.2, [F, F])).toBe(0.30000000000000004);
    expect(Object.is(folded("FADD", -0, -0, [F, F]), -0)).toBe(true);
    expect(Object.is(folded("FSUB", 0, 0, [F, F]), 0)).toBe(true);
    expect(Object.is(folded("FMUL", -0, 5, [F, F]), -0)).toBe(true);
    expect(folded("FMUL", 1e308, 10, [F, F])).toBe(Infinity);
    expect(folded("FDIV", -1, 4, [F, F])).toBe(-0.25);
    expect(folded("FMOD", 5.5, 2, [F, F])).toBe(1.5);
    expect(folded("FMOD", -5.5, 2, [F, F])).toBe(-1.5);
    expect(Object.is(folded("FNEG", 0, undefined, [F]), -0)).toBe(true);
    expect(folded("FNEG", NaN, undefined, [F])).toBeNaN();
  });

  it("keeps FDIV and FMOD by 0.0 or -0.0 (they exit at run time)", () => {
    expect(folded("FDIV", 1, 0, [F, F])).toBe("kept");
    expect(folded("FDIV", 1, -0, [F, F])).toBe("kept");
    expect(folded("FMOD", 1, -0, [F, F])).toBe("kept");
    expect(folded("FDIV", 0, 0, [F, F])).toBe("kept");
  });

  it("folds the math ops to floats; FSQRT of a negative stays", () => {
    expect(folded("FSQRT", 2.25, undefined, [F])).toBe(1.5);
    expect(Object.is(folded("FSQRT", -0, undefined, [F]), -0)).toBe(true);
    expect(folded("FSQRT", NaN, undefined, [F])).toBeNaN();
    expect(folded("FSQRT", -1, undefined, [F])).toBe("kept");
    expect(folded("FABS", -2.5, undefined, [F])).toBe(2.5);
    expect(folded("FFLOOR", -1.5, undefined, [F])).toBe(-2);
    expect(Object.is(folded("FCEIL", -0.5, undefined, [F]), -0)).toBe(true);
    const { b, r } = foldOn("FFLOOR", 2.7, undefined, [F]);
    expect(b.trace.op[r]).toBe(IrOp.KFLOAT);
  });

  it("interns -0.0, 0.0 and NaN as distinct constants", () => {
    const b = builder();
    expect(b.kfloat(-0)).not.toBe(b.kfloat(0));
    expect(b.kfloat(NaN)).toBe(b.kfloat(NaN));
    expect(b.kfloat(1)).not.toBe(b.kint(1));
  });
});

describe("constant folding: comparisons and bools", () => {
  it("folds ordered comparisons on ints and floats, false on NaN", () => {
    expect(folded("LT", 1, 2)).toBe(true);
    expect(folded("LT", 2, 1.5, [I, F])).toBe(false);
    expect(folded("LE", 2, 2)).toBe(true);
    expect(folded("GT", MAX, MAX - 1)).toBe(true);
    expect(folded("GE", -0, 0, [F, F])).toBe(true);
    for (const name of ["LT", "LE", "GT", "GE"] as const) {
      expect(folded(name, NaN, 1, [F, F])).toBe(false);
      expect(folded(name, NaN, NaN, [F, F])).toBe(false);
    }
  });

  it("folds == and != with Ruff's float equality", () => {
    expect(folded("EQ", 3, 3)).toBe(true);
    expect(folded("EQ", MAX, MAX - 1)).toBe(false);
    expect(folded("EQ", 0.1 + 0.2, 0.3, [F, F])).toBe(true);
    expect(folded("EQ", 1, 1, [I, F])).toBe(true);
    expect(folded("EQ", -0, 0, [F, F])).toBe(true);
    expect(folded("EQ", Infinity, Infinity, [F, F])).toBe(true);
    expect(folded("EQ", NaN, NaN, [F, F])).toBe(false);
    expect(folded("NE", NaN, NaN, [F, F])).toBe(true);
    expect(folded("NE", 1, 2)).toBe(true);
    expect(folded("EQ", true, true)).toBe(true);
    expect(folded("NE", true, false)).toBe(true);
  });

  it("folds NOT", () => {
    expect(folded("NOT", true)).toBe(false);
    expect(folded("NOT", false)).toBe(true);
  });

  it("mirrors a comparison with a constant on the left", () => {
    const b = builder();
    const x = b.sload(0, 0, I);
    const r = b.lt(b.kint(3), x);
    expect(IR_OP_NAMES[b.trace.op[r]]).toBe("GT");
    expect(b.trace.a[r]).toBe(x);
    expect(b.gt(x, b.kint(3))).toBe(r);
  });
});

describe("guard folding", () => {
  it("drops a guard that always passes", () => {
    const b = builder();
    expect(b.guardTrue(b.kbool(true))).toBe(NO_REF);
    expect(b.guardFalse(b.lt(b.kint(2), b.kint(1)))).toBe(NO_REF);
    expect(opNames(b.trace, IR_OP_NAMES)).not.toContain("GUARD_TRUE");
    expect(opNames(b.trace, IR_OP_NAMES)).not.toContain("GUARD_FALSE");
  });

  it("reports a guard that always fails", () => {
    const b = builder();
    expect(() => b.guardTrue(b.kbool(false))).toThrow(GuardAlwaysFails);
    expect(() => b.guardFalse(b.lt(b.kint(1), b.kint(2)))).toThrow(GuardAlwaysFails);
    const x = b.sload(0, 0, IrType.bool);
    b.guardTrue(x);
    expect(() => b.guardFalse(x)).toThrow(GuardAlwaysFails);
  });

  it("turns a guard on NOT x into the opposite guard on x", () => {
    const b = builder();
    const x = b.sload(0, 0, IrType.bool);
    const g = b.guardTrue(b.not(x));
    expect(IR_OP_NAMES[b.trace.op[g]]).toBe("GUARD_FALSE");
    expect(b.trace.a[g]).toBe(x);
  });

  it("folds kind and layout guards on constant objects", () => {
    const b = builder();
    const layout = layoutFor("P", ["x", "y"]);
    const arr = b.kref(new RArray([]));
    const st = b.kref(new RStruct(layout, [1, 2]));
    expect(b.guardKind(arr, RefKind.array)).toBe(NO_REF);
    expect(() => b.guardKind(arr, RefKind.struct)).toThrow(GuardAlwaysFails);
    expect(b.guardLayout(st, layout.id)).toBe(NO_REF);
    expect(() => b.guardLayout(st, layout.id + 1)).toThrow(GuardAlwaysFails);
  });

  it("needs a snapshot for every guard", () => {
    const b = builder();
    expect(() => b.guardTrue(b.sload(0, 0, IrType.bool), 5)).toThrow(/snapshot/);
  });
});

describe("algebraic simplification (always exact)", () => {
  const cases: [string, (b: IrBuilder, x: Ref) => Ref, "x" | "neg" | number | boolean | "kept"][] = [
    ["x + 0", (b, x) => b.add(x, b.kint(0)), "x"],
    ["0 + x", (b, x) => b.add(b.kint(0), x), "x"],
    ["x - 0", (b, x) => b.sub(x, b.kint(0)), "x"],
    ["x - x", (b, x) => b.sub(x, x), 0],
    ["0 - x", (b, x) => b.sub(b.kint(0), x), "neg"],
    ["x * 1", (b, x) => b.mul(x, b.kint(1)), "x"],
    ["1 * x", (b, x) => b.mul(b.kint(1), x), "x"],
    ["x * 0", (b, x) => b.mul(x, b.kint(0)), 0],
    ["x * -1", (b, x) => b.mul(x, b.kint(-1)), "neg"],
    ["x * 2", (b, x) => b.mul(x, b.kint(2)), "kept"],
    ["x / 1", (b, x) => b.div(x, b.kint(1)), "x"],
    ["x / -1", (b, x) => b.div(x, b.kint(-1)), "neg"],
    ["x % 1", (b, x) => b.mod(x, b.kint(1)), 0],
    ["x % -1", (b, x) => b.mod(x, b.kint(-1)), 0],
    ["x / 0", (b, x) => b.div(x, b.kint(0)), "kept"],
    ["--x", (b, x) => b.neg(b.neg(x)), "x"],
    ["x < x", (b, x) => b.lt(x, x), false],
    ["x >= x", (b, x) => b.ge(x, x), true],
    ["x == x", (b, x) => b.eq(x, x), true],
    ["x != x", (b, x) => b.ne(x, x), false],
  ];
  for (const [label, make, expected] of cases) {
    it(`int: ${label}`, () => {
      const b = builder();
      const x = b.sload(0, 0, I);
      const r = make(b, x);
      const t = b.trace;
      if (expected === "x") expect(r).toBe(x);
      else if (expected === "neg") expect([IR_OP_NAMES[t.op[r]], t.a[r]]).toEqual(["NEG", x]);
      else if (expected === "kept") expect(t.isConst(r) || r === x).toBe(false);
      else expect(t.constValue(r)).toBe(expected);
    });
  }

  it("float: only the rules that hold for -0.0 and NaN", () => {
    const b = builder();
    const x = b.sload(0, 0, F);
    expect(b.fadd(x, b.kfloat(-0))).toBe(x);
    expect(b.fadd(x, b.kfloat(0))).not.toBe(x); // -0.0 + 0.0 is 0.0
    expect(b.fsub(x, b.kfloat(0))).toBe(x);
    expect(b.fsub(x, b.kfloat(-0))).not.toBe(x); // -0.0 - -0.0 is 0.0
    expect(b.fmul(x, b.kfloat(1))).toBe(x);
    expect(b.trace.isConst(b.fmul(x, b.kfloat(0)))).toBe(false); // NaN * 0, -1 * 0
    expect(b.fdiv(x, b.kfloat(1))).toBe(x);
    expect(b.fneg(b.fneg(x))).toBe(x);
    expect(b.trace.constValue(b.lt(x, x))).toBe(false); // x < x is false for every x, NaN too
    expect(b.trace.isConst(b.le(x, x))).toBe(false); // NaN <= NaN is false
    expect(b.trace.isConst(b.eq(x, x))).toBe(false); // NaN == NaN is false
  });

  it("bool: NOT NOT x, x == true, x == false, x != true", () => {
    const b = builder();
    const x = b.sload(0, 0, IrType.bool);
    expect(b.not(b.not(x))).toBe(x);
    expect(b.eq(x, b.kbool(true))).toBe(x);
    expect(b.eq(b.kbool(true), x)).toBe(x);
    const notX = b.not(x);
    expect(b.eq(x, b.kbool(false))).toBe(notX);
    expect(b.ne(x, b.kbool(true))).toBe(notX);
    expect(b.ne(x, b.kbool(false))).toBe(x);
  });

  it("arith() follows Ruff's int/float mixing", () => {
    const b = builder();
    const i = b.sload(0, 0, I);
    const f = b.sload(1, 0, F);
    expect(IR_OP_NAMES[b.trace.op[b.arith("+", i, i)]]).toBe("ADD");
    const mixed = b.arith("/", i, f);
    expect(IR_OP_NAMES[b.trace.op[mixed]]).toBe("FDIV");
    expect(IR_OP_NAMES[b.trace.op[b.trace.a[mixed]]]).toBe("CONV_INT_FLOAT");
    expect(b.toFloat(f)).toBe(f);
  });
});

// ---------------------------------------------------------------------------
// FOLD == reference interpreter == Ruff interpreter, on random operands

const edgeInts = [0, 1, -1, 2, 7, -7, MAX, -MAX, MAX - 1, 2 ** 26, 2 ** 27, -(2 ** 26)];
const arbInt = fc.oneof(fc.constantFrom(...edgeInts), fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger());
const arbFloat = fc.oneof(fc.constantFrom(0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e308, 5e-324), fc.double());

/** op evaluated three ways: FOLD on constants, runTrace on SLOADs (unfolded), evaluate(). */
function threeWays(op: IrOpcode, types: IrType[], x: number, y: number): unknown[] {
  const { b, r } = foldOn(IR_OP_NAMES[op], x, y, types);
  const fold = b.trace.op[r] === op ? EXITS : b.trace.constValue(r);

  const u = builder();
  u.foldEnabled = false;
  const ins = u.emit(op, IrType.none, u.sload(0, 0, types[0]), u.sload(1, 0, types[1]));
  const resultSnap = u.snapshot([{ proto: u.trace.meta.startProto, base: 0, pc: 0, slots: [[2, ins]] }]);
  u.exit(resultSnap);
  const run = runTrace(u.trace, [[x, y]]);
  const interp = run.exit === resultSnap ? run.frames[0].slots[0].value : EXITS;
  return [fold, interp, evaluate(op, x, y)];
}

function same(values: unknown[]): void {
  for (const v of values) expect(Object.is(v, values[0]) || (Number.isNaN(v) && Number.isNaN(values[0]))).toBe(true);
}

const INT_OPS: [IrOpName, ArithOp][] = [["ADD", "+"], ["SUB", "-"], ["MUL", "*"], ["DIV", "/"], ["MOD", "%"]];
const FLOAT_OPS: [IrOpName, ArithOp][] = [["FADD", "+"], ["FSUB", "-"], ["FMUL", "*"], ["FDIV", "/"], ["FMOD", "%"]];

describe("semantics agree with the Ruff interpreter", () => {
  it("int arithmetic: same value when the result is a safe int, else an exit", () => {
    fc.assert(
      fc.property(fc.constantFrom(...INT_OPS), arbInt, arbInt, ([name, sym], x, y) => {
        const results = threeWays(IrOp[name], [I, I], x, y);
        same(results);
        let ruff: unknown;
        try {
          ruff = intArith(sym, x, y);
        } catch {
          ruff = EXITS; // Ruff raises: the trace must exit so the interpreter raises
        }
        if (typeof ruff === "bigint") ruff = EXITS; // leaves the trace's range
        expect(Object.is(results[0], ruff)).toBe(true);
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it("float arithmetic: f64, exits on division by zero", () => {
    fc.assert(
      fc.property(fc.constantFrom(...FLOAT_OPS), arbFloat, arbFloat, ([name, sym], x, y) => {
        const results = threeWays(IrOp[name], [F, F], x, y);
        same(results);
        let ruff: unknown;
        try {
          ruff = floatArith(sym, x, y);
        } catch {
          ruff = EXITS;
        }
        same([results[0], ruff]);
      }),
      { numRuns: 2000, seed: 43 },
    );
  });

  it("comparisons: ints, floats and mixes like Ruff's compare and ==", () => {
    const cmp: [IrOpName, "<" | "<=" | ">" | ">=" | "==" | "!="][] = [
      ["LT", "<"], ["LE", "<="], ["GT", ">"], ["GE", ">="], ["EQ", "=="], ["NE", "!="],
    ];
    const arbTyped = fc.oneof(arbInt.map((v) => [I, v] as const), arbFloat.map((v) => [F, v] as const));
    fc.assert(
      fc.property(fc.constantFrom(...cmp), arbTyped, arbTyped, ([name, sym], [tx, x], [ty, y]) => {
        const results = threeWays(IrOp[name], [tx, ty], x, y);
        same(results);
        const box = (t: IrType, v: number): Value => (t === F ? new RFloat(v) : v);
        const bx = box(tx, x);
        const by = box(ty, y);
        const ruff = sym === "==" ? equals(bx, by) : sym === "!=" ? !equals(bx, by) : compare(sym, bx, by);
        expect(results[0]).toBe(ruff);
      }),
      { numRuns: 2000, seed: 44 },
    );
  });

  it("integer results of MUL, DIV, MOD and NEG are never -0", () => {
    for (const [x, y] of [[0, -3], [-3, 0], [-2, 4], [-1, 7]] as const) {
      for (const name of ["MUL", "DIV", "MOD"] as const) {
        const r = evaluate(IrOp[name], x, y);
        if (r !== EXITS) expect(Object.is(r, -0)).toBe(false);
      }
    }
    expect(Object.is(evaluate(IrOp.NEG, 0, 0), 0)).toBe(true);
  });
});
