// The trace emitter on hand-built IR: ints are i64 inside the module and f64 at its edges
// (parameters, exit area, helpers). Every module validates with V8 and binaryen, and its
// exit number and exit values must equal the reference IR interpreter's, at the edges of
// the int range: results at +-(2^53-1) stay, one past exits, products beyond i64 exit
// instead of wrapping, DIV/MOD with negative and constant operands, large int->float.

import { describe, expect, it } from "vitest";
import { emitTrace } from "../../src/backend/emit-trace";
import { traceHelpers, traceHelpersFor } from "../../src/backend/trace-helpers";
import { PackedHeap } from "../../src/interp/packed";
import { IrBuilder } from "../../src/ir/builder";
import { runTrace, type HelperFn } from "../../src/ir/interp";
import { IrOp, IrType, type IrOpcode } from "../../src/ir/ops";
import { EXITS, type RawValue } from "../../src/ir/semantics";
import { newTrace, type Ref, type Trace } from "../../src/ir/trace";
import { verifyTrace } from "../../src/ir/verify";
import { FunctionProto, type ModuleInfo } from "../../src/interp/bytecode";
import { RArray, RDict, RFloat } from "../../src/interp/value";
import { expectValid } from "./wasm-test-helpers";

const I = IrType.int;
const F = IrType.float;
const MAX = Number.MAX_SAFE_INTEGER;
const MODULE: ModuleInfo = { file: "t.ruff", index: 0, globalNames: [], exports: null, main: null };
const MAIN = new FunctionProto("main", 0, MODULE);

/** Exit numbers of the straight-line traces below. */
const GUARD_EXIT = 0;
const DONE_EXIT = 1;

interface Built {
  trace: Trace;
  params: Ref[];
}

/**
 * A trace without a loop and without folding: entry loads of `types` (slots 0..), which
 * snapshot 0 lists; `body` computes values (its guards use snapshot 0); snapshot 1 adds
 * the results as the next slots and EXIT leaves through it.
 */
function straightLine(types: readonly IrType[], body: (b: IrBuilder, x: Ref[]) => Ref[]): Built {
  const b = new IrBuilder(newTrace("root", MAIN, 0));
  b.foldEnabled = false;
  const params = types.map((t, slot) => b.sload(slot, 0, t));
  const entrySlots = params.map((ref, slot): [number, Ref] => [slot, ref]);
  b.snapshot([{ proto: MAIN, base: 0, pc: 0, slots: entrySlots }]);
  const results = body(b, params);
  const resultSlots = results.map((r, k): [number, Ref] => [types.length + k, r]);
  b.snapshot([{ proto: MAIN, base: 0, pc: 4, slots: [...entrySlots, ...resultSlots] }]);
  b.exit();
  return { trace: b.trace, params };
}

/** A binary int op on two int entries. */
function intOp(op: IrOpcode): Built {
  return straightLine([I, I], (b, [x, y]) => [b.emit(op, I, x, y)]);
}

/** A raw value as JS passes it to wasm (bools as 0/1). */
const toNumber = (v: RawValue): RawValue => (typeof v === "boolean" ? (v ? 1 : 0) : v);

/** Reference helpers with the refusal rules of traceHelpers (NaN, 2, 0 mean "exit"). */
const referenceHelpers: Record<string, HelperFn> = Object.fromEntries(
  Object.entries(traceHelpers).map(([name, fn]): [string, HelperFn] => [
    name,
    (...args: RawValue[]) => {
      const r = (fn as (...a: unknown[]) => number)(...args.map(toNumber));
      if (name.startsWith("aset") || name.startsWith("dset")) return r === 0 ? EXITS : undefined;
      if (name.endsWith("bool")) return r === 2 ? EXITS : r !== 0;
      return Number.isNaN(r) ? EXITS : r;
    },
  ]),
);

interface Outcome {
  exit: number;
  /** The exit snapshot's values in slot order (bools as booleans, objects as themselves). */
  values: unknown[];
}

/**
 * Emit, validate, run in wasm (on `entry`) and in the reference interpreter (on
 * `makeEntry()` when the trace writes to objects, else on `entry`); they must agree on
 * the exit and, bit for bit, on every exit value.
 */
async function run(built: Built, entry: unknown[], makeEntry?: () => unknown[]): Promise<Outcome> {
  const { trace, params } = built;
  expect(verifyTrace(trace)).toEqual([]);
  const { bytes } = emitTrace(trace, params);
  await expectValid(bytes);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: traceHelpersFor(new PackedHeap()) });
  const fn = instance.exports.trace as (...args: unknown[]) => number;
  const area = new Float64Array((instance.exports.exits as WebAssembly.Memory).buffer);
  const refs = instance.exports.exitRefs as WebAssembly.Table;
  const ref = runTrace(trace, [makeEntry ? makeEntry() : entry], { helpers: referenceHelpers });
  const args = params.map((p) => {
    const v = entry[trace.a[p]];
    return v instanceof RFloat ? v.v : toNumber(v as RawValue);
  });
  const exit = fn(...args);
  expect(exit).toBe(ref.exit);
  const slots = ref.frames[0].slots;
  const values = slots.map((s, k) => (s.type === IrType.ref ? refs.get(k) : s.type === IrType.bool ? area[k] !== 0 : area[k]));
  slots.forEach((s, k) => {
    if (s.type === IrType.ref) return;
    // Object.is: an int must never come back as -0.
    expect(Object.is(values[k], s.value), `slot ${s.slot}: wasm ${String(values[k])}, reference ${String(s.value)}`).toBe(true);
  });
  return { exit, values };
}

/** Run a one-result straight-line trace: the result, or "exit" when the guard left. */
async function result(built: Built, entry: unknown[]): Promise<unknown> {
  const o = await run(built, entry);
  return o.exit === GUARD_EXIT ? "exit" : o.values[o.values.length - 1];
}

describe("int arithmetic in i64", () => {
  it("ADD and SUB: results at +-(2^53-1) stay in the trace, one past exits", async () => {
    const add = intOp(IrOp.ADD);
    const sub = intOp(IrOp.SUB);
    expect(await result(add, [MAX - 1, 1])).toBe(MAX);
    expect(await result(add, [MAX, 1])).toBe("exit");
    expect(await result(add, [MAX, MAX])).toBe("exit");
    expect(await result(add, [-MAX + 1, -1])).toBe(-MAX);
    expect(await result(add, [-MAX, -1])).toBe("exit");
    expect(await result(add, [-MAX, -MAX])).toBe("exit");
    expect(await result(add, [MAX, -MAX])).toBe(0);
    expect(await result(sub, [-MAX + 1, 1])).toBe(-MAX);
    expect(await result(sub, [-MAX, 1])).toBe("exit");
    expect(await result(sub, [MAX, -1])).toBe("exit");
    expect(await result(sub, [MAX - 1, -1])).toBe(MAX);
    expect(await result(sub, [-MAX, MAX])).toBe("exit");
    expect(await result(sub, [5, 5])).toBe(0);
  });

  it("ADD and SUB with a constant operand check the one bound they can cross", async () => {
    // [op, left constant or null for the entry, right constant or null, entry, expected]
    const cases: [IrOpcode, number | null, number | null, number, number | "exit"][] = [
      [IrOp.ADD, null, 1, MAX - 1, MAX], [IrOp.ADD, null, 1, MAX, "exit"], [IrOp.ADD, null, 1, -MAX, -MAX + 1],
      [IrOp.ADD, null, -1, -MAX + 1, -MAX], [IrOp.ADD, null, -1, -MAX, "exit"], [IrOp.ADD, null, -1, MAX, MAX - 1],
      [IrOp.ADD, MAX, null, 1, "exit"], [IrOp.ADD, MAX, null, -MAX, 0], [IrOp.ADD, -MAX, null, -1, "exit"],
      [IrOp.SUB, null, 1, -MAX + 1, -MAX], [IrOp.SUB, null, 1, -MAX, "exit"], [IrOp.SUB, null, 1, MAX, MAX - 1],
      [IrOp.SUB, null, -1, MAX - 1, MAX], [IrOp.SUB, null, -1, MAX, "exit"], [IrOp.SUB, null, -1, -MAX, -MAX + 1],
      // constant minus entry: 5 - x can only go above MAX, -5 - x only below -MAX
      [IrOp.SUB, 5, null, -(MAX - 5), MAX], [IrOp.SUB, 5, null, -(MAX - 4), "exit"], [IrOp.SUB, 5, null, MAX, 5 - MAX],
      [IrOp.SUB, -5, null, MAX - 5, -MAX], [IrOp.SUB, -5, null, MAX - 4, "exit"], [IrOp.SUB, -5, null, -MAX, MAX - 5],
      [IrOp.SUB, 0, null, MAX, -MAX], [IrOp.SUB, 0, null, -MAX, MAX],
    ];
    for (const [op, left, right, x, expected] of cases) {
      const built = straightLine([I], (b, [v]) => [b.emit(op, I, left === null ? v : b.kint(left), right === null ? v : b.kint(right))]);
      expect(await result(built, [x]), `${op} ${left} ${right} x=${x}`).toBe(expected);
    }
  });

  it("MUL exits beyond 2^53-1, also where the i64 product would wrap", async () => {
    const mul = intOp(IrOp.MUL);
    expect(await result(mul, [94906265, 94906265])).toBe(94906265 * 94906265);
    expect(await result(mul, [94906266, 94906266])).toBe("exit");
    expect(await result(mul, [2 ** 26, 2 ** 27])).toBe("exit"); // exactly 2^53
    expect(await result(mul, [-(2 ** 26), 2 ** 27 - 1])).toBe(-(2 ** 53) + 2 ** 26);
    expect(await result(mul, [MAX, -1])).toBe(-MAX);
    expect(await result(mul, [MAX, 2])).toBe("exit");
    expect(await result(mul, [2 ** 32, 2 ** 32])).toBe("exit"); // 2^64 wraps to 0 in i64
    expect(await result(mul, [3 * 2 ** 31, 2 ** 33])).toBe("exit"); // 3 * 2^64 wraps to 0 as well
    expect(await result(mul, [MAX, MAX])).toBe("exit");
    expect(await result(mul, [-MAX, MAX])).toBe("exit");
    expect(await result(mul, [0, -5])).toBe(0);
    expect(await result(mul, [MAX, 0])).toBe(0);
  });

  it("MUL by a constant checks the other operand against MAX / |k|", async () => {
    const byConst = (k: number) => straightLine([I], (b, [x]) => [b.mul(x, b.kint(k))]);
    const bound3 = Math.floor(MAX / 3);
    expect(await result(byConst(3), [bound3])).toBe(bound3 * 3);
    expect(await result(byConst(3), [bound3 + 1])).toBe("exit");
    expect(await result(byConst(3), [-bound3])).toBe(-bound3 * 3);
    expect(await result(byConst(3), [-bound3 - 1])).toBe("exit");
    expect(await result(byConst(-7), [Math.floor(MAX / 7)])).toBe(-Math.floor(MAX / 7) * 7);
    expect(await result(byConst(-7), [Math.floor(MAX / 7) + 1])).toBe("exit");
    expect(await result(byConst(2 ** 32), [2 ** 21 - 1])).toBe((2 ** 21 - 1) * 2 ** 32);
    expect(await result(byConst(2 ** 32), [2 ** 21])).toBe("exit"); // 2^53
    expect(await result(byConst(2 ** 32), [2 ** 32])).toBe("exit"); // 2^64 would wrap to 0
    expect(await result(byConst(MAX), [-1])).toBe(-MAX);
    expect(await result(byConst(MAX), [2])).toBe("exit");
    expect(await result(byConst(-1), [MAX])).toBe(-MAX);
    expect(await result(byConst(-1), [-MAX])).toBe(MAX);
    expect(await result(byConst(0), [MAX])).toBe(0);
    expect(await result(byConst(0), [-MAX])).toBe(0);
    // the constant on the left (unfolded IR keeps the order)
    const left = straightLine([I], (b, [x]) => [b.emit(IrOp.MUL, I, b.kint(5), x)]);
    expect(await result(left, [Math.floor(MAX / 5)])).toBe(Math.floor(MAX / 5) * 5);
    expect(await result(left, [-Math.floor(MAX / 5) - 1])).toBe("exit");
  });

  it("DIV truncates toward zero and exits on a zero divisor", async () => {
    const div = intOp(IrOp.DIV);
    const cases: [number, number, number | "exit"][] = [
      [7, 2, 3], [-7, 2, -3], [7, -2, -3], [-7, -2, 3], [-1, 2, 0], [0, -5, 0], [5, 0, "exit"], [0, 0, "exit"],
      [MAX, -1, -MAX], [-MAX, -1, MAX], [MAX, 2, 2 ** 52 - 1], [-MAX, 2, -(2 ** 52 - 1)], [MAX, MAX, 1], [1, MAX, 0],
    ];
    for (const [a, b, expected] of cases) expect(await result(div, [a, b]), `${a} / ${b}`).toBe(expected);
    for (const k of [3, -3, 1, -1, 1000000007]) {
      const byConst = straightLine([I], (b, [x]) => [b.div(x, b.kint(k))]);
      for (const x of [0, 1, -1, 7, -7, MAX, -MAX, 1000000006, -1000000008]) {
        expect(await result(byConst, [x]), `${x} / ${k}`).toBe(Math.trunc(x / k) + 0);
      }
    }
    const byZero = straightLine([I], (b, [x]) => [b.div(x, b.kint(0))]);
    expect(await result(byZero, [5])).toBe("exit");
  });

  it("MOD takes the dividend's sign, never -0, and exits on a zero divisor", async () => {
    const mod = intOp(IrOp.MOD);
    const cases: [number, number, number | "exit"][] = [
      [7, 3, 1], [-7, 3, -1], [7, -3, 1], [-7, -3, -1], [-6, 3, 0], [6, -3, 0], [-5, -1, 0], [0, -5, 0],
      [5, 0, "exit"], [MAX, 2, 1], [-MAX, 2, -1], [MAX, -MAX, 0], [-MAX, 10, -1], [3, MAX, 3], [-3, -MAX, -3],
    ];
    for (const [a, b, expected] of cases) expect(await result(mod, [a, b]), `${a} % ${b}`).toBe(expected);
    for (const k of [7, -7, 1000000007, -1000000007, 1, -1, 2 ** 40]) {
      const byConst = straightLine([I], (b, [x]) => [b.mod(x, b.kint(k))]);
      for (const x of [0, 6, -6, 7, -7, 2 ** 40 + 3, -(2 ** 40) - 3, MAX, -MAX, 1000000006, -1000000008]) {
        expect(await result(byConst, [x]), `${x} % ${k}`).toBe((x % k) + 0);
      }
    }
    const byZero = straightLine([I], (b, [x]) => [b.mod(x, b.kint(0))]);
    expect(await result(byZero, [5])).toBe("exit");
  });

  it("MOD by a positive constant agrees at the edges of its compare-and-subtract range [0, 2k)", async () => {
    for (const k of [1, 2, 3, 97, 1000000007, Math.floor(MAX / 2)]) {
      const byConst = straightLine([I], (b, [x]) => [b.mod(x, b.kint(k))]);
      const edges = [0, 1, k - 1, k, k + 1, 2 * k - 1, 2 * k, 2 * k + 1, -1, -k, -2 * k, MAX, -MAX];
      for (const x of edges.filter((e) => Math.abs(e) <= MAX)) {
        expect(await result(byConst, [x]), `${x} % ${k}`).toBe((x % k) + 0);
      }
    }
  });

  it("NEG and int->float conversion of large ints are exact", async () => {
    const neg = straightLine([I], (b, [x]) => [b.neg(x)]);
    for (const x of [0, 1, -1, MAX, -MAX]) expect(await result(neg, [x])).toBe(0 - x);
    const conv = straightLine([I], (b, [x]) => {
      const f = b.toFloat(x);
      return [f, b.fadd(f, b.kfloat(0.5)), b.toFloat(b.kint(-MAX))];
    });
    for (const x of [0, -1, 2 ** 53 - 2, MAX, -MAX, 2 ** 31, -(2 ** 32) - 1]) {
      const o = await run(conv, [x]);
      expect(o.exit).toBe(DONE_EXIT);
      expect(o.values.slice(1)).toEqual([x, x + 0.5, -MAX]);
    }
  });

  it("int comparisons in i64 and mixed int/float comparisons in f64", async () => {
    const ops = [IrOp.LT, IrOp.LE, IrOp.GT, IrOp.GE, IrOp.EQ, IrOp.NE] as const;
    const ints = straightLine([I, I], (b, [x, y]) => ops.map((op) => b.emit(op, IrType.bool, x, y)));
    const mixed = straightLine([I, F], (b, [x, y]) => ops.map((op) => b.emit(op, IrType.bool, x, y)));
    const withConst = straightLine([I], (b, [x]) => ops.map((op) => b.emit(op, IrType.bool, x, b.kint(MAX - 1))));
    const withFloatConst = straightLine([I], (b, [x]) => ops.map((op) => b.emit(op, IrType.bool, x, b.kfloat(2 ** 53))));
    for (const [x, y] of [[MAX, MAX - 1], [MAX - 1, MAX], [-MAX, MAX], [0, 0], [-3, -3], [-MAX, -MAX + 1]]) {
      const o = await run(ints, [x, y]);
      expect(o.values.slice(2)).toEqual([x < y, x <= y, x > y, x >= y, x === y, x !== y]);
      await run(withConst, [x]);
      await run(withFloatConst, [x]);
    }
    for (const [x, y] of [[3, 3.0], [3, 3.5], [MAX, 2 ** 53], [-MAX, -(2 ** 53)], [1, 1 + 2 ** -52], [0, -0], [5, NaN], [5, Infinity]]) {
      await run(mixed, [x, new RFloat(y)]);
    }
  });
});

describe("int loops and helpers at the JS boundary", () => {
  /** fib_mod: a, b, i, n in slots 0..3; t = (a + b) % k; exits at i >= n (or an overflow). */
  function fibMod(k: number): Built {
    const b = new IrBuilder(newTrace("root", MAIN, 0));
    const [a0, b0, i0, n] = [0, 1, 2, 3].map((slot) => b.sload(slot, 0, I));
    b.loop();
    b.snapshot([{ proto: MAIN, base: 0, pc: 8, slots: [[0, a0], [1, b0], [2, i0]] }]);
    b.guardTrue(b.lt(i0, n));
    const t = b.mod(b.add(a0, b0), b.kint(k));
    const i1 = b.add(i0, b.kint(1));
    b.phi(a0, b0);
    b.phi(b0, t);
    b.phi(i0, i1);
    return { trace: b.trace, params: [a0, b0, i0, n] };
  }

  it("a fib_mod loop with i64 PHIs exits with the interpreter's values", async () => {
    let [a, bb] = [0, 1];
    for (let i = 0; i < 1000; i++) [a, bb] = [bb, (a + bb) % 1000000007];
    const o = await run(fibMod(1000000007), [0, 1, 0, 1000]);
    expect(o.values).toEqual([a, bb, 1000]);
    // An overflowing ADD inside the loop leaves with the values carried so far.
    const big = await run(fibMod(MAX), [2 ** 50, 2 ** 50, 0, 100]);
    expect(big.values[2]).toBeGreaterThan(0);
    expect(big.values[2]).toBeLessThan(100);
  });

  it("array and dict helpers get f64 indexes, keys and values; int results come back as i64", async () => {
    const R = IrType.ref;
    // x = arr[i] + len(arr); arr[i + 1] = x * 2; y = d[i]; d[x] = y - 1; z = arr[0] + float(x)
    const built = straightLine([R, I, R], (b, [arr, i, d]) => {
      const x = b.add(b.aget(arr, i, I), b.alen(arr));
      b.aset(arr, b.add(i, b.kint(1)), b.mul(x, b.kint(2)));
      const y = b.callHelper("dget_int", I, [d, i]);
      b.callHelper("dset_int", IrType.none, [d, x, b.sub(y, b.kint(1))]);
      const f = b.aget(arr, b.kint(0), F);
      return [x, y, b.fadd(f, b.toFloat(x))];
    });
    const small = (): unknown[] => [new RArray([new RFloat(0.5), 5, 6]), 1, RDict.fromEntries([[1, -MAX + 1]])];
    const s = small();
    const ok = await run(built, s, small);
    expect(ok.exit).toBe(DONE_EXIT);
    expect(ok.values.slice(3)).toEqual([8, -MAX + 1, 8.5]);
    expect((s[0] as RArray).items).toEqual([new RFloat(0.5), 5, 16]);
    expect((s[2] as RDict).get(8)).toBe(-MAX);
    // x = MAX - 6 is exact; x * 2 overflows: the guard exits before the array write
    const big = (): unknown[] => [new RArray([new RFloat(0.25), MAX - 10, -(2 ** 40), 3]), 1, RDict.fromEntries([[1, 1]])];
    const e = big();
    expect((await run(built, e, big)).exit).toBe(GUARD_EXIT);
    expect((e[0] as RArray).items[2]).toBe(-(2 ** 40));
    // dget's result at -MAX: y - 1 leaves the range, before dset writes
    const low = (): unknown[] => [new RArray([new RFloat(0.5), 5, 6]), 1, RDict.fromEntries([[1, -MAX]])];
    const l = low();
    expect((await run(built, l, low)).exit).toBe(GUARD_EXIT);
    expect((l[2] as RDict).has(8)).toBe(false);
    // refusals: an element of another type, an index out of range, a missing key
    const wrongType = (): unknown[] => [new RArray([new RFloat(0.5), new RFloat(5), 6]), 1, RDict.fromEntries([[1, 40]])];
    expect((await run(built, wrongType(), wrongType)).exit).toBe(GUARD_EXIT);
    const outOfRange = (): unknown[] => [new RArray([new RFloat(0.5), 5]), 1, RDict.fromEntries([[1, 40]])];
    expect((await run(built, outOfRange(), outOfRange)).exit).toBe(GUARD_EXIT);
    const noKey = (): unknown[] => [new RArray([new RFloat(0.5), 5, 6]), 1, new RDict()];
    expect((await run(built, noKey(), noKey)).exit).toBe(GUARD_EXIT);
  });
});
