// The instructions of one IR trace as wasm, shared by both emitters (a whole tree in
// emit-tree.ts, one trace alone in emit-trace.ts). The caller owns everything around
// them: where values live (get), what a failing guard does (exitIf / exitTo), the loop
// and the calls of entry traces.
//
// Ints are i64 here and JS numbers (f64) where they meet JS: helper arguments and
// results convert at the call. Every int is a safe int (|v| <= 2^53-1), so those
// conversions are exact, ADD/SUB cannot wrap i64, and MUL is checked before it could.

import type { CodeWriter, ModuleBuilder, ValType } from "./wasm-encoder";
import { IrOp, IrType, IR_OP_NAMES, IR_TYPE_WASM, type IrOpcode } from "../ir/ops";
import { FIRST_REF, handleKind, type Ref, type Trace } from "../ir/trace";
import { FLOAT_EPSILON } from "../interp/ops";
import { ELEMENT_CLASSES } from "./trace-helpers";
import type { RefClass } from "../trace/recorder";
import { AHANDLE_BATCH, ELEM_SHIFT, ElemKind, HANDLE_DEAD, HANDLE_FIELDS, HANDLE_SCRATCH, HANDLE_SHARED } from "../interp/packed";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class EmitError extends Error {}

/**
 * JS helpers trace modules may import, by name, with their wasm signatures (JS numbers:
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
  apush_int: [["externref", "f64"], ["i32"]],
  apush_float: [["externref", "f64"], ["i32"]],
  apush_bool: [["externref", "i32"], ["i32"]],
  sget_int: [["externref", "f64", "f64"], ["f64"]],
  sget_float: [["externref", "f64", "f64"], ["f64"]],
  sget_bool: [["externref", "f64", "f64"], ["i32"]],
  // Packed arrays: up to AHANDLE_BATCH handles in one call (null: unused); 0 when one cannot
  // be had, else the handles are at HANDLE_SCRATCH (i32 each). A full array's new block (0: cannot grow).
  ahandle4: [["externref", "f64", "externref", "f64", "externref", "f64", "externref", "f64"], ["i32"]],
  agrow: [["f64"], ["i32"]],
  // Strings: the result, or null (refused).
  kstr: [["f64"], ["externref"]],
  sconcat: [["externref", "externref"], ["externref"]],
  tostr_int: [["f64"], ["externref"]],
  tostr_float: [["f64"], ["externref"]],
  tostr_bool: [["i32"], ["externref"]],
  slen: [["externref"], ["f64"]],
  seq: [["externref", "externref"], ["i32"]],
  scmp: [["externref", "externref"], ["f64"]],
  aget_str: [["externref", "f64"], ["externref"]],
  aget_ref: [["externref", "f64", "f64"], ["externref"]],
  // s[i] (a negative i counts from the end) and char_at(s, i), by code points (null: refused).
  str_index: [["externref", "f64"], ["externref"]],
  char_at: [["externref", "f64"], ["externref"]],
  aiter_ref: [["externref", "f64", "f64"], ["externref"]],
  apush_ref: [["externref", "externref"], ["i32"]],
  native_array1: [["f64", "externref"], ["externref"]],
  native_array2: [["f64", "externref", "externref"], ["externref"]],
  native_string1: [["f64", "externref"], ["externref"]],
  native_string2: [["f64", "externref", "externref"], ["externref"]],
  native_bool2: [["f64", "externref", "externref"], ["i32"]],
  native_int1: [["f64", "externref"], ["f64"]],
  native_int2: [["f64", "externref", "externref"], ["f64"]],
  share_obj: [["externref"], ["i32"]],
  // Copy-on-write of a store: the array itself while unshared, else a copy (null: not an array).
  own_array: [["externref"], ["externref"]],
  share_struct: [["externref", "f64"], ["i32"]],
  // get(d, k, default) of a number: the value under k, or the default when there is none
  // (NaN: refused, a value of another kind or not a dict).
  dget_or_int: [["externref", "f64", "f64"], ["f64"]],
  dget_or_float: [["externref", "f64", "f64"], ["f64"]],
  dget_s_or_int: [["externref", "externref", "f64"], ["f64"]],
  dget_s_or_float: [["externref", "externref", "f64"], ["f64"]],
  dget_s_int: [["externref", "externref"], ["f64"]],
  dget_s_float: [["externref", "externref"], ["f64"]],
  dget_s_bool: [["externref", "externref"], ["i32"]],
  dset_s_int: [["externref", "externref", "f64"], ["i32"]],
  dset_s_float: [["externref", "externref", "f64"], ["i32"]],
  dset_s_bool: [["externref", "externref", "i32"], ["i32"]],
  // `for` over a string's characters or a dict's keys: the iterator (a JS array of
  // strings) or null, its length (NaN: not one), an element (null: out of range).
  str_chars: [["externref"], ["externref"]],
  dict_keys: [["externref"], ["externref"]],
  list_len: [["externref"], ["f64"]],
  list_get: [["externref", "f64"], ["externref"]],
  // NEWSTRUCT: (shape, the address of its fields' f64 words) -> the struct (see
  // structShapeIndex in trace-helpers.ts).
  make_struct: [["f64", "i32"], ["externref"]],
} as const satisfies Record<string, readonly [readonly ValType[], readonly ValType[]]>;
export type ImportName = keyof typeof TRACE_IMPORTS;

/**
 * The helpers that only read: they may refuse, and then nothing happened, but they change
 * nothing (not an object, not a flag) and call no Ruff code. A trace may call them earlier
 * than it recorded them (see hoisting in assemble.ts), and they are no effect to a loop
 * whose reads hold from one iteration to the next (writesMemory there).
 */
export const READ_HELPERS: ReadonlySet<string> = new Set([
  "alen", "aget_int", "aget_float", "aget_bool", "aget_str", "aget_ref",
  "sget_int", "sget_float", "sget_bool", "slen", "seq", "scmp",
  "dget_int", "dget_float", "dget_bool", "dget_s_int", "dget_s_float", "dget_s_bool",
  "dget_or_int", "dget_or_float", "dget_s_or_int", "dget_s_or_float",
  "list_len", "list_get", "str_index", "char_at",
] satisfies ImportName[]);

/** The pool index of the string constant a `CALLH kstr` of a constant index loads; -1 for any other instruction. */
export function stringConstantIndex(trace: Trace, ref: Ref): number {
  return trace.op[ref] === IrOp.CALLH && trace.helpers[trace.a[ref]] === "kstr" && trace.op[trace.b[ref]] === IrOp.KINT ? trace.numConsts[trace.a[trace.b[ref]]] : -1;
}

/** The class of the object a helper returning a ref returns (when it does not refuse). */
export const HELPER_RESULT_CLASS: Partial<Record<ImportName, RefClass>> = {
  kstr: "string", sconcat: "string", tostr_int: "string", tostr_float: "string", tostr_bool: "string", aget_str: "string",
  str_index: "string", char_at: "string",
  str_chars: "list", dict_keys: "list", list_get: "string",
  native_array1: "array", native_array2: "array", native_string1: "string", native_string2: "string",
  own_array: "array", make_struct: "struct",
};

/** The class of what `CALLH` ref returns: its helper's, or the one an element read asks for (its constant last argument). */
export function helperResultClass(trace: Trace, ref: Ref): RefClass | undefined {
  const name = trace.helpers[trace.a[ref]] as ImportName;
  if (name !== "aget_ref" && name !== "aiter_ref") return HELPER_RESULT_CLASS[name];
  const cls = trace.d[ref];
  return trace.op[cls] === IrOp.KINT ? ELEMENT_CLASSES[trace.numConsts[trace.a[cls]]] : undefined;
}

const ELEMENT_SUFFIX: Readonly<Record<number, "int" | "float" | "bool">> = { [IrType.int]: "int", [IrType.float]: "float", [IrType.bool]: "bool" };

/** The helper of an element access of IR type t (aget_int, aset_bool, ...). */
function elementHelperName(base: "aget" | "aset", t: number): ImportName {
  const suffix = ELEMENT_SUFFIX[t];
  if (suffix === undefined) throw new EmitError(`no ${base} helper for IR type ${t}`);
  return `${base}_${suffix}`;
}

/** The helpers instruction ref may call: usedHelpers reads it, emitBody's switch must agree. */
function helpersOf(trace: Trace, ref: Ref): readonly ImportName[] {
  switch (trace.op[ref]) {
    case IrOp.FMOD: return ["fmod"];
    case IrOp.ALEN: return ["alen"];
    case IrOp.AGET: return [elementHelperName("aget", trace.type[ref])];
    case IrOp.ASET: return [elementHelperName("aset", trace.type[trace.c[ref]])];
    case IrOp.CALLH: {
      const name = trace.helpers[trace.a[ref]] as ImportName;
      if (!(name in TRACE_IMPORTS)) throw new EmitError(`no trace helper ${name}`);
      return [name];
    }
    case IrOp.AHANDLE: return ["ahandle4"];
    case IrOp.PAPUSH: return ["agrow"];
    case IrOp.NEWSTRUCT: return ["make_struct"];
    default: return [];
  }
}

/** Emits the call of a helper, its arguments on the stack. */
export type HelperCaller = (name: ImportName) => void;

/** The helpers the traces call, in TRACE_IMPORTS order. */
function usedHelpers(traces: Iterable<Trace>): ImportName[] {
  const used = new Set<ImportName>();
  for (const trace of traces) {
    for (let ref = FIRST_REF; ref < trace.end; ref++) for (const name of helpersOf(trace, ref)) used.add(name);
  }
  return (Object.keys(TRACE_IMPORTS) as ImportName[]).filter((name) => used.has(name));
}

/**
 * Call the helpers the traces use as imports of the module (a module of its own, as
 * the tests run single traces). V8 compiles an import wrapper per distinct signature
 * for every module that imports: trees call through the shared table (tableHelpers).
 */
export function importHelpers(mod: ModuleBuilder, w: CodeWriter, traces: Iterable<Trace>): HelperCaller {
  const index = new Map<ImportName, number>();
  for (const name of usedHelpers(traces)) {
    const [params, results] = TRACE_IMPORTS[name];
    index.set(name, mod.importFunction("env", name, mod.addType(params, results)));
  }
  return (name) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`trace helper ${name} called but not imported (helpersOf misses it)`);
    w.call(i);
  };
}

/**
 * Call the helpers the traces use through the funcref table `fnTable` (the JIT's shared
 * one), at the slots `slotsOf` gives for them (see helper-table.ts).
 */
export function tableHelpers(
  mod: ModuleBuilder, w: CodeWriter, traces: Iterable<Trace>, fnTable: number,
  slotsOf: (names: readonly ImportName[]) => (name: ImportName) => number,
): HelperCaller {
  const used = usedHelpers(traces);
  const slotOf = slotsOf(used);
  // Slot and type index once per helper, not per call site (addType keys by a string).
  const calls = new Map(used.map((name) => {
    const [params, results] = TRACE_IMPORTS[name];
    return [name, { slot: slotOf(name), type: mod.addType(params, results) }];
  }));
  return (name) => {
    const call = calls.get(name);
    if (call === undefined) throw new Error(`trace helper ${name} called but not bridged (helpersOf misses it)`);
    w.i32_const(call.slot).call_indirect(call.type, fnTable);
  };
}

/** The wasm type of a value of IR type t inside a trace function. */
export function valType(t: number): ValType {
  const w = IR_TYPE_WASM[t];
  if (w === null || w === undefined) throw new EmitError(`no wasm representation for IR type ${t}`);
  return w;
}

/** The type of an IR value where it crosses to JS (parameters, results, helpers): ints are JS numbers. */
export function abiType(t: number): ValType {
  return t === IrType.int ? "f64" : valType(t);
}

export function isConst(op: number): boolean {
  return op === IrOp.KINT || op === IrOp.KFLOAT || op === IrOp.KBOOL || op === IrOp.KREF;
}

/** Whether ref needs a local of its own (constants and entry loads live elsewhere). */
export function needsLocal(trace: Trace, ref: Ref): boolean {
  const op = trace.op[ref];
  if (trace.type[ref] === IrType.none || isConst(op) || op === IrOp.SLOAD || op === IrOp.VOBJECT) return false;
  // int->float of a constant is a float constant.
  return !(op === IrOp.CONV_INT_FLOAT && isConst(trace.op[trace.a[ref]]));
}

export interface BodyContext {
  w: CodeWriter;
  trace: Trace;
  /** ref -> its local (for refs needsLocal says have one). */
  local: Int32Array;
  /** Emit the call of a helper (see importHelpers, tableHelpers). */
  callHelper: HelperCaller;
  /**
   * The module's import of the string constants table (SharedRuntime.strings: entry i is
   * the pooled constant i): kstr becomes a table.get instead of a call of JS. Without
   * it (single-trace modules in the tests) kstr calls its helper.
   */
  stringTable?: number;
  /** An f64 local for helper results before their refusal check. */
  scratchF64: number;
  /** Push the value of ref (a non-constant SLOAD is the caller's to resolve). */
  getLoad(ref: Ref): void;
  /** With the failure condition (i32) on the stack: leave through ref's snapshot. */
  exitIf(ref: Ref): void;
  /** EXIT: leave through snapshot snap unconditionally. */
  exitTo(snap: number, guard: Ref): void;
  /** LOOP: open the loop. */
  loop(): void;
  /** CALLT ref: call an entry trace and leave the result in ref's local. */
  callTrace(ref: Ref): void;
  /** CALLL ref: run a loop tree and leave what its function returned in ref's local. */
  callLoop(ref: Ref): void;
  /** Allocate NEWSTRUCT ref's struct (its fields through the exit stack's free space) into its local. */
  newStruct(ref: Ref): void;
  /**
   * The i32 parameter that may bring AHANDLE ref's handle in (a hoisted one: a tree
   * linking here passes the handle it holds for the same array, -1 when it has none);
   * -1 when the handle is always taken from JS.
   */
  handleParam?(ref: Ref): number;
  /**
   * An i64 local that already holds AHANDLE ref's handle (the root's hoisted handle of the
   * same array, which a side trace reuses), or -1.
   */
  heldHandle?(ref: Ref): number;
  /** A new local (for the handle-field cache of a loop trace; without it there is none). */
  allocLocal?(t: ValType): number;
}

/**
 * Ops after LOOP that may change a packed array's entry (its base, length or flags) or
 * run JS that may: with none of them in a root loop trace, the entries of the arrays it
 * indexes are read once per iteration, at the loop top, instead of at every access.
 * (Side traces, which may, branch back to the top, where the fields are read again.)
 */
const ENTRY_WRITERS: ReadonlySet<number> = new Set([
  IrOp.ALEN, IrOp.AGET, IrOp.ASET, IrOp.FLOAD, IrOp.CALLH, IrOp.CALLT, IrOp.CALLL, IrOp.AHANDLE, IrOp.PAPUSH, IrOp.NEWSTRUCT,
]);

/** Locals holding a handle's entry fields, read at the top of each iteration. */
interface EntryFields {
  base: number;
  /** i64, as the index it is compared with. */
  len: number;
  flags: number;
}

/** The handles a root loop trace indexes after LOOP whose entries may be cached there (empty: none). */
function cachedEntries(ctx: BodyContext): Map<Ref, EntryFields> {
  const { trace } = ctx;
  const out = new Map<Ref, EntryFields>();
  if (ctx.allocLocal === undefined) return out;
  let loop = -1;
  for (let ref = FIRST_REF; ref < trace.end; ref++) if (trace.op[ref] === IrOp.LOOP) loop = ref;
  if (loop < 0) return out;
  const used: Ref[] = [];
  for (let ref = loop + 1; ref < trace.end; ref++) {
    const op = trace.op[ref];
    if (ENTRY_WRITERS.has(op)) return out;
    if ((op === IrOp.PAGET || op === IrOp.PASET || op === IrOp.PALEN) && !used.includes(trace.a[ref])) used.push(trace.a[ref]);
  }
  for (const h of used) out.set(h, { base: ctx.allocLocal("i32"), len: ctx.allocLocal("i64"), flags: ctx.allocLocal("i32") });
  return out;
}

/** Push the value of ref of trace, with constants inline. */
export function getValue(ctx: BodyContext, ref: Ref): void {
  const { w, trace } = ctx;
  const op = trace.op[ref];
  if (op === IrOp.KINT) w.i64_const(trace.numConsts[trace.a[ref]]);
  else if (op === IrOp.KFLOAT) w.f64_const(trace.numConsts[trace.a[ref]]);
  else if (op === IrOp.KBOOL) w.i32_const(trace.a[ref]);
  else if (op === IrOp.KREF) throw new EmitError("an object constant has no wasm value");
  else if (op === IrOp.CONV_INT_FLOAT && isConst(trace.op[trace.a[ref]])) w.f64_const(trace.numConsts[trace.a[trace.a[ref]]]);
  else if (op === IrOp.SLOAD) ctx.getLoad(ref);
  else w.local_get(ctx.local[ref]);
}

/** Emit every instruction of ctx.trace (PHIs are the caller's: they end a loop). */
export function emitBody(ctx: BodyContext): void {
  const { w, trace, local, callHelper } = ctx;
  const get = (ref: Ref): void => getValue(ctx, ref);
  const getF64 = (ref: Ref): void => {
    get(ref);
    if (trace.type[ref] === IrType.int) w.f64_convert_i64_s();
  };
  const getAbi = (ref: Ref): void => (trace.type[ref] === IrType.int ? getF64(ref) : get(ref));
  const exitIf = (ref: Ref): void => ctx.exitIf(ref);
  const callElementHelper = (base: "aget" | "aset", t: number): void => callHelper(elementHelperName(base, t));
  /**
   * With an i64 x on the stack: exit unless |x| <= limit. One compare: x + limit, read
   * as unsigned, exceeds 2 * limit exactly when x is outside [-limit, limit] (no i64
   * wrap-around for |x| <= 2^62, which holds for the sums and operands checked here).
   */
  const exitUnlessWithin = (ref: Ref, limit: number): void => {
    w.i64_const(limit).i64_add().i64_const(2 * limit).i64_gt_u();
    exitIf(ref);
  };
  const intConst = (ref: Ref): number | null => (trace.op[ref] === IrOp.KINT ? trace.numConsts[trace.a[ref]] : null);
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
  /** Which bound a + sign * b can cross when one operand is constant (see setCheckedSum). */
  const sumDirection = (a: Ref, b: Ref, sign: 1 | -1): boolean | null => {
    const kb = intConst(b);
    // k + b and k - b with b safe both stay above -MAX when k > 0 (below MAX when k < 0).
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
    w.local_tee(ctx.scratchF64).local_get(ctx.scratchF64).f64_ne();
    exitIf(ref);
    w.local_get(ctx.scratchF64).i64_trunc_sat_f64_s().local_set(local[ref]);
  };
  // Packed arrays: a handle (an i64 value) is the byte address of its entry.
  const entry = (h: Ref): void => { get(h); w.i32_wrap_i64(); };
  const cache = cachedEntries(ctx);
  let pastLoop = false;
  /** h's entry fields in locals, once the loop has read them. */
  const cached = (h: Ref): EntryFields | undefined => (pastLoop ? cache.get(h) : undefined);
  const pushLen = (h: Ref): void => {
    const c = cached(h);
    if (c !== undefined) w.local_get(c.len);
    else { entry(h); w.i64_load32_u(HANDLE_FIELDS.len); }
  };
  /** Exit unless 0 <= index < the length in h's entry (unsigned: a negative index is huge). */
  const exitUnlessInBounds = (ref: Ref, h: Ref, index: Ref): void => {
    get(index); pushLen(h); w.i64_ge_u();
    exitIf(ref);
  };
  /** Exit if h's entry has any of the flags (shared: no stores; dead: nothing at all). */
  const exitIfFlags = (ref: Ref, h: Ref, flags: number): void => {
    const c = cached(h);
    if (c !== undefined) w.local_get(c.flags);
    else { entry(h); w.i32_load(HANDLE_FIELDS.flags); }
    w.i32_const(flags).i32_and();
    exitIf(ref);
  };
  /** Whether h's array holds bools: one byte each (i32 0/1), where the others hold an f64. */
  const byteElements = (h: Ref): boolean => handleKind(trace, h) === ElemKind.bool;
  /** With a block's base and an element index (i32s) on the stack: the element's byte address in h's array. */
  const scaleIndex = (h: Ref): void => {
    const shift = ELEM_SHIFT[handleKind(trace, h)];
    if (shift !== 0) w.i32_const(shift).i32_shl();
    w.i32_add();
  };
  /** Push the byte address of element `index` (an i64 value) of h's array. */
  const elementAddress = (h: Ref, index: Ref): void => {
    const c = cached(h);
    if (c !== undefined) w.local_get(c.base);
    else { entry(h); w.i32_load(HANDLE_FIELDS.base); }
    get(index); w.i32_wrap_i64();
    scaleIndex(h);
  };
  /** Store v (the kind of h's array) at the address on the stack. */
  const storeElement = (h: Ref, v: Ref): void => {
    get(v);
    if (byteElements(h)) {
      w.i32_store8(0);
      return;
    }
    if (trace.type[v] === IrType.int) w.f64_convert_i64_s();
    w.f64_store(0);
  };

  /** A comparison of two numbers: i64 when both are ints, else f64 (ints convert exactly). */
  const compare = (a: Ref, b: Ref, onInts: () => void, onFloats: () => void): void => {
    if (trace.type[a] === IrType.int && trace.type[b] === IrType.int) {
      get(a); get(b); onInts();
    } else {
      getF64(a); getF64(b); onFloats();
    }
  };

  /**
   * AHANDLEs in a row with one snapshot (those hoisted before LOOP, taken at every entry
   * and link into the tree) cost one call to JS instead of one each. A single one goes
   * through the same helper (one helper less to bridge, see helper-table.ts).
   */
  const takeHandles = (first: Ref, n: number): void => {
    for (let k = 0; k < AHANDLE_BATCH; k++) {
      if (k < n) { get(trace.a[first + k]); w.f64_const(trace.b[first + k]); } else w.ref_null("extern").f64_const(0);
    }
    callHelper("ahandle4");
    w.i32_eqz();
    exitIf(first);
    for (let k = 0; k < n; k++) w.i32_const(0).i64_load32_u(HANDLE_SCRATCH + 4 * k).local_set(local[first + k]);
  };
  /** AHANDLEs from first (those of one batch): how many were emitted. */
  const held = (ref: Ref): number => ctx.heldHandle?.(ref) ?? -1;
  const handleBatch = (first: Ref): number => {
    if (held(first) >= 0) {
      // Dead or not, it is the handle JS would have given for this array while it was
      // packed; a dead one makes the first access exit.
      w.local_get(held(first)).local_set(local[first]);
      return 1;
    }
    let n = 1;
    while (n < AHANDLE_BATCH && first + n < trace.end && trace.op[first + n] === IrOp.AHANDLE && trace.snap[first + n] === trace.snap[first] && held(first + n) < 0) n++;
    const params: number[] = [];
    for (let k = 0; k < n; k++) params.push(ctx.handleParam?.(first + k) ?? -1);
    if (params.some((p) => p < 0)) {
      takeHandles(first, n);
      return n;
    }
    // Handles passed in are used as they are (one that died since makes the trace exit
    // at its first access); JS is asked only when one is missing (negative).
    params.forEach((p, k) => { w.local_get(p); if (k > 0) w.i32_or(); });
    w.i32_const(0).i32_lt_s().if();
    takeHandles(first, n);
    w.else();
    params.forEach((p, k) => w.local_get(p).i64_extend_i32_u().local_set(local[first + k]));
    w.end();
    return n;
  };

  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    const op = trace.op[ref] as IrOpcode;
    const a = trace.a[ref];
    const b = trace.b[ref];
    switch (op) {
      case IrOp.KINT: case IrOp.KFLOAT: case IrOp.KBOOL: case IrOp.KREF: case IrOp.SLOAD: case IrOp.PHI:
      case IrOp.VOBJECT: // no code: exits write its fields (see emit-tree's writeRecord)
        break;
      case IrOp.CONV_INT_FLOAT:
        if (local[ref] >= 0) { get(a); w.f64_convert_i64_s().local_set(local[ref]); }
        break;
      case IrOp.LOOP:
        ctx.loop();
        for (const [h, c] of cache) {
          entry(h); w.i32_load(HANDLE_FIELDS.base).local_set(c.base);
          entry(h); w.i64_load32_u(HANDLE_FIELDS.len).local_set(c.len);
          entry(h); w.i32_load(HANDLE_FIELDS.flags).local_set(c.flags);
        }
        pastLoop = true;
        break;
      case IrOp.ADD: get(a); get(b); w.i64_add(); setCheckedSum(ref, sumDirection(a, b, 1)); break;
      case IrOp.SUB: get(a); get(b); w.i64_sub(); setCheckedSum(ref, sumDirection(a, b, -1)); break;
      case IrOp.MUL: mulOverflowExit(ref, a, b); get(a); get(b); w.i64_mul().local_set(local[ref]); break;
      // Safe ints: no i64.div_s trap on MIN / -1; both truncate toward zero, and rem_s
      // takes the dividend's sign, as IR_DEFS says.
      case IrOp.DIV: intDivisorZeroExit(ref); get(a); get(b); w.i64_div_s().local_set(local[ref]); break;
      case IrOp.MOD: {
        const k = intConst(b);
        if (k !== null && k > 0 && k <= MAX_SAFE / 2) {
          // Modular arithmetic keeps a dividend in [0, 2k) (`(a + b) % k` of residues):
          // there x % k is x or x - k, a compare and a select instead of an i64 division
          // (tens of cycles, on the loop-carried path). Other dividends divide.
          get(a); w.i64_const(2 * k).i64_lt_u().if("i64");
          get(a); w.i64_const(k).i64_sub(); get(a); get(a); w.i64_const(k).i64_ge_u().select();
          w.else(); get(a); w.i64_const(k).i64_rem_s().end();
          w.local_set(local[ref]);
          break;
        }
        intDivisorZeroExit(ref); get(a); get(b); w.i64_rem_s().local_set(local[ref]); break;
      }
      case IrOp.NEG: w.i64_const(0); get(a); w.i64_sub().local_set(local[ref]); break;
      case IrOp.ADD_SAFE: get(a); get(b); w.i64_add().local_set(local[ref]); break;
      case IrOp.SUB_SAFE: get(a); get(b); w.i64_sub().local_set(local[ref]); break;
      case IrOp.FADD: get(a); get(b); w.f64_add().local_set(local[ref]); break;
      case IrOp.FSUB: get(a); get(b); w.f64_sub().local_set(local[ref]); break;
      case IrOp.FMUL: get(a); get(b); w.f64_mul().local_set(local[ref]); break;
      case IrOp.FDIV: floatDivisorZeroExit(ref); get(a); get(b); w.f64_div().local_set(local[ref]); break;
      case IrOp.FMOD: floatDivisorZeroExit(ref); get(a); get(b); callHelper("fmod"); w.local_set(local[ref]); break;
      case IrOp.ALEN: get(a); callHelper("alen"); w.i64_trunc_sat_f64_s().local_set(local[ref]); break;
      case IrOp.AGET: {
        const t = trace.type[ref];
        get(a); getF64(b); callElementHelper("aget", t);
        if (t === IrType.bool) {
          w.local_tee(local[ref]).i32_const(2).i32_eq();
          exitIf(ref);
        } else setHelperNumber(ref);
        break;
      }
      case IrOp.CALLH: {
        const constant = ctx.stringTable === undefined ? -1 : stringConstantIndex(trace, ref);
        if (constant >= 0) {
          w.i32_const(constant).table_get(ctx.stringTable!).local_set(local[ref]);
          break;
        }
        for (const operand of [b, trace.c[ref], trace.d[ref]]) if (operand !== 0) getAbi(operand);
        callHelper(trace.helpers[a] as ImportName);
        const t = trace.type[ref];
        // Refusal: NaN for numbers, 2 for bools, null for objects, 0 (not ok) for helpers without a result.
        if (t === IrType.int || t === IrType.float) {
          setHelperNumber(ref);
          break;
        }
        if (t === IrType.none) w.i32_eqz();
        else if (t === IrType.ref) w.local_tee(local[ref]).ref_is_null();
        else w.local_tee(local[ref]).i32_const(2).i32_eq();
        exitIf(ref);
        break;
      }
      case IrOp.CALLT: ctx.callTrace(ref); break;
      case IrOp.CALLL: ctx.callLoop(ref); break;
      case IrOp.NEWSTRUCT: ctx.newStruct(ref); break;
      case IrOp.ASET: {
        const c = trace.c[ref];
        get(a); getF64(b); getAbi(c); callElementHelper("aset", trace.type[c]);
        w.i32_eqz();
        exitIf(ref);
        break;
      }
      case IrOp.AHANDLE:
        ref += handleBatch(ref) - 1;
        break;
      case IrOp.PALEN:
        exitIfFlags(ref, a, HANDLE_DEAD);
        pushLen(a); w.local_set(local[ref]);
        break;
      case IrOp.PAGET: {
        exitUnlessInBounds(ref, a, b);
        elementAddress(a, b);
        if (byteElements(a)) w.i32_load8_u(0);
        else {
          w.f64_load(0);
          if (trace.type[ref] === IrType.int) w.i64_trunc_f64_s();
        }
        w.local_set(local[ref]);
        break;
      }
      case IrOp.PASET:
        exitIfFlags(ref, a, HANDLE_SHARED | HANDLE_DEAD);
        exitUnlessInBounds(ref, a, b);
        elementAddress(a, b); storeElement(a, trace.c[ref]);
        break;
      case IrOp.PAPUSH:
        exitIfFlags(ref, a, HANDLE_SHARED | HANDLE_DEAD);
        // Full: the helper moves the elements to a bigger block (0: no room, exit).
        entry(a); w.i32_load(HANDLE_FIELDS.len); entry(a); w.i32_load(HANDLE_FIELDS.cap).i32_ge_u();
        w.if("i32"); get(a); w.f64_convert_i64_s(); callHelper("agrow"); w.else().i32_const(1).end();
        w.i32_eqz();
        exitIf(ref);
        // element len = b; len += 1
        entry(a); w.i32_load(HANDLE_FIELDS.base); entry(a); w.i32_load(HANDLE_FIELDS.len);
        scaleIndex(a); storeElement(a, b);
        entry(a); entry(a); w.i32_load(HANDLE_FIELDS.len).i32_const(1).i32_add().i32_store(HANDLE_FIELDS.len);
        break;
      case IrOp.FNEG: get(a); w.f64_neg().local_set(local[ref]); break;
      case IrOp.FSQRT:
        get(a); w.f64_const(0).f64_lt();
        exitIf(ref);
        get(a); w.f64_sqrt().local_set(local[ref]);
        break;
      case IrOp.FABS: get(a); w.f64_abs().local_set(local[ref]); break;
      case IrOp.FFLOOR: get(a); w.f64_floor().local_set(local[ref]); break;
      case IrOp.FCEIL: get(a); w.f64_ceil().local_set(local[ref]); break;
      case IrOp.FTOI:
        // |trunc(a)| <= 2^53-1 is false for NaN too: both exit.
        get(a); w.f64_trunc().local_tee(ctx.scratchF64).f64_abs().f64_const(MAX_SAFE).f64_le().i32_eqz();
        exitIf(ref);
        w.local_get(ctx.scratchF64).i64_trunc_sat_f64_s().local_set(local[ref]);
        break;
      case IrOp.FMIN:
      case IrOp.FMAX:
        get(a); get(b); get(a); get(b);
        if (op === IrOp.FMIN) w.f64_lt(); else w.f64_gt();
        get(b); get(b); w.f64_ne().i32_or().select().local_set(local[ref]);
        break;
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
      case IrOp.EXIT: ctx.exitTo(trace.snap[ref], ref); break;
      default:
        throw new EmitError(`the wasm backend does not handle ${IR_OP_NAMES[op]} yet`);
    }
  }
}
