// From a recording to SSA IR. A root loop trace gets an entry load before LOOP for every
// slot it reads or writes (its loop-carried value), checks at entry (hoisted array
// handles, a bound on each counter that steps by one), the iteration replayed through
// the IR builder (FOLD and CSE), and a PHI per written slot. With `peel`, the iteration
// is replayed twice, once before LOOP (LuaJIT's loop optimisation): the second copy's
// CSE reuses what the first computed from values that hold in every iteration, and the
// PHIs move the first copy's results into the carried slots at LOOP. Entry and side
// traces are straight lines: entry loads, the replayed instructions, and an end (a
// return value, the slot values at the back edge, or an exit). Snapshots list every
// written slot, frame by frame; slots are relative to the root frame, places
// (EXT_SLOT_BASE up) go with the root frame. Range facts, then DCE, run last.
//
// Peeling is off by default: each guard then has a second exit, before LOOP, taken when
// an entry fails it at once (an inner loop that runs no iteration), which grows a twin
// of the side trace the loop's exit grows, and every side trace recompiles the tree.
// Measured (whole process, 7 interleaved runs): loop_sum 113 -> 95 ms, but mandelbrot
// 122 -> 131, sieve 134 -> 148, nbody 235 -> 254. The counter bound gives the one gain
// that mattered (loop_sum's step check) without a second copy.

import { livenessOf } from "./liveness";
import { IrBuilder, GuardAlwaysFails, type SnapshotFrameInput } from "../ir/builder";
import { eliminateDeadCode } from "../ir/dce";
import { removeProvenOverflowChecks } from "../ir/ranges";
import { IrOp, IrType, hasSideEffect, isLoad, isPure, type IrOpcode, type IrTypeName } from "../ir/ops";
import { FIRST_REF, NO_REF, NO_SNAPSHOT, forEachRefOperand, newTrace, type Ref, type Trace, type TraceKind } from "../ir/trace";
import { TraceAbort } from "./abort";
import { virtualName } from "./record-data";
import { EXT_SLOT_BASE, type RecOp, type RecSnapshot, type RecordedTrace, type RefClass } from "./recorder";
import { READ_HELPERS } from "../backend/emit-body";

/** What a trace's end hands on. */
export type TraceEnd =
  /** Loops back: slot -> value at the back edge (written slots). */
  | { kind: "loop"; values: Map<number, Ref> }
  /** The root frame returns value. */
  | { kind: "return"; value: Ref; type: IrTypeName }
  /** Ends with an EXIT instruction. */
  | { kind: "exit" };

export interface AssembledTrace {
  trace: Trace;
  /** Slot -> type of the value read at trace start (entry loads; root-relative, places too). */
  loadTypes: Map<number, IrTypeName>;
  /** Slot -> the entry load's ref (after DCE; absent when nothing uses it). */
  loads: Map<number, Ref>;
  /** Object kind of ref-typed loads. */
  refClasses: Map<number, RefClass>;
  end: TraceEnd;
  /** Instructions before DCE (for the trace log). */
  irBefore: number;
  /**
   * Side traces that link back: slots the ancestors wrote (values only in wasm so far),
   * live at the header and not yet tree slots, with their types. The tree must carry
   * them around the loop from now on, or the link would drop them.
   */
  inheritedSlots: Map<number, IrTypeName>;
}

/**
 * How a side trace may end: the tree's slot types at the loop header (a side trace
 * whose values fit links back, otherwise it exits), or the entry tree's result type.
 */
export interface LinkTarget {
  headerTypes?: ReadonlyMap<number, IrTypeName>;
  /** Loop trees: the class each ref slot holds at the header (entries check it; absent: "array"). */
  headerClasses?: ReadonlyMap<number, RefClass>;
  /** Side traces: the types of the values the ancestors wrote, by slot, at this trace's start. */
  inherited?: ReadonlyMap<number, IrTypeName>;
  /** Side traces: the classes of the objects among those (their values at this trace's start). */
  inheritedClasses?: ReadonlyMap<number, RefClass>;
  /**
   * Slots a side trace must leave alone to branch back into the loop (pinnedSlots): one
   * that changes one of them re-enters the tree from its start, or exits, instead.
   */
  pinnedSlots?: ReadonlySet<number>;
  /**
   * The root is peeled and its body has no effects, so the body reuses the peeled
   * iteration's memory loads (an array element, a length): a side trace that writes
   * memory or calls out, or whose ancestors did (inheritedEffects), may not branch into
   * the loop either.
   */
  effectsPinned?: boolean;
  inheritedEffects?: boolean;
  returnType?: IrTypeName;
}

/**
 * Assemble a recording into IR. A root loop is peeled when `peel` is set (and falls back
 * to one copy if the second copy cannot be built): see peelable below. Otherwise its
 * invariant reads run before LOOP unless `hoistReads` is false (see hoistInvariantReads).
 */
export function assemble(rec: RecordedTrace, id: number, kind: TraceKind, link: LinkTarget = {}, peel = false, hoistReads = true): AssembledTrace {
  if (peel && kind === "root" && rec.end.kind === "loop") {
    try {
      return assembleTrace(rec, id, kind, link, true, false);
    } catch (e) {
      if (!(e instanceof TraceAbort && e.reason === "guard_always_fails")) throw e;
    }
  }
  return assembleTrace(rec, id, kind, link, false, hoistReads);
}

function assembleTrace(rec: RecordedTrace, id: number, kind: TraceKind, link: LinkTarget, peel: boolean, hoistReads: boolean): AssembledTrace {
  const trace = newTrace(kind, rec.proto, rec.startPc, id);
  const b = new IrBuilder(trace);
  const loadTypes = new Map<number, IrTypeName>();
  for (const [slot, ref] of rec.entry) if (rec.ops[ref].op === "SLOAD") loadTypes.set(slot, rec.ops[ref].type);
  const isLoop = kind === "root" && rec.end.kind === "loop";

  // Registers the interpreter may still read at the loop header (every place is).
  const liveAtHeader = (slot: number): boolean => {
    if (rec.end.kind !== "loop" || slot >= EXT_SLOT_BASE) return true;
    const live = livenessOf(rec.proto);
    return live === null || live.isLive(rec.snapshots[rec.end.snap].frames[0].pc, slot);
  };
  // Root loops: every written slot live at the header is loop-carried, so it needs an
  // entry load too; a dead one (a temporary) is written afresh in every iteration.
  const slotType = new Map(loadTypes);
  // Ref slots written before they are read: the class of what the back edge leaves there.
  const carriedClasses = new Map<number, RefClass>();
  if (isLoop) {
    for (const [slot, ref] of rec.written) {
      if (!liveAtHeader(slot)) continue;
      const made = rec.virtuals.get(ref);
      if (made !== undefined) throw new TraceAbort("nyi_value", `${virtualName(made)} made in the trace is carried around the loop`);
      const endType = rec.ops[ref].type;
      const entryRef = rec.entry.get(slot);
      if (entryRef !== undefined && rec.ops[entryRef].op === "KREF") {
        if (ref !== entryRef) throw new TraceAbort("type_unstable", `slot ${slot} holds another function at the back edge`);
        continue;
      }
      // A function value that outlives the iteration would have to be carried, and wasm
      // cannot hold it yet: leave such loops to the interpreter (an exit in a later
      // iteration would otherwise restore the value from before the loop).
      if (rec.ops[ref].op === "KREF") throw new TraceAbort("nyi_value", `a loop that leaves a function value in register ${slot}`);
      const entryType = slotType.get(slot);
      if (entryType !== undefined && entryType !== endType) {
        throw new TraceAbort("type_unstable", `register ${slot} is ${entryType} at the loop header and ${endType} at the back edge`);
      }
      // A ref is carried as the class the entry checks: the same at both ends.
      const entryClass = rec.refClasses.get(slot);
      const endClass = rec.writtenClasses.get(slot);
      if (endType === "ref" && entryClass !== undefined && endClass !== undefined && entryClass !== endClass) {
        throw new TraceAbort("type_unstable", `register ${slot} holds a ${entryClass} at the loop header and a ${endClass} at the back edge`);
      }
      if (endType === "ref" && entryClass === undefined && endClass !== undefined) carriedClasses.set(slot, endClass);
      slotType.set(slot, endType);
    }
  }
  const loads = new Map<number, Ref>();
  for (const slot of [...slotType.keys()].sort((x, y) => x - y)) loads.set(slot, b.sload(slot, 0, IrType[slotType.get(slot)!]));
  /** One replay of the recording: recorder op -> IR ref, and its snapshots by recorder snapshot. */
  interface Copy {
    map: Ref[];
    snapIds: Map<number, number>;
  }
  const newCopy = (): Copy => ({ map: new Array(rec.ops.length), snapIds: new Map() });
  const snapshotIn = (copy: Copy, recSnap: number): number => {
    const known = copy.snapIds.get(recSnap);
    if (known !== undefined) return known;
    const id = b.snapshot(framesOf(rec.snapshots[recSnap], (r) => copy.map[r], isLoop ? loads : undefined, rec.written));
    copy.snapIds.set(recSnap, id);
    return id;
  };
  // Checks at entry, before LOOP, exiting (a refusal: nothing ran) to the header as the
  // trace was entered. The handle of an array the loop does not replace is taken once.
  const hoisted = new Map<number, Ref>();
  if (isLoop) {
    const entryState = newCopy();
    const entrySnap = (): number => (trace.meta.entrySnap = snapshotIn(entryState, rec.headerSnap));
    rec.ops.forEach((o, i) => {
      if (o.op !== "AHANDLE" || o.hoistSnap === undefined) return;
      const slot = rec.ops[o.args[0]].args[0];
      const atEnd = rec.written.get(slot);
      if (atEnd !== undefined && atEnd !== o.args[0]) return;
      hoisted.set(i, b.emit(IrOp.AHANDLE, IrType.int, loads.get(slot)!, o.elem!, 0, 0, entrySnap()));
    });
    if (hoistReads) hoistInvariantReads(rec, b, loads, hoisted, entrySnap);
    // A counter stepping by one starts a step away from the safe range's end: the range
    // pass then proves every step safe when the loop's test bounds the counter (see ranges.ts).
    for (const [slot, ref] of rec.written) {
      const load = loads.get(slot);
      const step = load === undefined ? 0 : unitStep(rec, slot, ref);
      if (step === 0) continue;
      const bound = b.kint(step > 0 ? Number.MAX_SAFE_INTEGER - 1 : -Number.MAX_SAFE_INTEGER + 1);
      b.guardTrue(step > 0 ? b.le(load!, bound) : b.ge(load!, bound), entrySnap());
    }
    // The entry checks' exit is theirs alone: the driver tells a refusal at entry from a guard.
    if (trace.meta.entrySnap !== undefined) b.separateNextSnapshot();
  }

  // A struct or array the trace made but never allocates must not be needed anywhere.
  const escapes = (r: number, where: string): void => {
    const made = rec.virtuals.get(r);
    if (made !== undefined) throw new TraceAbort("nyi_value", `${virtualName(made)} made in the trace ${where}`);
  };
  for (const o of rec.ops) for (const r of o.args ?? []) if (o.op !== "KINT" && o.op !== "KFLOAT" && o.op !== "KBOOL" && o.op !== "SLOAD") escapes(r, "is an operand");
  const inheritedSlots = new Map<number, IrTypeName>();
  let end: TraceEnd = { kind: "exit" };
  /** Replay the recorded ops through the builder (FOLD, CSE) into copy. */
  const replay = (copy: Copy): void => {
    const map = copy.map;
    const snapshotFor = (recSnap: number): number => snapshotIn(copy, recSnap);
    for (const [i, ref] of hoisted) map[i] = ref;
    rec.ops.forEach((o, i) => {
      if (hoisted.has(i)) return;
      switch (o.op) {
        case "SLOAD":
          map[i] = loads.get(o.args[0])!;
          return;
        case "KINT":
          map[i] = b.kint(o.args[0]);
          return;
        case "KFLOAT":
          map[i] = b.kfloat(o.args[0]);
          return;
        case "KBOOL":
          map[i] = b.kbool(o.args[0] !== 0);
          return;
        case "KREF": {
          const v = rec.virtuals.get(i);
          map[i] = v === undefined ? b.kref(o.object!) : b.vobject(v.layout, v.fields.map((r) => map[r]));
          return;
        }
        case "NEWSTRUCT":
          map[i] = b.newStruct(o.object!, o.args.map((r) => map[r]));
          return;
        case "AHANDLE":
          map[i] = b.emit(IrOp.AHANDLE, IrType.int, map[o.args[0]], o.elem!, 0, 0, snapshotFor(o.snap));
          return;
        default: {
          const snap = o.snap >= 0 ? snapshotFor(o.snap) : undefined;
          const args = o.args.map((r) => map[r]);
          if (o.op === "CALLH") map[i] = b.callHelper(o.helper!, IrType[o.type], args, snap);
          else if (o.op === "CALLT") map[i] = b.callTrace(o.callee!, IrType[o.type], args, snap);
          else if (o.op === "CALLL") map[i] = b.callLoop(o.loopCall!, IrType[o.type], args, snap);
          else map[i] = b.emit(IrOp[o.op], IrType[o.type], args[0] ?? 0, args[1] ?? 0, args[2] ?? 0, args[3] ?? 0, snap);
        }
      }
    });
  };
  try {
    // A peeled loop runs one iteration before LOOP; the loop body is a second copy,
    // whose CSE reuses what the first computed from values every iteration shares.
    const peeled = isLoop && peel ? newCopy() : null;
    if (peeled !== null) {
      replay(peeled);
      trace.meta.peeled = true;
    }
    if (isLoop) {
      // The body's exits are its own (a side trace there branches back into the loop).
      if (peeled !== null) b.separateNextSnapshot();
      // Carried: written with another value than the one loaded (`xs = push(xs, v)` keeps xs).
      b.loop(variantBeforeLoop(trace, new Set([...rec.written].filter(([slot, r]) => loads.has(slot) && r !== rec.entry.get(slot)).map(([slot]) => slot))));
    }
    const body = newCopy();
    replay(body);
    const map = body.map;
    const recEnd = rec.end;
    if (recEnd.kind === "loop" && isLoop) {
      for (const slot of [...rec.written.keys()].sort((x, y) => x - y)) {
        const written = rec.written.get(slot)!;
        if (loads.has(slot)) b.phi(loads.get(slot)!, map[written], peeled === null ? NO_REF : peeled.map[written]);
      }
      end = { kind: "loop", values: new Map() };
    } else if (recEnd.kind === "loop" && link.headerTypes !== undefined && !(link.effectsPinned && (link.inheritedEffects || hasEffects(trace)))
      && fits(rec, link.headerTypes, link.headerClasses ?? new Map(), loadTypes, link.inherited ?? new Map(), link.inheritedClasses ?? new Map(), liveAtHeader, link.pinnedSlots)) {
      for (const [slot, r] of rec.written) if (liveAtHeader(slot)) escapes(r, "is live at the loop header");
      end = { kind: "loop", values: new Map([...rec.written].filter(([slot]) => liveAtHeader(slot)).map(([slot, r]) => [slot, map[r]])) };
      // A ref slot this side trace gives the tree: the class it leaves there (fits checked the others).
      for (const slot of end.values.keys()) {
        const c = rec.writtenClasses.get(slot);
        if (c !== undefined && !link.headerTypes.has(slot) && !rec.refClasses.has(slot)) carriedClasses.set(slot, c);
      }
      for (const [slot, type] of link.inherited ?? []) {
        if (!rec.written.has(slot) && !link.headerTypes.has(slot) && liveAtHeader(slot)) inheritedSlots.set(slot, type);
      }
    } else if (recEnd.kind === "return" && (link.returnType === undefined || link.returnType === rec.ops[recEnd.value].type)) {
      escapes(recEnd.value, "is returned");
      end = { kind: "return", value: map[recEnd.value], type: rec.ops[recEnd.value].type };
    } else {
      // Cannot link (or an explicit exit): leave for the interpreter.
      b.emit(IrOp.EXIT, IrType.none, 0, 0, 0, 0, snapshotIn(body, recEnd.snap));
    }
  } catch (e) {
    if (e instanceof GuardAlwaysFails) throw new TraceAbort("guard_always_fails", e.message);
    throw e;
  }

  const irBefore = trace.size;
  removeProvenOverflowChecks(trace);
  const keep: Ref[] = end.kind === "loop" ? [...end.values.values()] : end.kind === "return" ? [end.value] : [];
  const dce = eliminateDeadCode(trace, keep);
  const remap = (r: Ref): Ref => (r === NO_REF ? NO_REF : dce.refMap[r]);
  if (end.kind === "loop") end = { kind: "loop", values: new Map([...end.values].map(([s, r]) => [s, remap(r)])) };
  else if (end.kind === "return") end = { ...end, value: remap(end.value) };
  const liveLoads = new Map<number, Ref>();
  for (const [slot, r] of loads) if (dce.refMap[r] !== NO_REF) liveLoads.set(slot, dce.refMap[r]);
  return { trace: dce.trace, loadTypes: slotType, loads: liveLoads, refClasses: new Map([...rec.refClasses, ...carriedClasses]), end, irBefore, inheritedSlots };
}

/** +1 or -1 when slot's value at the back edge is its entry value plus or minus one (a counter), else 0. */
function unitStep(rec: RecordedTrace, slot: number, ref: number): number {
  const o = rec.ops[ref];
  if ((o.op !== "ADD" && o.op !== "SUB") || o.type !== "int") return 0;
  const isEntry = (r: number): boolean => rec.ops[r].op === "SLOAD" && rec.ops[r].args[0] === slot && rec.entry.get(slot) === r;
  const constant = (r: number): number => (rec.ops[r].op === "KINT" ? rec.ops[r].args[0] : 0);
  const [x, y] = o.args;
  let k = 0;
  if (isEntry(x) && Math.abs(constant(y)) === 1) k = constant(y);
  else if (o.op === "ADD" && isEntry(y) && Math.abs(constant(x)) === 1) k = constant(x);
  return o.op === "SUB" ? -k : k;
}

/**
 * Whether instruction ref writes memory or calls out: a store, a push, a call, a helper
 * that is not one of READ_HELPERS.
 */
export function writesMemory(trace: Trace, ref: Ref): boolean {
  const op = trace.op[ref] as IrOpcode;
  return hasSideEffect(op) && !(op === IrOp.CALLH && READ_HELPERS.has(trace.helpers[trace.a[ref]]));
}

/** Whether a trace writes memory or calls out (writesMemory). */
export function hasEffects(trace: Trace): boolean {
  for (let ref = FIRST_REF; ref < trace.end; ref++) if (writesMemory(trace, ref)) return true;
  return false;
}

/** The recorder's writesMemory. */
function recWritesMemory(o: RecOp): boolean {
  return hasSideEffect(IrOp[o.op as keyof typeof IrOp] as IrOpcode) && !(o.op === "CALLH" && READ_HELPERS.has(o.helper!));
}

/** Reads hoistInvariantReads may move: helpers that only read, and the loads of arrays and packed arrays. */
const HOISTED_READS: ReadonlySet<string> = new Set(["AGET", "ALEN", "AHANDLE", "PALEN", "PAGET"]);

/**
 * Invariant reads (LuaJIT's loop-invariant code motion, without peeling): in a root loop
 * that writes no memory and calls nothing, a read whose operands no iteration changes (an
 * element or the length of an array the loop only reads, `m[i]` of `m[i][k]` in a loop
 * over k, a dict entry, a struct's field, a string's length) gives the same value in
 * every iteration. It runs once, at entry, with the pure instructions it needs; one that
 * refuses there is a refusal at entry (the driver retires a tree that keeps refusing, and
 * records its loop again without hoisting). Reads whose operand some guard of the
 * recording checks stay where they were: they trust that check. The slots the moved
 * reads depend on are pinned (meta.readPins, see pinnedSlots), and a side trace that
 * writes memory may not branch back into the loop either (LinkTarget.effectsPinned):
 * such a side trace re-enters the tree from its start instead, through its function.
 */
function hoistInvariantReads(rec: RecordedTrace, b: IrBuilder, loads: ReadonlyMap<number, Ref>, hoisted: Map<number, Ref>, entrySnap: () => number): void {
  if (rec.ops.some(recWritesMemory)) return;
  const checked = new Set<number>();
  for (const o of rec.ops) if (o.op === "GUARD_KIND" || o.op === "GUARD_LAYOUT") checked.add(o.args[0]);
  const invariant = new Uint8Array(rec.ops.length);
  const reads: number[] = [];
  rec.ops.forEach((o, i) => {
    if (hoisted.has(i) || o.op === "KINT" || o.op === "KFLOAT" || o.op === "KBOOL" || (o.op === "KREF" && !rec.virtuals.has(i))) {
      invariant[i] = 1;
    } else if (o.op === "SLOAD") {
      const atEnd = rec.written.get(o.args[0]);
      invariant[i] = atEnd === undefined || atEnd === i ? 1 : 0;
    } else if (o.args.every((r) => invariant[r] === 1 && !checked.has(r))) {
      const op = IrOp[o.op as keyof typeof IrOp] as IrOpcode;
      if (o.op === "CALLH" ? READ_HELPERS.has(o.helper!) : HOISTED_READS.has(o.op)) {
        invariant[i] = 1;
        reads.push(i);
      } else if (isPure(op) && o.type !== "none" && o.op !== "VOBJECT") {
        invariant[i] = 1;
      }
    }
  });
  // The reads and the instructions computing their operands, in recording order.
  const moved = new Uint8Array(rec.ops.length);
  const move = (i: number): void => {
    const o = rec.ops[i];
    if (moved[i] === 1 || hoisted.has(i) || o.op === "SLOAD" || o.op === "KINT" || o.op === "KFLOAT" || o.op === "KBOOL" || o.op === "KREF") return;
    moved[i] = 1;
    for (const r of o.args) move(r);
  };
  for (const i of reads) move(i);
  const pins = new Set<number>();
  const operand = (r: number): Ref => {
    const o = rec.ops[r];
    switch (o.op) {
      case "SLOAD":
        pins.add(o.args[0]);
        return loads.get(o.args[0])!;
      case "KINT": return b.kint(o.args[0]);
      case "KFLOAT": return b.kfloat(o.args[0]);
      case "KBOOL": return b.kbool(o.args[0] !== 0);
      case "KREF": return b.kref(o.object!);
      case "AHANDLE":
        // A handle taken before LOOP already (of a slot's array): the read depends on that slot too.
        if (rec.ops[o.args[0]].op === "SLOAD") pins.add(rec.ops[o.args[0]].args[0]);
        return hoisted.get(r)!;
      default: return hoisted.get(r)!;
    }
  };
  rec.ops.forEach((o, i) => {
    if (moved[i] === 0) return;
    const args = o.args.map(operand);
    const snap = o.snap >= 0 ? entrySnap() : undefined;
    if (o.op === "AHANDLE") hoisted.set(i, b.emit(IrOp.AHANDLE, IrType.int, args[0], o.elem!, 0, 0, entrySnap()));
    else if (o.op === "CALLH") hoisted.set(i, b.callHelper(o.helper!, IrType[o.type], args, snap));
    else hoisted.set(i, b.emit(IrOp[o.op as keyof typeof IrOp] as IrOpcode, IrType[o.type], args[0] ?? 0, args[1] ?? 0, args[2] ?? 0, args[3] ?? 0, snap));
  });
  // Set whenever a read moved, even one of constants and handles only: it is what keeps
  // side traces that write memory out of the loop (effectsPinned), and what the driver
  // asks when the tree keeps refusing (refusedHoisting).
  if (reads.length > 0) b.trace.meta.readPins = [...pins].sort((x, y) => x - y);
}

/**
 * The instructions before LOOP whose value may differ in a later iteration: entry loads
 * of the slots the loop carries (in the body they name the carried variable, so what
 * was computed from their entry value is stale there), memory loads when the loop
 * writes memory or calls out, and everything computed from those. The rest holds in
 * every iteration, so the body may reuse it (invariant hoisting, in a peeled loop).
 */
function variantBeforeLoop(trace: Trace, carried: ReadonlySet<number>): (ref: Ref) => boolean {
  const effects = hasEffects(trace);
  const variant = new Uint8Array(trace.end);
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    const op = trace.op[ref] as IrOpcode;
    if (op === IrOp.SLOAD) variant[ref] = carried.has(trace.a[ref]) ? 1 : 0;
    else if (writesMemory(trace, ref) || (effects && (isLoad(op) || op === IrOp.CALLH))) variant[ref] = 1;
    else forEachRefOperand(trace, ref, (r) => (variant[ref] |= variant[r]));
  }
  return (ref) => variant[ref] === 1;
}

/** Whether a side trace's values at the back edge have the tree's header types. */
function fits(
  rec: RecordedTrace, headerTypes: ReadonlyMap<number, IrTypeName>, headerClasses: ReadonlyMap<number, RefClass>, loadTypes: ReadonlyMap<number, IrTypeName>,
  inherited: ReadonlyMap<number, IrTypeName>, inheritedClasses: ReadonlyMap<number, RefClass>, liveAtHeader: (slot: number) => boolean,
  pinnedSlots: ReadonlySet<number> = new Set(),
): boolean {
  for (const slot of [...rec.written.keys(), ...inherited.keys()]) if (pinnedSlots.has(slot)) return false;
  // What the ancestors wrote and this trace leaves alone reaches the header too: it must
  // have the slot's type, or be a plain value the tree can start carrying.
  for (const [slot, type] of inherited) {
    if (rec.written.has(slot) || !liveAtHeader(slot)) continue;
    const want = headerTypes.get(slot);
    if (want !== undefined ? want !== type : type === "ref" || type === "none") return false;
    // An object of another class than the tree's entry checks for the slot: exit instead.
    if (type === "ref" && (inheritedClasses.get(slot) ?? "unknown") !== (headerClasses.get(slot) ?? "array")) return false;
  }
  for (const [slot, r] of rec.written) {
    if (!liveAtHeader(slot)) continue;
    // A slot the tree does not have yet becomes one with the type this trace loads it at.
    const want = headerTypes.get(slot) ?? loadTypes.get(slot);
    if (want !== undefined && want !== rec.ops[r].type) return false;
    // A ref of another class than the tree's entry checks for that slot: exit instead.
    const endClass = rec.writtenClasses.get(slot);
    if (want === "ref" && endClass !== undefined && endClass !== (headerClasses.get(slot) ?? rec.refClasses.get(slot) ?? "array")) return false;
    // A function value cannot be carried around the loop (see assemble): exit instead.
    if (rec.ops[r].op === "KREF") return false;
  }
  return true;
}

/**
 * A recorder snapshot as IR snapshot frames: each stack slot goes to the innermost frame
 * whose registers hold it (slots relative to that frame's base), places to the root
 * frame, dead registers nowhere. Root loops also list written slots not yet written
 * this iteration (their loop-carried value).
 */
/** Whether the interpreter may read stack slot (root-relative) of snapshot s when it resumes there. */
function isLiveIn(s: RecSnapshot, slot: number): boolean {
  if (slot >= EXT_SLOT_BASE) return true;
  let k = s.frames.length - 1;
  while (k > 0 && slot < s.frames[k].base) k--;
  const live = livenessOf(s.frames[k].proto);
  return live === null || live.isLive(s.frames[k].pc, slot - s.frames[k].base);
}

function framesOf(s: RecSnapshot, ref: (r: number) => Ref, loads: Map<number, Ref> | undefined, written: Map<number, number>): SnapshotFrameInput[] {
  const slots = s.frames.map(() => new Map<number, Ref>());
  const put = (slot: number, r: Ref): void => {
    if (slot >= EXT_SLOT_BASE) {
      slots[0].set(slot, r);
      return;
    }
    let k = s.frames.length - 1;
    while (k > 0 && slot < s.frames[k].base) k--;
    // A register the interpreter will not read before writing it needs no value.
    if (!isLiveIn(s, slot) && !(s.keep?.includes(slot) ?? false)) return;
    slots[k].set(slot - s.frames[k].base, r);
  };
  if (loads !== undefined) for (const slot of written.keys()) if (!s.slots.has(slot) && loads.has(slot)) put(slot, loads.get(slot)!);
  for (const [slot, r] of s.slots) put(slot, ref(r));
  return s.frames.map((f, k) => ({ proto: f.proto, base: f.base, pc: f.pc, slots: slots[k], closure: f.fn ?? undefined }));
}

/**
 * A root loop trace's checks at entry: their snapshot (an exit only they use, a refusal;
 * -1: none), and of them the handles taken before LOOP: the slots of their arrays, and
 * the handles in IR order (the order of the tree function's handle parameters, see emit-tree).
 */
export interface HoistedHandles {
  snap: number;
  slots: ReadonlySet<number>;
  list: readonly HoistedHandle[];
}

export interface HoistedHandle {
  ref: Ref;
  slot: number;
  /** The element kind the handle was taken for (AHANDLE's second operand). */
  elem: number;
}

const hoistedOf = new WeakMap<Trace, HoistedHandles>();

/**
 * The slots a side trace may not change and still branch back into the root's loop
 * (LinkTarget.pinnedSlots): those whose array the root takes a handle of once, before
 * LOOP (the body would index the old array through the old handle), those its invariant
 * reads depend on (meta.readPins: the body would use the old value), and in a peeled
 * loop every slot it loads and does not carry (the body reuses what the peeled
 * iteration computed from their entry values: `i % 5` of an outer loop's i).
 */
export function pinnedSlots(trace: Trace): ReadonlySet<number> {
  const pinned = new Set([...hoistedHandles(trace).slots, ...(trace.meta.readPins ?? [])]);
  if (!trace.meta.peeled) return pinned;
  const carried = new Set<Ref>();
  for (const phi of trace.phis()) carried.add(trace.a[phi]);
  for (let ref = FIRST_REF; ref < trace.end && trace.op[ref] !== IrOp.LOOP; ref++) {
    if (trace.op[ref] === IrOp.SLOAD && !carried.has(ref)) pinned.add(trace.a[ref]);
  }
  return pinned;
}

/** The hoisted handles of a root loop trace (see pinnedSlots), found once per trace. */
export function hoistedHandles(trace: Trace): HoistedHandles {
  let known = hoistedOf.get(trace);
  if (known === undefined) {
    let snap = -1;
    const slots = new Set<number>();
    const list: HoistedHandle[] = [];
    for (let ref = FIRST_REF; ref < trace.end && trace.op[ref] !== IrOp.LOOP; ref++) {
      if (trace.snap[ref] === NO_SNAPSHOT || trace.snap[ref] !== trace.meta.entrySnap) continue;
      snap = trace.snap[ref];
      if (trace.op[ref] !== IrOp.AHANDLE || trace.op[trace.a[ref]] !== IrOp.SLOAD) continue;
      slots.add(trace.a[trace.a[ref]]);
      list.push({ ref, slot: trace.a[trace.a[ref]], elem: trace.b[ref] });
    }
    hoistedOf.set(trace, (known = { snap, slots, list }));
  }
  return known;
}
