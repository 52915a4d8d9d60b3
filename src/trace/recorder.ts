// The trace recorder: runs one iteration of a hot loop itself, instruction by
// instruction, on the interpreter's real registers (so an abort leaves an exact state to
// continue from), and writes down what each instruction did to typed values, with a
// guard for every assumption: operand types, branch directions, int overflow, zero
// divisors. When control comes back to the loop header the iteration is a trace body.
//
// This recorder handles numeric loops in one frame: locals, int and float arithmetic,
// comparisons and branches, array element reads and writes, and the math builtins
// (guarded on the global still holding the builtin). Anything else aborts with a named
// reason; user calls, pushes, side traces come next.

import { Op, type FunctionProto } from "../interp/bytecode";
import { RArray, RDict, RFloat, RNative, RuffError, type Value } from "../interp/value";
import { arith, compare, equals, negate, not, type ArithOp } from "../interp/ops";
import type { Frame } from "../interp/runtime";
import { TraceAbort } from "./abort";
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
}

/** Which kind of object a ref-typed entry slot must hold. */
export type RefClass = "array" | "dict";

/** Slot -> recorder ref for the slots written so far in the iteration, at a guard. */
export interface RecSnapshot {
  pc: number;
  slots: Map<number, number>;
}

/** A global the trace assumes still holds a builtin (checked when the trace is entered). */
export interface GlobalCheck {
  globals: Value[];
  index: number;
  value: Value;
}

/** What recording one iteration produced. */
export interface RecordedLoop {
  globalChecks: GlobalCheck[];
  proto: FunctionProto;
  header: number;
  ops: RecOp[];
  snapshots: RecSnapshot[];
  /** Slot -> recorder ref of the slot's entry value (an "SLOAD" op in ops). */
  entry: Map<number, number>;
  /** Slot -> recorder ref of the value at the end of the iteration (written slots only). */
  written: Map<number, number>;
  /** Object kind of each ref-typed entry slot. */
  refClasses: Map<number, RefClass>;
}

/**
 * Module globals the loop reads or writes are tracked like registers, under slot
 * numbers from here up (frames never have that many registers; IR literals stay below
 * 2^20). The entry and exit code map them back to the module's globals array.
 */
export const GLOBAL_SLOT_BASE = 1 << 19;

/** The IR type of a value the recorder tracks (ref: an array). */
type Kind = "int" | "float" | "bool" | "ref";

/** Builtins a trace computes itself: name -> what it emits for a number argument. */
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

export class Recorder {
  private readonly ops: RecOp[] = [];
  private readonly snapshots: RecSnapshot[] = [];
  private readonly entry = new Map<number, number>();
  private readonly current = new Map<number, number>();
  private readonly constants = new Map<string, number>();
  private readonly globalChecks: GlobalCheck[] = [];
  private readonly refClasses = new Map<number, RefClass>();
  private readonly code: Int32Array;
  private readonly consts: Value[];
  private readonly base: number;

  constructor(
    private readonly stack: Value[],
    private readonly frame: Frame,
    private readonly header: number,
    private readonly maxOps: number,
  ) {
    this.code = frame.proto.code;
    this.consts = frame.proto.consts;
    this.base = frame.base;
  }

  /** The pc where recording stands: after an abort, where the interpreter continues. */
  pc: number = -1;

  /**
   * Record from the header until control returns to it. Returns the loop; throws
   * TraceAbort (with this.pc where the interpreter must continue) otherwise. Errors the
   * program raises while recording abort too; the interpreter then re-executes the
   * instruction at this.pc and raises them itself.
   */
  record(): RecordedLoop {
    this.pc = this.header;
    for (;;) {
      if (this.ops.length > this.maxOps) throw new TraceAbort("trace_too_long", `more than ${this.maxOps} instructions`);
      const next = this.step(this.pc);
      if (next < this.pc) {
        if (next !== this.header) {
          // The jump itself ran: the interpreter continues at its target.
          this.pc = next;
          throw new TraceAbort("inner_loop", `backward jump to pc ${next} inside the loop`);
        }
        this.pc = next;
        return {
          globalChecks: this.globalChecks, proto: this.frame.proto, header: this.header, ops: this.ops, snapshots: this.snapshots,
          entry: this.entry, written: new Map(this.current), refClasses: this.refClasses,
        };
      }
      this.pc = next;
    }
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
    this.snapshots.push({ pc: this.pc, slots: new Map(this.current) });
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

  private kindOf(v: Value): Kind {
    if (typeof v === "number") return "int";
    if (v instanceof RFloat) return "float";
    if (typeof v === "boolean") return "bool";
    if (v instanceof RArray || v instanceof RDict) return "ref";
    throw new TraceAbort("nyi_value", `a ${v === null ? "null" : typeof v === "object" ? v.constructor.name : typeof v} value`);
  }

  /** The ref of register r (an entry load the first time it is read). */
  private read(r: number): number {
    const ref = this.current.get(r) ?? this.entry.get(r);
    if (ref !== undefined) return ref;
    const value = r >= GLOBAL_SLOT_BASE ? this.frame.module.globals[r - GLOBAL_SLOT_BASE] : this.stack[this.base + r];
    const kind = this.kindOf(value);
    if (kind === "ref") this.refClasses.set(r, value instanceof RDict ? "dict" : "array");
    const load = this.emit("SLOAD", kind, [r]);
    this.entry.set(r, load);
    return load;
  }

  private write(r: number, ref: number, value: Value): void {
    this.current.set(r, ref);
    if (r >= GLOBAL_SLOT_BASE) this.frame.module.globals[r - GLOBAL_SLOT_BASE] = value;
    else this.stack[this.base + r] = value;
  }

  private typeOfRef(ref: number): Kind {
    return this.ops[ref].type as Kind;
  }

  private asFloat(ref: number): number {
    return this.typeOfRef(ref) === "float" ? ref : this.emit("CONV_INT_FLOAT", "float", [ref]);
  }

  // ---------------------------------------------------------------------------
  // Instructions

  /** Record and execute the instruction at pc; returns the next pc. */
  private step(pc: number): number {
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
        if (op === Op.MOVES && this.typeOfRef(ref) === "ref") throw new TraceAbort("nyi_value", "a copy of an array or dict into a variable");
        this.write(a, ref, stack[base + b]);
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
        if (kind === "bool") throw new TraceAbort("nyi_value", "negation of a bool");
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
      case Op.GETINDEX: {
        const o = stack[base + b];
        const k = stack[base + c];
        if (o instanceof RDict && typeof k === "number") {
          const elem = o.map.get(k);
          if (elem === undefined) throw new TraceAbort("nyi_value", "a missing dict key");
          const kind = this.kindOf(elem);
          if (kind === "ref") throw new TraceAbort("nyi_value", "a dict of objects");
          const call = this.emitHelper(`dget_${kind}`, kind, [this.read(b), this.read(c)]);
          this.write(a, call, elem);
          return pc + 4;
        }
        if (!(o instanceof RArray) || typeof k !== "number") throw new TraceAbort("nyi_value", "indexing something other than an array by an int");
        if (k < 0 || k >= o.items.length) throw new TraceAbort("nyi_value", "an index outside the array");
        const elem = o.items[k];
        const kind = this.kindOf(elem);
        if (kind === "ref") throw new TraceAbort("nyi_value", "an array of arrays");
        const arr = this.read(b);
        const index = this.read(c);
        if (this.typeOfRef(index) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
        this.write(a, this.emit("AGET", kind, [arr, index], true), elem);
        return pc + 4;
      }
      case Op.SETINDEX: {
        const o = stack[base + a];
        const k = stack[base + b];
        const v = stack[base + c];
        if (o instanceof RDict && typeof k === "number") {
          if (o.shared) throw new TraceAbort("nyi_value", "a store into a shared dict (copy-on-write)");
          const kind = this.kindOf(v);
          if (kind === "ref") throw new TraceAbort("nyi_value", "storing an object into a dict");
          this.emitHelper(`dset_${kind}`, "none", [this.read(a), this.read(b), this.read(c)]);
          o.map.set(k, v);
          return pc + 4;
        }
        if (!(o instanceof RArray) || typeof k !== "number") throw new TraceAbort("nyi_value", "storing into something other than an array by an int");
        if (o.shared) throw new TraceAbort("nyi_value", "a store into a shared array (copy-on-write)");
        if (k < 0 || k >= o.items.length) throw new TraceAbort("nyi_value", "an index outside the array");
        if (this.kindOf(v) === "ref") throw new TraceAbort("nyi_value", "storing an array into an array");
        const arr = this.read(a);
        const index = this.read(b);
        if (this.typeOfRef(index) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
        this.emit("ASET", "none", [arr, index, this.read(c)], true);
        o.items[k] = v;
        return pc + 4;
      }
      case Op.CALLG:
        return this.callBuiltin(pc, a, b, c);
      case Op.GETGLOBAL: {
        const v = this.frame.module.globals[b];
        if (this.frame.module.kinds[b] === 0) throw new TraceAbort("error_raised", "an undefined global");
        const ref = this.read(GLOBAL_SLOT_BASE + b);
        this.write(a, ref, v);
        return pc + 4;
      }
      case Op.CHECKGLOBALMUT:
        // Binding kinds never change once mutable: nothing to guard at run time.
        if (this.frame.module.kinds[b] !== GLOBAL_KIND.mut) throw new TraceAbort("nyi_value", "a mutation through a global that is not mut");
        return pc + 4;
      case Op.SETGLOBAL: {
        if (this.frame.module.kinds[b] !== GLOBAL_KIND.mut) throw new TraceAbort("nyi_value", "an assignment that defines or may not change a global");
        this.write(GLOBAL_SLOT_BASE + b, this.read(a), stack[base + a]);
        return pc + 4;
      }
      case Op.FORITER:
        return this.forIteration(pc, a, b, c);
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
        throw new TraceAbort("nyi_op", `bytecode ${opName(op)}`);
      }
    }
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
      more = position < source.items.length;
      limit = this.emit("ALEN", "int", [src]);
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
      value = source.items[position];
      const kind = this.kindOf(value);
      if (kind === "ref") throw new TraceAbort("nyi_value", "a for loop over an array of arrays");
      valueRef = this.emit("AGET", kind, [src, pos], before);
    }
    this.write(varReg, valueRef, value);
    this.write(it + 1, this.emit("ADD", "int", [pos, this.constant("int", 1)], before), position + 1);
    return body;
  }

  /** `R[a] = G[g](R[a+1] ..)` for the builtins traces compute inline. */
  private callBuiltin(pc: number, a: number, nargs: number, g: number): number {
    const globals = this.frame.module.globals;
    const fn = globals[g];
    if (!(fn instanceof RNative) || !INLINE_BUILTINS.has(fn.name) || nargs !== 1) {
      throw new TraceAbort(fn instanceof RNative ? "call_native" : "call_user", `call of ${fn instanceof RNative ? fn.name : "a function value"}`);
    }
    const x = this.stack[this.base + a + 1];
    const arg = this.read(a + 1);
    const kind = this.typeOfRef(arg);
    let ref: number;
    if (fn.name === "len") {
      if (kind !== "ref") throw new TraceAbort("nyi_value", "len of something other than an array");
      ref = this.emit("ALEN", "int", [arg]);
    } else {
      if (kind !== "int" && kind !== "float") throw new TraceAbort("nyi_value", `${fn.name} of a non-number`);
      const f = this.asFloat(arg);
      ref = fn.name === "sqrt" ? this.emit("FSQRT", "float", [f], true)
        : this.emit(fn.name === "abs" ? "FABS" : fn.name === "floor" ? "FFLOOR" : "FCEIL", "float", [f]);
    }
    const result = this.concrete(() => fn.fn([x]));
    if (!this.globalChecks.some((c) => c.globals === globals && c.index === g)) this.globalChecks.push({ globals, index: g, value: fn });
    this.write(a, ref, result);
    return pc + 4;
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
    if (lk === "bool" || rk === "bool") throw new TraceAbort("nyi_value", `arithmetic on a bool`);
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

function opName(op: number): string {
  return Op[op] ?? String(op);
}
