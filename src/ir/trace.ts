// The Trace container: instructions as struct-of-arrays columns addressed by numeric
// refs, snapshots (the multi-frame interpreter state to rebuild at each exit), constant
// pools and metadata. Raw storage only: folding, CSE and checks live in builder.ts.

import type { FunctionProto } from "../interp/bytecode";
import type { ElemKind } from "../interp/packed";
import { IR_OPERANDS, IrOp, IrType, isRefOperand, type IrOpcode } from "./ops";

/** An instruction reference: an index into the trace's columns. */
export type Ref = number;
/** "No operand" (optional operands, folded-away guards). */
export const NO_REF: Ref = 0;
/** The first instruction's ref (refs print as %04d, so the first is 0001). */
export const FIRST_REF: Ref = 1;
/** A guard's snapshot column holds this for instructions without a snapshot. */
export const NO_SNAPSHOT = -1;

export type TraceKind = "root" | "side" | "entry";

/** What a CALLL runs: the loop tree of (proto, pc), given the values of these slots (numbered from the tree's root frame). */
export interface LoopCall {
  readonly proto: FunctionProto;
  readonly pc: number;
  readonly slots: readonly number[];
}

/** Whether operand b of op is a list of refs in trace.objectFields (VOBJECT's and NEWSTRUCT's fields, CALLL's arguments). */
export function hasRefList(op: IrOpcode): boolean {
  return op === IrOp.VOBJECT || op === IrOp.NEWSTRUCT || op === IrOp.CALLL;
}

export interface TraceMeta {
  /** Trace number given by the registry (0 until registered). */
  id: number;
  /** root: a loop trace from a hot loop header; side: from a hot exit; entry: from a hot function entry. */
  kind: TraceKind;
  /** Function and pc where the trace starts (the loop header, the exit's pc, the entry pc). */
  startProto: FunctionProto;
  startPc: number;
  /** For side traces: the parent trace and the exit (snapshot id) they start from. */
  parent?: { trace: number; exit: number };
  /**
   * Root loops: the snapshot of the checks made at entry, before anything runs (packed
   * array handles, loop counter bounds); a guard failing there is a refusal, not an exit
   * worth a side trace. Absent when there are none.
   */
  entrySnap?: number;
  /** Root loops assembled with a peeled iteration before LOOP (see pinnedSlots in assemble.ts). */
  peeled?: boolean;
  /** Root loops: the slots of the invariant reads run before LOOP (hoistInvariantReads in assemble.ts). */
  readPins?: number[];
}

/**
 * One interpreter frame of a snapshot. Frame i of every snapshot is the frame that
 * SLOADs of depth i read at entry; frames past the entry frames are calls inlined by
 * the trace. slots/refs are parallel, sorted by slot: slot slots[k] holds refs[k]'s
 * value. A slot not listed holds what it held at trace entry (a frame the trace itself
 * pushed must therefore list every live slot).
 */
export interface SnapshotFrame {
  readonly proto: FunctionProto;
  /** Frame base relative to the entry frame's base (entry frame: 0). */
  readonly base: number;
  /** Resume pc in this frame: for outer frames, where their pending call returns to. */
  readonly pc: number;
  readonly slots: readonly number[];
  readonly refs: readonly Ref[];
  /** The function object of a frame the trace pushed (an inlined call); the exit pushes it again. */
  readonly closure?: object;
}

export interface Snapshot {
  /** The snapshot's index in trace.snapshots: also the exit number of its guards. */
  readonly id: number;
  /** The bytecode pc to resume at in the innermost frame. */
  readonly pc: number;
  /** trace.end when taken: every ref in the snapshot is below it. */
  readonly atRef: Ref;
  /** Outermost first. */
  readonly frames: readonly SnapshotFrame[];
}

const INITIAL_CAPACITY = 64;

export class Trace {
  // Columns, indexed by ref. Reallocated while the trace grows: re-read after appends.
  op = new Uint8Array(INITIAL_CAPACITY);
  type = new Uint8Array(INITIAL_CAPACITY);
  a = new Int32Array(INITIAL_CAPACITY);
  b = new Int32Array(INITIAL_CAPACITY);
  c = new Int32Array(INITIAL_CAPACITY);
  d = new Int32Array(INITIAL_CAPACITY);
  /** Snapshot id of a guard, NO_SNAPSHOT otherwise. */
  snap = new Int32Array(INITIAL_CAPACITY).fill(NO_SNAPSHOT);

  /** The next ref to be allocated: instructions are FIRST_REF .. end - 1. */
  end: Ref = FIRST_REF;
  /** The LOOP instruction, or NO_REF for a trace that does not loop. */
  loopRef: Ref = NO_REF;

  /** Values of KINT and KFLOAT constants (operand a indexes this). */
  readonly numConsts: number[] = [];
  /** Objects of KREF constants (operand a indexes this). */
  readonly refConsts: object[] = [];
  /** Names of JS helpers called by CALLH (operand a indexes this). */
  readonly helpers: string[] = [];
  /** Functions whose entry traces CALLT calls (operand a indexes this). */
  readonly callees: FunctionProto[] = [];
  /** VOBJECT field values or elements, CALLL arguments: lists of refs (operand b of a VOBJECT or CALLL indexes this). */
  readonly objectFields: Ref[][] = [];
  /** The loop headers whose trees CALLL runs (operand a indexes this). */
  readonly loopCalls: LoopCall[] = [];
  readonly snapshots: Snapshot[] = [];

  constructor(readonly meta: TraceMeta) {}

  /** Number of instructions. */
  get size(): number {
    return this.end - FIRST_REF;
  }

  /** Append an instruction as is (no checks, folding or CSE; see IrBuilder.emit). */
  append(op: IrOpcode, type: IrType, a: number, b: number, c: number, d: number, snap: number): Ref {
    const ref = this.end;
    if (ref === this.op.length) this.grow();
    this.op[ref] = op;
    this.type[ref] = type;
    this.a[ref] = a;
    this.b[ref] = b;
    this.c[ref] = c;
    this.d[ref] = d;
    this.snap[ref] = snap;
    this.end = ref + 1;
    if (op === IrOp.LOOP) this.loopRef = ref;
    return ref;
  }

  private grow(): void {
    const n = this.op.length * 2;
    const widen = <T extends Uint8Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.op = widen(this.op, (k) => new Uint8Array(k));
    this.type = widen(this.type, (k) => new Uint8Array(k));
    this.a = widen(this.a, (k) => new Int32Array(k));
    this.b = widen(this.b, (k) => new Int32Array(k));
    this.c = widen(this.c, (k) => new Int32Array(k));
    this.d = widen(this.d, (k) => new Int32Array(k));
    this.snap = widen(this.snap, (k) => new Int32Array(k).fill(NO_SNAPSHOT));
  }

  // -------------------------------------------------------------------------
  // Constants

  /** Whether ref is a KINT, KFLOAT, KBOOL or KREF. */
  isConst(ref: Ref): boolean {
    const op = this.op[ref];
    return op === IrOp.KINT || op === IrOp.KFLOAT || op === IrOp.KBOOL || op === IrOp.KREF;
  }

  /** Whether ref is a KINT or KFLOAT. */
  isNumConst(ref: Ref): boolean {
    const op = this.op[ref];
    return op === IrOp.KINT || op === IrOp.KFLOAT;
  }

  /** The value of a KINT or KFLOAT. */
  numValue(ref: Ref): number {
    return this.numConsts[this.a[ref]];
  }

  /** The value of a KBOOL. */
  boolValue(ref: Ref): boolean {
    return this.a[ref] !== 0;
  }

  /** The object of a KREF. */
  refValue(ref: Ref): object {
    return this.refConsts[this.a[ref]];
  }

  /** The raw value of any constant (number, boolean or object). */
  constValue(ref: Ref): number | boolean | object {
    switch (this.op[ref]) {
      case IrOp.KINT:
      case IrOp.KFLOAT:
        return this.numValue(ref);
      case IrOp.KBOOL:
        return this.boolValue(ref);
      case IrOp.KREF:
        return this.refValue(ref);
    }
    throw new Error(`not a constant: ${ref}`);
  }

  /** Whether ref is a PHI's left operand (a loop-carried variable). */
  isPhiLeft(ref: Ref): boolean {
    if (this.loopRef === NO_REF || ref >= this.loopRef) return false;
    for (let r = this.end - 1; r > this.loopRef && this.op[r] === IrOp.PHI; r--) {
      if (this.a[r] === ref) return true;
    }
    return false;
  }

  /** The PHIs with an entry value (a peeled loop's), in order: they move at LOOP. */
  enteringPhis(): Ref[] {
    return this.phis().filter((r) => this.c[r] !== NO_REF);
  }

  /** Refs of the PHIs (they end the trace), in order. */
  phis(): Ref[] {
    let first = this.end;
    while (first - 1 > this.loopRef && this.loopRef !== NO_REF && this.op[first - 1] === IrOp.PHI) first--;
    const out: Ref[] = [];
    for (let r = first; r < this.end; r++) out.push(r);
    return out;
  }
}

/**
 * The layout operand (refConsts[a]) of a VOBJECT that is an array: its objectFields are
 * the elements. Any other layout is a struct's.
 */
export const VIRTUAL_ARRAY: object = Object.freeze({ virtual: "array" });

/**
 * The layout operands of VOBJECTs that are Results and Options, by tag: objectFields
 * holds the payload (none for None).
 */
export const VIRTUAL_TAGGED = {
  Ok: Object.freeze({ virtual: "Ok" }), Err: Object.freeze({ virtual: "Err" }),
  Some: Object.freeze({ virtual: "Some" }), None: Object.freeze({ virtual: "None" }),
} as const;
export type TaggedName = keyof typeof VIRTUAL_TAGGED;

/** The tag a VOBJECT layout operand stands for, if it is a Result's or an Option's. */
export function virtualTag(layout: object): TaggedName | undefined {
  const name = (layout as { virtual?: string }).virtual;
  return name !== undefined && name in VIRTUAL_TAGGED && VIRTUAL_TAGGED[name as TaggedName] === layout ? (name as TaggedName) : undefined;
}

/** A new empty trace of the given kind starting at proto/pc. */
export function newTrace(kind: TraceKind, startProto: FunctionProto, startPc: number, id = 0): Trace {
  return new Trace({ id, kind, startProto, startPc });
}

/** The IR type used for the value of ref (IrType.none for guards and markers). */
export function typeOf(trace: Trace, ref: Ref): IrType {
  return trace.type[ref] as IrType;
}

/** Call fn for each reference operand of ref that is set (a list operand's refs count from index 1). */
export function forEachRefOperand(trace: Trace, ref: Ref, fn: (operand: Ref, index: number) => void): void {
  if (hasRefList(trace.op[ref] as IrOpcode)) {
    trace.objectFields[trace.b[ref]].forEach((r, k) => fn(r, 1 + k));
    return;
  }
  const kinds = IR_OPERANDS[trace.op[ref]];
  for (let i = 0; i < kinds.length; i++) {
    if (!isRefOperand(kinds[i])) continue;
    const v = i === 0 ? trace.a[ref] : i === 1 ? trace.b[ref] : i === 2 ? trace.c[ref] : trace.d[ref];
    if (v !== NO_REF) fn(v, i);
  }
}

/** The element kind of the packed array whose handle is h: the AHANDLE that took it says. */
export function handleKind(trace: Trace, h: Ref): ElemKind {
  if (trace.op[h] !== IrOp.AHANDLE) throw new Error(`ref ${h} is not an AHANDLE, so not a handle`);
  return trace.b[h] as ElemKind;
}
