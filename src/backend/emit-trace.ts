// IR trace -> one wasm module with one function. Entry loads are the parameters; every
// other value gets a local; LOOP opens a wasm `loop` and the PHIs at the end move the
// loop-carried values (all at once) before branching back. A guard that fails stores its
// snapshot's values into the module's exit area (linear memory, 8 bytes per entry, in
// snapshot order) and returns the snapshot id: exits are status codes, never throws.
//
// Ints are i64 inside the function (IR_TYPE_WASM), but the JS-facing ABI stays f64 (JS
// numbers): int parameters are converted once at entry, and int values become f64 again
// in the exit area and as helper arguments; helper results come back as f64. Every int
// is a safe int (|v| <= 2^53-1), so all these conversions are exact.

import { ModuleBuilder, CodeWriter, type ValType } from "./wasm-encoder";
import { IrOp, IrType, IR_OP_NAMES, IR_TYPE_WASM, type IrOpcode } from "../ir/ops";
import { FIRST_REF, type Ref, type Trace } from "../ir/trace";
import { FLOAT_EPSILON } from "../interp/ops";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export interface EmittedTrace {
  bytes: Uint8Array;
  /** Number of guards (exits) in the code. */
  guards: number;
}

export class EmitError extends Error {}

/** The wasm type of a value of IR type t inside the trace function. */
function valType(t: number): ValType {
  const w = IR_TYPE_WASM[t];
  if (w === null || w === undefined) throw new EmitError(`no wasm representation for IR type ${t}`);
  return w;
}

/** The type of an IR value where it crosses to JS (parameters, helpers): ints are JS numbers. */
function abiType(t: number): ValType {
  return t === IrType.int ? "f64" : valType(t);
}

/**
 * JS helpers every trace module imports, by name, with their wasm signatures (JS numbers:
 * int indexes, keys, values and results are f64 here; the call sites convert). Array
 * reads return a value that cannot be valid to mean "exit" (NaN for numbers, 2 for
 * bools): a NaN float element therefore leaves the trace too, which is always safe.
 */
export const TRACE_IMPORTS = {
  fmod: [["f64", "f64"], ["f64"]],
  alen: [["externref"], ["f64"]],
  aget_int: [["externref", "f64"], ["f64"]],
  aget_float: [["externref", "f64"], ["f64"]],
  aget_bool: [["externref", "f64"], ["i32"]],
  aset_int: [["externref", "f64", "f64"], ["i32"]],
  aset_float: [["externref", "f64", "f64"], ["i32"]],
  aset_bool: [["externref", "f64", "i32"], ["i32"]],
  dget_int: [["externref", "f64"], ["f64"]],
  dget_float: [["externref", "f64"], ["f64"]],
  dget_bool: [["externref", "f64"], ["i32"]],
  dset_int: [["externref", "f64", "f64"], ["i32"]],
  dset_float: [["externref", "f64", "f64"], ["i32"]],
  dset_bool: [["externref", "f64", "i32"], ["i32"]],
} as const satisfies Record<string, readonly [readonly ValType[], readonly ValType[]]>;
type ImportName = keyof typeof TRACE_IMPORTS;

/** Emit `trace`; params are its entry loads in the order given. */
export function emitTrace(trace: Trace, params: readonly Ref[]): EmittedTrace {
  const mod = new ModuleBuilder();
  const imports = {} as Record<ImportName, number>;
  for (const [name, [params, results]] of Object.entries(TRACE_IMPORTS)) {
    imports[name as ImportName] = mod.importFunction("env", name, mod.addType(params, results));
  }
  const elementHelper = (base: "aget" | "aset", t: number): number => imports[`${base}_${t === IrType.int ? "int" : t === IrType.float ? "float" : "bool"}`];
  const memory = mod.addMemory({ min: 1 });
  mod.addExport("exits", "memory", memory);
  // Object references of an exit's snapshot go to this table, at the entry's index.
  let maxEntries = 1;
  for (const s of trace.snapshots) maxEntries = Math.max(maxEntries, s.frames.reduce((n, f) => n + f.refs.length, 0));
  const refTable = mod.addTable({ element: "externref", min: maxEntries });
  mod.addExport("exitRefs", "table", refTable);

  const local = new Int32Array(trace.end).fill(-1);
  const locals: ValType[] = [];
  const paramTypes: ValType[] = params.map((ref) => abiType(trace.type[ref]));
  const allocLocal = (t: ValType): number => {
    locals.push(t);
    return params.length + locals.length - 1;
  };
  const w = new CodeWriter();
  // Int parameters arrive as f64 and live in an i64 local from here on. trunc_sat is
  // exact on safe ints and cannot trap.
  params.forEach((ref, i) => {
    if (trace.type[ref] !== IrType.int) {
      local[ref] = i;
      return;
    }
    local[ref] = allocLocal("i64");
    w.local_get(i).i64_trunc_sat_f64_s().local_set(local[ref]);
  });
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    const op = trace.op[ref];
    if (local[ref] >= 0 || trace.type[ref] === IrType.none || isConst(op)) continue;
    if (op === IrOp.SLOAD) throw new EmitError(`entry load ${ref} is not a parameter`);
    // int->float of a constant is a float constant (see get).
    if (op === IrOp.CONV_INT_FLOAT && isConst(trace.op[trace.a[ref]])) continue;
    local[ref] = allocLocal(valType(trace.type[ref]));
  }
  // Receives f64 helper results before the refusal check and the conversion to i64.
  let scratchF64 = -1;
  const scratch = (): number => (scratchF64 >= 0 ? scratchF64 : (scratchF64 = allocLocal("f64")));

  let guards = 0;

  const get = (ref: Ref): void => {
    const op = trace.op[ref];
    if (op === IrOp.KINT) w.i64_const(trace.numConsts[trace.a[ref]]);
    else if (op === IrOp.KFLOAT) w.f64_const(trace.numConsts[trace.a[ref]]);
    else if (op === IrOp.KBOOL) w.i32_const(trace.a[ref]);
    else if (op === IrOp.CONV_INT_FLOAT && isConst(trace.op[trace.a[ref]])) w.f64_const(trace.numConsts[trace.a[trace.a[ref]]]);
    else w.local_get(local[ref]);
  };
  /** An int or float operand as f64 (exact for ints). */
  const getF64 = (ref: Ref): void => {
    if (trace.type[ref] !== IrType.int) get(ref);
    else if (trace.op[ref] === IrOp.KINT) w.f64_const(trace.numConsts[trace.a[ref]]);
    else w.local_get(local[ref]).f64_convert_i64_s();
  };
  /** An operand as a JS helper takes it. */
  const getAbi = (ref: Ref): void => (trace.type[ref] === IrType.int ? getF64(ref) : get(ref));
  const exitTo = (snapId: number): void => {
    const snap = trace.snapshots[snapId];
    let k = 0;
    for (const frame of snap.frames) {
      for (const ref of frame.refs) {
        if (trace.type[ref] === IrType.ref) {
          w.i32_const(k++);
          get(ref);
          w.table_set(refTable);
          continue;
        }
        w.i32_const(8 * k++);
        getAbi(ref);
        if (trace.type[ref] === IrType.bool) w.f64_convert_i32_u();
        w.f64_store();
      }
    }
    w.i32_const(snapId).return();
    guards++;
  };
  /** With the failure condition (i32) on the stack: leave through the guard's snapshot. */
  const exitIf = (ref: Ref): void => {
    w.if();
    exitTo(trace.snap[ref]);
    w.end();
  };
  /**
   * With an i64 x on the stack: exit unless |x| <= limit. One compare: x + limit, read
   * as unsigned, exceeds 2 * limit exactly when x is outside [-limit, limit] (no i64
   * wrap-around for |x| <= 2^62, which holds for the sums and operands checked here).
   */
  const exitUnlessWithin = (ref: Ref, limit: number): void => {
    w.i64_const(limit).i64_add().i64_const(2 * limit).i64_gt_u();
    exitIf(ref);
  };
  /**
   * ADD/SUB: the i64 result (on the stack) of two safe ints cannot wrap. With a
   * constant operand only one bound can be crossed; `up` says which (null: both).
   */
  const setCheckedSum = (ref: Ref, up: boolean | null): void => {
    w.local_tee(local[ref]);
    if (up === null) {
      exitUnlessWithin(ref, MAX_SAFE);
      return;
    }
    if (up) w.i64_const(MAX_SAFE).i64_gt_s();
    else w.i64_const(-MAX_SAFE).i64_lt_s();
    exitIf(ref);
  };
  /** The value of a KINT operand, or null. */
  const intConst = (ref: Ref): number | null => (trace.op[ref] === IrOp.KINT ? trace.numConsts[trace.a[ref]] : null);
  /** Which bound a + sign * b can cross when one operand is constant (see setCheckedSum). */
  const sumDirection = (a: Ref, b: Ref, sign: 1 | -1): boolean | null => {
    const kb = intConst(b);
    // k + b and k - b with b safe both stay above -MAX when k > 0 (below MAX when k < 0).
    const k = kb !== null ? sign * kb : intConst(a);
    return k === null || k === 0 ? null : k > 0;
  };
  const intDivisorZeroExit = (ref: Ref): void => {
    const b = trace.b[ref];
    const k = intConst(b);
    if (k !== null && k !== 0) return;
    get(b);
    w.i64_eqz();
    exitIf(ref);
  };
  const floatDivisorZeroExit = (ref: Ref): void => {
    get(trace.b[ref]);
    w.f64_const(0).f64_eq();
    exitIf(ref);
  };
  /**
   * MUL: exit unless |a * b| <= 2^53-1, before the i64.mul (which could wrap). By a
   * constant k: |x * k| <= MAX iff |x| <= floor(MAX / |k|). Otherwise in f64: rounding is
   * monotone and 2^53 is representable, so |fl(a * b)| > MAX iff |a * b| > MAX.
   */
  const mulOverflowExit = (ref: Ref, a: Ref, b: Ref): void => {
    const ka = intConst(a);
    const k = ka ?? intConst(b);
    if (k !== null) {
      const bound = Math.floor(MAX_SAFE / Math.abs(k));
      if (bound >= MAX_SAFE) return; // k is 0, 1 or -1
      get(ka !== null ? b : a);
      exitUnlessWithin(ref, bound);
      return;
    }
    getF64(a); getF64(b);
    w.f64_mul().f64_abs().f64_const(MAX_SAFE).f64_gt();
    exitIf(ref);
  };
  /** With a helper's f64 result on the stack: exit on NaN (refused), else store it as typed. */
  const setHelperNumber = (ref: Ref): void => {
    if (trace.type[ref] !== IrType.int) {
      w.local_tee(local[ref]).local_get(local[ref]).f64_ne();
      exitIf(ref);
      return;
    }
    const s = scratch();
    w.local_tee(s).local_get(s).f64_ne();
    exitIf(ref);
    w.local_get(s).i64_trunc_sat_f64_s().local_set(local[ref]);
  };
  /** A comparison of two numbers: i64 when both are ints, else f64 (ints convert exactly). */
  const compare = (a: Ref, b: Ref, onInts: () => void, onFloats: () => void): void => {
    if (trace.type[a] === IrType.int && trace.type[b] === IrType.int) {
      get(a); get(b); onInts();
    } else {
      getF64(a); getF64(b); onFloats();
    }
  };

  const phis: Ref[] = [];
  let loopOpen = false;
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    const op = trace.op[ref] as IrOpcode;
    const a = trace.a[ref];
    const b = trace.b[ref];
    switch (op) {
      case IrOp.KINT: case IrOp.KFLOAT: case IrOp.KBOOL: case IrOp.SLOAD:
        break;
      case IrOp.CONV_INT_FLOAT:
        if (local[ref] >= 0) { get(a); w.f64_convert_i64_s().local_set(local[ref]); }
        break;
      case IrOp.LOOP:
        w.loop();
        loopOpen = true;
        break;
      case IrOp.ADD: get(a); get(b); w.i64_add(); setCheckedSum(ref, sumDirection(a, b, 1)); break;
      case IrOp.SUB: get(a); get(b); w.i64_sub(); setCheckedSum(ref, sumDirection(a, b, -1)); break;
      case IrOp.MUL: mulOverflowExit(ref, a, b); get(a); get(b); w.i64_mul().local_set(local[ref]); break;
      // Safe ints: no i64.div_s trap on MIN / -1; both truncate toward zero, and rem_s
      // takes the dividend's sign, as IR_DEFS says.
      case IrOp.DIV: intDivisorZeroExit(ref); get(a); get(b); w.i64_div_s().local_set(local[ref]); break;
      case IrOp.MOD: intDivisorZeroExit(ref); get(a); get(b); w.i64_rem_s().local_set(local[ref]); break;
      case IrOp.NEG: w.i64_const(0); get(a); w.i64_sub().local_set(local[ref]); break;
      case IrOp.FADD: get(a); get(b); w.f64_add().local_set(local[ref]); break;
      case IrOp.FSUB: get(a); get(b); w.f64_sub().local_set(local[ref]); break;
      case IrOp.FMUL: get(a); get(b); w.f64_mul().local_set(local[ref]); break;
      case IrOp.FDIV: floatDivisorZeroExit(ref); get(a); get(b); w.f64_div().local_set(local[ref]); break;
      case IrOp.FMOD: floatDivisorZeroExit(ref); get(a); get(b); w.call(imports.fmod).local_set(local[ref]); break;
      case IrOp.ALEN: get(a); w.call(imports.alen).i64_trunc_sat_f64_s().local_set(local[ref]); break;
      case IrOp.AGET: {
        const t = trace.type[ref];
        get(a); getF64(b); w.call(elementHelper("aget", t));
        if (t === IrType.bool) {
          w.local_tee(local[ref]).i32_const(2).i32_eq();
          exitIf(ref);
        } else {
          setHelperNumber(ref);
        }
        break;
      }
      case IrOp.CALLH: {
        const name = trace.helpers[a] as ImportName;
        if (!(name in TRACE_IMPORTS)) throw new EmitError(`no trace helper ${name}`);
        for (const operand of [b, trace.c[ref], trace.d[ref]]) if (operand !== 0) getAbi(operand);
        w.call(imports[name]);
        const t = trace.type[ref];
        // Refusal: NaN for numbers, 2 for bools, 0 (not ok) for helpers without a result.
        if (t === IrType.int || t === IrType.float) {
          setHelperNumber(ref);
          break;
        }
        if (t === IrType.none) w.i32_eqz();
        else w.local_tee(local[ref]).i32_const(2).i32_eq();
        exitIf(ref);
        break;
      }
      case IrOp.ASET: {
        const c = trace.c[ref];
        get(a); getF64(b); getAbi(c); w.call(elementHelper("aset", trace.type[c])).i32_eqz();
        exitIf(ref);
        break;
      }
      case IrOp.FNEG: get(a); w.f64_neg().local_set(local[ref]); break;
      case IrOp.FSQRT:
        get(a); w.f64_const(0).f64_lt();
        exitIf(ref);
        get(a); w.f64_sqrt().local_set(local[ref]);
        break;
      case IrOp.FABS: get(a); w.f64_abs().local_set(local[ref]); break;
      case IrOp.FFLOOR: get(a); w.f64_floor().local_set(local[ref]); break;
      case IrOp.FCEIL: get(a); w.f64_ceil().local_set(local[ref]); break;
      case IrOp.LT: compare(a, b, () => w.i64_lt_s(), () => w.f64_lt()); w.local_set(local[ref]); break;
      case IrOp.LE: compare(a, b, () => w.i64_le_s(), () => w.f64_le()); w.local_set(local[ref]); break;
      case IrOp.GT: compare(a, b, () => w.i64_gt_s(), () => w.f64_gt()); w.local_set(local[ref]); break;
      case IrOp.GE: compare(a, b, () => w.i64_ge_s(), () => w.f64_ge()); w.local_set(local[ref]); break;
      case IrOp.EQ:
      case IrOp.NE:
        if (trace.type[a] === IrType.bool) {
          get(a); get(b); w.i32_eq();
        } else if (trace.type[a] === IrType.int && trace.type[b] === IrType.int) {
          // Distinct ints differ by at least 1: the float tolerance never applies.
          get(a); get(b); w.i64_eq();
        } else {
          // Ruff equality: exact, or finite values within the float tolerance.
          getF64(a); getF64(b); w.f64_eq();
          getF64(a); getF64(b); w.f64_sub().f64_abs().f64_const(FLOAT_EPSILON).f64_lt().i32_or();
        }
        if (op === IrOp.NE) w.i32_eqz();
        w.local_set(local[ref]);
        break;
      case IrOp.NOT: get(a); w.i32_eqz().local_set(local[ref]); break;
      case IrOp.GUARD_TRUE: get(a); w.i32_eqz(); exitIf(ref); break;
      case IrOp.GUARD_FALSE: get(a); exitIf(ref); break;
      case IrOp.EXIT: exitTo(trace.snap[ref]); break;
      case IrOp.PHI: phis.push(ref); break;
      default:
        throw new EmitError(`the wasm backend does not handle ${IR_OP_NAMES[op]} yet`);
    }
  }
  if (loopOpen) {
    // Parallel move: push every new value, then pop them into the carried locals.
    for (const phi of phis) get(trace.b[phi]);
    for (let i = phis.length - 1; i >= 0; i--) w.local_set(local[trace.a[phis[i]]]);
    w.br(0).end();
  }
  w.unreachable();

  const fnType = mod.addType(paramTypes, ["i32"]);
  const fn = mod.addFunction(fnType, locals, w);
  mod.exportFunction("trace", fn);
  return { bytes: mod.finish(), guards };
}

function isConst(op: number): boolean {
  return op === IrOp.KINT || op === IrOp.KFLOAT || op === IrOp.KBOOL;
}
