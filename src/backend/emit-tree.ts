// A trace tree -> one wasm module with one function. The tree's slots are the
// parameters (JS numbers for ints) and live in locals of their IR type; the root trace
// follows, LOOP opening a wasm `loop`; each side trace is emitted where its parent's
// guard fails, and ends by moving its slot values into the slot locals and branching to
// the loop (loop trees), by returning (entry trees), or by exiting.
//
// Exits write a record on the shared exit stack (linear memory, see src/deopt/exits.ts)
// and return status 1. Entry trees return (status, result): 0 with the result, 1 after
// an exit, 2 when refused at entry (too deep: nothing was done). A CALLT calls an entry
// tree directly (its own) or through the shared function table, and on a non-zero
// status writes its caller's record and returns 1 too, so an exit deep in a recursion
// unwinds into one record per native frame.

import { ModuleBuilder, CodeWriter, type ValType } from "./wasm-encoder";
import { IrOp, IrType, IR_OP_NAMES, IR_TYPE_WASM, type IrOpcode } from "../ir/ops";
import { FIRST_REF, type Ref, type Trace } from "../ir/trace";
import { FLOAT_EPSILON } from "../interp/ops";
import { TRACE_IMPORTS, EmitError } from "./emit-trace";
import type { FunctionProto } from "../interp/bytecode";
import type { Tree, TreeTrace, ValueSource } from "../trace/tree";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
type ImportName = keyof typeof TRACE_IMPORTS;

/** Exit-stack layout in the shared memory (byte offsets of i32 words, then records). */
export const EXIT_STACK = {
  top: 0,
  depth: 4,
  limit: 8,
  refTop: 12,
  records: 16,
  /** A record: trace id, snapshot id, kind, then the non-constant entries (8 bytes each). */
  header: 3,
} as const;

/** Record kinds: resume at the snapshot's pc, or after the pending call of a CALLT. */
export const RECORD_EXIT = 0;
export const RECORD_CALL_PENDING = 1;

export interface EmittedTree {
  bytes: Uint8Array;
  guards: number;
  /** Bytes one exit record of this tree may take, at most. */
  maxRecordBytes: number;
  /** Most object references one record holds. */
  maxRecordRefs: number;
}

export interface TreeEmitOptions {
  /** The shared-table slot of fn's entry tree (CALLT to another function). */
  tableSlot(fn: FunctionProto): number;
  /** The wasm signature (params, results) of fn's entry tree. */
  signature(fn: FunctionProto): [ValType[], ValType[]];
}

function valType(t: number): ValType {
  const w = IR_TYPE_WASM[t];
  if (w === null || w === undefined) throw new EmitError(`no wasm representation for IR type ${t}`);
  return w;
}

/** Where an IR value crosses to JS (parameters, results, helpers): ints are JS numbers. */
export function abiType(t: number): ValType {
  return t === IrType.int ? "f64" : valType(t);
}

const TYPE_CODE: Record<string, number> = IrType as unknown as Record<string, number>;

export function emitTree(tree: Tree, opts: TreeEmitOptions): EmittedTree {
  const mod = new ModuleBuilder();
  const imports = {} as Record<ImportName, number>;
  for (const [name, [params, results]] of Object.entries(TRACE_IMPORTS)) {
    imports[name as ImportName] = mod.importFunction("env", name, mod.addType(params, results));
  }
  const memory = mod.importMemory("rt", "mem", { min: 1 });
  const refTable = mod.importTable("rt", "refs", { element: "externref", min: 1 });
  const fnTable = mod.importTable("rt", "fns", { element: "funcref", min: 1 });
  void memory;
  const elementHelper = (base: "aget" | "aset", t: number): number => imports[`${base}_${t === IrType.int ? "int" : t === IrType.float ? "float" : "bool"}`];

  const slots = [...tree.slots.keys()].sort((x, y) => x - y);
  const paramTypes = slots.map((s) => abiType(TYPE_CODE[tree.slots.get(s)!]));
  const isEntry = tree.kind === "entry";
  const resultTypes: ValType[] = isEntry ? ["i32", abiType(TYPE_CODE[tree.resultType ?? "int"])] : ["i32"];
  const fnType = mod.addType(paramTypes, resultTypes);
  const selfIndex = Object.keys(TRACE_IMPORTS).length; // the one function follows the imports

  const locals: ValType[] = [];
  const allocLocal = (t: ValType): number => {
    locals.push(t);
    return slots.length + locals.length - 1;
  };
  const w = new CodeWriter();
  // Slot locals: int parameters arrive as f64 and live in i64 locals.
  const slotLocal = new Map<number, number>();
  slots.forEach((s, i) => {
    if (tree.slots.get(s) !== "int") {
      slotLocal.set(s, i);
      return;
    }
    const l = allocLocal("i64");
    w.local_get(i).i64_trunc_sat_f64_s().local_set(l);
    slotLocal.set(s, l);
  });
  const scratchF64 = allocLocal("f64");
  const recordTop = allocLocal("i32");
  let depthLocal = -1;
  let guards = 0;
  let maxRecordBytes = 8 * EXIT_STACK.header;
  let maxRecordRefs = 0;
  // Entry trees count native depth and refuse past the limit, before doing anything.
  if (isEntry) {
    depthLocal = allocLocal("i32");
    w.i32_const(0).i32_load(EXIT_STACK.depth).i32_const(1).i32_add().local_tee(depthLocal);
    w.i32_const(0).i32_load(EXIT_STACK.limit).i32_gt_s().if();
    w.i32_const(2);
    zeroOf(w, resultTypes[1]);
    w.return().end();
    w.i32_const(0).local_get(depthLocal).i32_store(EXIT_STACK.depth);
  }
  const callTypes = new Map<string, number>();
  const typeOfCall = (fn: FunctionProto): number => {
    const [p, r] = opts.signature(fn);
    const key = `${p.join(",")}>${r.join(",")}`;
    let t = callTypes.get(key);
    if (t === undefined) callTypes.set(key, (t = mod.addType(p, r)));
    return t;
  };

  // Per trace: ref -> local (allocated when the trace is emitted).
  const localsOf = new Map<TreeTrace, Int32Array>();
  let loopLabel = -1;

  const emitUnit = (u: TreeTrace): void => {
    const trace = u.trace;
    const local = new Int32Array(trace.end).fill(-1);
    localsOf.set(u, local);
    for (let ref = FIRST_REF; ref < trace.end; ref++) {
      const op = trace.op[ref];
      if (trace.type[ref] === IrType.none || isConst(op) || op === IrOp.SLOAD) continue;
      if (op === IrOp.CONV_INT_FLOAT && isConst(trace.op[trace.a[ref]])) continue;
      local[ref] = allocLocal(valType(trace.type[ref]));
    }
    const slotOfLoad = new Map<Ref, number>();
    for (const [slot, ref] of u.loads) slotOfLoad.set(ref, slot);

    const getSource = (src: ValueSource): void => {
      if ("slot" in src) w.local_get(slotLocal.get(src.slot)!);
      else getIn(src.trace, src.ref);
    };
    const get = (ref: Ref): void => getIn(u, ref);
    /** A value of trace t (t is u or one of its ancestors, whose locals are set). */
    function getIn(t: TreeTrace, ref: Ref): void {
      const tr = t.trace;
      const op = tr.op[ref];
      if (op === IrOp.KINT) w.i64_const(tr.numConsts[tr.a[ref]]);
      else if (op === IrOp.KFLOAT) w.f64_const(tr.numConsts[tr.a[ref]]);
      else if (op === IrOp.KBOOL) w.i32_const(tr.a[ref]);
      else if (op === IrOp.KREF) throw new EmitError("an object constant has no wasm value");
      else if (op === IrOp.CONV_INT_FLOAT && isConst(tr.op[tr.a[ref]])) w.f64_const(tr.numConsts[tr.a[tr.a[ref]]]);
      else if (op === IrOp.SLOAD) {
        const slot = tr.a[ref];
        getSource(t.parent === null ? { slot } : tree.startValue(t, slot));
      } else w.local_get(localsOf.get(t)![ref]);
    }
    const typeOf = (src: ValueSource): number => ("slot" in src ? TYPE_CODE[tree.slots.get(src.slot)!] : src.trace.trace.type[src.ref]);
    const getF64 = (ref: Ref): void => {
      get(ref);
      if (trace.type[ref] === IrType.int) w.f64_convert_i64_s();
    };
    const getAbi = (ref: Ref): void => (trace.type[ref] === IrType.int ? getF64(ref) : get(ref));

    /** Write the exit record of snapshot snapId (kind: RECORD_*) and return status 1. */
    const writeRecord = (snapId: number, kind: number): void => {
      const layout = tree.exitLayout(u, snapId);
      w.i32_const(0).i32_load(EXIT_STACK.top).local_set(recordTop);
      const header = [u.id, snapId, kind];
      header.forEach((v, k) => w.local_get(recordTop).f64_const(v).f64_store(8 * k));
      let k = EXIT_STACK.header;
      let refs = 0;
      for (const e of layout) {
        if (e.constant !== undefined) continue;
        const t = typeOf(e.source);
        if (t === IrType.ref) {
          // The table index goes in the record; the object into the shared table.
          w.i32_const(0).i32_load(EXIT_STACK.refTop).local_tee(scratchI32());
          getSource(e.source);
          w.table_set(refTable);
          w.local_get(recordTop).local_get(scratchI32()).f64_convert_i32_u().f64_store(8 * k++);
          w.i32_const(0).local_get(scratchI32()).i32_const(1).i32_add().i32_store(EXIT_STACK.refTop);
          refs++;
          continue;
        }
        w.local_get(recordTop);
        getSource(e.source);
        if (t === IrType.int) w.f64_convert_i64_s();
        else if (t === IrType.bool) w.f64_convert_i32_u();
        w.f64_store(8 * k++);
      }
      w.i32_const(0).local_get(recordTop).i32_const(8 * k).i32_add().i32_store(EXIT_STACK.top);
      w.i32_const(1);
      if (isEntry) zeroOf(w, resultTypes[1]);
      w.return();
      maxRecordBytes = Math.max(maxRecordBytes, 8 * k);
      maxRecordRefs = Math.max(maxRecordRefs, refs);
      guards++;
    };
    /** Leave through snapshot snapId: into its side trace when there is one. */
    const exitTo = (snapId: number): void => {
      const side = u.sides.get(snapId);
      if (side !== undefined) emitUnit(side);
      else writeRecord(snapId, RECORD_EXIT);
    };
    const exitIf = (ref: Ref): void => {
      w.if();
      exitTo(trace.snap[ref]);
      w.end();
    };
    const exitUnlessWithin = (ref: Ref, limit: number): void => {
      w.i64_const(limit).i64_add().i64_const(2 * limit).i64_gt_u();
      exitIf(ref);
    };
    const intConst = (ref: Ref): number | null => (trace.op[ref] === IrOp.KINT ? trace.numConsts[trace.a[ref]] : null);
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
    const sumDirection = (a: Ref, b: Ref, sign: 1 | -1): boolean | null => {
      const kb = intConst(b);
      const k = kb !== null ? sign * kb : intConst(a);
      return k === null || k === 0 ? null : k > 0;
    };
    const intDivisorZeroExit = (ref: Ref): void => {
      const k = intConst(trace.b[ref]);
      if (k !== null && k !== 0) return;
      get(trace.b[ref]);
      w.i64_eqz();
      exitIf(ref);
    };
    const floatDivisorZeroExit = (ref: Ref): void => {
      get(trace.b[ref]);
      w.f64_const(0).f64_eq();
      exitIf(ref);
    };
    const mulOverflowExit = (ref: Ref, a: Ref, b: Ref): void => {
      const ka = intConst(a);
      const k = ka ?? intConst(b);
      if (k !== null) {
        const bound = Math.floor(MAX_SAFE / Math.abs(k));
        if (bound >= MAX_SAFE) return;
        get(ka !== null ? b : a);
        exitUnlessWithin(ref, bound);
        return;
      }
      getF64(a); getF64(b);
      w.f64_mul().f64_abs().f64_const(MAX_SAFE).f64_gt();
      exitIf(ref);
    };
    const setHelperNumber = (ref: Ref): void => {
      if (trace.type[ref] !== IrType.int) {
        w.local_tee(local[ref]).local_get(local[ref]).f64_ne();
        exitIf(ref);
        return;
      }
      w.local_tee(scratchF64).local_get(scratchF64).f64_ne();
      exitIf(ref);
      w.local_get(scratchF64).i64_trunc_sat_f64_s().local_set(local[ref]);
    };
    const compare = (a: Ref, b: Ref, onInts: () => void, onFloats: () => void): void => {
      if (trace.type[a] === IrType.int && trace.type[b] === IrType.int) {
        get(a); get(b); onInts();
      } else {
        getF64(a); getF64(b); onFloats();
      }
    };

    for (let ref = FIRST_REF; ref < trace.end; ref++) {
      const op = trace.op[ref] as IrOpcode;
      const a = trace.a[ref];
      const b = trace.b[ref];
      switch (op) {
        case IrOp.KINT: case IrOp.KFLOAT: case IrOp.KBOOL: case IrOp.KREF: case IrOp.SLOAD:
          break;
        case IrOp.CONV_INT_FLOAT:
          if (local[ref] >= 0) { get(a); w.f64_convert_i64_s().local_set(local[ref]); }
          break;
        case IrOp.LOOP:
          w.loop();
          loopLabel = w.depth;
          break;
        case IrOp.ADD: get(a); get(b); w.i64_add(); setCheckedSum(ref, sumDirection(a, b, 1)); break;
        case IrOp.SUB: get(a); get(b); w.i64_sub(); setCheckedSum(ref, sumDirection(a, b, -1)); break;
        case IrOp.MUL: mulOverflowExit(ref, a, b); get(a); get(b); w.i64_mul().local_set(local[ref]); break;
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
          } else setHelperNumber(ref);
          break;
        }
        case IrOp.CALLH: {
          const name = trace.helpers[a] as ImportName;
          if (!(name in TRACE_IMPORTS)) throw new EmitError(`no trace helper ${name}`);
          for (const operand of [b, trace.c[ref], trace.d[ref]]) if (operand !== 0) getAbi(operand);
          w.call(imports[name]);
          const t = trace.type[ref];
          if (t === IrType.int || t === IrType.float) {
            setHelperNumber(ref);
            break;
          }
          if (t === IrType.none) w.i32_eqz();
          else w.local_tee(local[ref]).i32_const(2).i32_eq();
          exitIf(ref);
          break;
        }
        case IrOp.CALLT: {
          const callee = trace.callees[a];
          for (const operand of [b, trace.c[ref], trace.d[ref]]) if (operand !== 0) getAbi(operand);
          if (callee === tree.proto && isEntry) w.call(selfIndex);
          else w.i32_const(opts.tableSlot(callee)).call_indirect(typeOfCall(callee), fnTable);
          // (status, value): keep the value, then branch on the status.
          const t = trace.type[ref];
          if (t === IrType.int) w.local_set(scratchF64);
          else w.local_set(local[ref]);
          w.local_tee(scratchI32()).if();
          // 2: the callee refused (too deep): the interpreter makes the call itself.
          w.local_get(scratchI32()).i32_const(2).i32_eq().if();
          writeRecord(trace.snap[ref], RECORD_EXIT);
          w.end();
          writeRecord(trace.snap[ref], RECORD_CALL_PENDING);
          w.end();
          if (t === IrType.int) w.local_get(scratchF64).i64_trunc_sat_f64_s().local_set(local[ref]);
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
            get(a); get(b); w.i64_eq();
          } else {
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
        case IrOp.PHI: break;
        default:
          throw new EmitError(`the wasm backend does not handle ${IR_OP_NAMES[op]} yet`);
      }
    }
    // The end: back to the loop with every changed slot's value, return, or nothing (EXIT).
    const end = u.end;
    if (end.kind === "loop") {
      const moves: [number, ValueSource][] = [];
      if (u.parent === null) {
        for (const phi of trace.phis()) moves.push([trace.a[phi] === 0 ? -1 : slotOfLoad.get(trace.a[phi])!, { trace: u, ref: trace.b[phi] }]);
      } else {
        for (const slot of slots) {
          const ref = end.values.get(slot);
          const src: ValueSource = ref !== undefined ? { trace: u, ref } : tree.startValue(u, slot);
          if (!("slot" in src && src.slot === slot)) moves.push([slot, src]);
        }
      }
      // Parallel move: push every new value, then pop them into the slot locals.
      for (const [, src] of moves) getSource(src);
      for (let i = moves.length - 1; i >= 0; i--) w.local_set(slotLocal.get(moves[i][0])!);
      w.br_to(loopLabel);
      if (u.parent === null) w.end();
    } else if (end.kind === "return") {
      w.i32_const(0).local_get(depthLocal).i32_const(1).i32_sub().i32_store(EXIT_STACK.depth);
      w.i32_const(0);
      get(end.value);
      if (trace.type[end.value] === IrType.int) w.f64_convert_i64_s();
      w.return();
    }
  };
  let scratchI32Local = -1;
  function scratchI32(): number {
    if (scratchI32Local < 0) scratchI32Local = allocLocal("i32");
    return scratchI32Local;
  }

  emitUnit(tree.root);
  w.unreachable();
  const fn = mod.addFunction(fnType, locals, w);
  if (fn !== selfIndex) throw new EmitError("the tree function is not where CALLT expects it");
  mod.exportFunction("trace", fn);
  return { bytes: mod.finish(), guards, maxRecordBytes, maxRecordRefs };
}

function zeroOf(w: CodeWriter, t: ValType): void {
  if (t === "i32") w.i32_const(0);
  else if (t === "f64") w.f64_const(0);
  else if (t === "i64") w.i64_const(0);
  else w.ref_null("extern");
}

function isConst(op: number): boolean {
  return op === IrOp.KINT || op === IrOp.KFLOAT || op === IrOp.KBOOL || op === IrOp.KREF;
}

export type { Trace };
