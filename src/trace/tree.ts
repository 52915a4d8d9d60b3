// Trace trees: a root trace (a loop, or a function entry) and the side traces grown
// from its hot exits, compiled together into one wasm function (a side trace is code
// on its parent guard's failure path). The tree owns its slots: every slot any of its
// traces reads at its start or carries around the loop is a parameter of the function
// and a local that holds the slot's value at the top of each iteration.
//
// The value of a slot at an exit is: what the exit's snapshot lists, or else the slot's
// value where the trace started (for a side trace, the parent's value at its exit).
// exitLayout() computes the entries an exit writes and where each value comes from; the
// emitter stores them (values that are tree slots in the slot part of the record, the
// others after it in layout order) and the restorer reads them back, both from the exit
// site the compile made (src/deopt/exits.ts).

import type { FunctionProto } from "../interp/bytecode";
import { IR_TYPE_NAMES, IrOp, type IrTypeName } from "../ir/ops";
import type { Ref, Trace } from "../ir/trace";
import type { AssembledTrace, TraceEnd } from "./assemble";
import { helperResultClass } from "../backend/emit-body";
import { EXT_SLOT_BASE, type IdentityCheck, type Place, type RefClass } from "./recorder";

export interface TreeTrace {
  /** Trace number (the trace log's). */
  id: number;
  tree: Tree;
  trace: Trace;
  /** Slot -> the trace's entry load (SLOAD) of it. */
  loads: Map<number, Ref>;
  end: TraceEnd;
  parent: TreeTrace | null;
  /** The parent's snapshot this side trace starts from. */
  parentExit: number;
  /**
   * The parent's guard whose exit grew this side trace (-1: not known). Guards with the
   * same state share a snapshot; the side trace is emitted at this one alone, the others
   * exit (inlined at every one, a chain of side traces doubled its code at each level).
   */
  parentGuard: number;
  /** Exit (snapshot id) -> the side trace grown from it. */
  sides: Map<number, TreeTrace>;
  exitCounts: Int32Array;
  /** Every slot the trace writes (loop-carried or not). */
  writes: ReadonlySet<number>;
  /** Side-trace recording attempts per exit that aborted. */
  sideAborts: Int32Array;
  /**
   * Loop iterations unrolled on the way here: this trace's and its ancestors'. A side
   * trace may unroll only what the loopunroll budget has left, so that a trip count
   * growing one by one does not grow a side trace per count without end.
   */
  unrolled: number;
}

/** Where an exit's value comes from: an instruction of some trace, or the tree's slot local. */
export type ValueSource = { trace: TreeTrace; ref: Ref } | { slot: number };

/** A value an exit writes: where it comes from, and the constant when it is one. */
export interface ExitValue {
  type: IrTypeName;
  source: ValueSource;
  /** For constants: the value (number/boolean/object); undefined: stored in the exit record. */
  constant?: number | boolean | object;
}

export interface ExitEntry extends ExitValue {
  /** Root-relative stack slot, or a place (EXT_SLOT_BASE + k). */
  slot: number;
  /** An object the trace never made (VOBJECT): the exit makes it, a struct of this layout, (VIRTUAL_ARRAY) an array or (VIRTUAL_TAGGED) a Result or Option, from these values. */
  sunk?: { layout: object; fields: ExitValue[] };
}

interface SlotState {
  slots: Map<number, IrTypeName>;
  refClasses: Map<number, RefClass>;
  resultType: IrTypeName | null;
  maxInlineDepth: number;
  checks: number;
}

/** An array handle a loop tree takes as a parameter only to pass it on to a tree it links to. */
export interface PassedHandle {
  slot: number;
  /** The element kind (AHANDLE's second operand). */
  elem: number;
}

export class Tree {
  readonly traces: TreeTrace[] = [];
  /** Tree slots: parameters and loop-carried locals, with their types at the tree's start. */
  readonly slots = new Map<number, IrTypeName>();
  readonly refClasses = new Map<number, RefClass>();
  readonly checks: IdentityCheck[] = [];
  /** Entry trees: the result type every return has. */
  resultType: IrTypeName | null = null;
  /** Most frames a trace of this tree has inlined at once (for the depth limit). */
  maxInlineDepth = 0;
  /**
   * Loop trees: handles that trees this one links to take for arrays in slots this one
   * carries without taking a handle itself, set when it is compiled (JIT.passedHandles).
   * It takes them as parameters after its own and passes them on, so a cycle of links
   * (nbody: the pair loop's tree, the update loop's, back) asks JS for none of them.
   */
  passHandles: readonly PassedHandle[] = [];
  /**
   * Memo tables: every guard of every compile asks for its exit layout, and each answer
   * walks the trace's ancestors. Snapshots never change, so listed() is memoised for
   * good; layouts depend on the tree's slots too, so they are forgotten when those change
   * (a new trace's own layouts are new; the others' stay as they were).
   */
  private readonly listedMemo = new Map<TreeTrace, Map<number, Ref>[]>();
  private readonly layoutMemo = new Map<TreeTrace, ExitEntry[][]>();
  /** The slot state before the last add(), so that removeLast() can undo it. */
  private lastAdded: SlotState | null = null;

  constructor(
    readonly kind: "loop" | "entry",
    readonly proto: FunctionProto,
    /** The loop header, or the function's entry pc. */
    readonly pc: number,
    readonly places: Place[],
  ) {}

  get root(): TreeTrace {
    return this.traces[0];
  }

  /** Add a trace (the root first); its loads and carried slots become tree slots. */
  /**
   * Add a trace: a side trace grows from parent's snapshot parentExit, left at its guard
   * parentGuard; unrolled is how many loop iterations the recording unrolled.
   */
  add(id: number, asm: AssembledTrace, parent: TreeTrace | null, parentExit: number, writes: Iterable<number>, unrolled = 0, parentGuard = -1): TreeTrace {
    this.lastAdded = this.saveSlots();
    const slotsBefore = this.slots.size; // add() only adds slots: a new size is a change
    const known = new Set(this.slots.keys());
    const t: TreeTrace = {
      id, tree: this, trace: asm.trace, loads: asm.loads, end: asm.end, parent, parentExit, parentGuard, sides: new Map(), writes: new Set(writes),
      exitCounts: new Int32Array(asm.trace.snapshots.length), sideAborts: new Int32Array(asm.trace.snapshots.length),
      unrolled: (parent?.unrolled ?? 0) + unrolled,
    };
    for (const [slot, type] of asm.loadTypes) if (!this.slots.has(slot) && this.isNewSlot(parent, parentExit, slot)) this.slots.set(slot, type);
    if (asm.end.kind === "loop" && parent !== null) {
      for (const [slot, ref] of asm.end.values) if (!this.slots.has(slot)) this.slots.set(slot, IR_TYPE_NAMES[asm.trace.type[ref]]);
      for (const [slot, type] of asm.inheritedSlots) if (!this.slots.has(slot)) this.slots.set(slot, type);
    }
    // Classes of slots new to the tree only: a side trace's are those where it starts (its
    // parent may have put another kind of object there), not at the tree's entry.
    for (const [slot, c] of asm.refClasses) if (!known.has(slot)) this.refClasses.set(slot, c);
    if (asm.end.kind === "return" && this.resultType === null) this.resultType = asm.end.type;
    for (const s of asm.trace.snapshots) this.maxInlineDepth = Math.max(this.maxInlineDepth, s.frames.length - 1);
    if (parent !== null) parent.sides.set(parentExit, t);
    this.traces.push(t);
    if (this.slots.size !== slotsBefore) this.forgetLayouts();
    return t;
  }

  /** Undo the last add() (its compile failed: the tree's code is still the old one). */
  removeLast(): void {
    const t = this.traces.pop();
    const before = this.lastAdded;
    if (t === undefined || before === null) throw new Error("removeLast without add");
    if (t.parent !== null) t.parent.sides.delete(t.parentExit);
    this.restoreSlots(before);
    this.lastAdded = null;
  }

  saveSlots(): SlotState {
    return {
      slots: new Map(this.slots), refClasses: new Map(this.refClasses), resultType: this.resultType, maxInlineDepth: this.maxInlineDepth,
      checks: this.checks.length,
    };
  }

  /** Back to a saved slot state (a compile failed: the tree's code still has the old slots). */
  restoreSlots(state: SlotState): void {
    this.slots.clear();
    for (const [k, v] of state.slots) this.slots.set(k, v);
    this.refClasses.clear();
    for (const [k, v] of state.refClasses) this.refClasses.set(k, v);
    this.resultType = state.resultType;
    this.maxInlineDepth = state.maxInlineDepth;
    this.checks.length = state.checks;
    // (Not passHandles: it follows the code installed, which a rollback does not change.)
    this.forgetLayouts();
  }

  private forgetLayouts(): void {
    this.layoutMemo.clear();
  }

  /**
   * Make slot a tree slot that no trace reads: the tree carries the value it is entered
   * with to its exits and links (a trace linking here holds a value the frame lacks).
   */
  carry(slot: number, type: IrTypeName, refClass: RefClass | undefined): void {
    this.slots.set(slot, type);
    if (refClass !== undefined) this.refClasses.set(slot, refClass);
    this.forgetLayouts();
  }

  /** Whether a trace starting at parent's exit reads slot from the tree's start (not from a parent). */
  isNewSlot(parent: TreeTrace | null, parentExit: number, slot: number): boolean {
    if (parent === null) return true;
    if (this.listed(parent, parentExit).has(slot)) return false;
    return "slot" in this.startValue(parent, slot);
  }

  /** The values a snapshot lists, by root-relative slot (shared: do not modify). */
  listed(t: TreeTrace, snap: number): ReadonlyMap<number, Ref> {
    let memo = this.listedMemo.get(t);
    if (memo === undefined) this.listedMemo.set(t, (memo = []));
    let out = memo[snap];
    if (out === undefined) {
      out = memo[snap] = new Map<number, Ref>();
      for (const f of t.trace.snapshots[snap].frames) {
        f.slots.forEach((slot, k) => out!.set(slot >= EXT_SLOT_BASE ? slot : f.base + slot, f.refs[k]));
      }
    }
    return out;
  }

  /**
   * Slot values at an exit of t: tree slots as they were where t started, then what
   * t's ancestors wrote before t started (a side trace runs natively: those values are
   * in no interpreter register yet) in the frames still live, then what t lists.
   */
  exitValues(t: TreeTrace, snap: number): Map<number, ValueSource> {
    const out = new Map<number, ValueSource>();
    for (const slot of this.slots.keys()) out.set(slot, this.startValue(t, slot));
    const frames = t.trace.snapshots[snap].frames;
    const top = frames[frames.length - 1];
    const live = top.base + top.proto.nslots;
    const chain: [TreeTrace, number][] = [];
    for (let cur = t; cur.parent !== null; cur = cur.parent) chain.push([cur.parent, cur.parentExit]);
    for (let i = chain.length - 1; i >= 0; i--) {
      const [anc, exit] = chain[i];
      for (const [slot, ref] of this.listed(anc, exit)) if (slot < live || slot >= EXT_SLOT_BASE) out.set(slot, { trace: anc, ref });
    }
    for (const [slot, ref] of this.listed(t, snap)) out.set(slot, { trace: t, ref });
    return out;
  }

  /** The value of a slot where trace t starts. */
  startValue(t: TreeTrace, slot: number): ValueSource {
    for (let cur: TreeTrace = t; cur.parent !== null; cur = cur.parent) {
      const ref = this.listed(cur.parent, cur.parentExit).get(slot);
      if (ref !== undefined) return { trace: cur.parent, ref };
    }
    return { slot };
  }

  /** src, or the tree slot it is an unchanged entry load (SLOAD) of. */
  loadedFrom(src: ValueSource): ValueSource {
    while (!("slot" in src) && src.trace.trace.op[src.ref] === IrOp.SLOAD) {
      const t = src.trace;
      const slot = t.trace.a[src.ref];
      src = t.parent === null ? { slot } : this.startValue(t, slot);
    }
    return src;
  }

  /** The class of the object a ref value holds, when known: read from a tree slot unchanged, or a helper's result. */
  classOfValue(src: ValueSource): RefClass | undefined {
    const from = this.loadedFrom(src);
    if ("slot" in from) return this.refClasses.get(from.slot) ?? "array";
    const tr = from.trace.trace;
    return tr.op[from.ref] === IrOp.CALLH ? helperResultClass(tr, from.ref) : undefined;
  }

  /** What an exit writes back, in slot order (shared: do not modify). */
  exitLayout(t: TreeTrace, snap: number): readonly ExitEntry[] {
    let memo = this.layoutMemo.get(t);
    if (memo === undefined) this.layoutMemo.set(t, (memo = []));
    return (memo[snap] ??= this.computeExitLayout(t, snap));
  }

  private computeExitLayout(t: TreeTrace, snap: number): ExitEntry[] {
    const entries: ExitEntry[] = [];
    const values = this.exitValues(t, snap);
    for (const slot of [...values.keys()].sort((x, y) => x - y)) {
      const source = values.get(slot)!;
      const entry: ExitEntry = { slot, ...exitValue(source, "slot" in source ? this.slots.get(slot)! : "none") };
      if (!("slot" in source) && source.trace.trace.op[source.ref] === IrOp.VOBJECT) {
        const tr = source.trace.trace;
        const fields = tr.objectFields[tr.b[source.ref]].map((ref) => exitValue({ trace: source.trace, ref }, "none"));
        entry.sunk = { layout: tr.refConsts[tr.a[source.ref]], fields };
      }
      entries.push(entry);
    }
    return entries;
  }
}

/** An exit value from a source; slotType is the type of a tree slot source. */
function exitValue(source: ValueSource, slotType: IrTypeName): ExitValue {
  if ("slot" in source) return { type: slotType, source };
  const tr = source.trace.trace;
  const value: ExitValue = { type: IR_TYPE_NAMES[tr.type[source.ref]], source };
  if (tr.isConst(source.ref)) value.constant = tr.constValue(source.ref);
  return value;
}

/** The values of an entry its exit record holds (not constants), in record order among the entry's own. */
export function storedValues(e: ExitEntry): ExitValue[] {
  if (e.sunk !== undefined) return e.sunk.fields.filter((f) => f.constant === undefined);
  return e.constant === undefined ? [e] : [];
}

/** The IR types a tree's traces return from its root frame with. */
export function returnTypes(tree: Tree): Set<number> {
  const out = new Set<number>();
  for (const t of tree.traces) if (t.end.kind === "return") out.add(t.trace.type[t.end.value]);
  return out;
}
