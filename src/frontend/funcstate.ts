// Per-function compilation state: instruction emission with source positions, jump
// labels, register allocation (locals below temporaries, Lua style) and block scopes.
// Register invariant: locals of open blocks occupy a prefix of the frame; temporaries
// are allocated above `nextReg` and released by resetting it to a mark.

import { FunctionProto, Op, OP_OPERANDS, type ModuleInfo } from "../interp/bytecode";
import type { Value } from "../interp/value";

export type BindingKind = "let" | "mut" | "const" | "param" | "func" | "self";

export interface LocalVar {
  name: string;
  reg: number;
  kind: BindingKind;
}

export interface LoopContext {
  breaks: number[];
  continues: number[];
  /** Number of open try blocks when the loop started (break/continue pop the rest). */
  tryDepth: number;
}

/** Binding kind codes stored per global at run time. */
export const GLOBAL_KIND = { undefined: 0, mut: 1, let: 2, const: 3, builtin: 4 } as const;

const DYN_REG_BASE = 1 << 24;

export class FuncState {
  readonly proto: FunctionProto;
  private code: number[] = [];
  private lines: number[] = [];
  private cols: number[] = [];
  private constIndex = new Map<unknown, number>();
  readonly scopes: Map<string, LocalVar>[] = [new Map()];
  /** Names created by a bare `x := e` inside a function: function-scoped, see GETDYN. */
  readonly dynLocals = new Map<string, number>();
  /**
   * Constants used inside loops get a register of their own, loaded once by the
   * function's prologue (constant index -> register), instead of a LOADK per iteration.
   */
  readonly constRegs = new Map<number, number>();
  readonly captureIndex = new Map<string, number>();
  /** Kinds of captured variables (for immutability errors). */
  readonly captureKinds = new Map<string, BindingKind>();
  /** Captured names that are function-scoped `:=` locals upstream (may be unassigned). */
  readonly captureDyn = new Set<string>();
  readonly loops: LoopContext[] = [];
  tryDepth = 0;
  nextReg = 0;
  line = 0;
  col = 0;

  constructor(
    name: string,
    arity: number,
    module: ModuleInfo,
    readonly parent: FuncState | null,
    /** The module's top level: its outermost scope holds globals, not registers. */
    readonly isModuleMain: boolean,
  ) {
    this.proto = new FunctionProto(name, arity, module);
  }

  get pc(): number {
    return this.code.length;
  }

  at(node: { line: number; col: number }): void {
    this.line = node.line;
    this.col = node.col;
  }

  emit(op: number, a = 0, b = 0, c = 0): number {
    const pc = this.code.length;
    this.code.push(op, a, b, c);
    this.lines.push(this.line);
    this.cols.push(this.col);
    return pc;
  }

  /** Point the jump operand of the instruction at `pc` to `target`. */
  patch(pc: number, target: number): void {
    const kinds = OP_OPERANDS[this.code[pc]];
    const slot = kinds.indexOf("J");
    if (slot < 0) throw new Error(`patch: ${this.code[pc]} has no jump operand`);
    this.code[pc + 1 + slot] = target;
  }

  patchAll(pcs: number[], target: number): void {
    for (const pc of pcs) this.patch(pc, target);
  }

  setOperand(pc: number, index: 0 | 1 | 2, value: number): void {
    this.code[pc + 1 + index] = value;
  }

  opAt(pc: number): number {
    return this.code[pc];
  }

  operand(pc: number, index: 0 | 1 | 2): number {
    return this.code[pc + 1 + index];
  }

  /** Replace the instruction at pc (same position: no jump needs relocating). */
  rewrite(pc: number, op: number, a: number, b: number, c: number): void {
    this.code[pc] = op;
    this.code[pc + 1] = a;
    this.code[pc + 2] = b;
    this.code[pc + 3] = c;
  }

  constant(v: Value): number {
    // Floats are boxed: key them by their bits so 0.0 and -0.0 stay distinct.
    const key = v !== null && typeof v === "object" && "v" in v ? `f:${Object.is((v as { v: number }).v, -0) ? "-0" : (v as { v: number }).v}` : v;
    if (typeof key !== "object" || key === null) {
      const found = this.constIndex.get(key);
      if (found !== undefined) return found;
      this.constIndex.set(key, this.proto.consts.length);
    }
    this.proto.consts.push(v);
    return this.proto.consts.length - 1;
  }

  allocReg(): number {
    const r = this.nextReg++;
    if (this.nextReg > this.proto.nslots) this.proto.nslots = this.nextReg;
    return r;
  }

  allocRegs(n: number): number {
    const r = this.nextReg;
    this.nextReg += n;
    if (this.nextReg > this.proto.nslots) this.proto.nslots = this.nextReg;
    return r;
  }

  freeTo(mark: number): void {
    this.nextReg = mark;
  }

  pushScope(): void {
    this.scopes.push(new Map());
  }

  /** Close the innermost block: its locals' registers become free again. */
  popScope(): void {
    const scope = this.scopes.pop()!;
    let lowest = this.nextReg;
    for (const v of scope.values()) if (v.reg < lowest) lowest = v.reg;
    this.nextReg = lowest;
  }

  /** One past the highest register holding a declared local: registers from here up are temporaries. */
  localTop(): number {
    let top = 0;
    for (const scope of this.scopes) for (const v of scope.values()) if (v.reg >= top) top = v.reg + 1;
    return top;
  }

  /**
   * n consecutive registers starting at dst when dst is a temporary (everything above a
   * temporary is either free or a later sibling not evaluated yet), else fresh ones.
   */
  allocRegsAt(dst: number, n: number): number {
    if (dst >= this.localTop()) {
      if (dst + n > this.nextReg) this.nextReg = dst + n;
      if (this.nextReg > this.proto.nslots) this.proto.nslots = this.nextReg;
      return dst;
    }
    return this.allocRegs(n);
  }

  /** True when the innermost scope is the module's global scope. */
  get atGlobalScope(): boolean {
    return this.isModuleMain && this.scopes.length === 1;
  }

  declareLocal(name: string, reg: number, kind: BindingKind): LocalVar {
    const v = { name, reg, kind };
    this.scopes[this.scopes.length - 1].set(name, v);
    return v;
  }

  findLocal(name: string): LocalVar | undefined {
    const stop = this.isModuleMain ? 1 : 0;
    for (let i = this.scopes.length - 1; i >= stop; i--) {
      const v = this.scopes[i].get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /**
   * A register that lives as long as the frame: a function-scoped name created by a
   * bare `x := e`, or a loop constant. Its number is a placeholder, remapped by finish()
   * to just after the parameters (every other register moves up to make room), so that
   * neither block-scoped reuse of registers nor the frame of a call (which overlaps the
   * registers above the call's base) can clobber it.
   */
  allocDynReg(): number {
    return DYN_REG_BASE + this.dynCount++;
  }

  private dynCount = 0;

  /** Finish: remap placeholder registers, copy code and positions into the prototype. */
  finish(): FunctionProto {
    const p = this.proto;
    if (this.dynCount > 0) {
      const params = p.arity + (p.isMethod ? 1 : 0);
      const extra = this.dynCount;
      // Uniform shift of every register above the parameters keeps the implicit ranges
      // (call arguments, array elements, iterator pairs) intact.
      const remap = (r: number): number => (r >= DYN_REG_BASE ? params + r - DYN_REG_BASE : r >= params ? r + extra : r);
      for (let pc = 0; pc < this.code.length; pc += 4) {
        const kinds = OP_OPERANDS[this.code[pc]];
        for (let i = 0; i < 3; i++) if (kinds[i] === "R") this.code[pc + 1 + i] = remap(this.code[pc + 1 + i]);
      }
      p.nslots += extra;
      for (const child of p.protos) for (const cap of child.captures) if (cap.fromRegister) cap.index = remap(cap.index);
    }
    p.code = Int32Array.from(this.code);
    p.lines = Int32Array.from(this.lines);
    p.cols = Int32Array.from(this.cols);
    p.caches = new Array(this.code.length >> 2);
    if (p.nslots < p.arity + (p.isMethod ? 1 : 0)) p.nslots = p.arity + (p.isMethod ? 1 : 0);
    p.directArity = p.isGenerator || p.isMethod ? -1 : p.arity;
    p.hotCounts = new Int32Array(p.code.length >> 2);
    return p;
  }
}

export { Op };
