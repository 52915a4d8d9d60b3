// IR trace -> one wasm module with one function. Entry loads are the parameters; every
// other value gets a local; LOOP opens a wasm `loop` and the PHIs at the end move the
// loop-carried values (all at once) before branching back. A guard that fails stores its
// snapshot's values into the module's exit area (linear memory, 8 bytes per entry, in
// snapshot order) and returns the snapshot id: exits are status codes, never throws.
//
// Ints are f64 here (exact below 2^53, see src/ir/ops.ts), so they cross to the
// interpreter as plain JS numbers.

import { ModuleBuilder, CodeWriter, type ValType } from "./wasm-encoder";
import { IrOp, IrType, IR_OP_NAMES, type IrOpcode } from "../ir/ops";
import { FIRST_REF, type Ref, type Trace } from "../ir/trace";
import { FLOAT_EPSILON } from "../interp/ops";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export interface EmittedTrace {
  bytes: Uint8Array;
  /** Number of guards (exits) in the code. */
  guards: number;
}

export class EmitError extends Error {}

function valType(t: number): ValType {
  if (t === IrType.int || t === IrType.float) return "f64";
  if (t === IrType.bool) return "i32";
  if (t === IrType.ref) return "externref";
  throw new EmitError(`no wasm representation for IR type ${t}`);
}

/**
 * JS helpers every trace module imports, by name, with their wasm signatures. Array
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
  params.forEach((ref, i) => (local[ref] = i));
  const locals: ValType[] = [];
  const paramTypes: ValType[] = params.map((ref) => valType(trace.type[ref]));
  const allocLocal = (t: ValType): number => {
    locals.push(t);
    return params.length + locals.length - 1;
  };
  // CONV_INT_FLOAT is free: it shares its operand's local.
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    const op = trace.op[ref];
    if (local[ref] >= 0 || trace.type[ref] === IrType.none || isConst(op)) continue;
    if (op === IrOp.SLOAD) throw new EmitError(`entry load ${ref} is not a parameter`);
    if (op !== IrOp.CONV_INT_FLOAT) local[ref] = allocLocal(valType(trace.type[ref]));
  }
  for (let ref = FIRST_REF; ref < trace.end; ref++) if (trace.op[ref] === IrOp.CONV_INT_FLOAT) local[ref] = local[trace.a[ref]];

  const w = new CodeWriter();
  let guards = 0;

  const get = (ref: Ref): void => {
    const op = trace.op[ref];
    if (op === IrOp.KINT || op === IrOp.KFLOAT) w.f64_const(trace.numConsts[trace.a[ref]]);
    else if (op === IrOp.KBOOL) w.i32_const(trace.a[ref]);
    else if (op === IrOp.CONV_INT_FLOAT && isConst(trace.op[trace.a[ref]])) get(trace.a[ref]);
    else w.local_get(local[ref]);
  };
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
        get(ref);
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
  /** The result (f64) on the stack: store it, exit unless it is a safe int. */
  const setCheckedInt = (ref: Ref): void => {
    w.local_tee(local[ref]).f64_abs().f64_const(MAX_SAFE).f64_gt();
    exitIf(ref);
  };
  const divisorZeroExit = (ref: Ref): void => {
    get(trace.b[ref]);
    w.f64_const(0).f64_eq();
    exitIf(ref);
  };

  const phis: Ref[] = [];
  let loopOpen = false;
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    const op = trace.op[ref] as IrOpcode;
    const a = trace.a[ref];
    const b = trace.b[ref];
    switch (op) {
      case IrOp.KINT: case IrOp.KFLOAT: case IrOp.KBOOL: case IrOp.SLOAD: case IrOp.CONV_INT_FLOAT:
        break;
      case IrOp.LOOP:
        w.loop();
        loopOpen = true;
        break;
      case IrOp.ADD: get(a); get(b); w.f64_add(); setCheckedInt(ref); break;
      case IrOp.SUB: get(a); get(b); w.f64_sub(); setCheckedInt(ref); break;
      case IrOp.MUL: get(a); get(b); w.f64_mul().f64_const(0).f64_add(); setCheckedInt(ref); break;
      case IrOp.DIV:
        divisorZeroExit(ref);
        get(a); get(b); w.f64_div().f64_trunc().f64_const(0).f64_add().local_set(local[ref]);
        break;
      case IrOp.MOD:
        divisorZeroExit(ref);
        // a - trunc(a / b) * b: exact below 2^53 and never -0.
        get(a); get(a); get(b); w.f64_div().f64_trunc(); get(b); w.f64_mul().f64_sub().local_set(local[ref]);
        break;
      case IrOp.NEG: w.f64_const(0); get(a); w.f64_sub().local_set(local[ref]); break;
      case IrOp.FADD: get(a); get(b); w.f64_add().local_set(local[ref]); break;
      case IrOp.FSUB: get(a); get(b); w.f64_sub().local_set(local[ref]); break;
      case IrOp.FMUL: get(a); get(b); w.f64_mul().local_set(local[ref]); break;
      case IrOp.FDIV: divisorZeroExit(ref); get(a); get(b); w.f64_div().local_set(local[ref]); break;
      case IrOp.FMOD: divisorZeroExit(ref); get(a); get(b); w.call(imports.fmod).local_set(local[ref]); break;
      case IrOp.ALEN: get(a); w.call(imports.alen).local_set(local[ref]); break;
      case IrOp.AGET: {
        const t = trace.type[ref];
        get(a); get(b); w.call(elementHelper("aget", t)).local_tee(local[ref]);
        if (t === IrType.bool) w.i32_const(2).i32_eq();
        else w.local_get(local[ref]).f64_ne(); // NaN: the helper refused
        exitIf(ref);
        break;
      }
      case IrOp.CALLH: {
        const name = trace.helpers[a] as ImportName;
        if (!(name in TRACE_IMPORTS)) throw new EmitError(`no trace helper ${name}`);
        for (const operand of [b, trace.c[ref], trace.d[ref]]) if (operand !== 0) get(operand);
        w.call(imports[name]);
        const t = trace.type[ref];
        // Refusal: NaN for numbers, 2 for bools, 0 (not ok) for helpers without a result.
        if (t === IrType.none) w.i32_eqz();
        else if (t === IrType.bool) w.local_tee(local[ref]).i32_const(2).i32_eq();
        else w.local_tee(local[ref]).local_get(local[ref]).f64_ne();
        exitIf(ref);
        break;
      }
      case IrOp.ASET: {
        const c = trace.c[ref];
        get(a); get(b); get(c); w.call(elementHelper("aset", trace.type[c])).i32_eqz();
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
      case IrOp.LT: get(a); get(b); w.f64_lt().local_set(local[ref]); break;
      case IrOp.LE: get(a); get(b); w.f64_le().local_set(local[ref]); break;
      case IrOp.GT: get(a); get(b); w.f64_gt().local_set(local[ref]); break;
      case IrOp.GE: get(a); get(b); w.f64_ge().local_set(local[ref]); break;
      case IrOp.EQ:
      case IrOp.NE:
        if (trace.type[a] === IrType.bool) {
          get(a); get(b); w.i32_eq();
        } else {
          // Ruff equality: exact, or finite values within the float tolerance.
          get(a); get(b); w.f64_eq();
          get(a); get(b); w.f64_sub().f64_abs().f64_const(FLOAT_EPSILON).f64_lt().i32_or();
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
