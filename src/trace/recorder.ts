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
// slot numbers from EXT_SLOT_BASE up. A recursive call (the callee is already being
// recorded more than recunroll times) calls the callee's entry trace (CALLT).
//
// Three modes: a loop trace closes when the root frame jumps back to its header; an
// entry trace closes when the root frame returns; a side trace (from a hot exit of a
// tree) closes where the tree's root does, or ends with an exit where it cannot link.

import { Op, type FunctionProto } from "../interp/bytecode";
import { RArray, RDict, RFloat, RFunction, RNative, RStruct, RuffError, share, type StructLayout, type Value } from "../interp/value";
import { arith, compare, equals, negate, not, type ArithOp } from "../interp/ops";
import type { Frame, Runtime } from "../interp/runtime";
import { TraceAbort } from "./abort";
import { ELEM_KIND_NAMES, ElemKind } from "../interp/packed";
import { GLOBAL_KIND } from "../frontend/funcstate";
import type { IrOpName, IrTypeName } from "../ir/ops";

/** A recorded instruction. Operands are recorder refs (indices into ops) or literals. */
export interface RecOp {
  op: IrOpName;
  type: IrTypeName;
  /** Reference operands (recorder refs), or for constants the literal value. */
  args: number[];
  /** For guards: index into snapshots. */
  snap: number;
  /** For CALLH: the helper's name (TRACE_IMPORTS in emit-trace.ts). */
  helper?: string;
  /** For KREF: the object. */
  object?: object;
  /** For CALLT: the function whose entry trace is called. */
  callee?: FunctionProto;
  /** For AHANDLE: the element kind (its literal operand). */
  elem?: ElemKind;
  /**
   * For AHANDLE of an entry load in a root loop: the snapshot of the loop header as the
   * trace was entered, for assemble to hoist it before LOOP (when the slot is not
   * loop-carried) so that it runs once per entry rather than once per iteration.
   */
  hoistSnap?: number;
}

/** Which kind of object a ref-typed entry slot must hold. */
export type RefClass = "array" | "dict" | "struct";

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

/** A slot whose value must be this very object when the trace is entered. */
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
  refClasses: Map<number, RefClass>;
  places: Place[];
  checks: IdentityCheck[];
  /** Root loops: the snapshot of the header as entered (-1 otherwise): where checks at entry exit to. */
  headerSnap: number;
  /** How the trace ends: loops back, returns from the root frame, or exits (snapshot). */
  end: { kind: "loop"; snap: number } | { kind: "return"; value: number; snap: number } | { kind: "exit"; snap: number };
  /** Functions inlined (for the trace log). */
  inlined: FunctionProto[];
  /** Recursive calls that go through entry traces. */
  calls: FunctionProto[];
  /**
   * Structs the trace makes (NEWSTRUCT), by placeholder ref: layout and field values.
   * The trace never allocates them: field reads take the field values directly, an exit
   * makes the struct (VSTRUCT), and assemble aborts if one escapes otherwise (an
   * operand, a value carried around a loop or returned).
   */
  virtuals: ReadonlyMap<number, { layout: StructLayout; fields: number[] }>;
}

/** Slots from here up are places (frames never have that many registers; IR literals stay below 2^20). */
export const EXT_SLOT_BASE = 1 << 19;

/** The value a recorder ref stands for. */
type Kind = "int" | "float" | "bool" | "ref";

/** Builtins a trace computes itself. */
const INLINE_BUILTINS = new Set(["sqrt", "abs", "floor", "ceil", "len"]);

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
interface RecFrame {
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

/** What the recorder asks of the JIT driver. */
export interface RecorderEnv {
  maxOps: number;
  recunroll: number;
  /** Whether a loop header has a compiled tree a side trace may exit to. */
  hasLoopTree(proto: FunctionProto, header: number): boolean;
  /** fn's compiled entry tree: argument and result types, and the identities it assumes; null when it has none. */
  entrySignature(proto: FunctionProto): EntrySignature | null;
}

export class Recorder {
  private readonly ops: RecOp[] = [];
  private readonly snapshots: RecSnapshot[] = [];
  private readonly entry = new Map<number, number>();
  private readonly current = new Map<number, number>();
  private readonly constants = new Map<string, number>();
  private readonly objects = new Map<object, number>();
  private readonly refClasses = new Map<number, RefClass>();
  private readonly places: Place[];
  private readonly checks: IdentityCheck[] = [];
  private readonly inlined: FunctionProto[] = [];
  private readonly calls: FunctionProto[] = [];
  private readonly frames: RecFrame[];
  private readonly rootBase: number;
  /** Entry mode: the argument types of the call being recorded (the tree's signature; "none": not a number or bool). */
  readonly rootArgs: IrTypeName[] = [];
  /** Results of calls of the tree being recorded: they must have its result type. */
  private readonly ownResults: number[] = [];
  /** Backward jump targets a side trace has followed (a second visit is an inner loop). */
  private readonly followed = new Set<string>();
  /** Array ref -> the AHANDLE of it and the kind it packs as (one per array per trace). */
  private readonly handles = new Map<number, { ref: number; kind: ElemKind }>();
  /** Root loops: the snapshot of the header before the first instruction (see RecOp.hoistSnap). */
  private headerSnap = -1;
  private readonly stack: Value[];
  // The current frame, cached.
  private cur!: RecFrame;
  private code!: Int32Array;
  private consts!: Value[];
  private base = 0;

  /** The pc where recording stands in the top frame: after an abort, where the interpreter continues. */
  pc: number;

  /**
   * Frames: the root frame first; for a side trace the frames of its exit, each with its
   * function object (null for the root), already on the interpreter's frame stack.
   */
  constructor(
    private readonly rt: Runtime,
    frames: { frame: Frame; fn: RFunction | null }[],
    private readonly startPc: number,
    private readonly mode: RecordMode,
    private readonly env: RecorderEnv,
    /** The tree's places: a side trace numbers its own after them. */
    places: Place[] = [],
  ) {
    this.places = places;
    this.stack = rt.stack;
    this.rootBase = frames[0].frame.base;
    this.frames = frames.map((f) => ({ frame: f.frame, fn: f.fn, rel: f.frame.base - this.rootBase }));
    this.enterFrame();
    this.pc = startPc;
    if (mode.kind === "loop") this.headerSnap = this.snapshot();
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
      const next = this.step(this.pc);
      if (typeof next === "object") return this.finish(next);
      if (frame === this.cur && next < this.pc && this.code[this.pc] !== Op.ENDPROLOGUE) {
        const end = this.backwardJump(next);
        if (end !== null) return this.finish(end);
      }
      this.pc = next;
    }
  }

  /** Set when recording ran to the trace's end (a return has popped the root frame). */
  ended: RecordedTrace["end"]["kind"] | null = null;

  private finish(end: RecordedTrace["end"]): RecordedTrace {
    this.ended = end.kind;
    return {
      mode: this.mode, proto: this.proto, startPc: this.startPc, ops: this.ops, snapshots: this.snapshots, entry: this.entry,
      written: new Map(this.current), refClasses: this.refClasses, places: this.places, checks: this.checks, end,
      inlined: this.inlined, calls: this.calls, virtuals: this.virtuals, headerSnap: this.headerSnap,
    };
  }

  /** A taken backward jump to `target` (already executed): close, end, follow or abort. */
  private backwardJump(target: number): RecordedTrace["end"] | null {
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
    this.pc = target;
    throw new TraceAbort("inner_loop", `backward jump to pc ${target} inside the trace`, { proto: this.proto, header: target });
  }

  // ---------------------------------------------------------------------------
  // Values

  /** guard: true takes a snapshot of the state now; a number reuses that snapshot. */
  private emit(op: IrOpName, type: IrTypeName, args: number[], guard: boolean | number = false): number {
    const snap = guard === true ? this.snapshot() : guard === false ? -1 : guard;
    this.ops.push({ op, type, args, snap });
    return this.ops.length - 1;
  }

  /** A snapshot of the state before the current instruction: the interpreter re-executes it on exit. */
  private snapshot(): number {
    const frames = this.frames.map((f, i): RecFrameState => ({
      proto: f.frame.proto, fn: i === 0 ? null : f.fn, base: f.rel, pc: i === this.frames.length - 1 ? this.pc : f.frame.pc,
    }));
    this.snapshots.push({ frames, slots: new Map(this.current) });
    return this.snapshots.length - 1;
  }

  private constant(kind: "int" | "float" | "bool", value: number): number {
    const key = `${kind}:${Object.is(value, -0) ? "-0" : value}`;
    let ref = this.constants.get(key);
    if (ref === undefined) {
      ref = this.emit(kind === "int" ? "KINT" : kind === "float" ? "KFLOAT" : "KBOOL", kind, [value]);
      this.constants.set(key, ref);
    }
    return ref;
  }

  /** Struct placeholders -> their layout and the refs of their field values (see RecordedTrace.virtuals). */
  private readonly virtuals = new Map<number, { layout: StructLayout; fields: number[] }>();

  /**
   * CALLMETHOD on a struct the trace made: the method (fixed per layout for the whole
   * run, so no guard) is inlined like a call, the receiver as its register 0. Receivers
   * from outside the trace would be shared by the call (copy-on-write): not yet.
   */
  private callMethod(pc: number, a: number, nargs: number, name: string): number {
    const recv = this.stack[this.base + a + 1];
    const recvRef = this.read(a + 1);
    if (!(recv instanceof RStruct) || !this.virtuals.has(recvRef)) throw new TraceAbort("call_user", `a method call (${name}) on a value the trace did not make`);
    if (recv.layout.index.has(name)) throw new TraceAbort("call_user", "a call of a function held in a struct field");
    const m = this.rt.jitMethodFor(recv.layout, name);
    if (m === undefined) throw new TraceAbort("error_raised", `an undefined method ${name}`);
    const proto = m.proto;
    if (proto.isGenerator || proto.arity !== nargs) throw new TraceAbort("call_user", `a call of ${proto.name} that is not a plain call`);
    for (let i = 2; i <= nargs + 1; i++) {
      const ref = this.read(a + i);
      if (this.typeOfRef(ref) === "ref" && !this.isObject(ref)) throw new TraceAbort("nyi_value", "an array or dict passed to a method");
    }
    if (this.frames.some((f) => f.frame.proto === proto)) throw new TraceAbort("call_user", `a recursive method call (${proto.name})`);
    // As the interpreter: the method goes in R[a], the arguments become shared.
    this.write(a, this.object(m), m);
    for (let i = 1; i <= nargs + 1; i++) share(this.stack[this.base + a + i]);
    this.cur.frame.pc = pc + 4;
    let callee: Frame;
    try {
      callee = this.rt.jitPushFrame(m, this.base + a + 1, this.base + a, proto.entryPc);
    } catch (e) {
      if (e instanceof RuffError) throw new TraceAbort("error_raised", e.message);
      throw e;
    }
    this.frames.push({ frame: callee, fn: m, rel: this.cur.rel + a + 1 });
    this.enterFrame();
    this.inlined.push(proto);
    return proto.entryPc;
  }

  /** NEWSTRUCT: made for real, recorded as a placeholder whose fields are known. */
  private newStruct(a: number, b: number, layout: StructLayout): void {
    const fields = layout.fields.map((_, k) => this.read(b + k));
    // Arrays in fields would be marked shared by the struct (copy-on-write): a trace that
    // never makes the struct could not do that.
    if (fields.some((f) => this.typeOfRef(f) === "ref")) throw new TraceAbort("nyi_value", "a struct holding an array, dict or function");
    const struct = new RStruct(layout, layout.fields.map((_, k) => this.stack[this.base + b + k]));
    this.ops.push({ op: "KREF", type: "ref", args: [], snap: -1, object: struct });
    const ref = this.ops.length - 1;
    this.virtuals.set(ref, { layout, fields });
    this.write(a, ref, struct);
  }

  /**
   * GETFIELD: of a struct the trace made, the field's value with no code; of another
   * struct, a helper that checks the layout and the value's type (else the trace exits).
   */
  private getField(a: number, b: number, name: string): void {
    const ref = this.read(b);
    const v = this.virtuals.get(ref);
    const o = this.stack[this.base + b];
    if (!(o instanceof RStruct)) throw new TraceAbort("nyi_value", "a field of something other than a struct");
    const slot = o.layout.index.get(name);
    if (slot === undefined) throw new TraceAbort("nyi_op", `${name} of a struct is not a field`);
    if (v !== undefined) {
      this.write(a, v.fields[slot], o.values[slot]);
      return;
    }
    const value = o.values[slot];
    const kind = this.kindOf(value);
    if (kind === "ref") throw new TraceAbort("nyi_value", "a struct field holding an object");
    this.write(a, this.emitHelper(`sget_${kind}`, kind, [ref, this.constant("int", o.layout.id), this.constant("int", slot)]), value);
  }

  private object(o: object): number {
    let ref = this.objects.get(o);
    if (ref === undefined) {
      this.ops.push({ op: "KREF", type: "ref", args: [], snap: -1, object: o });
      ref = this.ops.length - 1;
      this.objects.set(o, ref);
    }
    return ref;
  }

  private kindOf(v: Value): Kind {
    if (typeof v === "number") return "int";
    if (v instanceof RFloat) return "float";
    if (typeof v === "boolean") return "bool";
    if (v instanceof RArray || v instanceof RDict || v instanceof RStruct) return "ref";
    throw new TraceAbort("nyi_value", `a ${describe(v)} value`);
  }

  private slotValue(slot: number): Value {
    if (slot >= EXT_SLOT_BASE) {
      const p = this.places[slot - EXT_SLOT_BASE];
      return p.array[p.index];
    }
    return this.stack[this.rootBase + slot];
  }

  /** The ref of a slot (an entry load, or an identity-checked constant, the first time it is read). */
  private readSlot(slot: number): number {
    const ref = this.current.get(slot) ?? this.entry.get(slot);
    if (ref !== undefined) return ref;
    const value = this.slotValue(slot);
    let load: number;
    if (value instanceof RFunction || value instanceof RNative) {
      // Functions are known by identity: the entry checks the slot holds this one.
      load = this.object(value);
      this.checks.push({ slot, value });
    } else {
      const kind = this.kindOf(value);
      if (kind === "ref") this.refClasses.set(slot, value instanceof RDict ? "dict" : value instanceof RStruct ? "struct" : "array");
      load = this.emit("SLOAD", kind, [slot]);
    }
    this.entry.set(slot, load);
    return load;
  }

  private writeSlot(slot: number, ref: number, value: Value): void {
    this.current.set(slot, ref);
    if (slot >= EXT_SLOT_BASE) {
      const p = this.places[slot - EXT_SLOT_BASE];
      p.array[p.index] = value;
    } else this.stack[this.rootBase + slot] = value;
  }

  private read(r: number): number {
    return this.readSlot(this.cur.rel + r);
  }

  private write(r: number, ref: number, value: Value): void {
    this.writeSlot(this.cur.rel + r, ref, value);
  }

  /** The slot number of a global or closure cell. */
  private placeSlot(array: Value[], index: number): number {
    let k = this.places.findIndex((p) => p.array === array && p.index === index);
    if (k < 0) k = this.places.push({ array, index }) - 1;
    return EXT_SLOT_BASE + k;
  }

  private typeOfRef(ref: number): Kind {
    return this.ops[ref].type as Kind;
  }

  private isObject(ref: number): boolean {
    return this.ops[ref].op === "KREF";
  }

  private asFloat(ref: number): number {
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
        // A second holder of an array must mark it shared (copy-on-write): not in traces yet.
        if (op === Op.MOVES && this.typeOfRef(ref) === "ref" && !this.isObject(ref)) throw new TraceAbort("nyi_value", "a copy of an array or dict into a variable");
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
        else throw new TraceAbort("nyi_value", "a constant that is not a number");
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
        const ref = this.read(a);
        if (this.typeOfRef(ref) !== "bool") throw new TraceAbort("nyi_value", "a branch on a non-bool condition");
        const v = stack[base + a] as boolean;
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
        return this.getIndex(pc, a, b, c);
      case Op.SETINDEX:
        return this.setIndex(pc, a, b, c);
      case Op.CALLG:
      case Op.CALL:
        return this.call(pc, op, a, b, c);
      case Op.RETURN:
      case Op.RETNULL:
        return this.ret(pc, op === Op.RETURN ? a : -1);
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
        return this.forIteration(pc, a, b, c);
      case Op.PUSHVAR:
        return this.pushInPlace(pc, a, b, c);
      case Op.CALLMETHOD:
        return this.callMethod(pc, a, b, this.consts[c] as string);
      case Op.NEWSTRUCT:
        this.newStruct(a, b, this.consts[c] as unknown as StructLayout);
        return pc + 4;
      case Op.GETFIELD:
      case Op.GETFIELDOPT:
        this.getField(a, b, this.consts[c] as string);
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

  private getIndex(pc: number, a: number, b: number, c: number): number {
    const o = this.stack[this.base + b];
    const k = this.stack[this.base + c];
    if (o instanceof RDict && typeof k === "number") {
      const elem = o.getIntKey(k);
      if (elem === undefined) throw new TraceAbort("nyi_value", "a missing dict key");
      const kind = this.kindOf(elem);
      if (kind === "ref") throw new TraceAbort("nyi_value", "a dict of objects");
      this.write(a, this.emitHelper(`dget_${kind}`, kind, [this.read(b), this.read(c)]), elem);
      return pc + 4;
    }
    if (!(o instanceof RArray) || typeof k !== "number") throw new TraceAbort("nyi_value", "indexing something other than an array by an int");
    if (k < 0 || k >= o.length) throw new TraceAbort("nyi_value", "an index outside the array");
    const elem = o.at(k);
    const kind = this.kindOf(elem);
    if (kind === "ref") throw new TraceAbort("nyi_value", "an array of arrays");
    const arr = this.read(b);
    const index = this.read(c);
    if (this.typeOfRef(index) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
    const h = this.packedHandle(arr, o, kind);
    this.write(a, h !== null ? this.emit("PAGET", kind, [h, index], true) : this.emit("AGET", kind, [arr, index], true), elem);
    return pc + 4;
  }

  private setIndex(pc: number, a: number, b: number, c: number): number {
    const o = this.stack[this.base + a];
    const k = this.stack[this.base + b];
    const v = this.stack[this.base + c];
    if (o instanceof RDict && typeof k === "number") {
      if (o.shared) throw new TraceAbort("nyi_value", "a store into a shared dict (copy-on-write)");
      const kind = this.kindOf(v);
      if (kind === "ref") throw new TraceAbort("nyi_value", "storing an object into a dict");
      this.emitHelper(`dset_${kind}`, "none", [this.read(a), this.read(b), this.read(c)]);
      o.setIntKey(k, v);
      return pc + 4;
    }
    if (!(o instanceof RArray) || typeof k !== "number") throw new TraceAbort("nyi_value", "storing into something other than an array by an int");
    if (o.shared) throw new TraceAbort("nyi_value", "a store into a shared array (copy-on-write)");
    if (k < 0 || k >= o.length) throw new TraceAbort("nyi_value", "an index outside the array");
    const kind = this.kindOf(v);
    if (kind === "ref") throw new TraceAbort("nyi_value", "storing an array into an array");
    const arr = this.read(a);
    const index = this.read(b);
    if (this.typeOfRef(index) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
    this.refuseOtherKind(arr, kind);
    const h = this.packedHandle(arr, o, kind);
    if (h !== null) this.emit("PASET", "none", [h, index, this.read(c)], true);
    else this.emit("ASET", "none", [arr, index, this.read(c)], true);
    o.put(k, v);
    return pc + 4;
  }

  /**
   * `for x in N` (a count) and `for x in array`: the iterator register holds the count
   * or the array (shared: the loop walks a snapshot), the next one the position.
   */
  private forIteration(pc: number, it: number, varReg: number, body: number): number {
    const source = this.stack[this.base + it];
    const position = this.stack[this.base + it + 1] as number;
    const src = this.read(it);
    const pos = this.read(it + 1);
    let more: boolean;
    let limit: number;
    if (typeof source === "number") {
      more = position < source;
      limit = src;
    } else if (source instanceof RArray) {
      more = position < source.length;
      limit = this.arrayLength(src, source);
    } else {
      throw new TraceAbort("nyi_value", "a for loop over something other than a count or an array");
    }
    const before = this.snapshot();
    const cond = this.emit("LT", "bool", [pos, limit]);
    this.emit(more ? "GUARD_TRUE" : "GUARD_FALSE", "none", [cond], before);
    if (!more) return pc + 4;
    let value: Value = position;
    let valueRef = pos;
    if (source instanceof RArray) {
      value = source.at(position);
      const kind = this.kindOf(value);
      if (kind === "ref") throw new TraceAbort("nyi_value", "a for loop over an array of arrays");
      const h = this.packedHandle(src, source, kind);
      valueRef = h !== null ? this.emit("PAGET", kind, [h, pos], before) : this.emit("AGET", kind, [src, pos], before);
    }
    this.write(varReg, valueRef, value);
    this.write(it + 1, this.emit("ADD", "int", [pos, this.constant("int", 1)], before), position + 1);
    return body;
  }

  /** `R[a] = push(R[a], R[v])` (PUSHVAR, fn in R[f]): an in-place append of the unshared array. */
  private pushInPlace(pc: number, a: number, f: number, v: number): number {
    const fn = this.stack[this.base + f];
    const fnRef = this.read(f);
    if (!this.isObject(fnRef) || !(fn instanceof RNative) || (fn.name !== "push" && fn.name !== "append")) {
      throw new TraceAbort("call_native", "a push through something other than the push builtin");
    }
    const arr = this.stack[this.base + a];
    if (!(arr instanceof RArray) || arr.shared) throw new TraceAbort("nyi_value", "a push onto a shared array or a non-array");
    const value = this.stack[this.base + v];
    const kind = this.kindOf(value);
    if (kind === "ref") throw new TraceAbort("nyi_value", "pushing an array or dict");
    const arrRef = this.read(a);
    if (this.isObject(arrRef)) throw new TraceAbort("nyi_value", "a push onto a constant");
    this.refuseOtherKind(arrRef, kind);
    const h = this.packedHandle(arrRef, arr, kind);
    if (h !== null) this.emit("PAPUSH", "none", [h, this.read(v)], true);
    else this.emitHelper(`apush_${kind}`, "none", [arrRef, this.read(v)]);
    arr.append(value);
    return pc + 4;
  }

  // ---------------------------------------------------------------------------
  // Calls

  /** CALL a nargs / CALLG a nargs g: R[a] = callee(R[a+1] ..). */
  private call(pc: number, op: number, a: number, nargs: number, g: number): number {
    const frame = this.cur.frame;
    let fnRef: number;
    let fn: Value;
    if (op === Op.CALLG) {
      fn = frame.module.globals[g];
      if (frame.module.kinds[g] === 0) throw new TraceAbort("error_raised", "a call of an undefined global");
      fnRef = this.readSlot(this.placeSlot(frame.module.globals, g));
    } else {
      fn = this.stack[this.base + a];
      fnRef = this.read(a);
    }
    if (!this.isObject(fnRef)) throw new TraceAbort("call_user", "a call of a function value the trace computed");
    if (fn instanceof RNative) return this.callBuiltin(pc, a, nargs, fn);
    if (!(fn instanceof RFunction)) throw new TraceAbort("nyi_value", `a call of a ${describe(fn)}`);
    const proto = fn.proto;
    if (proto.directArity !== nargs || proto.isGenerator) throw new TraceAbort("call_user", `a call of ${proto.name} that is not a plain call`);
    const args: number[] = [];
    for (let i = 1; i <= nargs; i++) {
      const ref = this.read(a + i);
      // Passing an array marks it shared (value semantics): not in traces yet.
      if (this.typeOfRef(ref) === "ref" && !this.isObject(ref)) throw new TraceAbort("nyi_value", "an array or dict passed to a function");
      args.push(ref);
    }
    this.write(a, fnRef, fn);
    // The call shares its arguments (as the interpreter's invoke does).
    for (let i = 1; i <= nargs; i++) share(this.stack[this.base + a + i]);
    const onStack = this.frames.filter((f) => f.frame.proto === proto).length;
    if (onStack > this.env.recunroll) return this.callEntryTrace(pc, a, fn, args);
    // Inline: the callee's frame sits above the call's registers, as the interpreter puts it.
    frame.pc = pc + 4;
    let callee: Frame;
    try {
      callee = this.rt.jitPushFrame(fn, this.base + a + 1, this.base + a, proto.entryPc);
    } catch (e) {
      if (e instanceof RuffError) throw new TraceAbort("error_raised", e.message);
      throw e;
    }
    this.frames.push({ frame: callee, fn, rel: this.cur.rel + a + 1 });
    this.enterFrame();
    this.inlined.push(proto);
    return proto.entryPc;
  }

  /** A recursive call: the trace calls fn's entry trace (the interpreter runs it now). */
  private callEntryTrace(pc: number, a: number, fn: RFunction, args: number[]): number {
    const sig = this.env.entrySignature(fn.proto);
    const own = this.mode.kind === "entry" && fn.proto === this.proto;
    if (sig === null && !own) throw new TraceAbort("call_user", `recursion into ${fn.proto.name}, which has no entry trace yet`);
    const type = sig?.result ?? null;
    // The callee takes its arguments as typed (an int parameter would truncate a float).
    const want = sig?.args ?? this.rootArgs;
    args.forEach((ref, i) => {
      if (this.typeOfRef(ref) !== want[i]) throw new TraceAbort("type_unstable", `${fn.proto.name} called with a ${this.typeOfRef(ref)} where its entry trace takes a ${want[i]}`);
    });
    // Its identity checks are ours to make: a native call skips its entry stub.
    for (const c of sig?.checks ?? []) {
      if (c.place === null) throw new TraceAbort("call_user", `${fn.proto.name}'s entry trace assumes which function an argument holds`);
      const slot = this.placeSlot(c.place.array, c.place.index);
      if (!this.checks.some((k) => k.slot === slot && k.value === c.value)) this.checks.push({ slot, value: c.value });
    }
    const argValues: Value[] = [];
    for (let i = 1; i <= args.length; i++) argValues.push(this.stack[this.base + a + i]);
    if (args.length > 3) throw new TraceAbort("call_user", "a recursive call with more than 3 arguments");
    // The state before the call. A callee that is too deep leaves it to the interpreter
    // (resume at the call); one that exits has its frames rebuilt on top of this state
    // with the caller resuming after the call (src/deopt/exits.ts derives that state).
    const before = this.snapshot();
    // An exit inside the callee finds the pending call's function in R[a].
    this.snapshots[before].keep = [this.cur.rel + a];
    this.cur.frame.pc = pc + 4;
    let result: Value;
    try {
      // The callee runs on the stack above every frame being recorded.
      const top = this.frames[this.frames.length - 1].frame;
      result = this.rt.jitCallAt(fn, argValues, top.base + top.proto.nslots);
    } catch (e) {
      if (e instanceof RuffError) {
        // The callee raised: the program sees the error at this call, as without the JIT.
        this.cur.frame.pc = pc;
        throw e;
      }
      throw e;
    }
    // The call has run (and printed whatever it printed): from here an abort must leave
    // the interpreter after it, with its result in place, or the call would run twice.
    this.stack[this.base + a] = result;
    this.pc = pc + 4;
    const kind = this.kindOf(result);
    if (kind === "ref") throw new TraceAbort("nyi_value", "a recursive function returning an object");
    if (type !== null && type !== kind) throw new TraceAbort("type_unstable", `${fn.proto.name} returned a ${kind}, its entry trace a ${type}`);
    this.ops.push({ op: "CALLT", type: kind, args, snap: before, callee: fn.proto });
    const ref = this.ops.length - 1;
    if (own) this.ownResults.push(ref);
    this.calls.push(fn.proto);
    this.write(a, ref, result);
    return pc + 4;
  }

  /** RETURN a (a < 0: RETNULL). */
  private ret(pc: number, a: number): number | RecordedTrace["end"] {
    const value: Value = a >= 0 ? this.stack[this.base + a] : null;
    if (value === null) throw new TraceAbort("nyi_value", "a function returning null");
    const ref = this.read(a);
    if (this.typeOfRef(ref) === "ref" && !this.isObject(ref)) throw new TraceAbort("nyi_value", "a function returning an array or dict");
    if (this.frames.length === 1) {
      if (this.mode.kind === "entry" || (this.mode.kind === "side" && this.mode.tree === "entry")) {
        const type = this.typeOfRef(ref);
        if (this.ownResults.some((r) => this.typeOfRef(r) !== type)) throw new TraceAbort("type_unstable", "a recursive call returned another type than the function does");
        const snap = this.snapshot();
        this.rt.jitReturn(value);
        return { kind: "return", value: ref, snap };
      }
      throw new TraceAbort("left_loop", "the function returned");
    }
    const done = this.frames.pop()!;
    this.rt.jitReturn(value);
    // The callee's registers are dead: exits need not restore them.
    for (const slot of [...this.current.keys()]) if (slot >= done.rel && slot < EXT_SLOT_BASE) this.current.delete(slot);
    this.enterFrame();
    this.writeSlot(done.rel - 1, ref, value);
    return this.cur.frame.pc;
  }

  /** `R[a] = builtin(R[a+1] ..)` for the builtins traces compute inline. */
  private callBuiltin(pc: number, a: number, nargs: number, fn: RNative): number {
    if (!INLINE_BUILTINS.has(fn.name) || nargs !== 1) throw new TraceAbort("call_native", `call of ${fn.name}`);
    const x = this.stack[this.base + a + 1];
    const arg = this.read(a + 1);
    const kind = this.typeOfRef(arg);
    let ref: number;
    if (fn.name === "len") {
      if (kind !== "ref" || this.isObject(arg) || !(x instanceof RArray)) throw new TraceAbort("nyi_value", "len of something other than an array");
      ref = this.arrayLength(arg, x);
    } else {
      if (kind !== "int" && kind !== "float") throw new TraceAbort("nyi_value", `${fn.name} of a non-number`);
      const f = this.asFloat(arg);
      ref = fn.name === "sqrt" ? this.emit("FSQRT", "float", [f], true)
        : this.emit(fn.name === "abs" ? "FABS" : fn.name === "floor" ? "FFLOOR" : "FCEIL", "float", [f]);
    }
    const result = this.concrete(() => fn.fn([x]));
    this.write(a, ref, result);
    return pc + 4;
  }

  /**
   * A store of another kind into an array this trace packs would unpack it at every
   * iteration, and every later entry would refuse at the handle: abort instead. The
   * interpreter makes the store, so the next recording finds the array mixed and uses
   * the boxed helpers.
   */
  private refuseOtherKind(arr: number, kind: "int" | "float" | "bool"): void {
    const known = this.handles.get(arr);
    if (known !== undefined && known.kind !== ElemKind[kind]) throw new TraceAbort("type_unstable", `a ${kind} stored into an array this trace packs as ${ELEM_KIND_NAMES[known.kind]}`);
  }

  /** len(arr) of the array ref arr (its value now: o). */
  private arrayLength(arr: number, o: RArray): number {
    const known = this.handles.get(arr);
    if (known !== undefined) return this.emit("PALEN", "int", [known.ref], true);
    const kind = o.length > 0 ? this.kindOf(o.at(0)) : null;
    const h = kind !== null && kind !== "ref" ? this.packedHandle(arr, o, kind) : null;
    return h !== null ? this.emit("PALEN", "int", [h], true) : this.emit("ALEN", "int", [arr]);
  }

  /**
   * The handle of the array ref arr (its value now: o) packed as kind, emitting its
   * AHANDLE the first time; null when the trace should use the boxed helpers instead: a
   * constant array, elements of another kind, or the same array wanted as another kind.
   */
  private packedHandle(arr: number, o: RArray, kind: "int" | "float" | "bool"): number | null {
    const elem = ElemKind[kind];
    const known = this.handles.get(arr);
    if (known !== undefined) return known.kind === elem ? known.ref : null;
    if (this.isObject(arr) || !o.packable(elem)) return null;
    const entryLoad = this.ops[arr].op === "SLOAD"; // SLOADs are only ever entry loads
    this.ops.push({ op: "AHANDLE", type: "int", args: [arr], snap: this.snapshot(), elem, hoistSnap: entryLoad && this.headerSnap >= 0 ? this.headerSnap : undefined });
    const ref = this.ops.length - 1;
    this.handles.set(arr, { ref, kind: elem });
    return ref;
  }

  /** A guarded call of a trace helper (it refuses, making the trace exit, before any effect). */
  private emitHelper(helper: string, type: IrTypeName, args: number[]): number {
    this.ops.push({ op: "CALLH", type, args, snap: this.snapshot(), helper });
    return this.ops.length - 1;
  }

  /** Run the concrete operation; a Ruff error aborts (the interpreter raises it itself). */
  private concrete(run: () => Value): Value {
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

function describe(v: Value): string {
  return v === null ? "null" : typeof v === "object" ? v.constructor.name : typeof v;
}
