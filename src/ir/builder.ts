// IrBuilder: the only way instructions enter a trace. Every emit is type-checked against
// the op table, then goes through FOLD (constant folding with Ruff's exact semantics and
// always-exact algebraic rules) and CSE; guards get snapshots taken with snapshot().

import type { FunctionProto } from "../interp/bytecode";
import {
  IR_OP_NAMES, IR_OPERANDS, IR_RESULT, IR_FLAGS, IrFlag, IrOp, IrType, MIRRORED_COMPARE, RefKind,
  isRefOperand, resultType, typeFitsOperand, type IrOpcode, type IrOpName,
} from "./ops";
import { EXITS, VALUE_EVAL, type RawValue } from "./semantics";
import { ELEM_KIND_NAMES } from "../interp/packed";
import { FIRST_REF, NO_REF, NO_SNAPSHOT, Trace, type LoopCall, type Ref, type Snapshot, type SnapshotFrame } from "./trace";

/** Misuse of the builder: wrong operand types, a guard without a snapshot, bad structure. */
export class IrError extends Error {}

/** A guard folded to "always exits": the recorder should abort the trace. */
export class GuardAlwaysFails extends Error {
  constructor(readonly op: IrOpName, readonly snapshot: number) {
    super(`${op} always fails (snapshot ${snapshot})`);
  }
}

/** One frame of the state handed to snapshot(); slot -> ref, NO_REF entries are skipped. */
export interface SnapshotFrameInput {
  readonly proto: FunctionProto;
  /** Relative to the entry frame's base. */
  readonly base: number;
  /** Resume pc in this frame (outer frames: the return point of their pending call). */
  readonly pc: number;
  readonly slots: ReadonlyMap<number, Ref> | Iterable<readonly [number, Ref]>;
  /** The function object of a frame the trace pushed (an inlined call). */
  readonly closure?: object;
}

export type ArithSymbol = "+" | "-" | "*" | "/" | "%";
export type CompareSymbol = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** Refs and literal operands stay below this (CSE keys pack two of them). */
const OPERAND_LIMIT = 1 << 20;

const INT_ARITH: Record<ArithSymbol, IrOpcode> = { "+": IrOp.ADD, "-": IrOp.SUB, "*": IrOp.MUL, "/": IrOp.DIV, "%": IrOp.MOD };
const FLOAT_ARITH: Record<ArithSymbol, IrOpcode> = { "+": IrOp.FADD, "-": IrOp.FSUB, "*": IrOp.FMUL, "/": IrOp.FDIV, "%": IrOp.FMOD };
const COMPARE: Record<CompareSymbol, IrOpcode> = { "<": IrOp.LT, "<=": IrOp.LE, ">": IrOp.GT, ">=": IrOp.GE, "==": IrOp.EQ, "!=": IrOp.NE };

export class IrBuilder {
  /** Constant folding and algebraic rules (off only to test the raw ops). */
  foldEnabled = true;
  /** Common-subexpression elimination of pure ops and of loads. */
  cseEnabled = true;

  /** CSE table: packed (op, type, a, b) -> the latest ref computing it. */
  private readonly cse = new Map<number, Ref>();
  /** The last sideeffect instruction: loads before it are not reused after it. */
  private lastEffect: Ref = NO_REF;
  private current = NO_SNAPSHOT;
  private readonly numIndex = new Map<number, number>();
  private negZeroIndex = -1;
  private readonly refIndex = new Map<object, number>();
  private readonly helperIndex = new Map<string, number>();
  private closed = false;

  constructor(readonly trace: Trace) {
    trace.numConsts.forEach((v, i) => (Object.is(v, -0) ? (this.negZeroIndex = i) : this.numIndex.set(v, i)));
    trace.refConsts.forEach((o, i) => this.refIndex.set(o, i));
    trace.helpers.forEach((h, i) => this.helperIndex.set(h, i));
    this.current = trace.snapshots.length - 1;
    for (let ref = FIRST_REF; ref < trace.end; ref++) {
      const op = trace.op[ref] as IrOpcode;
      if (IR_FLAGS[op] & (IrFlag.pure | IrFlag.load)) this.cse.set(cseKey(op, trace.type[ref] as IrType, trace.a[ref], trace.b[ref]), ref);
      if (IR_FLAGS[op] & IrFlag.sideeffect) this.lastEffect = ref;
      if (op === IrOp.EXIT) this.closed = true;
    }
  }

  /** The snapshot guards use when none is passed: the last one taken. */
  get currentSnapshot(): number {
    return this.current;
  }

  // -------------------------------------------------------------------------
  // Generic emission (also the entry point for replaying a trace, e.g. loop peeling)

  /**
   * Emit op through FOLD and CSE; returns the ref holding the result, which may be an
   * earlier instruction or a constant. A guard that folds to "always passes" returns
   * NO_REF; one that folds to "always exits" throws GuardAlwaysFails. type is used
   * only by ops whose result is "given" (SLOAD, AGET, FLOAD, CALLH). snap defaults to
   * the current snapshot and is used only by guards.
   */
  emit(op: IrOpcode, type: IrType = IrType.none, a = 0, b = 0, c = 0, d = 0, snap = this.current): Ref {
    if (this.closed) throw new IrError(`${IR_OP_NAMES[op]} after the trace was closed`);
    const t = this.trace;
    const flags = IR_FLAGS[op];
    this.checkOperands(op, a, b, c, d);
    const resType = resultType(op, type, t.type[a] as IrType);
    if (IR_RESULT[op] === "given" && resType === IrType.none && op !== IrOp.CALLH) throw new IrError(`${IR_OP_NAMES[op]} needs a result type`);
    if (flags & IrFlag.guard) {
      if (snap < 0 || snap >= t.snapshots.length) throw new IrError(`${IR_OP_NAMES[op]} needs a snapshot (got ${snap})`);
    } else snap = NO_SNAPSHOT;
    if (t.end > FIRST_REF && t.op[t.end - 1] === IrOp.PHI && op !== IrOp.PHI) {
      throw new IrError(`${IR_OP_NAMES[op]} after the PHIs (they end the trace)`);
    }

    // Canonical operand order for CSE: constants right, else the lower ref left
    // (commutative ops swap; LT/LE/GT/GE swap and mirror: b > a is a < b).
    const mirrored = MIRRORED_COMPARE[op];
    if ((flags & IrFlag.commutative || mirrored !== undefined) && shouldSwap(t, a, b)) {
      if (mirrored !== undefined) op = mirrored;
      [a, b] = [b, a];
    }

    if (this.foldEnabled) {
      const folded = this.fold(op, resType, a, b, snap);
      if (folded !== undefined) return folded;
    }

    const cseable = this.cseEnabled && (flags & (IrFlag.pure | IrFlag.load)) !== 0;
    const key = cseable ? cseKey(op, resType, a, b) : 0;
    if (cseable) {
      const hit = this.cse.get(key);
      if (hit !== undefined && (!(flags & IrFlag.load) || hit > this.lastEffect)) return hit;
    }

    const ref = t.append(op, resType, a, b, c, d, snap);
    if (cseable) this.cse.set(key, ref);
    if (flags & IrFlag.sideeffect) this.lastEffect = ref;
    if (op === IrOp.EXIT) this.closed = true;
    return ref;
  }

  private checkOperands(op: IrOpcode, a: number, b: number, c: number, d: number): void {
    const t = this.trace;
    const kinds = IR_OPERANDS[op];
    const values = [a, b, c, d];
    const name = IR_OP_NAMES[op];
    for (let i = 0; i < 4; i++) {
      const v = values[i];
      if (i >= kinds.length) {
        if (v !== 0) throw new IrError(`${name} takes ${kinds.length} operands`);
        continue;
      }
      if (!Number.isInteger(v) || v < 0 || v >= OPERAND_LIMIT) throw new IrError(`${name}: bad operand ${v}`);
      const kind = kinds[i];
      if (isRefOperand(kind)) {
        if (kind === "any?" && v === NO_REF) continue;
        if (v < FIRST_REF || v >= t.end) throw new IrError(`${name}: operand ${v} is not an earlier instruction`);
        if (!typeFitsOperand(t.type[v] as IrType, kind)) {
          throw new IrError(`${name}: operand ${v} has type ${t.type[v]}, wants ${kind}`);
        }
      } else if (!literalInRange(t, kind, v)) throw new IrError(`${name}: ${kind} literal ${v} out of range`);
    }
    if (kinds[0] === "eq" && (t.type[a] === IrType.bool) !== (t.type[b] === IrType.bool)) {
      throw new IrError(`${name} compares a bool with a number`);
    }
    if (op === IrOp.PHI) {
      if (t.loopRef === NO_REF || a >= t.loopRef) throw new IrError("PHI: the left operand must be defined before LOOP");
      if (t.type[a] !== t.type[b]) throw new IrError(`PHI ${a} ${b}: types differ (type-unstable loop)`);
      if (c !== NO_REF && c >= t.loopRef) throw new IrError("PHI: the entry value must be defined before LOOP");
      if (c !== NO_REF && t.type[c] !== t.type[a]) throw new IrError(`PHI ${a} ${b} ${c}: the entry value's type differs`);
    }
  }

  // -------------------------------------------------------------------------
  // FOLD

  /** The folded result, or undefined to emit the instruction. */
  private fold(op: IrOpcode, type: IrType, a: Ref, b: Ref, snap: number): Ref | undefined {
    const t = this.trace;
    const evaluate = VALUE_EVAL[op];
    if (evaluate !== undefined && this.constantOperands(op, a, b)) {
      const kinds = IR_OPERANDS[op];
      // Reference operands pass their constant's value, literals themselves (as runTrace does).
      const raw = (i: number, v: number): RawValue => (i < kinds.length && isRefOperand(kinds[i]) ? t.constValue(v) : v);
      const r = evaluate(raw(0, a), raw(1, b));
      if (r === EXITS) {
        // A value op whose guard fails stays in the trace and exits when run.
        if (type === IrType.none) throw new GuardAlwaysFails(IR_OP_NAMES[op], snap);
        return undefined;
      }
      if (type === IrType.none) return NO_REF; // a guard that always passes
      return this.constant(type, r as number | boolean);
    }

    const kb = t.isNumConst(b) ? t.numValue(b) : undefined;
    const ka = t.isNumConst(a) ? t.numValue(a) : undefined;
    switch (op) {
      case IrOp.ADD:
        if (kb === 0) return a;
        break;
      case IrOp.SUB:
        if (kb === 0) return a;
        if (a === b) return this.kint(0);
        if (ka === 0) return this.neg(b);
        break;
      case IrOp.MUL:
        if (kb === 1) return a;
        if (kb === 0) return this.kint(0);
        if (kb === -1) return this.neg(a);
        break;
      case IrOp.DIV:
        if (kb === 1) return a;
        if (kb === -1) return this.neg(a);
        break;
      case IrOp.MOD:
        if (kb === 1 || kb === -1) return this.kint(0);
        break;
      case IrOp.NEG:
      case IrOp.FNEG:
      case IrOp.NOT:
        if (t.op[a] === op) return t.a[a]; // --x, !!x
        break;
      case IrOp.FADD:
        if (kb !== undefined && Object.is(kb, -0)) return a; // x + -0.0 is x, even for x = 0.0
        break;
      case IrOp.FSUB:
        if (kb !== undefined && Object.is(kb, 0)) return a; // x - 0.0 is x, even for x = -0.0
        break;
      case IrOp.FMUL:
      case IrOp.FDIV:
        if (kb === 1) return a;
        break;
      case IrOp.LT:
      case IrOp.GT:
        if (a === b) return this.kbool(false); // also for NaN
        break;
      case IrOp.LE:
      case IrOp.GE:
        if (a === b && t.type[a] === IrType.int) return this.kbool(true); // not for NaN
        break;
      case IrOp.EQ:
      case IrOp.NE: {
        const isEq = op === IrOp.EQ;
        if (a === b && t.type[a] !== IrType.float) return this.kbool(isEq);
        if (t.op[b] === IrOp.KBOOL) return t.boolValue(b) === isEq ? a : this.not(a);
        break;
      }
      case IrOp.GUARD_TRUE:
      case IrOp.GUARD_FALSE: {
        const opposite = op === IrOp.GUARD_TRUE ? IrOp.GUARD_FALSE : IrOp.GUARD_TRUE;
        if (t.op[a] === IrOp.NOT) return this.emit(opposite, IrType.none, t.a[a], 0, 0, 0, snap);
        if (this.cseEnabled && this.cse.has(cseKey(opposite, IrType.none, a, 0))) {
          throw new GuardAlwaysFails(IR_OP_NAMES[op], snap);
        }
        break;
      }
    }
    return undefined;
  }

  /** Whether every reference operand of op is a constant (and there is at least one). */
  private constantOperands(op: IrOpcode, a: Ref, b: Ref): boolean {
    const kinds = IR_OPERANDS[op];
    let any = false;
    for (let i = 0; i < kinds.length; i++) {
      if (!isRefOperand(kinds[i])) continue;
      if (!this.trace.isConst(i === 0 ? a : b)) return false;
      any = true;
    }
    return any;
  }

  private constant(type: IrType, v: number | boolean): Ref {
    if (type === IrType.int) return this.kint(v as number);
    if (type === IrType.float) return this.kfloat(v as number);
    if (type === IrType.bool) return this.kbool(v as boolean);
    throw new IrError(`no constants of type ${type}`);
  }

  // -------------------------------------------------------------------------
  // Snapshots

  /**
   * Record the interpreter state to rebuild if a later guard exits; returns its id and
   * makes it the current snapshot. Pass every slot the trace has loaded or written
   * (DCE drops those proven unchanged since entry, and snapshots no guard uses). The
   * same state as the current snapshot returns the current id; ids never change.
   */
  snapshot(frames: readonly SnapshotFrameInput[]): number {
    const t = this.trace;
    if (frames.length === 0) throw new IrError("a snapshot needs at least one frame");
    const built: SnapshotFrame[] = frames.map((f) => this.snapshotFrame(f));
    const pc = frames[frames.length - 1].pc;
    const cur = this.current >= 0 ? t.snapshots[this.current] : undefined;
    if (cur !== undefined && cur.pc === pc && sameFrames(cur.frames, built)) return this.current;
    const snap: Snapshot = { id: t.snapshots.length, pc, atRef: t.end, frames: built };
    t.snapshots.push(snap);
    this.current = snap.id;
    return snap.id;
  }

  /** The next snapshot is a new one even if its state equals the current one's (an exit of its own). */
  separateNextSnapshot(): void {
    this.current = -1;
  }

  private snapshotFrame(f: SnapshotFrameInput): SnapshotFrame {
    const t = this.trace;
    const entries: [number, Ref][] = [];
    for (const [slot, ref] of f.slots) {
      if (ref === NO_REF) continue;
      if (ref < FIRST_REF || ref >= t.end || t.type[ref] === IrType.none) throw new IrError(`snapshot: slot ${slot} -> bad ref ${ref}`);
      entries.push([slot, ref]);
    }
    entries.sort((x, y) => x[0] - y[0]);
    return { proto: f.proto, base: f.base, pc: f.pc, slots: entries.map((e) => e[0]), refs: entries.map((e) => e[1]), closure: f.closure };
  }

  // -------------------------------------------------------------------------
  // Constants and entry loads

  /** An int constant; v must be a safe integer (-0 becomes 0). */
  kint(v: number): Ref {
    if (!Number.isSafeInteger(v)) throw new IrError(`KINT ${v} is not an int in the trace range`);
    return this.emit(IrOp.KINT, IrType.int, this.numConst(v + 0));
  }
  kfloat(v: number): Ref {
    return this.emit(IrOp.KFLOAT, IrType.float, this.numConst(v));
  }
  kbool(v: boolean): Ref {
    return this.emit(IrOp.KBOOL, IrType.bool, v ? 1 : 0);
  }
  /** An object constant (interned by identity). */
  kref(o: object): Ref {
    return this.emit(IrOp.KREF, IrType.ref, this.refConst(o));
  }
  /** Slot `slot` of frame `depth` at trace entry, of the type the caller checks. */
  sload(slot: number, depth: number, type: IrType): Ref {
    return this.emit(IrOp.SLOAD, type, slot, depth);
  }

  private numConst(v: number): number {
    const t = this.trace;
    if (Object.is(v, -0)) {
      if (this.negZeroIndex < 0) this.negZeroIndex = t.numConsts.push(v) - 1;
      return this.negZeroIndex;
    }
    let i = this.numIndex.get(v);
    if (i === undefined) {
      i = t.numConsts.push(v) - 1;
      this.numIndex.set(v, i);
    }
    return i;
  }

  // -------------------------------------------------------------------------
  // Typed helpers (guards use snap, or the current snapshot)

  add(x: Ref, y: Ref, snap?: number): Ref { return this.emit(IrOp.ADD, IrType.int, x, y, 0, 0, snap); }
  sub(x: Ref, y: Ref, snap?: number): Ref { return this.emit(IrOp.SUB, IrType.int, x, y, 0, 0, snap); }
  mul(x: Ref, y: Ref, snap?: number): Ref { return this.emit(IrOp.MUL, IrType.int, x, y, 0, 0, snap); }
  div(x: Ref, y: Ref, snap?: number): Ref { return this.emit(IrOp.DIV, IrType.int, x, y, 0, 0, snap); }
  mod(x: Ref, y: Ref, snap?: number): Ref { return this.emit(IrOp.MOD, IrType.int, x, y, 0, 0, snap); }
  neg(x: Ref): Ref { return this.emit(IrOp.NEG, IrType.int, x); }
  fadd(x: Ref, y: Ref): Ref { return this.emit(IrOp.FADD, IrType.float, x, y); }
  fsub(x: Ref, y: Ref): Ref { return this.emit(IrOp.FSUB, IrType.float, x, y); }
  fmul(x: Ref, y: Ref): Ref { return this.emit(IrOp.FMUL, IrType.float, x, y); }
  fdiv(x: Ref, y: Ref, snap?: number): Ref { return this.emit(IrOp.FDIV, IrType.float, x, y, 0, 0, snap); }
  fmod(x: Ref, y: Ref, snap?: number): Ref { return this.emit(IrOp.FMOD, IrType.float, x, y, 0, 0, snap); }
  fneg(x: Ref): Ref { return this.emit(IrOp.FNEG, IrType.float, x); }
  fsqrt(x: Ref, snap?: number): Ref { return this.emit(IrOp.FSQRT, IrType.float, x, 0, 0, 0, snap); }
  fabs(x: Ref): Ref { return this.emit(IrOp.FABS, IrType.float, x); }
  ffloor(x: Ref): Ref { return this.emit(IrOp.FFLOOR, IrType.float, x); }
  fceil(x: Ref): Ref { return this.emit(IrOp.FCEIL, IrType.float, x); }

  /** x as a float: CONV_INT_FLOAT for an int, x itself for a float. */
  toFloat(x: Ref): Ref {
    return this.trace.type[x] === IrType.float ? x : this.emit(IrOp.CONV_INT_FLOAT, IrType.float, x);
  }

  /** Ruff's binary arithmetic on numbers: int op int stays int, any float makes both floats. */
  arith(op: ArithSymbol, x: Ref, y: Ref, snap?: number): Ref {
    const t = this.trace;
    if (t.type[x] === IrType.int && t.type[y] === IrType.int) return this.emit(INT_ARITH[op], IrType.int, x, y, 0, 0, snap);
    return this.emit(FLOAT_ARITH[op], IrType.float, this.toFloat(x), this.toFloat(y), 0, 0, snap);
  }

  /** A comparison (ints and floats mix; == and != also take two bools). */
  compare(op: CompareSymbol, x: Ref, y: Ref): Ref {
    return this.emit(COMPARE[op], IrType.bool, x, y);
  }
  lt(x: Ref, y: Ref): Ref { return this.emit(IrOp.LT, IrType.bool, x, y); }
  le(x: Ref, y: Ref): Ref { return this.emit(IrOp.LE, IrType.bool, x, y); }
  gt(x: Ref, y: Ref): Ref { return this.emit(IrOp.GT, IrType.bool, x, y); }
  ge(x: Ref, y: Ref): Ref { return this.emit(IrOp.GE, IrType.bool, x, y); }
  eq(x: Ref, y: Ref): Ref { return this.emit(IrOp.EQ, IrType.bool, x, y); }
  ne(x: Ref, y: Ref): Ref { return this.emit(IrOp.NE, IrType.bool, x, y); }
  not(x: Ref): Ref { return this.emit(IrOp.NOT, IrType.bool, x); }

  guardTrue(cond: Ref, snap?: number): Ref { return this.emit(IrOp.GUARD_TRUE, IrType.none, cond, 0, 0, 0, snap); }
  guardFalse(cond: Ref, snap?: number): Ref { return this.emit(IrOp.GUARD_FALSE, IrType.none, cond, 0, 0, 0, snap); }
  /** Guard that cond has the value the recorder saw. */
  guardIs(cond: Ref, seen: boolean, snap?: number): Ref {
    return seen ? this.guardTrue(cond, snap) : this.guardFalse(cond, snap);
  }
  guardKind(x: Ref, kind: RefKind, snap?: number): Ref { return this.emit(IrOp.GUARD_KIND, IrType.none, x, kind, 0, 0, snap); }
  guardLayout(x: Ref, layoutId: number, snap?: number): Ref { return this.emit(IrOp.GUARD_LAYOUT, IrType.none, x, layoutId, 0, 0, snap); }
  /** End a trace that does not loop: exit to the interpreter at snap. */
  exit(snap?: number): Ref { return this.emit(IrOp.EXIT, IrType.none, 0, 0, 0, 0, snap); }

  /**
   * Mark the loop start: the instructions emitted next run on every iteration. `variant`
   * names the instructions before LOOP whose value may differ in a later iteration (in a
   * peeled loop: what depends on a loop-carried variable, and memory loads): CSE forgets
   * them here, so the loop body can reuse only values that hold in every iteration.
   */
  loop(variant?: (ref: Ref) => boolean): Ref {
    if (this.trace.loopRef !== NO_REF) throw new IrError("a trace has one LOOP");
    if (variant !== undefined) for (const [key, ref] of this.cse) if (variant(ref)) this.cse.delete(key);
    return this.emit(IrOp.LOOP);
  }
  /**
   * Loop-carried value: left (defined before LOOP) takes right at the back edge, and
   * entry's value on entering the loop when entry is given (both defined before LOOP).
   * NO_REF when nothing moves.
   */
  phi(left: Ref, right: Ref, entry: Ref = NO_REF): Ref {
    if (entry === left) entry = NO_REF;
    if (left === right && entry === NO_REF) return NO_REF;
    for (const r of this.trace.phis()) if (this.trace.a[r] === left) throw new IrError(`PHI: ${left} is already carried`);
    return this.emit(IrOp.PHI, IrType.none, left, right, entry);
  }

  /** An object only snapshots use (see VOBJECT): a struct's layout and field values, VIRTUAL_ARRAY and the elements, or a VIRTUAL_TAGGED tag and the payload. */
  vobject(layout: object, fields: readonly Ref[]): Ref {
    return this.emit(IrOp.VOBJECT, IrType.ref, this.refConst(layout), this.trace.objectFields.push([...fields]) - 1);
  }

  /** A struct of this layout allocated from these field values (NEWSTRUCT). */
  newStruct(layout: object, fields: readonly Ref[]): Ref {
    return this.emit(IrOp.NEWSTRUCT, IrType.ref, this.refConst(layout), this.trace.objectFields.push([...fields]) - 1);
  }

  private refConst(o: object): number {
    let i = this.refIndex.get(o);
    if (i === undefined) {
      i = this.trace.refConsts.push(o) - 1;
      this.refIndex.set(o, i);
    }
    return i;
  }
  alen(arr: Ref): Ref { return this.emit(IrOp.ALEN, IrType.int, arr); }
  aget(arr: Ref, index: Ref, type: IrType, snap?: number): Ref { return this.emit(IrOp.AGET, type, arr, index, 0, 0, snap); }
  aset(arr: Ref, index: Ref, value: Ref, snap?: number): Ref { return this.emit(IrOp.ASET, IrType.none, arr, index, value, 0, snap); }
  fload(struct: Ref, field: number, type: IrType, snap?: number): Ref { return this.emit(IrOp.FLOAD, type, struct, field, 0, 0, snap); }
  /** Call the JS helper `name` with up to 3 arguments; the result has the given type (none: no result). */
  callHelper(name: string, type: IrType, args: readonly Ref[], snap?: number): Ref {
    if (args.length > 3) throw new IrError("CALLH takes at most 3 arguments");
    let i = this.helperIndex.get(name);
    if (i === undefined) {
      i = this.trace.helpers.push(name) - 1;
      this.helperIndex.set(name, i);
    }
    return this.emit(IrOp.CALLH, type, i, args[0] ?? 0, args[1] ?? 0, args[2] ?? 0, snap);
  }
  /** Run the loop tree of call's header with args in call.slots; snap is the state at the header. */
  callLoop(call: LoopCall, type: IrType, args: readonly Ref[], snap?: number): Ref {
    if (args.length !== call.slots.length) throw new IrError("CALLL: one argument per slot");
    const i = this.trace.loopCalls.push(call) - 1;
    const list = this.trace.objectFields.push([...args]) - 1;
    return this.emit(IrOp.CALLL, type, i, list, 0, 0, snap);
  }
  /** Call fn's entry trace with up to 3 arguments; snap is the state before the call. */
  callTrace(fn: FunctionProto, type: IrType, args: readonly Ref[], snap?: number): Ref {
    if (args.length > 3) throw new IrError("CALLT takes at most 3 arguments");
    let i = this.trace.callees.indexOf(fn);
    if (i < 0) i = this.trace.callees.push(fn) - 1;
    return this.emit(IrOp.CALLT, type, i, args[0] ?? 0, args[1] ?? 0, args[2] ?? 0, snap);
  }
}

function shouldSwap(t: Trace, a: Ref, b: Ref): boolean {
  const ka = t.isConst(a);
  const kb = t.isConst(b);
  return ka !== kb ? ka : a > b;
}

function literalInRange(t: Trace, kind: string, v: number): boolean {
  switch (kind) {
    case "#knum": return v < t.numConsts.length;
    case "#kref": return v < t.refConsts.length;
    case "#helper": return v < t.helpers.length;
    case "#callee": return v < t.callees.length;
    case "#loopcall": return v < t.loopCalls.length;
    case "#bool": return v <= 1;
    case "#kind": return v < Object.keys(RefKind).length;
    case "#elem": return v > 0 && v < ELEM_KIND_NAMES.length;
    default: return true;
  }
}

/** Packs (op, type, a, b) into one exact number: 6 + 3 + 20 + 20 bits. */
function cseKey(op: IrOpcode, type: IrType, a: number, b: number): number {
  return ((op * 8 + type) * OPERAND_LIMIT + a) * OPERAND_LIMIT + b;
}

function sameFrames(x: readonly SnapshotFrame[], y: readonly SnapshotFrame[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const f = x[i];
    const g = y[i];
    if (f.proto !== g.proto || f.base !== g.base || f.pc !== g.pc || f.slots.length !== g.slots.length) return false;
    for (let k = 0; k < f.slots.length; k++) if (f.slots[k] !== g.slots[k] || f.refs[k] !== g.refs[k]) return false;
  }
  return true;
}
