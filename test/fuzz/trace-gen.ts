// Generated IR loop traces for the differential test of the wasm backend against the
// reference IR interpreter (trace-differential.test.ts). Owns: the fast-check arbitrary of
// a trace description (slot types, entry values, body instructions with operand *picks*),
// building it into a real Trace with the public IrBuilder, and running one trace both
// ways (src/ir/interp.ts runTrace, and emitTrace + WebAssembly as the JIT instantiates it)
// with the exit observed from JS: exit id and the snapshot's values.
//
// Shape of every trace (like a recorded while loop): SLOADs of every slot, LOOP, the body,
// PHIs for the slots the body reassigned. Slot 0 is an int loop counter; somewhere in the
// body `GUARD_TRUE (counter < LIMIT)` and `counter = ADD counter 1` bound the loop, so every
// trace exits within LIMIT - entry iterations. Operands are picks resolved against the
// values of the right type defined so far (or constants from a pool), so every
// description fast-check produces or shrinks to builds a well-typed trace.

import fc from "fast-check";
import type { FunctionProto } from "../../src/interp/bytecode";
import { GuardAlwaysFails, IrBuilder } from "../../src/ir/builder";
import { eliminateDeadCode } from "../../src/ir/dce";
import { LIMIT_REACHED, runTrace } from "../../src/ir/interp";
import { IR_OP_NAMES, IrOp, IrType, type IrOpName } from "../../src/ir/ops";
import { printTrace } from "../../src/ir/printer";
import { NO_REF, newTrace, type Ref, type Trace } from "../../src/ir/trace";
import { assertValidTrace } from "../../src/ir/verify";
import { emitTrace } from "../../src/backend/emit-trace";
import { traceHelpersFor } from "../../src/backend/trace-helpers";
import { PackedHeap } from "../../src/interp/packed";

export type SlotType = "int" | "float" | "bool";
type Raw = number | boolean;

/** An operand: a pick among the values of the wanted type defined so far, or a pool constant. */
export type Operand = { var: number } | { konst: number };

export interface GenInstr {
  op: BodyOp;
  a: Operand;
  b: Operand;
  /** Also pick whether LT/LE/GT/GE/EQ/NE compare ints (0), floats (1), mixed (2) or bools (EQ/NE, 3). */
  mode: number;
  /** Write the result into a slot of its type (a pick), making it loop-carried. */
  assign: number | null;
  /** Take a snapshot of the current slot values before this instruction. */
  snap: boolean;
}

export interface GenTrace {
  /** Types of slots 1.. (slot 0 is the int counter). */
  slots: SlotType[];
  /** Entry values of slots 0.. for each run (slot 0: the counter's start). */
  entries: Raw[][];
  limit: number;
  /** Where in the body the counter check and increment go. */
  counterAt: number;
  body: GenInstr[];
  /** IrBuilder folding (off: constant operands reach the emitter). */
  fold: boolean;
  /** Small int entry values and constants only: such loops run longer before a guard fails. */
  tame: boolean;
}

// ---------------------------------------------------------------------------
// Values

const MAX = Number.MAX_SAFE_INTEGER;

/** Ints near the trace range's ends, near zero, and powers of two where products overflow. */
export const INT_POOL: readonly number[] = [
  0, 1, -1, 2, -2, 3, 7, -7, 10, 255, 2 ** 26, 2 ** 26 + 1, 2 ** 31, -(2 ** 31), 2 ** 32, 94906265, 94906266,
  2 ** 52, -(2 ** 52), MAX, -MAX, MAX - 1, -MAX + 1, MAX - 7, 2 ** 53 - 2, 4503599627370497,
];
export const FLOAT_POOL: readonly number[] = [
  0, -0, 0.5, -0.5, 1, -1, 1.5, 2.5, -2.5, 3, 1 / 3, 0.1, 1e-300, -1e-300, 5e-324, 1e308, -1e308, 1.7976931348623157e308,
  Infinity, -Infinity, NaN, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 9007199254740991.5, 4.5e15, 1e16,
];

const intArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INT_POOL) },
  { weight: 3, arbitrary: fc.integer({ min: -20, max: 20 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 64 }).map((d) => MAX - d) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 64 }).map((d) => -MAX + d) },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
).map((v) => v + 0);

const floatArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FLOAT_POOL) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((n) => n / 8) },
);

const tameIntArb: fc.Arbitrary<number> = fc.integer({ min: -20, max: 20 }).map((v) => v + 0);

function valueArb(t: SlotType, tame: boolean): fc.Arbitrary<Raw> {
  return t === "int" ? (tame ? tameIntArb : intArb) : t === "float" ? floatArb : fc.boolean();
}

// ---------------------------------------------------------------------------
// Body ops: operand types and result type

const BODY_OPS = {
  ADD: ["int", "int", "int"], SUB: ["int", "int", "int"], MUL: ["int", "int", "int"],
  DIV: ["int", "int", "int"], MOD: ["int", "int", "int"], NEG: ["int", null, "int"],
  FADD: ["float", "float", "float"], FSUB: ["float", "float", "float"], FMUL: ["float", "float", "float"],
  FDIV: ["float", "float", "float"], FMOD: ["float", "float", "float"], FNEG: ["float", null, "float"],
  CONV_INT_FLOAT: ["int", null, "float"],
  FSQRT: ["float", null, "float"], FABS: ["float", null, "float"], FFLOOR: ["float", null, "float"], FCEIL: ["float", null, "float"],
  LT: ["cmp", "cmp", "bool"], LE: ["cmp", "cmp", "bool"], GT: ["cmp", "cmp", "bool"], GE: ["cmp", "cmp", "bool"],
  EQ: ["cmp", "cmp", "bool"], NE: ["cmp", "cmp", "bool"], NOT: ["bool", null, "bool"],
  GUARD_TRUE: ["bool", null, null], GUARD_FALSE: ["bool", null, null],
} as const satisfies Partial<Record<IrOpName, readonly [string, string | null, SlotType | null]>>;
export type BodyOp = keyof typeof BODY_OPS;

/** Int arithmetic with guards is what the backend gets wrong most easily: weight it up. */
const OP_WEIGHTS: Record<BodyOp, number> = {
  ADD: 5, SUB: 5, MUL: 5, DIV: 4, MOD: 4, NEG: 2,
  FADD: 3, FSUB: 3, FMUL: 3, FDIV: 3, FMOD: 2, FNEG: 1, CONV_INT_FLOAT: 3,
  FSQRT: 2, FABS: 1, FFLOOR: 2, FCEIL: 1,
  LT: 2, LE: 2, GT: 2, GE: 2, EQ: 2, NE: 2, NOT: 1, GUARD_TRUE: 2, GUARD_FALSE: 2,
};

const operandArb: fc.Arbitrary<Operand> = fc.oneof(
  { weight: 4, arbitrary: fc.nat(15).map((n) => ({ var: n })) },
  { weight: 1, arbitrary: fc.nat(1000).map((n) => ({ konst: n })) },
);

const instrArb: fc.Arbitrary<GenInstr> = fc.record({
  op: fc.oneof(...(Object.keys(OP_WEIGHTS) as BodyOp[]).map((op) => ({ weight: OP_WEIGHTS[op], arbitrary: fc.constant(op) }))),
  a: operandArb,
  b: operandArb,
  mode: fc.nat(3),
  assign: fc.option(fc.nat(7), { freq: 2 }),
  snap: fc.boolean(),
});

const slotTypeArb: fc.Arbitrary<SlotType> = fc.constantFrom("int", "float", "int", "float", "bool");

/** A trace description with 1-3 entry states (each run separately). */
export const genTraceArb: fc.Arbitrary<GenTrace> = fc
  .record({
    slots: fc.array(slotTypeArb, { minLength: 1, maxLength: 6 }),
    limit: fc.integer({ min: 0, max: 40 }),
    body: fc.array(instrArb, { minLength: 1, maxLength: 24 }),
    counterAt: fc.nat(24),
    fold: fc.boolean(),
    tame: fc.boolean(),
  })
  .chain((g) =>
    fc
      .array(
        fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 40 }) }), ...g.slots.map((t) => valueArb(t, g.tame))),
        { minLength: 1, maxLength: 3 },
      )
      .map((entries) => ({ ...g, entries: entries as Raw[][] })),
  );

// ---------------------------------------------------------------------------
// Building

/** A stand-in function for snapshot frames (the backend and interpreter only carry it). */
const PROTO = { name: "gen" } as unknown as FunctionProto;

export interface BuiltTrace {
  trace: Trace;
  /** SLOAD refs in slot order (the wasm parameters), slot types. */
  params: Ref[];
  types: SlotType[];
}

const IR_TYPE: Record<SlotType, number> = { int: IrType.int, float: IrType.float, bool: IrType.bool };

export function buildTrace(g: GenTrace): BuiltTrace {
  const trace = newTrace("root", PROTO, 0);
  const B = new IrBuilder(trace);
  B.foldEnabled = g.fold;
  const types: SlotType[] = ["int", ...g.slots];
  const params = types.map((t, slot) => B.sload(slot, 0, IR_TYPE[t] as IrType));
  const env = [...params];
  const defined: Record<SlotType, Ref[]> = { int: [], float: [], bool: [] };
  params.forEach((r, slot) => defined[types[slot]].push(r));
  let pc = 0;
  const snapshot = (): number => B.snapshot([{ proto: PROTO, base: 0, pc: pc++, slots: env.map((r, slot) => [slot, r] as const) }]);

  B.loop();
  // Inside the loop the pre-loop SLOADs of reassigned slots are only read through env.
  const pick = (t: SlotType, o: Operand): Ref => {
    if ("konst" in o) {
      if (t === "int") return B.kint(INT_POOL[o.konst % (g.tame ? 10 : INT_POOL.length)]);
      if (t === "float") return B.kfloat(FLOAT_POOL[o.konst % FLOAT_POOL.length]);
      return B.kbool(o.konst % 2 === 0);
    }
    const pool = defined[t];
    if (pool.length === 0) return pick(t, { konst: o.var });
    return pool[pool.length - 1 - (o.var % pool.length)];
  };
  const counter = (): void => {
    snapshot();
    const cond = B.lt(env[0], B.kint(g.limit));
    // Never folded away: a body guard on the same condition must not remove the bound.
    B.foldEnabled = false;
    B.guardTrue(cond);
    B.foldEnabled = g.fold;
    env[0] = B.add(env[0], B.kint(1));
  };
  let snapTaken = false;
  g.body.forEach((ins, i) => {
    if (i === g.counterAt) counter();
    const [ta, tb, tr] = BODY_OPS[ins.op];
    let kindA: SlotType;
    let kindB: SlotType;
    if (ta === "cmp") {
      const isEq = ins.op === "EQ" || ins.op === "NE";
      const mode = isEq ? ins.mode : ins.mode % 3;
      [kindA, kindB] = mode === 0 ? ["int", "int"] : mode === 1 ? ["float", "float"] : mode === 2 ? ["int", "float"] : ["bool", "bool"];
      if (ins.mode % 2 === 1 && mode === 2) [kindA, kindB] = [kindB, kindA];
    } else {
      kindA = ta;
      kindB = (tb ?? "int") as SlotType;
    }
    const a = pick(kindA, ins.a);
    const b = tb === null ? 0 : pick(kindB, ins.b);
    if (ins.snap || !snapTaken) {
      snapshot();
      snapTaken = true;
    }
    let r: Ref;
    try {
      r = B.emit(IrOp[ins.op], tr === null ? IrType.none : (IR_TYPE[tr] as IrType), a, b);
    } catch (e) {
      if (e instanceof GuardAlwaysFails) return; // a guard folded to "always exits": leave it out
      throw e;
    }
    if (tr === null || r === NO_REF) return;
    defined[tr].push(r);
    if (ins.assign !== null) {
      const candidates = types.map((t, slot) => (t === tr && slot !== 0 ? slot : -1)).filter((s) => s >= 0);
      if (candidates.length > 0) env[candidates[ins.assign % candidates.length]] = r;
    }
  });
  if (g.counterAt >= g.body.length) counter();
  env.forEach((r, slot) => B.phi(params[slot], r));
  assertValidTrace(trace);
  return { trace, params, types };
}

// ---------------------------------------------------------------------------
// Running both ways

export interface Observed {
  exit: number;
  /** The snapshot's values as numbers (bools 0/1), in snapshot order. */
  values: number[];
  iterations?: number;
  /** The op of the guard that exited (reference interpreter only). */
  guardOp?: string;
}

const MAX_ITERATIONS = 10_000;

export function runReference(trace: Trace, params: readonly Ref[], entry: readonly Raw[]): Observed {
  const slots: Raw[] = [];
  params.forEach((ref, i) => (slots[trace.a[ref]] = entry[i]));
  const r = runTrace(trace, [slots], { maxIterations: MAX_ITERATIONS });
  if (r.exit === LIMIT_REACHED) throw new Error(`the generated trace did not exit within ${MAX_ITERATIONS} iterations:\n${printTrace(trace)}`);
  const values = r.frames.flatMap((f) => f.slots.map((s) => (typeof s.value === "boolean" ? (s.value ? 1 : 0) : (s.value as number))));
  return { exit: r.exit, values, iterations: r.iterations, guardOp: IR_OP_NAMES[trace.op[r.guardRef]] };
}

export interface WasmTrace {
  run(entry: readonly Raw[]): Observed;
}

/** emitTrace + instantiate as the JIT does (JS-facing ABI: f64 numbers, i32 bools, f64 exit area). */
export function compileWasm(trace: Trace, params: readonly Ref[]): WasmTrace {
  const emitted = emitTrace(trace, params);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(emitted.bytes), { env: traceHelpersFor(new PackedHeap()) });
  const fn = instance.exports.trace as (...args: unknown[]) => number;
  const memory = instance.exports.exits as WebAssembly.Memory;
  return {
    run(entry) {
      const exit = fn(...entry.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v)));
      const snap = trace.snapshots[exit];
      if (snap === undefined) return { exit, values: [] };
      const n = snap.frames.reduce((k, f) => k + f.refs.length, 0);
      return { exit, values: Array.from(new Float64Array(memory.buffer).slice(0, n)) };
    },
  };
}

/** Same exit and the same values; floats compared with Object.is (-0 vs 0 differ; any NaN equals any NaN). */
export function sameObserved(x: Observed, y: Observed): boolean {
  return x.exit === y.exit && x.values.length === y.values.length && x.values.every((v, i) => Object.is(v, y.values[i]));
}

export function formatValue(v: Raw): string {
  if (typeof v === "boolean") return String(v);
  return Object.is(v, -0) ? "-0" : String(v);
}

/** The slot state after an exit: entry values overlaid with the snapshot's entries. */
function fullState(trace: Trace, entry: readonly Raw[], o: Observed): string {
  const state = entry.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
  const snap = trace.snapshots[o.exit];
  snap.frames[0].slots.forEach((slot, k) => (state[slot] = o.values[k]));
  return state.map((v) => formatValue(v)).join(",");
}

/**
 * Check one description: build it; for the trace as built and after DCE, the reference
 * interpreter and wasm must agree on every entry state; and both traces must leave the
 * same slot state (DCE keeps behaviour). Returns null, or a failure text with the trace.
 */
export function checkTrace(g: GenTrace): string | null {
  const built = buildTrace(g);
  const dce = eliminateDeadCode(built.trace);
  const dceParams = built.params.map((r) => dce.refMap[r]).filter((r) => r !== NO_REF);
  const keptSlots = built.params.map((r, i) => (dce.refMap[r] !== NO_REF ? i : -1)).filter((i) => i >= 0);
  const variants = [
    { name: "as built", trace: built.trace, params: built.params, pickEntry: (e: readonly Raw[]) => e },
    { name: "after DCE", trace: dce.trace, params: dceParams, pickEntry: (e: readonly Raw[]) => keptSlots.map((i) => e[i]) },
  ];
  const wasm = variants.map((v) => compileWasm(v.trace, v.params));
  for (const rawEntry of g.entries) {
    const entry = built.types.map((t, i) => (t === "bool" ? Boolean(rawEntry[i]) : (rawEntry[i] as number)));
    const states: string[] = [];
    for (let k = 0; k < variants.length; k++) {
      const v = variants[k];
      const e = v.pickEntry(entry);
      const ref = runReference(v.trace, v.params, e);
      const got = wasm[k].run(e);
      if (!sameObserved(ref, got)) {
        return [
          `wasm and the reference interpreter disagree (trace ${v.name}, fold ${g.fold})`,
          `entry: ${entry.map((x, i) => `#${i}=${formatValue(x)}`).join(" ")}`,
          `reference: exit ${ref.exit} after ${ref.iterations} iterations, values [${ref.values.map(formatValue).join(", ")}]`,
          `wasm:      exit ${got.exit}, values [${got.values.map(formatValue).join(", ")}]`,
          printTrace(v.trace),
        ].join("\n");
      }
      // Exit ids of the built trace map to the DCE'd trace's ids.
      states.push(`exit ${k === 0 ? dce.snapshotMap[ref.exit] : ref.exit}: ${fullState(v.trace, entry, ref)}`);
    }
    if (states[0] !== states[1]) {
      return [`DCE changed the exit state: [${states[0]}] vs [${states[1]}]`, `entry: ${entry.map(formatValue).join(" ")}`, printTrace(built.trace), printTrace(dce.trace)].join("\n");
    }
  }
  return null;
}
