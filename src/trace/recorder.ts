// The trace recorder: executes the hot path itself, instruction by instruction, on the
// interpreter's real registers and frames (so an abort leaves an exact state: the
// interpreter simply continues in the top frame), and writes down what each instruction
// did to typed values, with a guard for every assumption: operand types, branch
// directions, int overflow, zero divisors, callee identity.
//
// Calls of user functions and closures are inlined: the recorder pushes a real
// interpreter frame and records on in the callee; RETURN pops it. Slots are numbered
// relative to the root frame's base (an inlined frame's registers follow its caller's,
// as on the interpreter's stack); module globals and closure cells are "places", given
// slot numbers from EXT_SLOT_BASE up (the JIT numbers them once for all trees). A recursive call (the callee is already being
// recorded more than recunroll times) calls the callee's entry trace (CALLT).
//
// Three modes: a loop trace closes when the root frame jumps back to its header; an
// entry trace closes when the root frame returns; a side trace (from a hot exit of a
// tree) closes where the tree's root does, or ends with an exit where it cannot link.
//
// This file is the core: the state, slots and snapshots, the instruction dispatch, and
// arithmetic and comparisons. Calls, returns and builtins are recorded in
// record-calls.ts; arrays, dicts, structs and for-in loops in record-data.ts. Both see
// the recorder through RecordCore.

import { Op, type FunctionProto } from "../interp/bytecode";
import { RFloat, RFunction, RNative, RuffError, share, type StructLayout, type Value } from "../interp/value";
import { arith, compare, equals, negate, not, type ArithOp } from "../interp/ops";
import { TAGS, type Frame, type Runtime } from "../interp/runtime";
import { TraceAbort } from "./abort";
import type { ElemKind } from "../interp/packed";
import { GLOBAL_KIND } from "../frontend/funcstate";
import type { IrOpName, IrTypeName } from "../ir/ops";
import type { LoopCall } from "../ir/trace";
import { describe, kindOf, refClassOf, type Kind } from "./record-kind";
import { CallRecorder } from "./record-calls";
import { DataRecorder, type VirtualObject } from "./record-data";
import { StringRecorder } from "./record-strings";

/** A recorded instruction. Operands are recorder refs (indices into ops) or literals. */
export interface RecOp {
  op: IrOpName;
  type: IrTypeName;
  /** Reference operands (recorder refs), or for constants the literal value. */
  args: number[];
  /** For guards: index into snapshots. */
  snap: number;
  /** For CALLH: the helper's name (TRACE_IMPORTS in emit-body.ts). */
  helper?: string;
  /** For KREF: the object; for NEWSTRUCT: the struct's layout. */
  object?: object;
  /** For CALLT: the function whose entry trace is called. */
  callee?: FunctionProto;
  /** For CALLL: the loop header whose tree runs, and the slots args fill. */
  loopCall?: LoopCall;
  /** For AHANDLE: the element kind (its literal operand). */
  elem?: ElemKind;
  /**
   * For AHANDLE of an entry load in a root loop: the snapshot of the loop header as the
   * trace was entered, for assemble to hoist it before LOOP (when the slot is not
   * loop-carried) so that it runs once per entry rather than once per iteration.
   */
  hoistSnap?: number;
}

/** Which kind of object a ref-typed entry slot must hold ("list": a JS array of strings, a for loop's iterator over a string or a dict's keys). */
export type RefClass = "array" | "dict" | "struct" | "string" | "list";

/** One frame of a snapshot, outermost first. */
export interface RecFrameState {
  proto: FunctionProto;
  /** The function object (null for the root frame: the interpreter's own). */
  fn: RFunction | null;
  /** Base relative to the root frame's. */
  base: number;
  /** Resume pc: for outer frames, the return point of their pending call. */
  pc: number;
}

/** The state to rebuild if a guard fails: frames and every slot written so far. */
export interface RecSnapshot {
  frames: RecFrameState[];
  slots: Map<number, number>;
  /** Root-relative slots listed even where liveness says dead (a CALLT's callee register: see exits.ts). */
  keep?: number[];
}

/** A place outside the frames: a module global or a closure cell. */
export interface Place {
  array: Value[];
  index: number;
}

/**
 * The JIT's places, numbered once for every tree: place k is slot EXT_SLOT_BASE + k in
 * every trace (trees share `list`; exits and entry stubs index it). Entries of failed
 * recordings stay, unused.
 */
export class PlaceRegistry {
  readonly list: Place[] = [];
  private readonly numbers = new Map<Value[], Map<number, number>>();

  /** The slot of array[index], numbering it the first time. */
  slotOf(array: Value[], index: number): number {
    let byIndex = this.numbers.get(array);
    if (byIndex === undefined) this.numbers.set(array, (byIndex = new Map()));
    let k = byIndex.get(index);
    if (k === undefined) byIndex.set(index, (k = this.list.push({ array, index }) - 1));
    if (k >= EXT_SLOT_LIMIT - EXT_SLOT_BASE) throw new TraceAbort("nyi_value", "more globals and captured variables than traces can number");
    return EXT_SLOT_BASE + k;
  }
}

/**
 * A slot whose value must be this very one (===) when the tree is entered: a function
 * known by identity, or a global an entry tree reads as a constant.
 */
export interface IdentityCheck {
  slot: number;
  value: Value;
}

export type RecordMode =
  | { kind: "loop"; header: number }
  | { kind: "entry" }
  | { kind: "side"; tree: "loop" | "entry"; header: number; rootDepth: number };

/** What recording produced. */
export interface RecordedTrace {
  mode: RecordMode;
  proto: FunctionProto;
  startPc: number;
  ops: RecOp[];
  snapshots: RecSnapshot[];
  /** Slot -> recorder ref of the slot's value at trace start (SLOAD or checked KREF). */
  entry: Map<number, number>;
  /** Slot -> recorder ref of the value at the end (written slots only). */
  written: Map<number, number>;
  /** Slot -> the class of the object it held at trace start (ref entry loads; for a side trace, where it starts, which may not be what the tree's entry checks). */
  refClasses: Map<number, RefClass>;
  /** Written slot -> the class of the object it holds at the end (refs the trace computed or loaded; not constants or sunk objects). */
  writtenClasses: Map<number, RefClass>;
  places: Place[];
  checks: IdentityCheck[];
  /** Root loops: the snapshot of the header as entered (-1 otherwise): where checks at entry exit to. */
  headerSnap: number;
  /** How the trace ends: loops back, returns from the root frame, or exits (snapshot). */
  end: { kind: "loop"; snap: number } | { kind: "return"; value: number; snap: number } | { kind: "exit"; snap: number };
  /** Functions inlined (for the trace log). */
  inlined: FunctionProto[];
  /** Loops unrolled into the trace: where each backward jump it followed went (for the trace log). */
  unrolled: { proto: FunctionProto; header: number }[];
  /** Recursive calls that go through entry traces. */
  calls: FunctionProto[];
  /** Loop trees the trace runs (CALLL), by the loop's function and header. */
  loopCalls: LoopCall[];
  /**
   * Structs and arrays the trace makes (NEWSTRUCT, NEWARRAY), by placeholder ref: layout
   * (VIRTUAL_ARRAY for an array) and field values or elements. The trace never allocates
   * them: field and element reads take those values directly, an exit makes the object
   * (VOBJECT), and assemble aborts if one escapes otherwise (an operand, a value carried
   * around a loop or returned).
   */
  virtuals: ReadonlyMap<number, VirtualObject>;
}

/** Slots from here up are places (frames never have that many registers; IR literals stay below 2^20). */
export const EXT_SLOT_BASE = 1 << 19;
/** Slots end here (IR operands stay below 2^20). */
const EXT_SLOT_LIMIT = 1 << 20;

const ARITH: Record<number, { op: ArithOp; int: IrOpName; float: IrOpName; imm: boolean }> = {
  [Op.ADD]: { op: "+", int: "ADD", float: "FADD", imm: false },
  [Op.SUB]: { op: "-", int: "SUB", float: "FSUB", imm: false },
  [Op.MUL]: { op: "*", int: "MUL", float: "FMUL", imm: false },
  [Op.DIV]: { op: "/", int: "DIV", float: "FDIV", imm: false },
  [Op.MOD]: { op: "%", int: "MOD", float: "FMOD", imm: false },
  [Op.ADDI]: { op: "+", int: "ADD", float: "FADD", imm: true },
  [Op.SUBI]: { op: "-", int: "SUB", float: "FSUB", imm: true },
  [Op.MULI]: { op: "*", int: "MUL", float: "FMUL", imm: true },
  [Op.DIVI]: { op: "/", int: "DIV", float: "FDIV", imm: true },
  [Op.MODI]: { op: "%", int: "MOD", float: "FMOD", imm: true },
};

type Cmp = "<" | "<=" | ">" | ">=" | "==" | "!=";
const CMP_IR: Record<Cmp, IrOpName> = { "<": "LT", "<=": "LE", ">": "GT", ">=": "GE", "==": "EQ", "!=": "NE" };

/** Compare-and-jump opcodes: [comparison, immediate right operand, jump when the comparison is true]. */
const COMPARE_JUMPS: Record<number, [Cmp, boolean, boolean]> = {
  [Op.JLT]: ["<", false, true], [Op.JLE]: ["<=", false, true], [Op.JGT]: [">", false, true],
  [Op.JGE]: [">=", false, true], [Op.JEQ]: ["==", false, true], [Op.JNE]: ["!=", false, true],
  [Op.JLTI]: ["<", true, true], [Op.JLEI]: ["<=", true, true], [Op.JGTI]: [">", true, true],
  [Op.JGEI]: [">=", true, true], [Op.JEQI]: ["==", true, true], [Op.JNEI]: ["!=", true, true],
  [Op.JNLT]: ["<", false, false], [Op.JNLE]: ["<=", false, false], [Op.JNGT]: [">", false, false],
  [Op.JNGE]: [">=", false, false], [Op.JNEQ]: ["==", false, false], [Op.JNNE]: ["!=", false, false],
  [Op.JNLTI]: ["<", true, false], [Op.JNLEI]: ["<=", true, false], [Op.JNGTI]: [">", true, false],
  [Op.JNGEI]: [">=", true, false], [Op.JNEQI]: ["==", true, false], [Op.JNNEI]: ["!=", true, false],
};

const VALUE_COMPARES: Record<number, Cmp> = { [Op.LT]: "<", [Op.LE]: "<=", [Op.GT]: ">", [Op.GE]: ">=", [Op.EQ]: "==", [Op.NE]: "!=" };

/** A frame being recorded. */
export interface RecFrame {
  frame: Frame;
  fn: RFunction | null;
  /** Base relative to the root frame's. */
  rel: number;
}

/** What a caller must respect to call an entry tree natively (CALLT). */
export interface EntrySignature {
  args: IrTypeName[];
  result: IrTypeName;
  /**
   * Checked when JS enters a tree, never by a native call: its callers check them
   * instead. Places (globals, cells) as objects, since place slots are numbered per tree.
   */
  checks: { place: Place | null; slot: number; value: Value }[];
}

/** A loop tree a trace may run (RecorderEnv.loopCall). */
export interface LoopCallTarget {
  slots: readonly number[];
  returns: IrTypeName;
  checks: readonly IdentityCheck[];
}

/** What the recorder asks of the JIT driver. */
export interface RecorderEnv {
  maxOps: number;
  recunroll: number;
  loopunroll: number;
  /** Whether a loop header has a compiled tree a side trace may exit to. */
  hasLoopTree(proto: FunctionProto, header: number): boolean;
  /** fn's compiled entry tree: argument and result types, and the identities it assumes; null when it has none. */
  entrySignature(proto: FunctionProto): EntrySignature | null;
  /**
   * A loop tree at a header that a trace may run there (CALLL), given the type of each
   * register of the frame the trace wrote (and an object's class): its slots
   * (registers), the type it returns with (a trace of the tree returns: a number or a
   * bool), and the identities of places it assumes (the caller's checks then); null
   * when there is none.
   */
  loopCall(proto: FunctionProto, header: number, typeOf: (register: number) => IrTypeName | undefined, classOf: (register: number) => RefClass): LoopCallTarget | null;
  /** Run the interpreter's top frame (recorded as far as a loop header) to its return, entering none of its trees. */
  runToReturn(rt: Runtime, frame: Frame): Value;
  /** A CALLL recording found the function returning what no trace takes: later recordings unroll that loop. */
  loopCallFailed(proto: FunctionProto, header: number): void;
}

/**
 * What record-calls.ts and record-data.ts use of the recorder: the trace so far, the
 * frames, and the primitives that record. Registers (r) are the current frame's, held
 * at stack[base + r]; slots are numbered from the root frame's base.
 */
export interface RecordCore {
  readonly stack: Value[];
  readonly base: number;
  /** The frames being recorded, the root frame first; cur is the last. */
  readonly frames: readonly RecFrame[];
  readonly cur: RecFrame;
  readonly proto: FunctionProto;
  readonly rootArgs: readonly IrTypeName[];
  readonly headerSnap: number;
  /** Whether the trace is a root loop trace recording in its own loop's frame (every iteration runs what it records). */
  readonly inRootLoop: boolean;
  readonly ops: readonly RecOp[];
  readonly snapshots: readonly RecSnapshot[];
  readonly checks: IdentityCheck[];
  pc: number;
  push(op: RecOp): number;
  emit(op: IrOpName, type: IrTypeName, args: number[], guard?: boolean | number): number;
  snapshot(): number;
  constant(kind: "int" | "float" | "bool", value: number): number;
  object(o: object): number;
  callHelper(helper: string, type: IrTypeName, args: number[]): number;
  shareHolder(ref: number, value: Value): void;
  read(r: number): number;
  write(r: number, ref: number, value: Value): void;
  readSlot(slot: number): number;
  /** The ref the trace last wrote to a slot; undefined when it wrote none. */
  writtenRef(slot: number): number | undefined;
  writeSlot(slot: number, ref: number, value: Value): void;
  placeSlot(array: Value[], index: number): number;
  typeOfRef(ref: number): Kind;
  isObject(ref: number): boolean;
  asFloat(ref: number): number;
  concrete<T>(run: () => T): T;
  pushFrame(frame: RecFrame): void;
  popFrame(): RecFrame;
}

/** Public beyond what the driver uses (record, the seeds, pc, ended, rootArgs, proto): RecordCore, for record-*.ts alone. */
export class Recorder implements RecordCore {
  readonly ops: RecOp[] = [];
  readonly snapshots: RecSnapshot[] = [];
  private readonly entry = new Map<number, number>();
  private readonly current = new Map<number, number>();
  private readonly constants = new Map<string, number>();
  private readonly objects = new Map<object, number>();
  private readonly refClasses = new Map<number, RefClass>();
  private readonly places: Place[];
  private readonly placeRegistry: PlaceRegistry;
  readonly checks: IdentityCheck[] = [];
  readonly frames: RecFrame[];
  private readonly rootBase: number;
  /** Entry mode: the argument types of the call being recorded (the tree's signature; "none": not a number or bool). */
  readonly rootArgs: IrTypeName[] = [];
  /** Backward jump targets a side trace has followed (a second visit is an inner loop). */
  private readonly followed = new Set<string>();
  /** The backward jumps of unrolled loops so far, each an iteration (see backwardJump). */
  private readonly unrolled: { proto: FunctionProto; header: number }[] = [];
  /** Root loops: the snapshot of the header before the first instruction (see RecOp.hoistSnap). */
  readonly headerSnap: number;
  readonly stack: Value[];
  private readonly data: DataRecorder;
  private readonly strings: StringRecorder;
  private readonly calls: CallRecorder;
  // The current frame, cached.
  cur!: RecFrame;
  private code!: Int32Array;
  private consts!: Value[];
  base = 0;

  /** The pc where recording stands in the top frame: after an abort, where the interpreter continues. */
  pc: number;

  /**
   * Frames: the root frame first; for a side trace the frames of its exit, each with its
   * function object (null for the root), already on the interpreter's frame stack.
   */
  constructor(
    rt: Runtime,
    frames: { frame: Frame; fn: RFunction | null }[],
    private readonly startPc: number,
    private readonly mode: RecordMode,
    private readonly env: RecorderEnv,
    /** The JIT's places (one numbering for every tree); new ones are added to it. */
    places: PlaceRegistry = new PlaceRegistry(),
  ) {
    this.placeRegistry = places;
    this.places = places.list;
    this.stack = rt.stack;
    this.data = new DataRecorder(this);
    this.strings = new StringRecorder(this);
    this.calls = new CallRecorder(this, this.data, rt, env, mode, this.strings);
    this.rootBase = frames[0].frame.base;
    this.frames = frames.map((f) => ({ frame: f.frame, fn: f.fn, rel: f.frame.base - this.rootBase }));
    this.enterFrame();
    this.pc = startPc;
    this.headerSnap = mode.kind === "loop" ? this.snapshot() : -1;
    if (mode.kind === "entry") {
      for (let i = 0; i < this.proto.directArity; i++) {
        const v = this.stack[this.rootBase + i];
        this.rootArgs.push(typeof v === "number" ? "int" : v instanceof RFloat ? "float" : typeof v === "boolean" ? "bool" : "none");
      }
    }
  }

  /** A side trace starts where its parent left: a slot whose value the parent knows as a constant. */
  seedConstant(slot: number, kind: "int" | "float" | "bool", value: number): void {
    this.entry.set(slot, this.constant(kind, value));
  }

  /** Likewise for a known object (a function the parent called). */
  seedObject(slot: number, value: object): void {
    this.entry.set(slot, this.object(value));
  }

  private enterFrame(): void {
    this.cur = this.frames[this.frames.length - 1];
    this.code = this.cur.frame.proto.code;
    this.consts = this.cur.frame.proto.consts;
    this.base = this.cur.frame.base;
  }

  /** An inlined call: its frame is on the interpreter's stack already; record on in it. */
  pushFrame(frame: RecFrame): void {
    this.frames.push(frame);
    this.enterFrame();
  }

  /** A return from an inlined call (the interpreter's frame is popped already): back in the caller. */
  popFrame(): RecFrame {
    const done = this.frames.pop()!;
    // The callee's registers are dead: exits need not restore them.
    for (const slot of [...this.current.keys()]) if (slot >= done.rel && slot < EXT_SLOT_BASE) this.current.delete(slot);
    this.enterFrame();
    return done;
  }

  /** The root frame's function. */
  get proto(): FunctionProto {
    return this.frames[0].frame.proto;
  }

  /**
   * Record until the trace closes. Throws TraceAbort otherwise; the top interpreter
   * frame's pc is then where the interpreter continues (callers set it from this.pc).
   * Errors the program raises while recording abort too, before the instruction runs:
   * the interpreter re-executes it and raises them itself.
   */
  record(): RecordedTrace {
    this.pc = this.startPc;
    for (;;) {
      if (this.ops.length > this.env.maxOps) throw new TraceAbort("trace_too_long", `more than ${this.env.maxOps} instructions`);
      const frame = this.cur;
      let next = this.step(this.pc);
      if (typeof next === "object") return this.finish(next);
      if (frame === this.cur && next < this.pc && this.code[this.pc] !== Op.ENDPROLOGUE) {
        const end = this.backwardJump(next);
        if (typeof end === "number") next = end;
        else if (end !== null) return this.finish(end);
      }
      this.pc = next;
    }
  }

  /** Set when recording ran to the trace's end (a return has popped the root frame). */
  ended: RecordedTrace["end"]["kind"] | null = null;

  private finish(end: RecordedTrace["end"]): RecordedTrace {
    this.ended = end.kind;
    const writtenClasses = new Map<number, RefClass>();
    for (const [slot, ref] of this.current) {
      if (this.ops[ref].type === "ref" && this.ops[ref].op !== "KREF") writtenClasses.set(slot, refClassOf(this.slotValue(slot)));
    }
    return {
      writtenClasses,
      mode: this.mode, proto: this.proto, startPc: this.startPc, ops: this.ops, snapshots: this.snapshots, entry: this.entry,
      written: new Map(this.current), refClasses: this.refClasses, places: this.places, checks: this.checks, end,
      inlined: this.calls.inlined, unrolled: this.unrolled, calls: this.calls.entryCalls, loopCalls: this.calls.loopCalls,
      virtuals: this.data.virtuals, headerSnap: this.headerSnap,
    };
  }

  /**
   * A taken backward jump to `target` (already executed): close, end, follow (null),
   * abort, or run the loop's tree and go on at the pc returned.
   */
  private backwardJump(target: number): RecordedTrace["end"] | number | null {
    const inRoot = this.frames.length === 1;
    const mode = this.mode;
    if (inRoot && (mode.kind === "loop" || (mode.kind === "side" && mode.tree === "loop")) && target === mode.header) {
      this.pc = target;
      return { kind: "loop", snap: this.snapshot() };
    }
    if (mode.kind === "side" && inRoot) {
      // Around an outer loop and back into the tree's loop is fine; into another
      // compiled loop: exit there (the interpreter enters that tree at once).
      if (this.env.hasLoopTree(this.proto, target)) {
        this.pc = target;
        return { kind: "exit", snap: this.snapshot() };
      }
      const key = `${this.frames.length}:${target}`;
      if (!this.followed.has(key)) {
        this.followed.add(key);
        return null;
      }
    }
    // A loop in a call the trace inlined, or in an entry trace's own function, has no
    // tree the trace could run: the trace follows it, unrolled, while it stays short
    // (LuaJIT's loopunroll). dot(a, b) over 4 elements, called from a loop, becomes
    // straight code in that loop's trace instead of an exit into dot's loop tree and
    // back on every call.
    if (!inRoot || mode.kind === "entry") {
      // A loop in an inlined call with a tree of its own: the trace runs that tree.
      const next = inRoot ? null : this.calls.callLoop(target);
      if (next !== null) return next;
      if (this.unrolled.length < this.env.loopunroll) {
        this.unrolled.push({ proto: this.cur.frame.proto, header: target });
        return null;
      }
      this.pc = target;
      throw new TraceAbort("inner_loop", `an inner loop at pc ${target} runs past the ${this.env.loopunroll} iterations left to unroll (loopunroll)`);
    }
    this.pc = target;
    // A root loop trace jumping back to a header before its own has left its loop (the
    // recording began on the last iteration) and reached an enclosing loop's back edge.
    if (inRoot && mode.kind === "loop" && target < mode.header) throw new TraceAbort("left_loop", `the loop ended before its trace closed (back to pc ${target})`);
    throw new TraceAbort("inner_loop", `backward jump to pc ${target} inside the trace`, { proto: this.proto, header: target });
  }

  // ---------------------------------------------------------------------------
  // Values

  /** guard: true takes a snapshot of the state now; a number reuses that snapshot. */
  emit(op: IrOpName, type: IrTypeName, args: number[], guard: boolean | number = false): number {
    const snap = guard === true ? this.snapshot() : guard === false ? -1 : guard;
    return this.push({ op, type, args, snap });
  }

  /** Append an instruction as given; returns its ref. */
  push(op: RecOp): number {
    this.ops.push(op);
    return this.ops.length - 1;
  }

  /** A snapshot of the state before the current instruction: the interpreter re-executes it on exit. */
  snapshot(): number {
    const frames = this.frames.map((f, i): RecFrameState => ({
      proto: f.frame.proto, fn: i === 0 ? null : f.fn, base: f.rel, pc: i === this.frames.length - 1 ? this.pc : f.frame.pc,
    }));
    this.snapshots.push({ frames, slots: new Map(this.current) });
    return this.snapshots.length - 1;
  }

  constant(kind: "int" | "float" | "bool", value: number): number {
    const key = `${kind}:${Object.is(value, -0) ? "-0" : value}`;
    let ref = this.constants.get(key);
    if (ref === undefined) {
      ref = this.emit(kind === "int" ? "KINT" : kind === "float" ? "KFLOAT" : "KBOOL", kind, [value]);
      this.constants.set(key, ref);
    }
    return ref;
  }

  /** A guarded call of a trace helper (it refuses, making the trace exit, before any effect). */
  callHelper(helper: string, type: IrTypeName, args: number[]): number {
    return this.push({ op: "CALLH", type, args, snap: this.snapshot(), helper });
  }

  /**
   * value (ref) gets a second holder (an argument, a copy): an array, dict or struct the
   * trace did not make is marked shared when the trace runs (share_obj), as the
   * interpreter does; later stores into it in the trace exit (they check the flag), and
   * the interpreter copies it first. A string is immutable, a number no object, and a
   * constant or an object the trace made is shared by the recording itself.
   */
  shareHolder(ref: number, value: Value): void {
    if (this.typeOfRef(ref) === "ref" && !this.isObject(ref) && typeof value !== "string") this.callHelper("share_obj", "none", [ref]);
  }

  object(o: object): number {
    let ref = this.objects.get(o);
    if (ref === undefined) {
      ref = this.push({ op: "KREF", type: "ref", args: [], snap: -1, object: o });
      this.objects.set(o, ref);
    }
    return ref;
  }

  private slotValue(slot: number): Value {
    if (slot >= EXT_SLOT_BASE) {
      const p = this.places[slot - EXT_SLOT_BASE];
      return p.array[p.index];
    }
    return this.stack[this.rootBase + slot];
  }

  /** The ref of a slot (an entry load, or an identity-checked constant, the first time it is read). */
  readSlot(slot: number): number {
    const ref = this.current.get(slot) ?? this.entry.get(slot);
    if (ref !== undefined) return ref;
    const value = this.slotValue(slot);
    let load: number;
    if (value instanceof RFunction || value instanceof RNative) {
      // Functions are known by identity: the entry checks the slot holds this one.
      load = this.object(value);
      this.checks.push({ slot, value });
    } else if (slot >= EXT_SLOT_BASE && this.inEntryTree && (typeof value === "number" || typeof value === "boolean" || value instanceof RFloat)) {
      // An entry tree is called natively with its arguments only, so a global or cell it
      // reads is a constant, checked at its entry like a function (its native callers
      // make the check). A float is the very RFloat object: a global given an equal float
      // anew fails the check, and the interpreter runs that call.
      load = typeof value === "number" ? this.constant("int", value)
        : typeof value === "boolean" ? this.constant("bool", value ? 1 : 0)
        : this.constant("float", value.v);
      this.checks.push({ slot, value });
    } else {
      const kind = kindOf(value);
      if (kind === "ref") this.refClasses.set(slot, refClassOf(value));
      load = this.emit("SLOAD", kind, [slot]);
    }
    this.entry.set(slot, load);
    return load;
  }

  writtenRef(slot: number): number | undefined {
    return this.current.get(slot);
  }

  writeSlot(slot: number, ref: number, value: Value): void {
    this.current.set(slot, ref);
    if (slot >= EXT_SLOT_BASE) {
      const p = this.places[slot - EXT_SLOT_BASE];
      p.array[p.index] = value;
    } else this.stack[this.rootBase + slot] = value;
  }

  read(r: number): number {
    return this.readSlot(this.cur.rel + r);
  }

  write(r: number, ref: number, value: Value): void {
    this.writeSlot(this.cur.rel + r, ref, value);
  }

  get inRootLoop(): boolean {
    return this.mode.kind === "loop" && this.frames.length === 1;
  }

  /** Whether the trace is one of an entry tree (the root, or a side trace of one). */
  private get inEntryTree(): boolean {
    return this.mode.kind === "entry" || (this.mode.kind === "side" && this.mode.tree === "entry");
  }

  /** The slot number of a global or closure cell. */
  placeSlot(array: Value[], index: number): number {
    return this.placeRegistry.slotOf(array, index);
  }

  typeOfRef(ref: number): Kind {
    return this.ops[ref].type as Kind;
  }

  isObject(ref: number): boolean {
    return this.ops[ref].op === "KREF";
  }

  asFloat(ref: number): number {
    return this.typeOfRef(ref) === "float" ? ref : this.emit("CONV_INT_FLOAT", "float", [ref]);
  }

  // ---------------------------------------------------------------------------
  // Instructions

  /** Record and execute the instruction at pc; returns the next pc, or how the trace ends. */
  private step(pc: number): number | RecordedTrace["end"] {
    const code = this.code;
    const op = code[pc];
    const a = code[pc + 1];
    const b = code[pc + 2];
    const c = code[pc + 3];
    const stack = this.stack;
    const base = this.base;
    switch (op) {
      case Op.NOP:
        return pc + 4;
      case Op.MOVE:
      case Op.MOVES: {
        const ref = this.read(b);
        if (op === Op.MOVES) this.shareHolder(ref, stack[base + b]);
        // Executed for real as the interpreter does (a struct the trace made is shared by
        // its copy): if recording stops, the interpreter goes on from exactly this state.
        this.write(a, ref, op === Op.MOVES ? share(stack[base + b]) : stack[base + b]);
        return pc + 4;
      }
      case Op.LOADI:
        this.write(a, this.constant("int", b), b);
        return pc + 4;
      case Op.LOADBOOL:
        this.write(a, this.constant("bool", b !== 0 ? 1 : 0), b !== 0);
        return pc + 4;
      case Op.LOADK: {
        const v = this.consts[b];
        if (typeof v === "number") this.write(a, this.constant("int", v), v);
        else if (v instanceof RFloat) this.write(a, this.constant("float", v.v), v);
        else if (typeof v === "string") this.strings.constant(a, v);
        else throw new TraceAbort("nyi_value", "a constant that is not a number or a string");
        return pc + 4;
      }
      case Op.ADD: case Op.SUB: case Op.MUL: case Op.DIV: case Op.MOD:
      case Op.ADDI: case Op.SUBI: case Op.MULI: case Op.DIVI: case Op.MODI:
        return this.arithmetic(pc, op, a, b, c);
      case Op.NEG: {
        const x = stack[base + b];
        const ref = this.read(b);
        const kind = this.typeOfRef(ref);
        if (kind !== "int" && kind !== "float") throw new TraceAbort("nyi_value", `negation of a ${describe(x)}`);
        this.write(a, this.emit(kind === "int" ? "NEG" : "FNEG", kind, [ref]), this.concrete(() => negate(x)));
        return pc + 4;
      }
      case Op.NOT: {
        const x = stack[base + b];
        const ref = this.read(b);
        if (this.typeOfRef(ref) !== "bool") throw new TraceAbort("nyi_value", "! of a non-bool");
        this.write(a, this.emit("NOT", "bool", [ref]), not(x));
        return pc + 4;
      }
      case Op.LT: case Op.LE: case Op.GT: case Op.GE: case Op.EQ: case Op.NE: {
        const cmp = VALUE_COMPARES[op];
        const [ref, result] = this.comparison(cmp, b, this.read(c), stack[base + c]);
        this.write(a, ref, result);
        return pc + 4;
      }
      case Op.JMP:
        return a;
      case Op.ENDPROLOGUE:
        return a;
      case Op.JMPF:
      case Op.JMPT: {
        let ref = this.read(a);
        let v: boolean;
        const kind = this.typeOfRef(ref);
        if (kind === "bool") {
          v = stack[base + a] as boolean;
        } else if (kind === "int") {
          [ref, v] = this.comparison("!=", a, this.constant("int", 0), 0);
        } else if (kind === "float") {
          // A float's truthiness is exact (NaN true, -0.0 false, 1e-300 true), not Ruff's
          // != with its tolerance: !(|x| <= 0).
          const abs = this.emit("FABS", "float", [ref]);
          ref = this.emit("NOT", "bool", [this.emit("LE", "bool", [abs, this.constant("float", 0)])]);
          v = (stack[base + a] as RFloat).v !== 0;
        } else {
          throw new TraceAbort("nyi_value", "a branch on the truthiness of a string or an object");
        }
        this.emit(v ? "GUARD_TRUE" : "GUARD_FALSE", "none", [ref], true);
        const jump = op === Op.JMPT ? v : !v;
        return jump ? b : pc + 4;
      }
      case Op.INCJLT:
      case Op.INCJLE: {
        const x = stack[base + a];
        if (typeof x !== "number") throw new TraceAbort("nyi_value", "a loop counter that is not an int");
        // Both guards resume before the increment: the interpreter re-executes all of it.
        const counter = this.read(a);
        const limit = this.read(b);
        const before = this.snapshot();
        const sum = this.emit("ADD", "int", [counter, this.constant("int", 1)], before);
        const value = this.concrete(() => arith("+", x, 1));
        this.write(a, sum, value);
        const [cond, taken] = this.comparison(op === Op.INCJLT ? "<" : "<=", a, limit, stack[base + b]);
        this.emit(taken ? "GUARD_TRUE" : "GUARD_FALSE", "none", [cond], before);
        return taken ? c : pc + 8;
      }
      case Op.GETINDEX:
        return this.data.getIndex(pc, a, b, c);
      case Op.SETINDEX:
        return this.data.setIndex(pc, a, b, c);
      case Op.CALLG:
      case Op.CALL:
        return this.calls.call(pc, op, a, b, c);
      case Op.RETURN:
      case Op.RETNULL:
        return this.calls.ret(pc, op === Op.RETURN ? a : -1);
      case Op.GETUPVAL:
      case Op.SETUPVAL: {
        const fn = this.cur.fn;
        // The root frame's cells belong to whichever closure runs the trace (a tree is
        // shared by every closure of its function): not yet.
        if (fn === null || this.cur === this.frames[0]) throw new TraceAbort("nyi_value", "a captured variable of the trace's own function");
        const slot = this.placeSlot(fn.cells, b);
        if (op === Op.GETUPVAL) this.write(a, this.readSlot(slot), fn.cells[b]);
        else this.writeSlot(slot, this.read(a), stack[base + a]);
        return pc + 4;
      }
      case Op.GETGLOBAL: {
        const globals = this.cur.frame.module.globals;
        if (this.cur.frame.module.kinds[b] === 0) throw new TraceAbort("error_raised", "an undefined global");
        this.write(a, this.readSlot(this.placeSlot(globals, b)), globals[b]);
        return pc + 4;
      }
      case Op.CHECKGLOBALMUT:
        // Binding kinds never change once mutable: nothing to guard at run time.
        if (this.cur.frame.module.kinds[b] !== GLOBAL_KIND.mut) throw new TraceAbort("nyi_value", "a mutation through a global that is not mut");
        return pc + 4;
      case Op.SETGLOBAL: {
        if (this.cur.frame.module.kinds[b] !== GLOBAL_KIND.mut) throw new TraceAbort("nyi_value", "an assignment that defines or may not change a global");
        this.writeSlot(this.placeSlot(this.cur.frame.module.globals, b), this.read(a), stack[base + a]);
        return pc + 4;
      }
      case Op.FORITER:
        return this.data.forIteration(pc, a, b, c);
      case Op.FORPREP:
        return this.data.forPrep(pc, a, b);
      case Op.FORRANGE:
        return this.calls.forRange(pc, a, b, c);
      case Op.PUSHVAR:
        return this.data.pushInPlace(pc, a, b, c);
      case Op.CALLMETHOD:
        return this.calls.callMethod(pc, a, b, this.consts[c] as string);
      case Op.TOSTR:
        this.strings.toStringOf(a, b);
        return pc + 4;
      case Op.CONCAT:
        this.strings.concat(a, b, c);
        return pc + 4;
      case Op.NEWARRAY:
        this.data.newArray(a, b, c);
        return pc + 4;
      case Op.NEWSTRUCT:
        this.data.newStruct(a, b, this.consts[c] as unknown as StructLayout);
        return pc + 4;
      case Op.NEWTAGGED:
        this.data.newTagged(a, b, TAGS[c]);
        return pc + 4;
      case Op.MATCHTAG:
        return this.data.matchTag(pc, a, this.consts[b] as string, c);
      case Op.MATCHBIND:
        this.data.matchBind(a, b);
        return pc + 4;
      case Op.TRYOP: {
        const next = this.data.tryOp(pc, a, b);
        return next >= 0 ? next : this.calls.ret(pc, b);
      }
      case Op.GETFIELD:
      case Op.GETFIELDOPT:
        this.data.getField(a, b, this.consts[c] as string);
        return pc + 4;
      default: {
        const jump = COMPARE_JUMPS[op];
        if (jump !== undefined) {
          const [cmp, immediate, jumpWhenTrue] = jump;
          const right = immediate ? this.constant("int", b) : this.read(b);
          const rightValue: Value = immediate ? b : stack[base + b];
          const [cond, result] = this.comparison(cmp, a, right, rightValue);
          this.emit(result ? "GUARD_TRUE" : "GUARD_FALSE", "none", [cond], true);
          return result === jumpWhenTrue ? c : pc + 4;
        }
        throw new TraceAbort("nyi_op", `bytecode ${Op[op] ?? op}`);
      }
    }
  }



  /** Run the concrete operation; a Ruff error aborts (the interpreter raises it itself). */
  concrete<T>(run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (e instanceof RuffError) throw new TraceAbort("error_raised", e.message);
      throw e;
    }
  }

  private arithmetic(pc: number, op: number, a: number, b: number, c: number): number {
    const spec = ARITH[op];
    const x = this.stack[this.base + b];
    const y: Value = spec.imm ? c : this.stack[this.base + c];
    const left = this.read(b);
    const right = spec.imm ? this.constant("int", c) : this.read(c);
    if (spec.op === "+" && typeof x === "string" && typeof y === "string") {
      this.strings.add(a, left, right, x, y);
      return pc + 4;
    }
    const lk = this.typeOfRef(left);
    const rk = this.typeOfRef(right);
    if ((lk !== "int" && lk !== "float") || (rk !== "int" && rk !== "float")) throw new TraceAbort("nyi_value", `arithmetic on a ${describe(lk !== "int" && lk !== "float" ? x : y)}`);
    const result = this.concrete(() => arith(spec.op, x, y));
    let ref: number;
    if (lk === "int" && rk === "int") {
      // The trace would exit here every time: leave such loops to the interpreter.
      if (typeof result !== "number") throw new TraceAbort("nyi_value", "an int result outside the exact range");
      ref = this.emit(spec.int, "int", [left, right], true);
    } else {
      const guarded = spec.float === "FDIV" || spec.float === "FMOD";
      ref = this.emit(spec.float, "float", [this.asFloat(left), this.asFloat(right)], guarded);
    }
    this.write(a, ref, result);
    return pc + 4;
  }

  /** Compare register `left` with a right operand; returns the bool ref and the concrete outcome. */
  private comparison(cmp: Cmp, left: number, rightRef: number, rightValue: Value): [number, boolean] {
    const leftRef = this.read(left);
    const x = this.stack[this.base + left];
    const lk = this.typeOfRef(leftRef);
    const rk = this.typeOfRef(rightRef);
    if (typeof x === "string" && typeof rightValue === "string") {
      if (cmp === "==" || cmp === "!=") {
        const same = this.strings.equal(leftRef, rightRef);
        return [cmp === "==" ? same : this.emit("NOT", "bool", [same]), (x === rightValue) === (cmp === "==")];
      }
      // Ordering: the sign of the code-point comparison, against 0.
      const order = this.strings.compare(leftRef, rightRef);
      return [this.emit(CMP_IR[cmp], "bool", [order, this.constant("int", 0)]), compare(cmp, x, rightValue)];
    }
    if (lk === "ref" || rk === "ref") throw new TraceAbort("nyi_value", "a comparison of objects");
    let result: boolean;
    if (cmp === "==" || cmp === "!=") {
      if ((lk === "bool") !== (rk === "bool")) throw new TraceAbort("nyi_value", "equality of a bool and a number");
      result = equals(x, rightValue) === (cmp === "==");
    } else {
      if (lk === "bool" || rk === "bool") throw new TraceAbort("nyi_value", "ordering of bools");
      result = compare(cmp, x, rightValue);
    }
    return [this.emit(CMP_IR[cmp], "bool", [leftRef, rightRef]), result];
  }
}

