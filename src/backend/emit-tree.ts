// A trace tree -> one wasm module with one function. The tree's slots are the
// parameters (JS numbers for ints) and live in locals of their IR type; the root trace
// follows, LOOP opening a wasm `loop`; each side trace is emitted where its parent's
// guard fails, and ends by moving its slot values into the slot locals and branching to
// the loop (loop trees), by returning (entry trees), or by exiting.
//
// Exits write a record on the shared exit stack (linear memory, see src/deopt/exits.ts)
// and return status 1. An exit pushes its site number, the values it keeps besides the
// tree's slots, and the slots, and tail-calls a store function of the module, which
// writes the record and returns. There is one store function per list of value types,
// shared by every exit storing such a list: an exit is then a few bytes a value, where
// stores written out in each exit made a tree grow with exits x live values (a loop
// keeping 50 strings live: 280 KB of wasm for 204 guards; exit code was 80-90% of a
// tree's bytes even when the slots alone were shared). V8 compiles a store function
// when an exit first takes it. Not a branch to one block: TurboFan then merges every
// local at that block from every exit, which grew its time and memory with exits x
// locals (24 GB, and a V8 crash, on a loop with 60 branches). Entry trees return (status, result): 0 with the result, 1 after an
// exit, 2 when refused at entry (too deep: nothing was done). A CALLT calls an entry
// tree directly (its own) or through the shared function table, and on a non-zero
// status writes its caller's record and returns 1 too, so an exit deep in a recursion
// unwinds into one record per native frame.
//
// An entry tree's function has a native signature for those calls (entrySignature):
// ints as i64 both ways and the caller's native depth + 1 as a last parameter, checked
// against the limit in memory. The module puts that function in its table slot itself
// (an active element segment). A third function, exported as `trace`, is JS's way in
// (numbers, depth 1): it returns the status only and leaves the result at
// EXIT_STACK.result (a ref in refs[0]). Exporting a function whose results are two values
// makes V8 compile a JS wrapper for that signature with its optimising compiler: about
// 1 ms for each signature, the first time (measured on one-function modules). Measured on
// fib(30) written by hand in wasm: the depth kept in memory (a load and a store on every
// call, another store on return) and f64 ints cost 17-18 ms, the depth as a parameter
// with i64 ints 7.5-9 ms.

import { ModuleBuilder, CodeWriter, type ValType } from "./wasm-encoder";
import { IrOp, IrType, IR_TYPE_NAMES } from "../ir/ops";
import { FIRST_REF, type Ref } from "../ir/trace";
import { EmitError, abiType, emitBody, stringConstantIndex, getValue, needsLocal, tableHelpers, valType, type BodyContext, type ImportName } from "./emit-body";
import type { FunctionProto } from "../interp/bytecode";
import { returnTypes, storedValues, type Tree, type TreeTrace, type ValueSource } from "../trace/tree";
import { hoistedHandles } from "../trace/assemble";
import type { ExitSite } from "../deopt/exits";
import { TraceAbort } from "../trace/abort";
import { structShapeIndex } from "./trace-helpers";
import type { StructLayout } from "../interp/value";

export { abiType };

/** Exit-stack layout in the shared memory (byte offsets of i32 words, then records). */
export const EXIT_STACK = {
  top: 0,
  /** The deepest native depth an entry tree may run at (set by the entry stub). */
  limit: 4,
  refTop: 8,
  /** A loop tree's returned value's IR type (status 0: its root frame returned; the value is at result). */
  resultType: 12,
  /** An entry tree's result, for JS (an f64; see addJsEntry), or a loop tree's. */
  result: 16,
  records: 24,
  /**
   * A record (8 bytes an entry): its exit site's number (ExitSite), the tree's slots,
   * then the site's other non-constant values in layout order.
   */
  header: 1,
} as const;

/**
 * Record kinds: resume at the snapshot's pc; after the pending call of a CALLT (the
 * callee's record pushes its frame); or in the frames of a CALLL's snapshot, whose
 * innermost frame the loop tree's record (next, inner) writes into.
 */
export const RECORD_EXIT = 0;
export const RECORD_CALL_PENDING = 1;
export const RECORD_LOOP_CALL = 2;

/** V8's limit on a wasm function's parameters: an exit store function takes the site and every value it stores. */
const MAX_STORE_PARAMS = 1000;

export interface EmittedTree {
  bytes: Uint8Array;
  guards: number;
  /** Bytes one exit record of this tree may take, at most. */
  maxRecordBytes: number;
  /** Most object references one record holds. */
  maxRecordRefs: number;
  /** Trace id -> the tree its final EXIT tail-calls (see TreeEmitOptions.loopTrees). */
  links: Map<number, Tree>;
  /** The loop trees CALLLs run (see TreeEmitOptions.loopCall). */
  loopCallees: Set<Tree>;
  /** The most frames above the tree's root an exit through a CALLL rebuilds (the caller's and the called tree's); 0 without CALLLs. */
  loopCallDepth: number;
}

export interface TreeEmitOptions {
  /** The number of a new exit site (the first word of the records it writes). */
  exitSite(site: ExitSite): number;
  /** The shared-table slot of fn's entry tree (CALLT to another function). */
  tableSlot(fn: FunctionProto): number;
  /** The shared-table slots of these JS helpers (HelperTable.slotsOf). */
  helperSlots(names: readonly ImportName[]): (name: ImportName) => number;
  /** The native signature (entrySignature) of fn's entry tree. */
  signature(fn: FunctionProto): [ValType[], ValType[]];
  /**
   * Loop trees: iterations between calls of the tree function by itself (0: never).
   * V8 has no on-stack replacement for wasm: a loop entered once would run to its end on
   * baseline (Liftoff) code, 2-3x slower; a new call is where optimised code takes over.
   */
  tierLoop?: number;
  /**
   * Loop trees compiled for the header (proto, pc), with their shared-table slots: an
   * EXIT landing there tail-calls one whose slot types it matches instead of leaving
   * (the tree a side trace exits to, in nested and consecutive loops). Only trees
   * without identity checks or place slots are offered (their entry stub does nothing
   * else a link would skip, or whose checks the linking tree makes too).
   */
  loopTrees?(proto: FunctionProto, pc: number): readonly LinkableTree[];
  /**
   * The loop tree a CALLL at (proto, pc) may run, with its shared-table slot: one that
   * `fits` and calls and links to nothing (so native calls cannot nest without bound),
   * takes registers only (no places; -1 for its handles) and checks only identities the
   * tree emitted checks too. Without one, the CALLL leaves for the interpreter at the header.
   */
  loopCall?(proto: FunctionProto, pc: number, fits: (tree: Tree) => boolean): CallableLoop | undefined;
}

/** A loop tree a CALLL may run (TreeEmitOptions.loopCall). */
export interface CallableLoop {
  tree: Tree;
  tableSlot: number;
  /** The IR type its traces return from the function with (they all return one). */
  returns: number;
}

export interface LinkableTree {
  tree: Tree;
  tableSlot: number;
  /** Whether the interpreter may read the register at the tree's header before writing it. */
  isLive(slot: number): boolean;
  /** Whether a trace of `linker` may enter the tree without its entry checks (it makes them itself). */
  accepts(linker: Tree): boolean;
}

const TYPE_CODE: Record<string, number> = IrType as unknown as Record<string, number>;

export function emitTree(tree: Tree, opts: TreeEmitOptions): EmittedTree {
  const mod = new ModuleBuilder();
  const memory = mod.importMemory("rt", "mem", { min: 1 });
  const refTable = mod.importTable("rt", "refs", { element: "externref", min: 1 });
  const fnTable = mod.importTable("rt", "fns", { element: "funcref", min: 1 });
  // String constants come from the shared table (as large as the pooled constants the
  // traces use: instantiation fails, rather than reading null, if it were smaller).
  const strings = stringConstantsUsed(tree);
  const stringTable = strings > 0 ? mod.importTable("rt", "strs", { element: "externref", min: strings }) : undefined;
  void memory;

  const slots = [...tree.slots.keys()].sort((x, y) => x - y);
  // A loop tree's hoisted handles are parameters too, after the slots, then the handles
  // it passes on (see handleParams). Handle k is parameter slots.length + k.
  const handles = handleParams(tree);
  const isEntry = tree.kind === "entry";
  const [paramTypes, resultTypes] = isEntry ? entrySignature(tree) : [treeParamTypes(tree), ["i32"] as ValType[]];
  const fnType = mod.addType(paramTypes, resultTypes);
  const selfIndex = mod.counts.functions;

  const locals: ValType[] = [];
  const allocLocal = (t: ValType): number => {
    locals.push(t);
    return paramTypes.length + locals.length - 1;
  };
  const w = new CodeWriter();
  const callHelper = tableHelpers(mod, w, tree.traces.map((u) => u.trace), fnTable, opts.helperSlots);
  // Slot locals: a loop tree's int parameters arrive as f64 and live in i64 locals.
  const slotLocal = new Map<number, number>();
  slots.forEach((s, i) => {
    if (tree.slots.get(s) !== "int" || isEntry) {
      slotLocal.set(s, i);
      return;
    }
    const l = allocLocal("i64");
    w.local_get(i).i64_trunc_sat_f64_s().local_set(l);
    slotLocal.set(s, l);
  });
  const scratchF64 = allocLocal("f64");
  // An entry tree's native depth (its last parameter); a loop tree runs at depth 0.
  const depthParam = isEntry ? slots.length : -1;
  let guards = 0;
  let maxRecordBytes = 8 * EXIT_STACK.header;
  let maxRecordRefs = 0;
  // Entry trees refuse past the depth limit, before doing anything.
  if (isEntry) {
    w.local_get(depthParam).i32_const(0).i32_load(EXIT_STACK.limit).i32_gt_s().if();
    w.i32_const(2);
    zeroOf(w, resultTypes[1]);
    w.return().end();
  }
  const tierLoop = tree.kind === "loop" ? (opts.tierLoop ?? 0) : 0;
  let budgetLocal = -1;
  if (tierLoop > 0) {
    budgetLocal = allocLocal("i32");
    w.i32_const(tierLoop + 1).local_set(budgetLocal); // the first check is at the loop top, before any iteration
  }
  const callTypes = new Map<string, number>();
  const typeIndex = (p: ValType[], r: ValType[]): number => {
    const key = `${p.join(",")}>${r.join(",")}`;
    let t = callTypes.get(key);
    if (t === undefined) callTypes.set(key, (t = mod.addType(p, r)));
    return t;
  };
  const typeOfCall = (fn: FunctionProto): number => typeIndex(...opts.signature(fn));
  const links = new Map<number, Tree>();
  const loopCallees = new Set<Tree>();
  let loopCallDepth = 0;

  let loopLabel = -1;
  /**
   * The exits' store functions (see the header), by the IR types of the values an exit
   * stores besides the slots; they follow the tree function, in the order of first use.
   * Each stores the values of its last block and tail-calls the one of the types before
   * (storeBlockStart), down to the function of no types, which stores the site and the
   * slots: exits whose live values share a beginning share those functions.
   */
  const storeFunctions = new Map<string, { index: number; types: readonly number[] }>();
  const storeFunction = (types: readonly number[]): number => {
    const key = String.fromCharCode(...types);
    let f = storeFunctions.get(key);
    if (f === undefined) {
      storeFunctions.set(key, (f = { index: selfIndex + 1 + storeFunctions.size, types }));
      if (types.length > 0) storeFunction(types.slice(0, storeBlockStart(types.length)));
    }
    return f.index;
  };
  const slotRefs = slots.filter((s) => tree.slots.get(s) === "ref").length;

  const getSource = (src: ValueSource): void => {
    if ("slot" in src) w.local_get(slotLocal.get(src.slot)!);
    else getValue(contextOf(src.trace), src.ref);
  };
  const typeOf = (src: ValueSource): number => ("slot" in src ? TYPE_CODE[tree.slots.get(src.slot)!] : src.trace.trace.type[src.ref]);

  /**
   * An AHANDLE of the array value `of` (as elem) that ran on the way to u's end: in u, or
   * in an ancestor before the exit its child starts from. Not the root's before LOOP: an
   * entry load there is the value the loop was entered with, which a loop-carried slot
   * no longer holds in the body (the hoisted handles, of slots no iteration changes, are
   * the `handles` a link passes anyway).
   */
  const handleTakenOf = (u: TreeTrace, of: ValueSource, elem: number): { trace: TreeTrace; ref: Ref } | undefined => {
    let end = u.trace.end;
    for (let t: TreeTrace | null = u; t !== null; end = t.parent === null ? 0 : t.parent.trace.snapshots[t.parentExit].atRef, t = t.parent) {
      const tr = t.trace;
      let start = FIRST_REF;
      if (t.parent === null) while (start < end && tr.op[start] !== IrOp.LOOP) start++;
      for (let r = start; r < end; r++) {
        if (tr.op[r] !== IrOp.AHANDLE || tr.b[r] !== elem) continue;
        const arr = tree.loadedFrom({ trace: t, ref: tr.a[r] });
        const same = "slot" in arr ? "slot" in of && arr.slot === of.slot : !("slot" in of) && arr.trace === of.trace && arr.ref === of.ref;
        if (same) return { trace: t, ref: r };
      }
    }
    return undefined;
  };

  /** Side traces already emitted (each once: see exitTo). */
  const emittedSides = new Set<TreeTrace>();

  const emitUnit = (u: TreeTrace): void => {
    const trace = u.trace;
    const local = new Int32Array(trace.end).fill(-1);
    for (let ref = FIRST_REF; ref < trace.end; ref++) if (needsLocal(trace, ref)) local[ref] = allocLocal(valType(trace.type[ref]));
    const slotOfLoad = new Map<Ref, number>();
    for (const [slot, ref] of u.loads) slotOfLoad.set(ref, slot);

    /**
     * Write the exit record of snapshot snapId (kind: RECORD_*): the values that are not
     * tree slots here; the exit tail function it tail-calls stores the rest and returns status 1.
     */
    const writeRecord = (snapId: number, kind: number, guard: Ref): void => {
      const layout = tree.exitLayout(u, snapId);
      const others: ValueSource[] = [];
      for (const e of layout) for (const v of storedValues(e)) if (!("slot" in v.source)) others.push(v.source);
      if (2 + others.length + slots.length > MAX_STORE_PARAMS) {
        throw new TraceAbort("trace_too_long", `an exit storing ${others.length + slots.length} values (at most ${MAX_STORE_PARAMS - 2})`);
      }
      const types = others.map(typeOf);
      const length = EXIT_STACK.header + slots.length + others.length;
      w.i32_const(opts.exitSite({ trace: u, snap: snapId, guard, kind, length, slotOrder: slots, layout })).i32_const(length);
      for (const src of others) getSource(src);
      for (const slot of slots) w.local_get(slotLocal.get(slot)!);
      w.return_call(storeFunction(types));
      maxRecordBytes = Math.max(maxRecordBytes, 8 * length);
      maxRecordRefs = Math.max(maxRecordRefs, slotRefs + types.filter((t) => t === IrType.ref).length);
      guards++;
    };
    /**
     * Leave through snapshot snapId at guard: into its side trace when there is one and
     * this is the guard it grew from (or, not known, the first guard of the snapshot).
     */
    const exitTo = (snapId: number, guard: Ref): void => {
      // A hoisted AHANDLE refusing at entry always exits (the driver counts refusals).
      const refusal = tree.kind === "loop" && u === tree.root && loopLabel < 0 && snapId === hoistedHandles(trace).snap;
      const side = refusal ? undefined : u.sides.get(snapId);
      if (side !== undefined && !emittedSides.has(side) && (side.parentGuard < 0 || side.parentGuard === guard)) {
        emittedSides.add(side);
        emitUnit(side);
      } else if (!(snapId === finalExit && link(snapId))) {
        writeRecord(snapId, RECORD_EXIT, guard);
      }
    };
    const finalExit = u.end.kind === "exit" && trace.op[trace.end - 1] === IrOp.EXIT ? trace.snap[trace.end - 1] : -1;
    /** The final EXIT as a tail call of the loop tree at its pc, when one takes its values. */
    const link = (snapId: number): boolean => {
      const snap = trace.snapshots[snapId];
      if (tree.kind !== "loop" || opts.loopTrees === undefined || snap.frames.length !== 1 || snap.frames[0].base !== 0) return false;
      const values = tree.exitValues(u, snapId);
      for (const target of opts.loopTrees(snap.frames[0].proto, snap.pc)) {
        if (!target.accepts(tree)) continue;
        const targetSlots = [...target.tree.slots.keys()].sort((x, y) => x - y);
        // The frame is stale in every slot this tree changed, so each value it holds
        // that the interpreter may still read must go on in a target slot.
        const carried = [...values.keys()].every((slot) => target.tree.slots.has(slot) || !target.isLive(slot));
        const fits = carried && targetSlots.every((slot) => {
          const src = values.get(slot);
          if (src === undefined || typeOf(src) !== TYPE_CODE[target.tree.slots.get(slot)!]) return false;
          if (typeOf(src) !== IrType.ref) return true;
          // A ref must be known to be of the class the target checks at its entry.
          return tree.classOfValue(src) === (target.tree.refClasses.get(slot) ?? "array");
        });
        if (!fits) continue;
        const targetHandles = handleParams(target.tree);
        const params = treeParamTypes(target.tree);
        for (const slot of targetSlots) {
          const src = values.get(slot)!;
          getSource(src);
          if (typeOf(src) === IrType.int) w.f64_convert_i64_s();
        }
        // The handles this tree holds or was passed for arrays the target takes from the
        // same slot (unchanged since this tree's entry: the array the handle was taken
        // for), or that this trace or an ancestor took of the array it leaves in the slot;
        // -1 for the others (the target asks JS).
        for (const h of targetHandles) {
          const src = values.get(h.slot);
          const from = src === undefined ? undefined : tree.loadedFrom(src);
          const k = from !== undefined && "slot" in from && from.slot === h.slot ? handles.findIndex((m) => m.slot === h.slot && m.elem === h.elem) : -1;
          const mine = k < 0 ? undefined : handles[k];
          const taken = mine === undefined && from !== undefined ? handleTakenOf(u, from, h.elem) : undefined;
          if (mine?.ref !== undefined) {
            getValue(contextOf(tree.root), mine.ref);
            w.i32_wrap_i64();
          } else if (mine !== undefined) {
            w.local_get(slots.length + k);
          } else if (taken !== undefined) {
            getValue(contextOf(taken.trace), taken.ref);
            w.i32_wrap_i64();
          } else {
            w.i32_const(-1);
          }
        }
        // Into the tree itself: this function, as compiled now (its table slot may still
        // hold the code of its old parameters).
        if (target.tree === tree) w.return_call(selfIndex);
        else w.i32_const(target.tableSlot).return_call_indirect(typeIndex(params, ["i32"]), fnTable);
        links.set(u.id, target.tree);
        return true;
      }
      return false;
    };
    const ctx: BodyContext = {
      w, trace, local, callHelper, scratchF64, stringTable,
      allocLocal: u === tree.root ? allocLocal : undefined,
      handleParam: u === tree.root ? (ref) => {
        const k = handles.findIndex((h) => h.ref === ref);
        return k < 0 ? -1 : slots.length + k;
      } : undefined,
      // A side trace's handle of an array still in the slot the root hoisted its handle
      // for (hoisted slots keep their array for the whole tree: see LinkTarget.pinnedSlots).
      heldHandle: u === tree.root ? undefined : (ref) => {
        const from = tree.loadedFrom({ trace: u, ref: trace.a[ref] });
        if (!("slot" in from)) return -1;
        const mine = handles.find((h) => h.ref !== undefined && h.slot === from.slot && h.elem === trace.b[ref]);
        return mine?.ref === undefined ? -1 : contextOf(tree.root).local[mine.ref];
      },
      // An entry load is the value where this trace starts: a slot local or a parent's value.
      getLoad: (ref) => getSource(u.parent === null ? { slot: trace.a[ref] } : tree.startValue(u, trace.a[ref])),
      exitIf: (ref) => {
        w.if();
        exitTo(trace.snap[ref], ref);
        w.end();
      },
      exitTo,
      loop: () => {
        // Entering the loop: the slots whose PHI has an entry value (the peeled
        // iteration's result) take it, all at once.
        const entering = trace.enteringPhis();
        for (const phi of entering) getValue(ctx, trace.c[phi]);
        for (let i = entering.length - 1; i >= 0; i--) w.local_set(slotLocal.get(slotOfLoad.get(trace.a[entering[i]])!)!);
        w.loop();
        loopLabel = w.depth;
        // Every slot is in its local here: the tree's state at the loop header, which is
        // exactly what a fresh call takes (ints pass as f64 and are safe integers).
        if (budgetLocal < 0) return;
        w.local_get(budgetLocal).i32_const(1).i32_sub().local_tee(budgetLocal).i32_eqz().if();
        callSelf((s) => w.local_get(slotLocal.get(s)!));
        w.end();
      },
      callTrace: (ref) => {
        const callee = trace.callees[trace.a[ref]];
        for (const operand of [trace.b[ref], trace.c[ref], trace.d[ref]]) if (operand !== 0) getValue(ctx, operand);
        if (isEntry) w.local_get(depthParam).i32_const(1).i32_add();
        else w.i32_const(1);
        if (callee === tree.proto && isEntry) w.call(selfIndex);
        else w.i32_const(opts.tableSlot(callee)).call_indirect(typeOfCall(callee), fnTable);
        // (status, value): keep the value, then branch on the status.
        w.local_set(local[ref]);
        w.local_tee(scratchI32()).if();
        // 2: the callee refused (too deep): the interpreter makes the call itself.
        w.local_get(scratchI32()).i32_const(2).i32_eq().if();
        writeRecord(trace.snap[ref], RECORD_EXIT, ref);
        w.end();
        writeRecord(trace.snap[ref], RECORD_CALL_PENDING, ref);
        w.end();
      },
      newStruct: (ref) => {
        // The fields go to the exit stack's free space (records are written only on the
        // way out), as f64 words; the helper reads them at once. Traces make no struct
        // holding an object (the recorder aborts), so no field needs the ref table.
        const fields = trace.objectFields[trace.b[ref]];
        const types = fields.map((f) => trace.type[f]);
        if (types.includes(IrType.ref)) throw new EmitError("NEWSTRUCT of a struct holding an object");
        const addr = structAddress();
        w.i32_const(0).i32_load(EXIT_STACK.top).local_set(addr);
        storeRecordValues(w, types, (i) => getValue(ctx, fields[i]), addr, 0, refTable, -1);
        w.f64_const(structShapeIndex(trace.refConsts[trace.a[ref]] as StructLayout, types)).local_get(addr);
        callHelper("make_struct");
        w.local_set(local[ref]);
      },
      callLoop: (ref) => {
        const call = trace.loopCalls[trace.a[ref]];
        const values = new Map(call.slots.map((slot, k) => [slot, trace.objectFields[trace.b[ref]][k]]));
        const type = trace.type[ref];
        // A tree taking values this trace has (an object of the class it checks at its
        // entry, one with a wasm value) and returning what the trace goes on with.
        const takes = (t: Tree, slot: number, slotType: string): boolean => {
          const v = values.get(slot);
          if (v === undefined || trace.type[v] !== TYPE_CODE[slotType]) return false;
          if (slotType !== "ref") return true;
          return trace.op[v] !== IrOp.KREF && trace.op[v] !== IrOp.VOBJECT && tree.classOfValue({ trace: u, ref: v }) === (t.refClasses.get(slot) ?? "array");
        };
        const target = opts.loopCall?.(call.proto, call.pc, (t) => returnTypes(t).has(type)
          && [...t.slots].every(([slot, slotType]) => takes(t, slot, slotType)));
        const targetSlots = target === undefined ? [] : [...target.tree.slots.keys()].sort((x, y) => x - y);
        if (target === undefined) {
          // No such tree (any more): the interpreter runs the loop from the header, where
          // it enters one (or a side trace grown here takes over).
          w.i32_const(1).if();
          exitTo(trace.snap[ref], ref);
          w.end();
          zeroOf(w, valType(type));
          w.local_set(local[ref]);
          return;
        }
        loopCallees.add(target.tree);
        loopCallDepth = Math.max(loopCallDepth, trace.snapshots[trace.snap[ref]].frames.length - 1 + target.tree.maxInlineDepth);
        for (const slot of targetSlots) {
          getValue(ctx, values.get(slot)!);
          if (trace.type[values.get(slot)!] === IrType.int) w.f64_convert_i64_s();
        }
        for (let k = handleParams(target.tree).length; k > 0; k--) w.i32_const(-1);
        w.i32_const(target.tableSlot).call_indirect(typeIndex(treeParamTypes(target.tree), ["i32"]), fnTable);
        // Status 1: the tree left, its record is on the exit stack; this one goes under it.
        w.if();
        writeRecord(trace.snap[ref], RECORD_LOOP_CALL, ref);
        w.end();
        // Status 0: the function returned, its value an f64 at EXIT_STACK.result.
        w.i32_const(0).f64_load(EXIT_STACK.result);
        if (type === IrType.int) w.i64_trunc_sat_f64_s();
        else if (type === IrType.bool) w.f64_const(0).f64_ne();
        else if (type !== IrType.float) throw new EmitError(`a CALLL giving a ${IR_TYPE_NAMES[type]}`);
        w.local_set(local[ref]);
      },
    };
    contexts.set(u, ctx);
    emitBody(ctx);
    // The end: back to the loop with every changed slot's value, return, or nothing (EXIT).
    const end = u.end;
    if (end.kind === "loop") {
      const moves: [number, ValueSource][] = [];
      if (u.parent === null) {
        for (const phi of trace.phis()) moves.push([slotOfLoad.get(trace.a[phi])!, { trace: u, ref: trace.b[phi] }]);
      } else {
        for (const slot of slots) {
          const ref = end.values.get(slot);
          const src: ValueSource = ref !== undefined ? { trace: u, ref } : tree.startValue(u, slot);
          if (!("slot" in src && src.slot === slot)) moves.push([slot, src]);
        }
      }
      if (loopLabel < 0) {
        // A side trace of the peeled iteration (before LOOP) cannot branch into the loop:
        // it calls the tree afresh at the header with its values.
        const moved = new Map(moves);
        callSelf((slot) => {
          const src = moved.get(slot);
          if (src !== undefined) getSource(src);
          else w.local_get(slotLocal.get(slot)!);
        });
        return;
      }
      // Parallel move: push every new value, then pop them into the slot locals.
      for (const [, src] of moves) getSource(src);
      for (let i = moves.length - 1; i >= 0; i--) w.local_set(slotLocal.get(moves[i][0])!);
      w.br_to(loopLabel);
      if (u.parent === null) w.end();
    } else if (end.kind === "return" && isEntry) {
      w.i32_const(0);
      getValue(ctx, end.value);
      w.return();
    } else if (end.kind === "return") {
      // A loop tree's side trace returning from the root frame: the value (a number or a
      // bool) and its IR type go to memory for JS, and status 0 says the function returned.
      const t = trace.type[end.value];
      w.i32_const(0);
      getValue(ctx, end.value);
      if (t === IrType.int) w.f64_convert_i64_s();
      else if (t === IrType.bool) w.f64_convert_i32_u();
      else if (t !== IrType.float) throw new EmitError(`a loop tree returning a ${IR_TYPE_NAMES[t]}`);
      w.f64_store(EXIT_STACK.result);
      w.i32_const(0).i32_const(t).i32_store(EXIT_STACK.resultType);
      w.i32_const(0).return();
    }
  };
  /**
   * Tail-call the tree function at its header: each slot's value (pushed in its local
   * type by push; ints go as f64) and the root's hoisted handles.
   */
  const callSelf = (push: (slot: number) => void): void => {
    for (const slot of slots) {
      push(slot);
      if (tree.slots.get(slot) === "int") w.f64_convert_i64_s();
    }
    const root = contextOf(tree.root);
    handles.forEach((h, k) => {
      if (h.ref !== undefined) w.local_get(root.local[h.ref]).i32_wrap_i64();
      else w.local_get(slots.length + k);
    });
    w.return_call(selfIndex);
  };
  const contexts = new Map<TreeTrace, BodyContext>();
  /** The emission context of a trace already emitted (a parent whose values a side trace reads). */
  const contextOf = (t: TreeTrace): BodyContext => {
    const c = contexts.get(t);
    if (c === undefined) throw new EmitError(`trace ${t.id} is read before it is emitted`);
    return c;
  };
  let scratchI32Local = -1;
  function scratchI32(): number {
    if (scratchI32Local < 0) scratchI32Local = allocLocal("i32");
    return scratchI32Local;
  }
  let structAddressLocal = -1;
  /** NEWSTRUCT's i32 local: the address of its fields. */
  function structAddress(): number {
    if (structAddressLocal < 0) structAddressLocal = allocLocal("i32");
    return structAddressLocal;
  }

  emitUnit(tree.root);
  w.unreachable();
  const fn = mod.addFunction(fnType, locals, w);
  if (fn !== selfIndex) throw new EmitError("the tree function is not where CALLT expects it");
  for (const { index, types } of storeFunctions.values()) {
    const next = types.length > 0 ? storeFunction(types.slice(0, storeBlockStart(types.length))) : -1;
    const [params, results, storeLocals, body] = exitStore(tree, slots, types, next, isEntry ? resultTypes[1] : null, refTable);
    if (mod.addFunction(typeIndex(params, results), storeLocals, body) !== index) throw new EmitError("an exit store function is not where exits expect it");
  }
  if (isEntry) {
    mod.addActiveElements(fnTable, opts.tableSlot(tree.proto), [fn]);
    mod.exportFunction("trace", addJsEntry(mod, tree, slots, fn, refTable));
  } else {
    mod.exportFunction("trace", fn);
  }
  return { bytes: mod.finish(), guards, maxRecordBytes, maxRecordRefs, links, loopCallees, loopCallDepth };
}

/** Values an exit store function stores (but the one of no types). */
const STORE_BLOCK = 8;

/** How many of n types (n > 0) the store functions after the one of those n take care of. */
function storeBlockStart(n: number): number {
  return n - 1 - ((n - 1) % STORE_BLOCK);
}

/**
 * An exit store function, as [params, results, locals, body]. Its parameters are the
 * site number, the record's length in words, the values of `types` and the tree's slots,
 * each in its local type. With types, it stores the values of the last block of them
 * and tail-calls `next` with the others. Without, it stores the site number and the
 * slots, moves the exit stack's top past the record and returns status 1 (and a zero
 * result for an entry tree).
 */
function exitStore(tree: Tree, slots: readonly number[], types: readonly number[], next: number, result: ValType | null, refTable: number): [ValType[], ValType[], ValType[], CodeWriter] {
  const slotTypes = slots.map((s) => TYPE_CODE[tree.slots.get(s)!]);
  const params: ValType[] = ["i32", "i32", ...types.map(valType), ...slotTypes.map(valType)];
  const [site, length, firstValue] = [0, 1, 2];
  const firstSlot = firstValue + types.length;
  const recordTop = params.length;
  const refTop = params.length + 1;
  const results: ValType[] = result === null ? ["i32"] : ["i32", result];
  const w = new CodeWriter();
  w.i32_const(0).i32_load(EXIT_STACK.top).local_set(recordTop);
  if (types.length > 0) {
    const from = storeBlockStart(types.length);
    storeRecordValues(w, types.slice(from), (i) => w.local_get(firstValue + from + i), recordTop, 8 * (EXIT_STACK.header + slots.length + from), refTable, refTop);
    w.local_get(site).local_get(length);
    for (let p = firstValue; p < firstValue + from; p++) w.local_get(p);
    slots.forEach((_, i) => w.local_get(firstSlot + i));
    w.return_call(next);
    return [params, results, ["i32", "i32"], w];
  }
  w.local_get(recordTop).local_get(site).f64_convert_i32_u().f64_store(0);
  storeRecordValues(w, slotTypes, (i) => w.local_get(firstSlot + i), recordTop, 8 * EXIT_STACK.header, refTable, refTop);
  w.i32_const(0).local_get(recordTop).local_get(length).i32_const(3).i32_shl().i32_add().i32_store(EXIT_STACK.top);
  w.i32_const(1);
  if (result !== null) zeroOf(w, result);
  return [params, results, ["i32", "i32"], w];
}

/**
 * Store values of IR types `types` (value i pushed by push(i), in its local type) from
 * byte offset `at` on of the record whose address is in local `recordTop`: each as an
 * f64, a ref as its index in the shared ref table, where the object goes (`refTop`: an
 * i32 local). The table grows first when it is short: JS sizes it for one tree's
 * records, and an exit through native calls (CALLT, CALLL) stacks a record for each tree
 * on the way. Without refs, `refTop` is not used.
 */
function storeRecordValues(w: CodeWriter, types: readonly number[], push: (i: number) => void, recordTop: number, at: number, refTable: number, refTop: number): void {
  const refs = types.filter((t) => t === IrType.ref).length;
  if (refs > 0) {
    w.i32_const(0).i32_load(EXIT_STACK.refTop).local_tee(refTop).i32_const(refs).i32_add().table_size(refTable).i32_gt_u().if();
    w.ref_null("extern").table_size(refTable).i32_const(refs).i32_add().table_grow(refTable).drop();
    w.end();
  }
  types.forEach((type, i) => {
    const offset = at + 8 * i;
    if (type === IrType.ref) {
      w.local_get(refTop);
      push(i);
      w.table_set(refTable);
      w.local_get(recordTop).local_get(refTop).f64_convert_i32_u().f64_store(offset);
      w.local_get(refTop).i32_const(1).i32_add().local_set(refTop);
      return;
    }
    w.local_get(recordTop);
    push(i);
    if (type === IrType.int) w.f64_convert_i64_s();
    else if (type === IrType.bool) w.f64_convert_i32_u();
    w.f64_store(offset);
  });
  if (refs > 0) w.i32_const(0).local_get(refTop).i32_store(EXIT_STACK.refTop);
}

/**
 * The signature of an entry tree's function, as [params, results]: its slots in their
 * local types (ints as i64) and its native depth; (status, result).
 */
export function entrySignature(tree: Tree): [ValType[], ValType[]] {
  const slots = [...tree.slots.keys()].sort((x, y) => x - y);
  return [[...slots.map((s) => valType(TYPE_CODE[tree.slots.get(s)!])), "i32"], ["i32", valType(TYPE_CODE[tree.resultType ?? "int"])]];
}

/**
 * JS's way into an entry tree's function: ints as numbers, at native depth 1. Returns
 * the status; on status 0 the result goes to EXIT_STACK.result as an f64 (ints
 * converted, bools 0/1), or to refs[0] for a ref. Only then: after an exit, refs[0]
 * holds the innermost record's first ref.
 */
function addJsEntry(mod: ModuleBuilder, tree: Tree, slots: readonly number[], native: number, refTable: number): number {
  const [, results] = entrySignature(tree);
  const resultType = results[1];
  const types = slots.map((s) => TYPE_CODE[tree.slots.get(s)!]);
  const valueLocal = types.length;
  const statusLocal = types.length + 1;
  const w = new CodeWriter();
  types.forEach((t, i) => {
    w.local_get(i);
    if (t === IrType.int) w.i64_trunc_sat_f64_s();
  });
  w.i32_const(1).call(native);
  w.local_set(valueLocal).local_tee(statusLocal).i32_eqz().if();
  if (resultType === "externref") {
    w.i32_const(0).local_get(valueLocal).table_set(refTable);
  } else {
    w.i32_const(0).local_get(valueLocal);
    if (resultType === "i64") w.f64_convert_i64_s();
    else if (resultType === "i32") w.f64_convert_i32_u();
    w.f64_store(EXIT_STACK.result);
  }
  w.end().local_get(statusLocal);
  return mod.addFunction(mod.addType(types.map(abiType), ["i32"]), [resultType, "i32"], w);
}

/** The parameter types of a tree's function: its slots (ints as f64), then its handle parameters. */
/** One more than the largest string-constant index (kstr) the tree's traces use; 0 for none. */
function stringConstantsUsed(tree: Tree): number {
  let n = 0;
  for (const t of tree.traces) {
    const tr = t.trace;
    for (let r = FIRST_REF; r < tr.end; r++) n = Math.max(n, stringConstantIndex(tr, r) + 1);
  }
  return n;
}

function treeParamTypes(tree: Tree): ValType[] {
  const slots = [...tree.slots.keys()].sort((x, y) => x - y);
  return [...slots.map((s) => abiType(TYPE_CODE[tree.slots.get(s)!])), ...handleParams(tree).map((): ValType => "i32")];
}

/** A handle parameter: one the root trace takes (hoisted, with its AHANDLE), or one passed through (Tree.passHandles). */
export interface HandleParam {
  slot: number;
  elem: number;
  ref?: Ref;
}

/**
 * The handle parameters of a tree's function, in order: a loop tree's hoisted handles of
 * arrays in its slots, then those it passes on. A caller passes the handle it holds (or
 * was passed) for the same array and kind, or -1 (the tree then asks JS, as at an entry
 * from the interpreter; a passed-on -1 makes the target ask).
 */
export function handleParams(tree: Tree): readonly HandleParam[] {
  return tree.kind === "loop" ? [...hoistedHandles(tree.root.trace).list, ...tree.passHandles] : [];
}

function zeroOf(w: CodeWriter, t: ValType): void {
  if (t === "i32") w.i32_const(0);
  else if (t === "f64") w.f64_const(0);
  else if (t === "i64") w.i64_const(0);
  else w.ref_null("extern");
}
